import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/loopback-call.js';
import { Resampler, readWavFile, wavToInt16 } from '../../src/index.js';
import { medianWindowCorrelation } from '../cli/heard.js';
import { repoRoot } from '../helpers/peers.js';

describe('examples/loopback-call.ts', () => {
  it('each side hears the other through the lossy emulated network', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwire-loopback-'));
    try {
      const lines: string[] = [];
      const [alice, bob] = await main(dir, (line) => lines.push(line));
      expect(lines.filter((l) => /received \d+ packets, lost \d+, MOS \d\.\d\d/.test(l))).toHaveLength(2);
      const said = async (name: string) => {
        const wav = await readWavFile(join(repoRoot, 'assets', 'speech', name));
        const pcm = wavToInt16(wav);
        if (wav.sampleRateHz === 16_000) return pcm;
        return new Resampler({ inputRateHz: wav.sampleRateHz, outputRateHz: 16_000 }).processInt16(pcm);
      };
      expect(medianWindowCorrelation(await said('hello-8k.wav'), bob.heard, 16_000)).toBeGreaterThan(0.75);
      expect(medianWindowCorrelation(await said('voice-b-16k.wav'), alice.heard, 16_000)).toBeGreaterThan(
        0.75,
      );
      expect(wavToInt16(await readWavFile(alice.path)).length).toBe(alice.heard.length);
      expect(bob.mos).toBeGreaterThan(2.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
