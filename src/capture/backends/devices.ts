import { execFile } from 'node:child_process';
import { VoxwireError } from '../../errors.js';
import type { AudioDevice } from './types.js';

/**
 * Picks the device `wanted` names: exact id, then exact name (case-insensitive), then the one device
 * whose id or name contains it.
 * @throws VoxwireError `ERR_CAPTURE` naming the available devices when none or several match.
 */
export function selectDevice(
  devices: readonly AudioDevice[],
  wanted: string,
  kind: 'source' | 'sink',
): AudioDevice {
  const ofKind = devices.filter((d) => d.kind === kind);
  const lower = wanted.toLowerCase();
  const exact = ofKind.find((d) => d.id === wanted) ?? ofKind.find((d) => d.name.toLowerCase() === lower);
  if (exact) return exact;
  const partial = ofKind.filter(
    (d) => d.id.toLowerCase().includes(lower) || d.name.toLowerCase().includes(lower),
  );
  if (partial.length === 1) return partial[0];
  const what = kind === 'source' ? 'capture' : 'playback';
  const list = ofKind.map((d) => JSON.stringify(d.id)).join(', ') || 'none';
  const why = partial.length > 1 ? 'matches several' : 'matches no';
  throw new VoxwireError(
    'ERR_CAPTURE',
    `device ${JSON.stringify(wanted)} ${why} ${what} device; available: ${list}`,
  );
}

/** Output of a listing program. @internal */
export interface ProgramOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code (null when killed). */
  readonly code: number | null;
  /** True when the program could not be started (ENOENT). */
  readonly missing: boolean;
}

/** Runs a short listing program to completion (killed after 10 s). @internal */
export function runProgram(
  command: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): Promise<ProgramOutput> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { env: { ...process.env, ...env }, timeout: 10_000, maxBuffer: 4 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
        const missing = err?.code === 'ENOENT';
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : missing ? null : 1;
        resolve({ stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), code, missing });
      },
    );
  });
}

/** True when `command` can be started (probed with `args`; the exit code does not matter). @internal */
export async function hasProgram(command: string, args: readonly string[] = ['--version']): Promise<boolean> {
  return !(await runProgram(command, args)).missing;
}
