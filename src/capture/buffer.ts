import { invalidOption } from '../errors.js';
import { BaseAudioSink, BaseAudioSource } from './base.js';
import { resolveAudioFormat } from './format.js';
import type { AudioFormat } from './types.js';

/** Options of {@link PcmBufferSource}. */
export interface PcmBufferSourceOptions {
  /** Start over at the end instead of ending (default false). */
  readonly loop?: boolean;
}

/**
 * A source that plays an in-memory Int16 buffer, one 10 ms frame per `read`, as fast as it is pulled.
 * The last partial frame is padded with silence; then the source ends (`end` event) unless `loop`,
 * which wraps around seamlessly. Each `start()` begins at the first sample.
 */
export class PcmBufferSource extends BaseAudioSource {
  readonly #samples: Int16Array;
  readonly #loop: boolean;
  #position = 0;

  /**
   * @param samples - Interleaved samples in `format` (kept, not copied; a trailing partial frame of
   *   channels is ignored).
   * @param format - Rate and channels of `samples`.
   * @param options - `loop`.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format, non-Int16Array samples, or an empty
   *   buffer with `loop`.
   */
  constructor(samples: Int16Array, format: AudioFormat, options: PcmBufferSourceOptions = {}) {
    const resolved = resolveAudioFormat(format);
    super(resolved);
    if (!(samples instanceof Int16Array)) invalidOption('samples', samples, 'must be an Int16Array');
    const whole = samples.length - (samples.length % resolved.channels);
    this.#samples = samples.subarray(0, whole);
    this.#loop = options.loop === true;
    if (this.#loop && whole === 0) invalidOption('loop', true, 'needs a non-empty buffer');
  }

  protected async open(): Promise<void> {
    this.#position = 0;
  }

  protected pull(out: Int16Array): boolean {
    const data = this.#samples;
    if (this.#position >= data.length && !this.#loop) {
      this.shutdown().catch(() => undefined);
      return false;
    }
    let written = 0;
    while (written < out.length) {
      if (this.#position >= data.length) {
        if (!this.#loop) break;
        this.#position = 0;
      }
      const n = Math.min(out.length - written, data.length - this.#position);
      out.set(data.subarray(this.#position, this.#position + n), written);
      written += n;
      this.#position += n;
    }
    if (written < out.length) out.fill(0, written);
    return true;
  }

  protected async close(): Promise<void> {}
}

/**
 * A sink that keeps everything written, for tests and offline rendering. Never applies backpressure.
 */
export class PcmBufferSink extends BaseAudioSink {
  #buffer: Int16Array;
  #length = 0;

  /**
   * @param format - Rate and channels `write` accepts.
   * @param initialCapacitySamples - Preallocated samples (all channels); grows by doubling.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format.
   */
  constructor(format: AudioFormat, initialCapacitySamples = 48_000) {
    super(resolveAudioFormat(format));
    this.#buffer = new Int16Array(Math.max(this.frameLength, Math.floor(initialCapacitySamples) || 0));
  }

  /** A copy of every sample written since construction (all runs, interleaved). */
  samples(): Int16Array {
    return this.#buffer.slice(0, this.#length);
  }

  /** Forgets what was written. */
  clear(): void {
    this.#length = 0;
  }

  protected async open(): Promise<void> {}

  protected push(frame: Int16Array): boolean {
    if (this.#length + frame.length > this.#buffer.length) {
      const grown = new Int16Array(Math.max(this.#buffer.length * 2, this.#length + frame.length));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(frame, this.#length);
    this.#length += frame.length;
    return true;
  }

  protected async close(): Promise<void> {}
}
