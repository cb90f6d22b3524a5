/**
 * Fine stage of the {@link DelayEstimator}: GCC-PHAT at 8 or 16 kHz over a short lag window around the
 * coarse delay. Its whitened, smoothed cross-correlation approximates the echo path's impulse response;
 * the delay is its onset, the first tap within {@link ONSET_DB} of its peak. In a diffuse room the
 * direct path is not the strongest tap, so the coarse peak can sit several ms after the onset.
 */
import { SmoothedCrossSpectrum } from './cross-spectrum.js';

/** Lags searched before and after the coarse delay, ms. */
const BEFORE_MS = 32;
const AFTER_MS = 24;
/** Coarse movement that restarts the smoothed spectrum on a new window, ms. */
const MOVE_MS = 12;
/** Coarse move from the last onset that discards it, ms. */
const JUMP_MS = 40;
/** Updates a restarted spectrum needs before its onset replaces the previous one. */
const MIN_UPDATES = 3;
/** Near-end window per update, ms. */
const WINDOW_MS = 256;
/** Weight of the past in the smoothed cross spectrum, per update. */
const SMOOTHING = 0.85;
/** The onset is the first local maximum at least this close to the peak, dB. */
const ONSET_DB = 6;
const ONSET_FRACTION = 10 ** (-ONSET_DB / 20);
/** An earlier tap down to this far under the peak, dB, counts if it is clear of the noise… */
const EARLY_DB = 12;
const EARLY_FRACTION = 10 ** (-EARLY_DB / 20);
/** …by this factor over the RMS of the lags more than {@link EARLY_GAP_MS} before the onset. */
const EARLY_OVER_NOISE = 5;
const EARLY_GAP_MS = 4;
/** Whitened band, Hz (below: room modes and hum; above: little speech). */
const LOW_HZ = 100;
const HIGH_FRACTION = 0.45;
/** A window whose near/far power ratio exceeds its running floor by this much is double talk. */
const DOUBLE_TALK_RATIO = 2;
/** Rise of that floor per update (so a louder echo path is followed within seconds). */
const FLOOR_RISE = 1.1;
/** Windows quieter than this (mean square, full scale 1) do not update: about −55 dBFS. */
const ACTIVE_MEAN_SQUARE = 10 ** (-55 / 10);

/** Fine delay estimator over history rings it owns; allocation-free after construction. */
export class DelayRefiner {
  /** Analysis rate, Hz. */
  readonly rateHz: number;
  readonly #window: number;
  readonly #before: number;
  readonly #after: number;
  readonly #size: number;
  readonly #ringMask: number;
  readonly #far: Float32Array;
  readonly #near: Float32Array;
  #write = 0;
  #filled = 0;
  /** Coarse lag (analysis samples) the smoothed spectrum belongs to; −1 = none. */
  #base = -1;
  readonly #spectrum: SmoothedCrossSpectrum;
  #ratioFloor = Number.POSITIVE_INFINITY;
  readonly #move: number;
  /** Last onset published, ms (kept while a restarted spectrum settles). */
  #lastMs: number | undefined = undefined;

