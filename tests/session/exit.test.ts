import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/peers.js';

describe('VoiceSession.stop()', () => {
  for (const codec of ['pcmu', 'opus']) {
    it(`leaves nothing running: a ${codec} script over UDP exits by itself`, () => {
      const script = join(repoRoot, 'tests', 'session', 'fixtures', 'stop-exits.ts');
      // The timeout only guards against a hang; it is not a timing assertion.
      const run = spawnSync(process.execPath, ['--import', 'tsx', script, codec], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.error).toBeUndefined();
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const received = Number(/received (\d+)/.exec(run.stdout)?.[1]);
      expect(received).toBeGreaterThan(0); // media flowed (how much depends on the load)
    }, 70_000);
  }
});
