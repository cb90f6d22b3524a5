import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/index.js';
import { repoRoot } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';

describe('examples/rtp-call.ts (the README main-job command)', () => {
  it('runs a lossy real-time RTP call on 127.0.0.1 and writes intelligible heard audio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwire-rtp-call-'));
    try {
      const heardPath = join(dir, 'heard.wav');
      const input = join(repoRoot, 'assets', 'speech', 'hello-8k.wav');
      const stdout = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(repoRoot, 'examples', 'rtp-call.ts'), input, heardPath],
        { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
      );
      expect(stdout).toContain('wrote');
      const sent = wavToInt16(await readWavFile(input));
      const heard = wavToInt16(await readWavFile(heardPath));
      expect(heard.length).toBeGreaterThan(sent.length * 0.9);
      // The playout time-stretches, so alignment drifts: score 250 ms windows of what was sent, each
      // against what was heard around it (playout delay ≤ 0.5 s), and take the median.
      const scores: number[] = [];
      for (let start = 0; start + 2000 <= sent.length; start += 2000) {
        const heardAround = heard.subarray(start, Math.min(heard.length, start + 2000 + 4000));
        scores.push(alignedCorrelation(sent.subarray(start, start + 2000), heardAround, 4000).correlation);
      }
      scores.sort((a, b) => a - b);
      expect(scores[Math.floor(scores.length / 2)]).toBeGreaterThan(0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