  /**
   * @param rateHz - Analysis rate in Hz (the input is given at this rate).
   * @param maxLagMs - Longest coarse delay that will be refined, ms.
   */
  constructor(rateHz: number, maxLagMs: number) {
    this.rateHz = rateHz;
    this.#window = Math.round((WINDOW_MS * rateHz) / 1000);
    this.#before = Math.round((BEFORE_MS * rateHz) / 1000);
    this.#after = Math.round((AFTER_MS * rateHz) / 1000);
    this.#move = Math.round((MOVE_MS * rateHz) / 1000);
    let size = 4;
    while (size < this.#window + this.#before + this.#after + 1) size *= 2;
    this.#size = size;
    let ring = 4;
    while (ring < this.#window + Math.ceil((maxLagMs * rateHz) / 1000) + this.#after + 1) ring *= 2;
    this.#ringMask = ring - 1;
    this.#far = new Float32Array(ring);
    this.#near = new Float32Array(ring);
    this.#spectrum = new SmoothedCrossSpectrum(size);
  }

  /** Appends one sample of each stream (full scale 1). */
  push(far: number, near: number): void {
    this.#far[this.#write] = far;
    this.#near[this.#write] = near;
    this.#write = (this.#write + 1) & this.#ringMask;
    if (this.#filled <= this.#ringMask) this.#filled++;
  }

  /**
   * Updates the smoothed cross spectrum around `coarseMs` and returns the onset delay in ms, or
   * undefined when there is not enough history or signal yet.
   */
  refine(coarseMs: number): number | undefined {
    const rate = this.rateHz;
    const coarse = Math.round((coarseMs * rate) / 1000);
    // A moved coarse delay invalidates the spectrum: its lags no longer cover the same window.
    if (this.#base < 0 || Math.abs(coarse - this.#base) > this.#move) {
      // The coarse peak wanders among a room's early reflections: keep the last onset unless the
      // move is larger than that (a real change of delay).
      if (this.#lastMs !== undefined && Math.abs(coarseMs - this.#lastMs) > JUMP_MS) this.#lastMs = undefined;
      this.#base = coarse;
      this.#spectrum.restart();
    }
    const base = this.#base;
    const before = Math.min(this.#before, base);
    const span = this.#window + before + this.#after;
    if (this.#filled < span + base - before) return this.#onset();
    const size = this.#size;
    const { inFar, inNear } = this.#spectrum;
    const mask = this.#ringMask;
    // Far segment starts window + base + after samples ago; near occupies the last `window` of it.
    const farStart = this.#write - this.#window - base - this.#after;
    const nearStart = this.#write - this.#window;
    const at = before + this.#after;
    let farPower = 0;
    let nearPower = 0;
    inNear.fill(0);
    inFar.fill(0);
    for (let j = 0; j < span; j++) {
      const v = this.#far[(farStart + j) & mask];
      inFar[j] = v;
      farPower += v * v;
    }
    for (let j = 0; j < this.#window; j++) {
      const w = this.#near[(nearStart + j) & mask];
      inNear[at + j] = w;
      nearPower += w * w;
    }
    if (farPower / span < ACTIVE_MEAN_SQUARE || nearPower / this.#window < ACTIVE_MEAN_SQUARE) {
      return this.#onset();
    }
    // Near-end speech adds nothing but noise to the cross spectrum: skip windows that carry much
    // more near-end power than the echo path alone has been seen to return.
    const ratio = (nearPower / this.#window) * (span / farPower);
    this.#ratioFloor = Math.min(ratio, this.#ratioFloor * FLOOR_RISE);
    if (ratio > DOUBLE_TALK_RATIO * this.#ratioFloor) return this.#onset();
    const lowBin = Math.floor((LOW_HZ * size) / rate);
    const highBin = Math.ceil(HIGH_FRACTION * size);
    // Full phase transform: the correlation becomes the (band-limited) impulse response.
    this.#spectrum.update(farPower, nearPower, SMOOTHING, lowBin, highBin, 1);
    this.#firstLag = base - before;
    this.#lags = before + this.#after;
    return this.#onset();
  }

  #firstLag = 0;
  #lags = -1;

  /** Onset of the last correlation, ms; undefined before the first update since the base moved. */
  #onset(): number | undefined {
    if (this.#spectrum.updates < MIN_UPDATES || this.#lags < 0) return this.#lastMs;
    const c = this.#spectrum.corr;
    const n = this.#lags;
    let peak = 0;
    for (let k = 0; k <= n; k++) {
      c[k] = Math.abs(c[k]);
      if (c[k] > peak) peak = c[k];
    }
    const threshold = ONSET_FRACTION * peak;
    let onset = 0;
    // Edge lags are not candidates: a maximum there may continue outside the window.
    for (let k = 1; k < n; k++) {
      if (c[k] >= threshold && c[k] >= c[k - 1] && c[k] >= c[k + 1]) {
        onset = k;
        break;
      }
    }
    onset = this.#earlier(onset, peak);
    this.#lastMs = ((this.#firstLag + onset) * 1000) / this.rateHz;
    return this.#lastMs;
  }

  /**
   * A weaker direct path before `onset` (down to {@link EARLY_DB} under the peak) that stands
   * {@link EARLY_OVER_NOISE} times above the noise of the lags before it, or `onset` itself.
   */
  #earlier(onset: number, peak: number): number {
    const c = this.#spectrum.corr;
    const gap = Math.round((EARLY_GAP_MS * this.rateHz) / 1000);
    const end = onset - gap;
    if (end < gap) return onset;
    let sum = 0;
    for (let k = 1; k < end; k++) sum += c[k] * c[k];
    const threshold = Math.max(EARLY_FRACTION * peak, EARLY_OVER_NOISE * Math.sqrt(sum / (end - 1)));
    for (let k = end; k < onset; k++) {
      if (c[k] >= threshold && c[k] >= c[k - 1] && c[k] >= c[k + 1]) return k;
    }
    return onset;
  }

  /** Forgets the history and the spectrum. */
  reset(): void {
    this.#far.fill(0);
    this.#near.fill(0);
    this.#spectrum.reset();
    this.#write = 0;
    this.#filled = 0;
    this.#base = -1;
    this.#lags = -1;
    this.#lastMs = undefined;
    this.#ratioFloor = Number.POSITIVE_INFINITY;
  }
}
