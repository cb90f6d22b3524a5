/**
 * Streaming rational resampler (polyphase Kaiser-windowed sinc). The input history is carried
 * across calls and every output sample is computed from the same inputs in the same order whatever
 * the chunking, so any split of a stream gives bit-identical output to one call.
 */
import { VoxwireError } from '../../errors.js';
import { outputFor } from '../out-buffer.js';
import { floatSampleToInt16 } from '../pcm.js';
import { polyphaseBank } from './filter.js';
import { type ResamplerOptions, resolveResamplerOptions } from './options.js';

/** Input frames staged per inner block; bounds the working memory whatever the call size. */
const BLOCK_FRAMES = 1024;

function invalid(message: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', message);
}

/**
 * Converts interleaved audio between any two of `SUPPORTED_SAMPLE_RATES_HZ` (or passes it
 * through at the same rate), in chunks of any size.
 *
 * Output sample n of a stream represents input time `(n − delaySamples) / outputRateHz`: the filter
 * is linear-phase and its group delay is a whole number of output samples. `flush()` emits the last
 * `delaySamples` frames, so dropping the first `delaySamples` output frames of a flushed stream leaves
 * exactly `ceil(inputFrames · outputRateHz / inputRateHz)` frames aligned with the input.
 *
 * After construction, calls that are given `out` allocate nothing. Non-finite input samples are
 * treated as 0.
 */
export class Resampler {
  /** Input rate in Hz. */
  readonly inputRateHz: number;
  /** Output rate in Hz. */
  readonly outputRateHz: number;
  /** Interleaved channels per frame. */
  readonly channels: number;
  /** Group delay of the filter in output samples per channel (0 when the rates are equal). */
  readonly delaySamples: number;

  private readonly passthrough: boolean;
  private readonly up: number;
  private readonly down: number;
  private readonly taps: number;
  private readonly stepFrames: number;
  private readonly stepPhase: number;
  private readonly bank: Float32Array;
  /** Interleaved: taps − 1 frames of history, then up to BLOCK_FRAMES staged input frames. */
  private readonly work: Float32Array;
  /** Float output of one block, converted to Int16 by the Int16 calls. */
  private readonly scratch: Float32Array;
  private phase = 0;
  /** Input frame (relative to the next block) that the next output's window ends on; ≥ 0. */
  private nextFrame = 0;

  /**
   * @param options - Rates, channel count and optional filter tuning.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unsupported rate, channel count or filter value.
   */
  constructor(options: ResamplerOptions) {
    const resolved = resolveResamplerOptions(options);
    this.inputRateHz = resolved.inputRateHz;
    this.outputRateHz = resolved.outputRateHz;
    this.channels = resolved.channels;
    this.passthrough = resolved.inputRateHz === resolved.outputRateHz;
    const bank = this.passthrough
      ? { upFactor: 1, downFactor: 1, tapsPerPhase: 1, coefficients: new Float32Array([1]), delaySamples: 0 }
      : polyphaseBank(
          resolved.inputRateHz,
          resolved.outputRateHz,
          resolved.passbandEdge,
          resolved.stopbandEdge,
          resolved.stopbandAttenuationDb,
        );
    this.up = bank.upFactor;
    this.down = bank.downFactor;
    this.taps = bank.tapsPerPhase;
    this.bank = bank.coefficients;
    this.delaySamples = bank.delaySamples;
    this.stepFrames = Math.floor(this.down / this.up);
    this.stepPhase = this.down % this.up;
    const c = this.channels;
    this.work = new Float32Array(this.passthrough ? 0 : (this.taps - 1 + BLOCK_FRAMES) * c);
    this.scratch = new Float32Array(
      this.passthrough ? 0 : (Math.ceil((BLOCK_FRAMES * this.up) / this.down) + 1) * c,
    );
  }

  /**
   * Exact output length (all channels) that the next {@link Resampler.process} call returns for an input of
   * `inputLength` samples (all channels), given the current stream position.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `inputLength` is not a whole number of frames.
   */
  outputLengthFor(inputLength: number): number {
    const frames = this.framesOf(inputLength, 'outputLengthFor');
    if (this.passthrough) return inputLength;
    const span = (frames - this.nextFrame) * this.up - this.phase;
    return span <= 0 ? 0 : Math.ceil(span / this.down) * this.channels;
  }

