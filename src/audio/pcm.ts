/**
 * PCM sample helpers: Int16 ↔ Float32, interleaving, channel mixing and gain. Float32 samples are
 * full scale at 1.0 (Int16 −32768 ↔ −1.0); Int16 results are rounded to nearest and saturated to
 * [−32768, 32767], never wrapped. Every function takes an optional `out` buffer (owned by the caller);
 * when it is longer than needed the result is a view of its first samples.
 */
import { VoxwireError } from '../errors.js';
import { outputFor } from './out-buffer.js';

/** A block of PCM samples: Int16 at the edges, Float32 inside. */
export type PcmSamples = Int16Array | Float32Array;

const INT16_SCALE = 32768;
/** Largest Float32 sample that maps to Int16 without saturating (32767/32768). */
const FLOAT_MAX = 32767 / 32768;

function invalid(message: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', message);
}

function newLike<T extends PcmSamples>(like: T, length: number): T {
  return (like instanceof Int16Array ? new Int16Array(length) : new Float32Array(length)) as T;
}

function checkChannels(channels: number, what: string): void {
  if (!Number.isInteger(channels) || channels < 1) {
    invalid(`${what}: channels must be a positive integer, got ${channels}`);
  }
}

function checkFrames(length: number, channels: number, what: string): number {
  if (length % channels !== 0) {
    invalid(`${what}: ${length} samples is not a whole number of ${channels}-channel frames`);
  }
  return length / channels;
}

/** Rounds a Float32-scaled value to Int16 with saturation; NaN gives 0. */
export function floatSampleToInt16(value: number): number {
  const scaled = Math.round(value * INT16_SCALE);
  if (scaled >= 32767) return 32767;
  if (scaled <= -32768) return -32768;
  return Number.isNaN(scaled) ? 0 : scaled;
}

/**
 * Converts Int16 samples to Float32 in [−1, 1): `x / 32768`. Exact (every Int16 is a Float32).
 * @param input - Samples, any rate and channel layout.
 * @param out - Optional destination with at least `input.length` samples.
 * @returns The converted samples (`out` or a view of it when given).
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
 */
export function int16ToFloat32(input: Int16Array, out?: Float32Array): Float32Array {
  const n = input.length;
  const result = outputFor(out, n, (length) => new Float32Array(length), 'int16ToFloat32');
  for (let i = 0; i < n; i++) result[i] = input[i] / INT16_SCALE;
  return result;
}

/**
 * Converts Float32 samples (full scale 1.0) to Int16: `round(x · 32768)` saturated to
 * [−32768, 32767], so 1.0 gives 32767 and out-of-range input clips instead of wrapping. NaN gives 0.
 * @param input - Samples, any rate and channel layout.
 * @param out - Optional destination with at least `input.length` samples.
 * @returns The converted samples (`out` or a view of it when given).
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
 */
export function float32ToInt16(input: Float32Array, out?: Int16Array): Int16Array {
  const n = input.length;
  const result = outputFor(out, n, (length) => new Int16Array(length), 'float32ToInt16');
  for (let i = 0; i < n; i++) result[i] = floatSampleToInt16(input[i]);
  return result;
}

/**
 * Interleaves planar channels into one buffer (frame by frame: L R L R … for stereo).
 * @param channels - One array per channel, all the same length and type (at least one).
 * @param out - Optional destination of the same type with at least `channels.length · length` samples.
 * @returns The interleaved samples.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when no channel is given, lengths differ or `out` is too short.
 */
export function interleave<T extends PcmSamples>(channels: readonly T[], out?: T): T {
  const count = channels.length;
  if (count === 0) invalid('interleave: at least one channel is needed');
  const frames = channels[0].length;
  for (const channel of channels) {
    if (channel.length !== frames) {
      invalid(`interleave: channels differ in length (${frames} and ${channel.length} samples)`);
    }
  }
  const result = outputFor(out, frames * count, (length) => newLike(channels[0], length), 'interleave');
  for (let c = 0; c < count; c++) {
    const channel = channels[c];
    for (let i = 0, j = c; i < frames; i++, j += count) result[j] = channel[i];
  }
  return result;
}

