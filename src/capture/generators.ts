import { invalidOption } from '../errors.js';
import { BaseAudioSource } from './base.js';
import { resolveAudioFormat, samplesPerFrame } from './format.js';
import type { AudioFormat } from './types.js';

/** Options shared by the generated sources. */
export interface GeneratorOptions {
  /** Rate and channels of the frames (every channel carries the same signal). */
  readonly format: AudioFormat;
  /** Stop (emit `end`) after this many ms, rounded up to whole 10 ms frames; default: never. */
  readonly durationMs?: number;
  /** Peak level as a fraction of full scale, 0–1 (default 0.5). */
  readonly amplitude?: number;
}

/** Options of {@link ToneSource}. */
export interface ToneSourceOptions extends GeneratorOptions {
  /** Tone frequency, Hz, > 0 and below half the sample rate (default 440). */
  readonly frequencyHz?: number;
}

/** Options of {@link SweepSource}. */
export interface SweepSourceOptions extends GeneratorOptions {
  /** Start frequency, Hz, > 0 (default 100). */
  readonly startHz?: number;
  /** End frequency, Hz, below half the sample rate (default: 0.45 · sample rate). */
  readonly endHz?: number;
  /** Length of one sweep, ms (default 1000); the sweep repeats until `durationMs`. */
  readonly sweepMs?: number;
}

/** Base of the generators: duration in frames, amplitude, fills every channel from `next()`. */
abstract class GeneratorSource extends BaseAudioSource {
  readonly #totalFrames: number;
  /** Peak value in Int16 units (the `amplitude` option × 32767). */
  protected readonly amplitude: number;
  #frame = 0;

  constructor(options: GeneratorOptions) {
    if (options === null || typeof options !== 'object') invalidOption('options', options, 'an object');
    super(resolveAudioFormat(options.format));
    const { durationMs, amplitude = 0.5 } = options;
    if (durationMs !== undefined && !(durationMs >= 0 && Number.isFinite(durationMs))) {
      invalidOption('durationMs', durationMs, 'a finite number ≥ 0');
    }
    if (!(amplitude >= 0 && amplitude <= 1)) invalidOption('amplitude', amplitude, 'from 0 to 1');
    this.#totalFrames = durationMs === undefined ? Number.POSITIVE_INFINITY : Math.ceil(durationMs / 10);
    this.amplitude = amplitude * 32767;
  }

  protected async open(): Promise<void> {
    this.#frame = 0;
    this.restart();
  }

  protected pull(out: Int16Array): boolean {
    if (this.#frame >= this.#totalFrames) {
      this.shutdown().catch(() => undefined);
      return false;
    }
    this.#frame++;
    const channels = this.format.channels;
    const n = samplesPerFrame(this.format);
    for (let i = 0, j = 0; i < n; i++) {
      const v = Math.round(this.next());
      for (let c = 0; c < channels; c++) out[j++] = v;
    }
    return true;
  }

  protected async close(): Promise<void> {}

  /** Resets the signal's phase at `start()`. */
  protected abstract restart(): void;
  /** The next sample, in Int16 units. */
  protected abstract next(): number;
}

function checkFrequency(name: string, value: number, format: AudioFormat): void {
  if (!(value > 0 && value < format.sampleRateHz / 2)) {
    invalidOption(name, value, `> 0 and < ${format.sampleRateHz / 2} Hz`);
  }
}

/** A sine tone source, as fast as pulled; for tests, calibration and "is my speaker on". */
export class ToneSource extends GeneratorSource {
  readonly #step: number;
  #phase = 0;

  /** @throws VoxwireError `ERR_INVALID_OPTION` for a bad format, frequency, amplitude or duration. */
  constructor(options: ToneSourceOptions) {
    super(options);
    const frequencyHz = options.frequencyHz ?? 440;
    checkFrequency('frequencyHz', frequencyHz, this.format);
    this.#step = (2 * Math.PI * frequencyHz) / this.format.sampleRateHz;
  }

  protected restart(): void {
    this.#phase = 0;
  }

  protected next(): number {
    const v = this.amplitude * Math.sin(this.#phase);
    this.#phase += this.#step;
    if (this.#phase > 2 * Math.PI) this.#phase -= 2 * Math.PI;
    return v;
  }
}

/** A repeating linear sine sweep from `startHz` to `endHz` over `sweepMs`. */
export class SweepSource extends GeneratorSource {
  readonly #startHz: number;
  readonly #slopeHzPerSample: number;
  readonly #sweepSamples: number;
  #phase = 0;
  #index = 0;

  /** @throws VoxwireError `ERR_INVALID_OPTION` for a bad format, frequencies, amplitude or durations. */
  constructor(options: SweepSourceOptions) {
    super(options);
    const rate = this.format.sampleRateHz;
    const startHz = options.startHz ?? 100;
    const endHz = options.endHz ?? 0.45 * rate;
    const sweepMs = options.sweepMs ?? 1000;
    checkFrequency('startHz', startHz, this.format);
    checkFrequency('endHz', endHz, this.format);
    if (!(sweepMs >= 10 && Number.isFinite(sweepMs)))
      invalidOption('sweepMs', sweepMs, 'a finite number ≥ 10');
    this.#startHz = startHz;
    this.#sweepSamples = Math.round((sweepMs * rate) / 1000);
    this.#slopeHzPerSample = (endHz - startHz) / this.#sweepSamples;
  }

  protected restart(): void {
    this.#phase = 0;
    this.#index = 0;
  }

  protected next(): number {
    const v = this.amplitude * Math.sin(this.#phase);
    const frequencyHz = this.#startHz + this.#slopeHzPerSample * this.#index;
    this.#phase += (2 * Math.PI * frequencyHz) / this.format.sampleRateHz;
    if (this.#phase > 2 * Math.PI) this.#phase -= 2 * Math.PI;
    if (++this.#index >= this.#sweepSamples) this.#index = 0;
    return v;
  }
}

/** A source of digital silence (all zeros), as fast as pulled. */
export class SilenceSource extends GeneratorSource {
  /** @throws VoxwireError `ERR_INVALID_OPTION` for a bad format or duration. */
  constructor(options: GeneratorOptions) {
    super({ ...options, amplitude: 0 });
  }

  protected restart(): void {}

  protected next(): number {
    return 0;
  }
}
