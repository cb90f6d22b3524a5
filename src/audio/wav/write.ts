/** Whole-file WAV writing: samples in memory to a complete file, as bytes or on disk. */
import { writeFile } from 'node:fs/promises';
import { VoxwireError } from '../../errors.js';
import type { PcmSamples } from '../pcm.js';
import { bytesPerSample } from './format.js';
import { buildWavHeader, resolveWavWriteFormat, type WavWriteFormat } from './header.js';
import { encodeWavData } from './samples.js';

/** Options of {@link encodeWav}: the format and the audio. */
export interface EncodeWavOptions extends WavWriteFormat {
  /**
   * Interleaved samples, `samplesPerChannel · channels` of them: Int16 (full scale 32768) or Float32
   * (full scale 1.0; out-of-range values saturate, NaN is written as silence).
   */
  samples: PcmSamples;
}

/** Largest `data` chunk a RIFF file can describe once its header is counted. */
const MAX_DATA_BYTES = 0xffffffff - 80;

/** Checks the sample buffer against the format; returns the frame count. */
export function checkSamples(samples: unknown, channels: number, what: string): number {
  if (!(samples instanceof Int16Array) && !(samples instanceof Float32Array)) {
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `${what}: samples must be an Int16Array or Float32Array`);
  }
  if (samples.length % channels !== 0) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `${what}: ${samples.length} samples is not a whole number of ${channels}-channel frames`,
    );
  }
  return samples.length / channels;
}

/**
 * Encodes interleaved samples as a complete WAV file. Integer PCM deeper than 16 bits and more than
 * two channels use WAVE_FORMAT_EXTENSIBLE unless `extensible` says otherwise; float, μ-law and A-law
 * files carry the `fact` chunk the format requires; an odd-sized `data` chunk gets its pad byte.
 * @param options - Format and samples (see {@link EncodeWavOptions}).
 * @returns The file's bytes.
 * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format field; `ERR_INVALID_ARGUMENT` when
 *   `samples` is not Int16/Float32, not whole frames, or too long for a RIFF file (4 GiB).
 */
export function encodeWav(options: EncodeWavOptions): Uint8Array {
  const format = resolveWavWriteFormat(options);
  const frames = checkSamples(options.samples, format.channels, 'encodeWav');
  const dataBytes = options.samples.length * bytesPerSample(format.encoding);
  if (dataBytes > MAX_DATA_BYTES) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `encodeWav: ${dataBytes} bytes of audio exceed the 4 GiB RIFF limit`,
    );
  }
  const bytes = new Uint8Array(format.headerBytes + dataBytes + (dataBytes & 1));
  buildWavHeader(format, dataBytes, frames, bytes);
  encodeWavData(
    format.encoding,
    options.samples,
    bytes.subarray(format.headerBytes, format.headerBytes + dataBytes),
  );
  return bytes;
}

/**
 * Encodes samples (see {@link encodeWav}) and writes the file at `path`, replacing it.
 * @throws VoxwireError as {@link encodeWav}; the file system's own error when the file cannot be written.
 */
export async function writeWavFile(path: string, options: EncodeWavOptions): Promise<void> {
  await writeFile(path, encodeWav(options));
}
