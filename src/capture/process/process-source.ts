import type { ChildProcess } from 'node:child_process';
import { VoxwireError } from '../../errors.js';
import { BaseAudioSource } from '../base.js';
import { resolveAudioFormat } from '../format.js';
import type { PcmRing } from '../ring.js';
import { ringFor, S16leAssembler } from '../stream.js';
import type { AudioFormat } from '../types.js';
import { exitDescription, type ProgramSpec, StderrTail, spawnProgram, terminate } from './child.js';
import { type DeviceOptions, type ResolvedDeviceOptions, resolveDeviceOptions } from './options.js';
import { Watchdog } from './watchdog.js';

/**
 * A capture source that runs an audio program writing raw s16le PCM to stdout (`parec`, `arecord`,
 * `ffmpeg`, `sox`). `start()` resolves at the first audio; a bad device or format shows as the
 * program's exit and an `ERR_CAPTURE` rejection carrying its stderr. While running, the program's
 * death or a stall (no data for `stallMs` of the clock) is reported as `error`; `stop()` kills the
 * program and waits for its exit.
 */
export class ProcessSource extends BaseAudioSource {
  readonly #specOf: ProgramSpec | (() => Promise<ProgramSpec>);
  #command = '';
  readonly #options: ResolvedDeviceOptions;
  readonly #ring: PcmRing;
  readonly #assembler: S16leAssembler;
  readonly #watchdog: Watchdog;
  #child: ChildProcess | undefined;
  #stderr = new StderrTail();

  /**
   * @param spec - The program and arguments (carrying the format and device), or a function resolving
   *   them at `start()` (device lookup; may throw `ERR_CAPTURE`).
   * @param format - What the program writes.
   * @param options - Clock, stall, start timeout, ring sizes.
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
    this.#ring = ringFor(resolved, options, true);
    this.#assembler = new S16leAssembler(this.#ring, resolved.channels);
    this.latencyMs = this.#options.deviceLatencyMs + (options.targetFillMs ?? 40);
    this.#watchdog = new Watchdog(this.#options.clock, this.#options.stallMs, (silentMs) => {
      this.fail(this.#error(`stalled: no audio for ${Math.round(silentMs)} ms`));
    });
  }

  /** Process id of the running program (for diagnostics and tests); undefined when not running. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  protected async open(): Promise<void> {
    this.#ring.clear();
    this.#ring.overrunSamples = 0;
    this.#assembler.reset();
    this.#stderr = new StderrTail();
    const spec = typeof this.#specOf === 'function' ? await this.#specOf() : this.#specOf;
    this.#command = spec.command;
    const child = await spawnProgram(spec, 'capture');
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => this.#stderr.append(chunk));
    const { clock, startTimeoutMs } = this.#options;
    let started = false;
    let settle: ((error?: VoxwireError) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    const timer = clock.setTimeout(
      () => settle?.(this.#error(`gave no audio within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#watchdog.feed();
      this.#assembler.push(chunk);
      if (!started) settle?.();
    });
    child.once('exit', (code, signal) => {
      const error = (): VoxwireError => this.#error(exitDescription(code, signal));
      if (started) {
        this.fail(error());
        return;
      }
      // Let the last stderr bytes (the reason) arrive before quoting them.
      if (child.stderr && !child.stderr.closed) child.stderr.once('close', () => settle?.(error()));
      else settle?.(error());
    });
    try {
      await ready;
    } catch (error) {
      await terminate(child, clock, 1000);
      this.#child = undefined;
      throw error;
    } finally {
      timer.cancel();
    }
    started = true;
    this.#watchdog.start();
  }

  protected pull(out: Int16Array): boolean | null {
    const got = this.#ring.read(out);
    this.stats.overrunSamples = this.#ring.overrunSamples;
    return got;
  }

  protected async close(): Promise<void> {
    this.#watchdog.stop();
    const child = this.#child;
    this.#child = undefined;
    if (child) await terminate(child, this.#options.clock, 1000);
  }

  #error(what: string): VoxwireError {
    return new VoxwireError('ERR_CAPTURE', `${this.#command} ${what}${this.#stderr}`);
  }
}