/**
 * Splits interleaved samples into one array per channel.
 * @param input - Interleaved samples; the length must be a multiple of `channels`.
 * @param channels - Channel count (≥ 1).
 * @param out - Optional destinations, one per channel, each of the same type as `input` and at least
 *   `input.length / channels` samples long.
 * @returns One array per channel (the given `out` arrays or views of them).
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` on a bad channel count, a partial frame, or wrong `out`.
 */
export function deinterleave<T extends PcmSamples>(input: T, channels: number, out?: readonly T[]): T[] {
  checkChannels(channels, 'deinterleave');
  const frames = checkFrames(input.length, channels, 'deinterleave');
  if (out !== undefined && out.length !== channels) {
    invalid(`deinterleave: out has ${out.length} arrays but there are ${channels} channels`);
  }
  const result: T[] = [];
  for (let c = 0; c < channels; c++) {
    const channel = outputFor(out?.[c], frames, (length) => newLike(input, length), 'deinterleave');
    for (let i = 0, j = c; i < frames; i++, j += channels) channel[i] = input[j];
    result.push(channel);
  }
  return result;
}

/**
 * Mixes interleaved multi-channel samples down to mono by averaging the channels of each frame
 * (Int16 results are rounded to nearest). With one channel it copies.
 * @param input - Interleaved samples; the length must be a multiple of `channels`.
 * @param channels - Channel count (≥ 1).
 * @param out - Optional destination of the same type with at least `input.length / channels` samples.
 * @returns Mono samples.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` on a bad channel count, a partial frame, or a short `out`.
 */
export function downmixToMono<T extends PcmSamples>(input: T, channels: number, out?: T): T {
  checkChannels(channels, 'downmixToMono');
  const frames = checkFrames(input.length, channels, 'downmixToMono');
  const result = outputFor(out, frames, (length) => newLike(input, length), 'downmixToMono');
  const isInt = input instanceof Int16Array;
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += input[j++];
    const mean = sum / channels;
    result[i] = isInt ? Math.round(mean) : mean;
  }
  return result;
}

/**
 * Copies mono samples into every channel of an interleaved buffer (no level change).
 * @param input - Mono samples.
 * @param channels - Channel count of the result (≥ 1).
 * @param out - Optional destination of the same type with at least `input.length · channels` samples.
 * @returns Interleaved samples.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` on a bad channel count or a short `out`.
 */
export function upmixFromMono<T extends PcmSamples>(input: T, channels: number, out?: T): T {
  checkChannels(channels, 'upmixFromMono');
  const frames = input.length;
  const result = outputFor(out, frames * channels, (length) => newLike(input, length), 'upmixFromMono');
  for (let i = 0, j = 0; i < frames; i++) {
    const v = input[i];
    for (let c = 0; c < channels; c++) result[j++] = v;
  }
  return result;
}

/**
 * Multiplies samples by `10^(gainDb/20)` and saturates to the Int16 range: Int16 results are rounded
 * and clipped to [−32768, 32767]; Float32 results are clipped to [−1, 32767/32768], the same range,
 * so a later {@link float32ToInt16} never clips again. NaN samples give 0.
 * @param input - Samples, any rate and channel layout.
 * @param gainDb - Gain in dB (negative attenuates); must be finite.
 * @param out - Optional destination of the same type with at least `input.length` samples; may be
 *   `input` itself for an in-place change.
 * @returns The scaled samples.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `gainDb` is not finite or `out` is too short.
 */
export function applyGainDb<T extends PcmSamples>(input: T, gainDb: number, out?: T): T {
  if (!Number.isFinite(gainDb)) invalid(`applyGainDb: gainDb must be finite, got ${gainDb}`);
  const n = input.length;
  const result = outputFor(out, n, (length) => newLike(input, length), 'applyGainDb');
  const factor = 10 ** (gainDb / 20);
  if (input instanceof Int16Array) {
    for (let i = 0; i < n; i++) {
      const v = Math.round(input[i] * factor);
      result[i] = Math.max(-32768, Math.min(32767, v));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = input[i] * factor;
      result[i] = Number.isNaN(v) ? 0 : Math.max(-1, Math.min(FLOAT_MAX, v));
    }
  }
  return result;
}
