/** Options of the voice activity detector and their one resolver. */
import { invalidOption } from '../../errors.js';

/** Aggressiveness of the {@link Vad}: 0 = quality (misses least) … 3 = very aggressive (fewest false alarms). */
export type VadMode = 0 | 1 | 2 | 3;

/** Options of {@link Vad}. */
export interface VadOptions {
  /** 0 = quality … 3 = very aggressive, as webrtcvad (default 2). */
  mode?: VadMode;
  /** Sample rate of the frames in Hz: 8000, 16000, 32000 or 48000. */
  sampleRateHz: number;
  /** Duration of one frame passed to `process` in ms: 10, 20 or 30 (default 10). */
  frameMs?: number;
  /**
   * How long `speaking` stays true after the last frame judged speech, in ms, 0–2000 (default by mode:
   * 200, 150, 100, 60 ms for modes 0–3). Bridges the short pauses inside words and phrases.
   */
  hangoverMs?: number;
}

/** {@link VadOptions} with every field set, as a {@link Vad} uses them. */
export interface ResolvedVadOptions {
  /** Aggressiveness, 0 (quality) to 3 (very aggressive). */
  mode: VadMode;
  /** Sample rate of the frames, Hz. */
  sampleRateHz: number;
  /** Frame length `process` takes, ms. */
  frameMs: number;
  /** Speech is held this long after the last speech frame, ms. */
  hangoverMs: number;
  /** Samples in one frame passed to `process`. */
  samplesPerFrame: number;
}

/** Sample rates the VAD accepts, in Hz. */
export const VAD_SAMPLE_RATES_HZ: readonly number[] = [8000, 16000, 32000, 48000];

/** Default hangover per mode, ms. */
const DEFAULT_HANGOVER_MS = [200, 150, 100, 60] as const;

/**
 * Fills defaults and validates.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and what is allowed.
 * @internal
 */
export function resolveVadOptions(options: VadOptions): ResolvedVadOptions {
  if (options === null || typeof options !== 'object') invalidOption('options', options, 'an object');
  const mode = options.mode ?? 2;
  if (mode !== 0 && mode !== 1 && mode !== 2 && mode !== 3)
    invalidOption('mode', mode, 'allowed: 0, 1, 2, 3');
  const { sampleRateHz } = options;
  if (!VAD_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    invalidOption('sampleRateHz', sampleRateHz, 'allowed: 8000, 16000, 32000, 48000');
  }
  const frameMs = options.frameMs ?? 10;
  if (frameMs !== 10 && frameMs !== 20 && frameMs !== 30)
    invalidOption('frameMs', frameMs, 'allowed: 10, 20, 30');
  const hangoverMs = options.hangoverMs ?? DEFAULT_HANGOVER_MS[mode];
  if (typeof hangoverMs !== 'number' || !(hangoverMs >= 0 && hangoverMs <= 2000)) {
    invalidOption('hangoverMs', hangoverMs, 'a number of ms in 0–2000');
  }
  return { mode, sampleRateHz, frameMs, hangoverMs, samplesPerFrame: (sampleRateHz / 1000) * frameMs };
}
