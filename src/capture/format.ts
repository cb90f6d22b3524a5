import { SUPPORTED_SAMPLE_RATES_HZ } from '../audio/index.js';
import { invalidOption, VoxwireError } from '../errors.js';
import type { AudioFormat } from './types.js';

/**
 * Checks that `format` is one voxwire sources and sinks can carry: a rate of
 * `SUPPORTED_SAMPLE_RATES_HZ` (each a whole number of samples per 10 ms) and 1 or 2 channels.
 * @returns A frozen copy.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the bad field.
 */
export function resolveAudioFormat(format: AudioFormat, name = 'format'): AudioFormat {
  if (format === null || typeof format !== 'object') invalidOption(name, format, 'must be an AudioFormat');
  const { sampleRateHz, channels } = format;
  if (!SUPPORTED_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    invalidOption(`${name}.sampleRateHz`, sampleRateHz, `supported: ${SUPPORTED_SAMPLE_RATES_HZ.join(', ')}`);
  }
  if (channels !== 1 && channels !== 2) invalidOption(`${name}.channels`, channels, 'must be 1 or 2');
  return Object.freeze({ sampleRateHz, channels });
}

/** Samples per channel in one 10 ms frame of `format` (e.g. 480 at 48 kHz). */
export function samplesPerFrame(format: AudioFormat): number {
  return format.sampleRateHz / 100;
}

/** Interleaved samples (all channels) in one 10 ms frame of `format`. */
export function frameLength(format: AudioFormat): number {
  return (format.sampleRateHz / 100) * format.channels;
}

/** True when both formats have the same rate and channel count. */
export function sameFormat(a: AudioFormat, b: AudioFormat): boolean {
  return a.sampleRateHz === b.sampleRateHz && a.channels === b.channels;
}

/**
 * Throws unless `frame` is an Int16Array of exactly one 10 ms frame of `format`. @internal
 * @throws VoxwireError `ERR_INVALID_ARGUMENT`.
 */
export function checkFrame(frame: Int16Array, format: AudioFormat, what: string): void {
  const length = frameLength(format);
  if (!(frame instanceof Int16Array) || frame.length !== length) {
    const got = frame instanceof Int16Array ? `${frame.length} samples` : 'not an Int16Array';
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `${what}: a 10 ms frame of ${format.sampleRateHz} Hz × ${format.channels} is ${length} Int16 samples; got ${got}`,
    );
  }
}
