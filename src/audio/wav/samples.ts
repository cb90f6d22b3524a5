/**
 * Conversion between the bytes of a WAV `data` chunk and Float32 samples, per encoding. Pure and
 * allocation-free when an `out` buffer is given, so a streaming source or sink can call it per block.
 */
import { VoxwireError } from '../../errors.js';
import { decodeALawSample, decodeMuLawSample, encodeALawSample, encodeMuLawSample } from '../g711.js';
import type { PcmSamples } from '../pcm.js';
import { bytesPerSample, type WavEncoding } from './format.js';

/** Largest Float32 below 1.0: decoded samples stay in [−1, 1) even for float and 32-bit files. */
const MAX_BELOW_ONE = 1 - 2 ** -24;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function invalid(message: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', message);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Clamps a decoded float to [−1, 1) and maps NaN to 0, so a hostile file cannot yield garbage. */
function clampFloat(value: number): number {
  if (Number.isNaN(value)) return 0;
  return value < -1 ? -1 : Math.min(value, MAX_BELOW_ONE);
}

/**
 * Decodes whole samples of `encoding` to interleaved Float32 in [−1, 1): integer PCM scales by
 * 2^(bits−1) (exact for 8, 16 and 24 bits), G.711 codes expand through the ITU-T tables, float
 * values are clamped (NaN gives 0).
 * @param encoding - Encoding of `data`.
 * @param data - Raw `data` chunk bytes; a whole number of samples (any alignment).
 * @param out - Optional destination with at least `data.length / bytesPerSample` samples (owned by
 *   the caller); when longer, the result is a view of its start.
 * @returns The samples (`out` or a view of it when given).
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `data` holds a partial sample or `out` is too short.
 */
export function decodeWavData(encoding: WavEncoding, data: Uint8Array, out?: Float32Array): Float32Array {
  const size = bytesPerSample(encoding);
  if (data.length % size !== 0)
    invalid(`decodeWavData: ${data.length} bytes is not a whole number of ${encoding} samples`);
  const n = data.length / size;
  let result: Float32Array;
  if (out === undefined) result = new Float32Array(n);
  else if (out.length < n) invalid(`decodeWavData: out holds ${out.length} samples but ${n} are needed`);
  else result = out.length === n ? out : out.subarray(0, n);
  const view = viewOf(data);
  switch (encoding) {
    case 'pcm8':
      for (let i = 0; i < n; i++) result[i] = (data[i] - 128) / 128;
      break;
    case 'pcm16':
      if (LITTLE_ENDIAN && data.byteOffset % 2 === 0) {
        // Aligned on a little-endian host: read the bytes as Int16 directly.
        const pcm = new Int16Array(data.buffer, data.byteOffset, n);
        for (let i = 0; i < n; i++) result[i] = pcm[i] / 32768;
      } else {
        for (let i = 0; i < n; i++) result[i] = view.getInt16(2 * i, true) / 32768;
      }
      break;
    case 'pcm24':
      for (let i = 0, p = 0; i < n; i++, p += 3) {
        const value = data[p] | (data[p + 1] << 8) | ((data[p + 2] << 24) >> 8);
        result[i] = value / 8388608;
      }
      break;
    case 'pcm32':
      // int32 / 2^31 can round up to 1.0 in Float32: clamp.
      for (let i = 0; i < n; i++)
        result[i] = Math.min(view.getInt32(4 * i, true) / 2147483648, MAX_BELOW_ONE);
      break;
    case 'float32':
      for (let i = 0; i < n; i++) result[i] = clampFloat(view.getFloat32(4 * i, true));
      break;
    case 'float64':
      for (let i = 0; i < n; i++) result[i] = clampFloat(view.getFloat64(8 * i, true));
      break;
    case 'mulaw':
      for (let i = 0; i < n; i++) result[i] = decodeMuLawSample(data[i]) / 32768;
      break;
    case 'alaw':
      for (let i = 0; i < n; i++) result[i] = decodeALawSample(data[i]) / 32768;
      break;
  }
  return result;
}

/** Float sample clamped to [−1, 1] with NaN as 0, then scaled by `scale` and rounded into [min, max]. */
function quantize(value: number, scale: number, max: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(Math.min(Math.round(value * scale), max), -scale);
}

/**
 * Encodes interleaved samples into `encoding`'s bytes. Int16 input is taken as full scale 32768
 * and widens exactly (pcm24/pcm32/float32/float64 hold it bit-for-bit); Float32 input is full scale
 * 1.0, rounded to nearest and saturated (never wrapped), NaN written as 0. Float encodings keep
 * values in [−1, 1] (clamped). G.711 encodings quantise to Int16 first, then compand (ITU-T G.191).
 * @param encoding - Target encoding.
 * @param samples - Interleaved samples (Int16 or Float32).
 * @param out - Optional destination with at least `samples.length · bytesPerSample` bytes (owned by
 *   the caller); when longer, the result is a view of its start.
 * @returns The encoded bytes.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
 */
export function encodeWavData(encoding: WavEncoding, samples: PcmSamples, out?: Uint8Array): Uint8Array {
  const n = samples.length;
  const length = n * bytesPerSample(encoding);
  let bytes: Uint8Array;
  if (out === undefined) bytes = new Uint8Array(length);
  else if (out.length < length)
    invalid(`encodeWavData: out holds ${out.length} bytes but ${length} are needed`);
  else bytes = out.length === length ? out : out.subarray(0, length);
  const view = viewOf(bytes);
  const int16 = samples instanceof Int16Array;
  switch (encoding) {
    case 'pcm8':
      // Int16 rounds to nearest as the Float path does: (x + 128) >> 8, saturated at 127.
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        bytes[i] = (int16 ? Math.min((x + 128) >> 8, 127) : quantize(x, 128, 127)) + 128;
      }
      break;
    case 'pcm16':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        view.setInt16(2 * i, int16 ? x : quantize(x, 32768, 32767), true);
      }
      break;
    case 'pcm24':
      for (let i = 0, p = 0; i < n; i++, p += 3) {
        const x = samples[i];
        const value = int16 ? x << 8 : quantize(x, 8388608, 8388607);
        bytes[p] = value & 0xff;
        bytes[p + 1] = (value >> 8) & 0xff;
        bytes[p + 2] = (value >> 16) & 0xff;
      }
      break;
    case 'pcm32':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        view.setInt32(4 * i, int16 ? x * 65536 : quantize(x, 2147483648, 2147483647), true);
      }
      break;
    case 'float32':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        view.setFloat32(4 * i, int16 ? x / 32768 : clampToUnit(x), true);
      }
      break;
    case 'float64':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        view.setFloat64(8 * i, int16 ? x / 32768 : clampToUnit(x), true);
      }
      break;
    case 'mulaw':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        bytes[i] = encodeMuLawSample(int16 ? x : quantize(x, 32768, 32767));
      }
      break;
    case 'alaw':
      for (let i = 0; i < n; i++) {
        const x = samples[i];
        bytes[i] = encodeALawSample(int16 ? x : quantize(x, 32768, 32767));
      }
      break;
  }
  return bytes;
}

/** Clamps to [−1, 1]; NaN gives 0. */
function clampToUnit(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(Math.min(value, 1), -1);
}
