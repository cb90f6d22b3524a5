import { Resampler } from '../audio/index.js';
import { frameLength } from './format.js';
import type { AudioFormat } from './types.js';

/**
 * Converts 10 ms frames of one format to another: downmix (stereo → mono, mean) before resampling,
 * upmix (mono → stereo, copy) after, with a streaming {@link Resampler} in between. Allocation-free
 * per frame. @internal
 */
export class FrameConverter {
  readonly #from: AudioFormat;
  readonly #to: AudioFormat;
  readonly #midChannels: number;
  readonly #resampler: Resampler;
  readonly #mixed: Int16Array;
  readonly #resampled: Int16Array;
  /** Resampled samples not yet handed out (covers a per-call output count that varies by one). */
  readonly #fifo: Int16Array;
  #fifoLength = 0;

  constructor(from: AudioFormat, to: AudioFormat) {
    this.#from = from;
    this.#to = to;
    this.#midChannels = Math.min(from.channels, to.channels);
    this.#resampler = new Resampler({
      inputRateHz: from.sampleRateHz,
      outputRateHz: to.sampleRateHz,
      channels: this.#midChannels,
    });
    const inFrames = from.sampleRateHz / 100;
    this.#mixed = new Int16Array(inFrames * this.#midChannels);
    this.#resampled = new Int16Array(
      this.#resampler.maxOutputLengthFor(this.#mixed.length) + this.#midChannels,
    );
    this.#fifo = new Int16Array((to.sampleRateHz / 100 + 2) * this.#midChannels * 2);
  }

  /** Group delay of the rate change, output samples per channel (0 at equal rates). */
  get delaySamples(): number {
    return this.#resampler.delaySamples;
  }

  /** Samples (all channels) of one input frame. */
  get inputLength(): number {
    return frameLength(this.#from);
  }

  /** Converts one input frame into one output frame `out` (exactly one 10 ms frame of the target). */
  convert(input: Int16Array, out: Int16Array): void {
    const inCh = this.#from.channels;
    const mid = this.#midChannels;
    const mixed = this.#mixed;
    if (inCh === mid) mixed.set(input);
    else {
      for (let i = 0, j = 0; i < mixed.length; i++, j += 2) mixed[i] = (input[j] + input[j + 1]) >> 1;
    }
    const produced = this.#resampler.processInt16(mixed, this.#resampled);
    const fifo = this.#fifo;
    const room = fifo.length - this.#fifoLength;
    const n = Math.min(room, produced.length);
    fifo.set(produced.subarray(0, n), this.#fifoLength);
    this.#fifoLength += n;
    const wantFrames = this.#to.sampleRateHz / 100;
    const have = Math.min(wantFrames, this.#fifoLength / mid);
    const outCh = this.#to.channels;
    if (outCh === mid) out.set(fifo.subarray(0, have * mid));
    else {
      for (let i = 0, j = 0; i < have; i++, j += 2) {
        out[j] = fifo[i];
        out[j + 1] = fifo[i];
      }
    }
    if (have < wantFrames) out.fill(0, have * outCh);
    fifo.copyWithin(0, have * mid, this.#fifoLength);
    this.#fifoLength -= have * mid;
  }

  /** Forgets the stream (resampler history and leftovers). */
  reset(): void {
    this.#resampler.reset();
    this.#fifoLength = 0;
  }
}
