import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Resampler, readWavFile, wavToInt16 } from '../../src/index.js';
import { fromOnset, medianMatchAnywhere, medianWindowCorrelation } from '../cli/heard.js';
import { repoRoot } from '../helpers/peers.js';

describe('examples/two-process-call.ts', () => {
  it('runs a real-time call with a second copy of itself; the callee hears the caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwire-two-process-'));
    try {
      const stdout = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'examples', 'two-process-call.ts'), dir],
        { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
      );
      expect(stdout).toMatch(/caller: sent \d+ packets, received [1-9]\d+, MOS \d\.\d\d/);
      expect(stdout).toMatch(/callee: sent \d+ packets, received [1-9]\d+, MOS \d\.\d\d/);
      // The callee joins late (a new node process starts): it hears the caller from somewhere in
      // the sentence, and the caller hears the callee's sentence from its start.
      const said = async (name: string) => {
        const wav = await readWavFile(join(repoRoot, 'assets', 'speech', name));
        const pcm = wavToInt16(wav);
        if (wav.sampleRateHz === 8000) return pcm;
        return new Resampler({ inputRateHz: wav.sampleRateHz, outputRateHz: 8000 }).processInt16(pcm);
      };
      const calleeHeard = wavToInt16(await readWavFile(join(dir, 'callee-heard.wav')));
      const callerHeard = wavToInt16(await readWavFile(join(dir, 'caller-heard.wav')));
      const calleeScore = medianMatchAnywhere(await said('hello-8k.wav'), calleeHeard, 8000, 8);
      const callerScore = medianWindowCorrelation(
        await said('voice-b-16k.wav'),
        fromOnset(callerHeard, 8000),
        8000,
        1000,
        1000,
      );
      console.log(
        `two-process-call: callee hears caller ${calleeScore.toFixed(3)}, caller hears callee ${callerScore.toFixed(3)}`,
      );
      expect(calleeScore).toBeGreaterThan(0.8);
      expect(callerScore).toBeGreaterThan(0.8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
