import { type ChildProcess, spawn } from 'node:child_process';
import type { Clock } from '../../clock/index.js';
import { VoxwireError } from '../../errors.js';

/** How to start an audio program: the executable, its arguments and extra environment. */
export interface ProgramSpec {
  /** Executable name (looked up on PATH) or path. */
  readonly command: string;
  /** Arguments. */
  readonly args: readonly string[];
  /** Extra environment variables (merged over `process.env`). */
  readonly env?: Readonly<Record<string, string>>;
  /** What to tell the user to install when `command` is missing. */
  readonly installHint: string;
}

/** Last lines of a child's stderr, for error messages. @internal */
export class StderrTail {
  #text = '';

  append(chunk: Buffer): void {
    this.#text = (this.#text + chunk.toString('utf8')).slice(-2000);
  }

  toString(): string {
    const lines = this.#text.trim().split('\n').slice(-3).join(' | ');
    return lines === '' ? '' : `: ${lines}`;
  }
}

/**
 * Spawns `spec` and resolves once the process runs.
 * @throws VoxwireError `ERR_CAPTURE` when the program is missing (with the install hint) or cannot start.
 * @internal
 */
export function spawnProgram(spec: ProgramSpec, stdio: 'capture' | 'playback'): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(spec.command, [...spec.args], {
        env: { ...process.env, ...spec.env },
        stdio: stdio === 'capture' ? ['ignore', 'pipe', 'pipe'] : ['pipe', 'ignore', 'pipe'],
      });
    } catch (error) {
      reject(new VoxwireError('ERR_CAPTURE', `cannot start ${spec.command}`, { cause: error }));
      return;
    }
    child.once('spawn', () => resolve(child));
    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT';
      const message = missing
        ? `${spec.command} is not installed; ${spec.installHint}`
        : `cannot start ${spec.command}: ${error.message}`;
      reject(new VoxwireError('ERR_CAPTURE', message, { cause: error }));
    });
  });
}

/** Resolves once `child` has exited (at once when it already has). @internal */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Ends `child` and waits for its exit so no zombie is left: SIGTERM (plus SIGCONT, as a stopped
 * process would not act on it), then SIGKILL after `graceMs` of `clock`. @internal
 */
export async function terminate(child: ChildProcess, clock: Clock, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  child.kill('SIGCONT');
  const timer = clock.setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  timer.cancel();
}

/** Describes how a child ended, for messages. @internal */
export function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
}