  /**
   * Upper bound of the output length for an input of `inputLength` samples at any stream position:
   * `ceil(frames · outputRateHz / inputRateHz) · channels`. Size reusable `out` buffers with it.
   */
  maxOutputLengthFor(inputLength: number): number {
    const frames = Math.ceil(inputLength / this.channels);
    return Math.ceil((frames * this.up) / this.down) * this.channels;
  }

  /** Output length (all channels) that {@link Resampler.flush} returns: `delaySamples · channels`. */
  get flushLength(): number {
    return this.delaySamples * this.channels;
  }

  /**
   * Resamples the next chunk of the stream.
   * @param input - Interleaved Float32 samples (full scale 1.0); length a multiple of `channels`.
   *   Not modified.
   * @param out - Optional destination with at least {@link Resampler.outputLengthFor}`(input.length)`
   *   samples, not overlapping `input` (except at the same rate).
   * @returns The output samples: `out` or a view of its start when given, else a new array.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a partial frame, a short `out`, or an `out` that
   *   overlaps `input` (the stream state is unchanged then).
   */
  process(input: Float32Array, out?: Float32Array): Float32Array {
    const length = this.outputLengthFor(input.length);
    const result = outputFor(out, length, (n) => new Float32Array(n), 'process');
    this.checkNoOverlap(input, result, 'process');
    if (this.passthrough) {
      result.set(input);
      return result;
    }
    this.run(input, result, null);
    return result;
  }

  /**
   * {@link Resampler.process} for Int16 samples (full scale 32768): the same filter, results rounded and
   * saturated to Int16.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a partial frame, a short or overlapping `out`.
   */
  processInt16(input: Int16Array, out?: Int16Array): Int16Array {
    const length = this.outputLengthFor(input.length);
    const result = outputFor(out, length, (n) => new Int16Array(n), 'processInt16');
    this.checkNoOverlap(input, result, 'processInt16');
    if (this.passthrough) {
      result.set(input);
      return result;
    }
    this.run(input, null, result);
    return result;
  }

  /**
   * Ends the stream: emits the last {@link Resampler.flushLength} samples (the filter tail, as if the input
   * were followed by silence), then {@link Resampler.reset}s so the object can start a new stream.
   * @param out - Optional destination with at least {@link Resampler.flushLength} samples.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
   */
  flush(out?: Float32Array): Float32Array {
    const result = outputFor(out, this.flushLength, (n) => new Float32Array(n), 'flush');
    this.runTail(result, null);
    return result;
  }

  /** {@link Resampler.flush} with Int16 output. @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short. */
  flushInt16(out?: Int16Array): Int16Array {
    const result = outputFor(out, this.flushLength, (n) => new Int16Array(n), 'flushInt16');
    this.runTail(null, result);
    return result;
  }

  /** Forgets the stream: clears the history and the phase, as after construction. */
  reset(): void {
    this.work.fill(0);
    this.phase = 0;
    this.nextFrame = 0;
  }

  private framesOf(inputLength: number, what: string): number {
    if (!Number.isInteger(inputLength) || inputLength < 0 || inputLength % this.channels !== 0) {
      invalid(`${what}: ${inputLength} samples is not a whole number of ${this.channels}-channel frames`);
    }
    return inputLength / this.channels;
  }

  /** Output written while later input is still unread would corrupt it (the rate change shifts them). */
  private checkNoOverlap(input: ArrayBufferView, output: ArrayBufferView, what: string): void {
    if (this.passthrough || input.buffer !== output.buffer || output.byteLength === 0) return;
    const inEnd = input.byteOffset + input.byteLength;
    const outEnd = output.byteOffset + output.byteLength;
    if (input.byteOffset < outEnd && output.byteOffset < inEnd) invalid(`${what}: out overlaps input`);
  }

  /** Streams `input` block by block into `floatOut` or (through `scratch`) `intOut`. */
  private run(
    input: Float32Array | Int16Array,
    floatOut: Float32Array | null,
    intOut: Int16Array | null,
  ): void {
    const c = this.channels;
    const frames = input.length / c;
    const stage = (this.taps - 1) * c;
    const work = this.work;
    const isInt = input instanceof Int16Array;
    let written = 0;
    for (let start = 0; start < frames; start += BLOCK_FRAMES) {
      const count = Math.min(BLOCK_FRAMES, frames - start);
      const from = start * c;
      const n = count * c;
      if (isInt) {
        for (let i = 0; i < n; i++) work[stage + i] = input[from + i] / 32768;
      } else {
        for (let i = 0; i < n; i++) {
          const v = input[from + i];
          work[stage + i] = v - v === 0 ? v : 0; // NaN and ±Infinity would poison the history
        }
      }
      written += this.emit(count, floatOut, intOut, written, Number.POSITIVE_INFINITY);
    }
  }

