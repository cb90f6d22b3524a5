import { invalidOption } from '../../errors.js';

/** Suppression aggressiveness, as in WebRTC's noise suppressor: how far noise-only bins may be attenuated. */
export type NoiseSuppressionLevel = 'low' | 'moderate' | 'high' | 'veryHigh';

/** Sample rates the noise suppressor runs at, in Hz. */
export const NS_SAMPLE_RATES_HZ: readonly number[] = [8000, 16000, 32000, 48000];

/** Maximum attenuation of a noise-only bin, in dB, per level. */
export const NS_LEVEL_FLOOR_DB: Readonly<Record<NoiseSuppressionLevel, number>> = {
  low: 6,
  moderate: 12,
  high: 18,
  veryHigh: 24,
};

/** Options of {@link NoiseSuppressor}. */
export interface NoiseSuppressorOptions {
  /** Processing rate in Hz: 8000, 16000, 32000 or 48000. Frames are 10 ms (rate / 100 samples). */
  sampleRateHz: number;
  /** Aggressiveness; default `'moderate'` (12 dB maximum attenuation). */
  level?: NoiseSuppressionLevel;
}

/** Options with defaults applied. @internal */
export interface ResolvedNoiseSuppressorOptions {
  sampleRateHz: number;
  level: NoiseSuppressionLevel;
  /** Samples per 10 ms frame. */
  frameSamples: number;
  /** Gain floor (linear amplitude) of the chosen level. */
  gainFloor: number;
}

const KNOWN = new Set(['sampleRateHz', 'level']);

/**
 * Applies defaults and validates.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and what is allowed.
 * @internal
 */
export function resolveNoiseSuppressorOptions(
  options: NoiseSuppressorOptions,
): ResolvedNoiseSuppressorOptions {
  if (typeof options !== 'object' || options === null) {
    invalidOption('options', options, 'an object of NoiseSuppressorOptions');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      invalidOption(
        key,
        (options as unknown as Record<string, unknown>)[key],
        'accepted: sampleRateHz, level',
      );
    }
  }
  const { sampleRateHz } = options;
  if (!NS_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    invalidOption('sampleRateHz', sampleRateHz, 'one of 8000, 16000, 32000, 48000 (Hz)');
  }
  const level = options.level ?? 'moderate';
  if (!Object.hasOwn(NS_LEVEL_FLOOR_DB, level)) {
    invalidOption('level', level, "'low', 'moderate', 'high' or 'veryHigh'");
  }
  return {
    sampleRateHz,
    level,
    frameSamples: sampleRateHz / 100,
    gainFloor: 10 ** (-NS_LEVEL_FLOOR_DB[level] / 20),
  };
}
