import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { VoxwireError } from '../../errors.js';
import { BaseAudioSink } from '../base.js';
import { resolveAudioFormat } from '../format.js';
import type { AudioFormat } from '../types.js';
import { exitDescription, exited, type ProgramSpec, StderrTail, spawnProgram, terminate } from './child.js';
import { type DeviceOptions, type ResolvedDeviceOptions, resolveDeviceOptions } from './options.js';
import { Watchdog } from './watchdog.js';

/**
 * A playback sink that runs an audio program reading raw s16le PCM on stdin (`pacat`, `aplay`,
 * `sox`, `ffplay`). `write` returns false once more than `highWaterMarkMs` of audio waits in the pipe
 * (and drops, counting overrun, beyond four times that). The program's death, or a stall (queued
 * audio not consumed for `stallMs`), is reported as `error`. `stop()` closes stdin, lets the program
 * play what it has, and waits for its exit (killing it if it does not end in time).
 */
export class ProcessSink extends BaseAudioSink {
  readonly #specOf: ProgramSpec | (() => Promise<ProgramSpec>);
  #command = '';
  readonly #options: ResolvedDeviceOptions;
  readonly #highWaterBytes: number;
  readonly #watchdog: Watchdog;
  #child: ChildProcess | undefined;
  #stdin: Writable | undefined;
  #lastQueued = 0;
  #blocked = false;
  #stderr = new StderrTail();

  /**
   * @param spec - The program and arguments (carrying the format and device), or a function resolving
   *   them at `start()` (device lookup; may throw `ERR_CAPTURE`).
   * @param format - What `write` accepts and the program reads.
   * @param options - Clock, stall, high-water mark.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format or option.
   */
  constructor(
    spec: ProgramSpec | (() => Promise<ProgramSpec>),
    format: AudioFormat,
    options: DeviceOptions = {},
  ) {
    const resolved = resolveAudioFormat(format);
    super(resolved);
    this.#specOf = spec;
    this.#command = typeof spec === 'function' ? 'audio program' : spec.command;
    this.#options = resolveDeviceOptions(options);
    this.#highWaterBytes = Math.ceil(
      (this.#options.highWaterMarkMs * resolved.sampleRateHz * resolved.channels * 2) / 1000,
    );
    this.latencyMs = this.#options.deviceLatencyMs;
    this.#watchdog = new Watchdog(
      this.#options.clock,
      this.#options.stallMs,
      (silentMs) =>
        this.fail(this.#error(`stalled: queued audio not consumed for ${Math.round(silentMs)} ms`)),
      () => this.#probe(),
    );
  }

  /** Process id of the running program (for diagnostics and tests); undefined when not running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  protected async open(): Promise<void> {
    this.#stderr = new StderrTail();
    const spec = typeof this.#specOf === 'function' ? await this.#specOf() : this.#specOf;
    this.#command = spec.command;
    const child = await spawnProgram(spec, 'playback');
    this.#child = child;
    this.#stdin = child.stdin ?? undefined;
    this.#blocked = false;
    this.#lastQueued = 0;
    child.stderr?.on('data', (chunk: Buffer) => this.#stderr.append(chunk));
    child.stdin?.on('error', () => undefined); // EPIPE after a death; the exit handler reports it
    child.stdin?.on('drain', () => {
      this.#watchdog.feed();
      if (this.#blocked) {
        this.#blocked = false;
        this.emitDrain();
      }
    });
    child.once('exit', (code, signal) => {
      if (this.#child !== child) return;
      const report = (): void => this.fail(this.#error(exitDescription(code, signal)));
      if (child.stderr && !child.stderr.closed) child.stderr.once('close', report);
      else report();
    });
    this.#watchdog.start();
  }

  protected push(frame: Int16Array): boolean {
    const stdin = this.#stdin;
    if (stdin === undefined || stdin.destroyed || stdin.writableLength > 4 * this.#highWaterBytes) {
      this.stats.frames--;
      this.stats.overrunSamples += frame.length / this.format.channels;
      return false;
    }
    stdin.write(Buffer.from(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)));
    if (stdin.writableLength > this.#highWaterBytes) this.#blocked = true;
    return !this.#blocked;
  }

  protected async close(): Promise<void> {
    this.#watchdog.stop();
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined) return;
    const stdin = this.#stdin;
    this.#stdin = undefined;
    stdin?.end();
    // Give the program the queued audio's duration plus a second to play it out, then kill.
    const queuedMs =
      ((stdin?.writableLength ?? 0) / (this.format.sampleRateHz * this.format.channels * 2)) * 1000;
    const { clock } = this.#options;
    let timedOut = false;
    const timer = clock.setTimeout(
      () => {
        timedOut = true;
        terminate(child, clock, 1000).catch(() => undefined);
      },
      queuedMs + this.#options.deviceLatencyMs + 1000,
    );
    await exited(child);
    if (!timedOut) timer.cancel();
  }

  /** Progress = the pipe's queue emptied or shrank since the last check. */
  #probe(): void {
    const queued = this.#stdin?.writableLength ?? 0;
    if (queued === 0 || queued < this.#lastQueued) this.#watchdog.feed();
    this.#lastQueued = queued;
  }

  #error(what: string): VoxwireError {
    return new VoxwireError('ERR_CAPTURE', `${this.#command} ${what}${this.#stderr}`);
  }
}
