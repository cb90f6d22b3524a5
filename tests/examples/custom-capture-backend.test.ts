import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/custom-capture-backend.js';
import { captureBackendNames } from '../../src/capture/index.js';
import { repoRoot } from '../helpers/peers.js';

describe('examples/custom-capture-backend.ts', () => {
  it('registers a backend selectable by name and plays its source into its sink', async () => {
    const lines: string[] = [];
    const { frames, rmsDbfs } = await main((line) => lines.push(line));
    expect(captureBackendNames()).toContain('noise');
    expect(frames).toBe(100);
    // Uniform noise at 0.1 of full scale: RMS = 0.1/√3 → −24.8 dBFS.
    expect(rmsDbfs).toBeGreaterThan(-25.5);
    expect(rmsDbfs).toBeLessThan(-24);
    expect(lines[0]).toMatch(/100 frames played/);
  });

  it('runs as a script', () => {
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'examples', 'custom-capture-backend.ts')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
    );
    expect(stdout).toMatch(/noise backend: 100 frames played, level -2\d\.\d dBFS/);
  });
});