  /** Feeds silence until `delaySamples` frames have come out, then resets. */
  private runTail(floatOut: Float32Array | null, intOut: Int16Array | null): void {
    if (this.passthrough) return;
    const stage = (this.taps - 1) * this.channels;
    let written = 0;
    while (written < this.delaySamples) {
      this.work.fill(0, stage);
      written += this.emit(BLOCK_FRAMES, floatOut, intOut, written, this.delaySamples - written);
    }
    this.reset();
  }

  /** Filters one staged block, writes at frame `atFrame`, shifts the history; returns frames written. */
  private emit(
    count: number,
    floatOut: Float32Array | null,
    intOut: Int16Array | null,
    atFrame: number,
    limit: number,
  ): number {
    const c = this.channels;
    const produced =
      floatOut !== null
        ? this.filterBlock(count, floatOut, atFrame, limit)
        : this.filterBlock(count, this.scratch, 0, limit);
    if (intOut !== null) {
      const n = produced * c;
      const base = atFrame * c;
      for (let i = 0; i < n; i++) intOut[base + i] = floatSampleToInt16(this.scratch[i]);
    }
    this.work.copyWithin(0, count * c, (count + this.taps - 1) * c);
    return produced;
  }

  /** The polyphase loop over one staged block of `count` frames; returns the frames written. */
  private filterBlock(count: number, dst: Float32Array, atFrame: number, limit: number): number {
    const bank = this.bank;
    const work = this.work;
    const K = this.taps;
    const L = this.up;
    const stepFrames = this.stepFrames;
    const stepPhase = this.stepPhase;
    const c = this.channels;
    let phase = this.phase;
    let frame = this.nextFrame;
    let o = atFrame;
    const end = atFrame + Math.min(limit, dst.length / c - atFrame);
    while (frame < count && o < end) {
      const off = phase * K;
      // Four partial sums per channel break the add-latency chain (about twice as fast as one), summed
      // in the same order for every channel count so channel c of a stream equals its mono resampling.
      if (c === 1) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let j = 0; j < K; j += 4) {
          const b = off + j;
          const w = frame + j;
          a0 += bank[b] * work[w];
          a1 += bank[b + 1] * work[w + 1];
          a2 += bank[b + 2] * work[w + 2];
          a3 += bank[b + 3] * work[w + 3];
        }
        dst[o] = a0 + a1 + (a2 + a3);
      } else if (c === 2) {
        let l0 = 0;
        let l1 = 0;
        let l2 = 0;
        let l3 = 0;
        let r0 = 0;
        let r1 = 0;
        let r2 = 0;
        let r3 = 0;
        for (let j = 0, w = frame * 2; j < K; j += 4, w += 8) {
          const b = off + j;
          l0 += bank[b] * work[w];
          r0 += bank[b] * work[w + 1];
          l1 += bank[b + 1] * work[w + 2];
          r1 += bank[b + 1] * work[w + 3];
          l2 += bank[b + 2] * work[w + 4];
          r2 += bank[b + 2] * work[w + 5];
          l3 += bank[b + 3] * work[w + 6];
          r3 += bank[b + 3] * work[w + 7];
        }
        dst[2 * o] = l0 + l1 + (l2 + l3);
        dst[2 * o + 1] = r0 + r1 + (r2 + r3);
      } else {
        const c2 = 2 * c;
        const c3 = 3 * c;
        const c4 = 4 * c;
        for (let ch = 0; ch < c; ch++) {
          let a0 = 0;
          let a1 = 0;
          let a2 = 0;
          let a3 = 0;
          for (let j = 0, w = frame * c + ch; j < K; j += 4, w += c4) {
            const b = off + j;
            a0 += bank[b] * work[w];
            a1 += bank[b + 1] * work[w + c];
            a2 += bank[b + 2] * work[w + c2];
            a3 += bank[b + 3] * work[w + c3];
          }
          dst[o * c + ch] = a0 + a1 + (a2 + a3);
        }
      }
      o++;
      phase += stepPhase;
      frame += stepFrames;
      if (phase >= L) {
        phase -= L;
        frame++;
      }
    }
    this.phase = phase;
    this.nextFrame = frame - count;
    return o - atFrame;
  }
}
