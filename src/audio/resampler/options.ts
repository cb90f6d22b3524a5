/** Resampler options: the public shape, the defaults and the one resolver that validates them. */
import { invalidOption } from '../../errors.js';

/** The sample rates the resampler converts between, in Hz (any pair, both directions). */
export const SUPPORTED_SAMPLE_RATES_HZ: readonly number[] = Object.freeze([
  8000, 16000, 24000, 32000, 44100, 48000,
]);

/**
 * Anti-aliasing (and anti-imaging) filter tuning. Both edges are fractions of the Nyquist frequency
 * of the lower of the two rates. By default the stopband starts at that Nyquist frequency, so nothing
 * aliases into the output band above the stopband attenuation.
 */
export interface ResamplerFilterConfig {
  /**
   * Where the passband ends, as a fraction of the lower rate's Nyquist frequency, 0.5–0.98. Default
   * 0.9 (3.6 kHz at 8 kHz, 7.2 kHz at 16 kHz). Higher keeps more treble but lengthens the filter
   * (cost and delay grow as 1 / (stopbandEdge − passbandEdge)).
   */
  passbandEdge?: number;
  /**
   * Where the stopband starts, as a fraction of the lower rate's Nyquist frequency, from 1 to
   * `2 − passbandEdge`. Default 1: nothing aliases. Above 1 the transition band straddles Nyquist:
   * content between Nyquist and the stopband edge aliases (or images) into the band from
   * `2 − stopbandEdge` to Nyquist, which the upper limit keeps out of the passband. With 1.1 and the
   * default passband the filter is half as long (half the cost and the delay), the trade that
   * low-latency voice resamplers (libwebrtc's, Speex's) make by placing their cutoff near Nyquist.
   */
  stopbandEdge?: number;
  /** Stopband attenuation in dB, 40–160. Default 100 (below 16-bit quantisation). Cost grows linearly. */
  stopbandAttenuationDb?: number;
}

/** Options of {@link Resampler}. */
export interface ResamplerOptions {
  /** Rate of the input in Hz, one of {@link SUPPORTED_SAMPLE_RATES_HZ}. */
  inputRateHz: number;
  /** Rate of the output in Hz, one of {@link SUPPORTED_SAMPLE_RATES_HZ}. */
  outputRateHz: number;
  /** Interleaved channels per frame, 1–32. Default 1. */
  channels?: number;
  /** Filter tuning; see {@link ResamplerFilterConfig} for the defaults. */
  filter?: ResamplerFilterConfig;
}

/** {@link ResamplerOptions} with every default applied and every value checked. @internal */
export interface ResolvedResamplerOptions {
  inputRateHz: number;
  outputRateHz: number;
  channels: number;
  passbandEdge: number;
  stopbandEdge: number;
  stopbandAttenuationDb: number;
}

/** Default filter: passband to 0.9 of the lower Nyquist, 100 dB stopband. */
export const DEFAULT_PASSBAND_EDGE = 0.9;
/** Default stopband edge: the lower Nyquist frequency. */
export const DEFAULT_STOPBAND_EDGE = 1;
/** Default stopband attenuation in dB. */
export const DEFAULT_STOPBAND_ATTENUATION_DB = 100;

const MAX_CHANNELS = 32;

function checkRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !SUPPORTED_SAMPLE_RATES_HZ.includes(value)) {
    invalidOption(name, value, `supported rates are ${SUPPORTED_SAMPLE_RATES_HZ.join(', ')} Hz`);
  }
  return value;
}

function checkRange(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    invalidOption(name, value, `must be a number from ${min} to ${max}`);
  }
  return value;
}

/**
 * Applies defaults and validates. @internal
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the first bad option.
 */
export function resolveResamplerOptions(options: ResamplerOptions): ResolvedResamplerOptions {
  if (typeof options !== 'object' || options === null)
    invalidOption('options', options, 'an object is required');
  const inputRateHz = checkRate('inputRateHz', options.inputRateHz);
  const outputRateHz = checkRate('outputRateHz', options.outputRateHz);
  const channels = options.channels ?? 1;
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
    invalidOption('channels', channels, `must be an integer from 1 to ${MAX_CHANNELS}`);
  }
  const filter = options.filter ?? {};
  const passbandEdge = checkRange(
    'filter.passbandEdge',
    filter.passbandEdge,
    DEFAULT_PASSBAND_EDGE,
    0.5,
    0.98,
  );
  return {
    inputRateHz,
    outputRateHz,
    channels,
    passbandEdge,
    // The 1e-9 lets 1.1 pass with 0.9, whose difference rounds just below 1.1 in binary.
    stopbandEdge: checkRange(
      'filter.stopbandEdge',
      filter.stopbandEdge,
      DEFAULT_STOPBAND_EDGE,
      1,
      2 - passbandEdge + 1e-9,
    ),
    stopbandAttenuationDb: checkRange(
      'filter.stopbandAttenuationDb',
      filter.stopbandAttenuationDb,
      DEFAULT_STOPBAND_ATTENUATION_DB,
      40,
      160,
    ),
  };
}
