import { invalidOption } from '../../errors.js';

/** Sample rates the dsp operations accept, Hz. */
export const DSP_SAMPLE_RATES_HZ: readonly number[] = [8000, 16000, 48000];

/** Throws `ERR_INVALID_OPTION` unless `sampleRateHz` is 8000, 16000 or 48000. @internal */
export function checkSampleRate(sampleRateHz: number): void {
  if (!DSP_SAMPLE_RATES_HZ.includes(sampleRateHz))
    invalidOption('sampleRateHz', sampleRateHz, 'must be 8000, 16000 or 48000');
}

/** Shortest pitch period searched, ms (400 Hz). */
export const MIN_PITCH_MS = 2.5;
/** Longest pitch period searched, ms (62.5 Hz). */
export const MAX_PITCH_MS = 16;

const DECIMATED_RATE_HZ = 4000;
/** Search windows longer than this add cost, not accuracy. */
const MAX_WINDOW_MS = 10;

/** Options of {@link PitchEstimator}. */
export interface PitchEstimatorOptions {
  /** Longest signal span looked at per call, ms (longer inputs use their last part). Default 120. */
  maxInputMs?: number;
}

/**
 * Pitch-period estimator: normalised autocorrelation on the signal decimated to 4 kHz over lags of
 * 2.5–16 ms, then refined at the full rate around the best coarse lag. Of near-equal peaks the
 * shortest lag wins, so a periodic signal reports its period rather than a multiple of it.
 * Allocation-free per call.
 */
export class PitchEstimator {
  /** Sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Shortest lag searched, samples. */
  readonly minLagSamples: number;
  /** Longest lag searched, samples. */
  readonly maxLagSamples: number;
  /** Normalised correlation (−1…1) at the lag returned by the last {@link estimate}; 0 before. */
  correlation = 0;
  readonly #factor: number;
  readonly #decimated: Float32Array;
  readonly #coarse: Float32Array;

  /**
   * @param sampleRateHz - 8000, 16000 or 48000.
   * @throws VoxwireError `ERR_INVALID_OPTION` for another rate or a `maxInputMs` outside 40–1000.
   */
  constructor(sampleRateHz: number, options: PitchEstimatorOptions = {}) {
    checkSampleRate(sampleRateHz);
    const maxInputMs = options.maxInputMs ?? 120;
    if (!(maxInputMs >= 40 && maxInputMs <= 1000))
      invalidOption('maxInputMs', maxInputMs, 'must be 40–1000 ms');
    this.sampleRateHz = sampleRateHz;
    this.#factor = sampleRateHz / DECIMATED_RATE_HZ;
    this.minLagSamples = Math.round((MIN_PITCH_MS * sampleRateHz) / 1000);
    this.maxLagSamples = Math.round((MAX_PITCH_MS * sampleRateHz) / 1000);
    this.#decimated = new Float32Array(Math.ceil((maxInputMs * DECIMATED_RATE_HZ) / 1000));
    this.#coarse = new Float32Array(Math.ceil((MAX_PITCH_MS * DECIMATED_RATE_HZ) / 1000) + 2);
  }

  /**
   * Estimates the pitch period of `x[start .. end)`: the lag at which the last part of the span best
   * matches the part one lag earlier. Sets {@link correlation}.
   * @param maxLagSamples - Upper bound of the search (clamped to the estimator's range and to what
   *   the span allows: the span must hold the lag plus a comparison window of at least the lag).
   * @returns The period in samples, or 0 when the span is too short (under 5 ms) or silent.
   */
  estimate(x: Float32Array, start = 0, end = x.length, maxLagSamples = this.maxLagSamples): number {
    const f = this.#factor;
    start = Math.max(0, Math.max(start, end - this.#decimated.length * f));
    const span = end - start;
    const maxLag = Math.min(maxLagSamples, this.maxLagSamples, Math.floor(span / 2));
    this.correlation = 0;
    if (maxLag < this.minLagSamples) return 0;
    const window = Math.min(span - maxLag, Math.round((MAX_WINDOW_MS * this.sampleRateHz) / 1000));

    // Decimate by block averaging (a crude but cheap anti-alias) the last `window + maxLag` samples.
    const d = this.#decimated;
    const dCount = Math.floor((window + maxLag) / f);
    const dStart = end - dCount * f;
    for (let j = 0; j < dCount; j++) {
      let sum = 0;
      const base = dStart + j * f;
      for (let i = 0; i < f; i++) sum += x[base + i];
      d[j] = sum / f;
    }
    const minLagD = Math.max(1, Math.floor(this.minLagSamples / f));
    const maxLagD = Math.floor(maxLag / f);
    const windowD = dCount - maxLagD;
    const coarse = this.#coarse;
    let best = -2;
    for (let lag = minLagD; lag <= maxLagD; lag++) {
      const c = normalisedCorrelation(d, dCount - windowD, dCount - windowD - lag, windowD);
      coarse[lag] = c;
      if (c > best) best = c;
    }
    if (best <= 0) return 0;
    // Shortest local peak within 90% of the best: a period rather than its multiple.
    let coarseLag = 0;
    for (let lag = minLagD; lag <= maxLagD; lag++) {
      const c = coarse[lag];
      const left = lag > minLagD ? coarse[lag - 1] : -2;
      const right = lag < maxLagD ? coarse[lag + 1] : -2;
      if (c >= 0.9 * best && c >= left && c >= right) {
        coarseLag = lag;
        break;
      }
    }
    // Refine at the full rate within one decimation step either side.
    const lo = Math.max(this.minLagSamples, coarseLag * f - f);
    const hi = Math.min(maxLag, coarseLag * f + f);
    let bestLag = 0;
    let bestC = -2;
    for (let lag = lo; lag <= hi; lag++) {
      const c = normalisedCorrelation(x, end - window, end - window - lag, window);
      if (c > bestC) {
        bestC = c;
        bestLag = lag;
      }
    }
    this.correlation = bestC;
    return bestLag;
  }
}

/**
 * Normalised cross-correlation of x[a .. a+n) and x[b .. b+n) (or of two arrays), −1…1; 0 when
 * either part is silent.
 */
export function normalisedCorrelation(
  x: ArrayLike<number>,
  a: number,
  b: number,
  n: number,
  y: ArrayLike<number> = x,
): number {
  let dot = 0;
  let ea = 0;
  let eb = 0;
  for (let i = 0; i < n; i++) {
    const u = x[a + i];
    const v = y[b + i];
    dot += u * v;
    ea += u * u;
    eb += v * v;
  }
  const denom = Math.sqrt(ea * eb);
  return denom > 1e-20 ? dot / denom : 0;
}
