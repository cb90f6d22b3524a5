/**
 * Bulk delay between the far-end reference (as played) and the microphone (as captured), in two stages.
 * Coarse: smoothed GCC-PHAT on 2 kHz decimated signals; every 240 ms of active far-end and near-end
 * signal, the cross spectrum of the last 0.51 s of near end against the last ~1 s of far end is added
 * to an exponentially smoothed cross spectrum, and its phase transform's peak over 0..maxDelayMs is the
 * coarse delay (confidence from its height over the background). Fine: {@link DelayRefiner}, GCC-PHAT
 * at 8/16 kHz over −24..+16 ms around it, whose onset (first tap within 7 dB of the peak) is published.
 * Silence does not update the estimate; an uncorrelated near end gives a flat correlation and low
 * confidence.
 */
import { invalidOption } from '../errors.js';
import { SmoothedCrossSpectrum } from './cross-spectrum.js';
import { DelayRefiner } from './delay-refiner.js';

/** Options of {@link DelayEstimator}. */
export interface DelayEstimatorOptions {
  /** Rate of both streams in Hz: 8000, 16000, 32000 or 48000. */
  sampleRateHz: number;
  /** Longest delay searched, ms, 10–1000 (default 500). */
  maxDelayMs?: number;
}

/** Coarse analysis rate, Hz (1 ms resolution; the fine stage does the rest). */
const ANALYSIS_RATE_HZ = 2000;
/** Rates above this are halved for the fine stage (48 kHz at 24 kHz keeps a diffuse room's direct path distinct). */
const FINE_RATE_HZ = 16000;
/** Near-end window, analysis samples (0.512 s). */
const NEAR_WINDOW = 1024;
/** 10 ms frames between updates. */
const HOP_FRAMES = 24;
/** Weight of the past in the smoothed cross spectrum, per update. */
const SMOOTHING = 0.75;
/** Windows quieter than this (mean square, full scale 1) do not update: about −55 dBFS. */
const ACTIVE_MEAN_SQUARE = 10 ** (-55 / 10);
/** Peak-to-RMS ratio of the correlation at which confidence starts rising, and its span to 1. */
const RATIO_START = 4;
const RATIO_SPAN = 8;
/** Lags excluded from the background before and after the peak, analysis samples (2.5 ms, 200 ms). */
const EXCLUDE_BEFORE = 5;
const EXCLUDE_AFTER = 400;
/** How far before the highest peak an earlier one is looked for (25 ms), and its least height. */
const EARLY_SEARCH = 50;
const EARLY_FRACTION = 0.4;
/** …and its least height over the background RMS (well above noise peaks). */
const EARLY_BACKGROUND = 7;
/** Confidence needed to publish a delay. */
const PUBLISH_CONFIDENCE = 0.5;

/**
 * Estimates how far the near end (microphone) lags the far end (reference), 0..maxDelayMs, to
 * better than 1 ms. Feed it one 10 ms frame of each per call. No timers; allocation-free per call.
 */
export class DelayEstimator {
  /** Rate of the input frames, Hz. */
  readonly sampleRateHz: number;
  /** Longest delay searched, ms. */
  readonly maxDelayMs: number;
  /** Current estimate of the near end's lag behind the far end, ms; undefined until confident. */
  delayMs: number | undefined = undefined;
  /** Confidence of the last analysis, 0 (none) to 1 (a clear single peak). */
  confidence = 0;
  /** Peak lag of the last analysis, ms (published or not); for diagnostics. */
  lastPeakMs: number | undefined = undefined;
  /** Frames of the wrong length that were ignored. */
  droppedFrames = 0;
  readonly #decimation: number;
  readonly #fineDecimation: number;
  readonly #refiner: DelayRefiner;
  readonly #frameSamples: number;
  readonly #maxLag: number;
  readonly #size: number;
  readonly #far: Float32Array;
  readonly #near: Float32Array;
  #write = 0;
  #frames = 0;
  readonly #spectrum: SmoothedCrossSpectrum;

  /**
   * @param options - See {@link DelayEstimatorOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unsupported rate or a maxDelayMs outside 10–1000.
   */
  constructor(options: DelayEstimatorOptions) {
    const { sampleRateHz } = options;
    if (![8000, 16000, 32000, 48000].includes(sampleRateHz)) {
      invalidOption('sampleRateHz', sampleRateHz, 'allowed: 8000, 16000, 32000, 48000');
    }
    const maxDelayMs = options.maxDelayMs ?? 500;
    if (typeof maxDelayMs !== 'number' || !(maxDelayMs >= 10 && maxDelayMs <= 1000)) {
      invalidOption('maxDelayMs', maxDelayMs, 'a number of ms in 10–1000');
    }
    this.sampleRateHz = sampleRateHz;
    this.maxDelayMs = maxDelayMs;
    this.#decimation = sampleRateHz / ANALYSIS_RATE_HZ;
    this.#frameSamples = sampleRateHz / 100;
    // Searched a little past maxDelayMs so that an onset right at it is still bracketed.
    this.#maxLag = Math.ceil(((maxDelayMs + 16) * ANALYSIS_RATE_HZ) / 1000);
    const fineRate = sampleRateHz <= FINE_RATE_HZ ? sampleRateHz : sampleRateHz / 2;
    this.#fineDecimation = sampleRateHz / fineRate;
    this.#refiner = new DelayRefiner(fineRate, maxDelayMs + 16);
    let size = 4;
    while (size < NEAR_WINDOW + this.#maxLag + 2) size *= 2;
    this.#size = size;
    this.#spectrum = new SmoothedCrossSpectrum(size);
    this.#far = new Float32Array(size);
    this.#near = new Float32Array(size);
  }

  /**
   * Adds one 10 ms frame of each stream; every 240 ms re-estimates.
   * @param far - The far-end reference as played, `sampleRateHz / 100` samples.
   * @param near - The microphone capture of the same 10 ms, same length. A pair of any other length
   *   is counted in {@link droppedFrames} and ignored.
   */
  process(far: Int16Array, near: Int16Array): void {
    const n = this.#frameSamples;
    if (
      !(far instanceof Int16Array) ||
      !(near instanceof Int16Array) ||
      far.length !== n ||
      near.length !== n
    ) {
      this.droppedFrames++;
      return;
    }
    const d = this.#decimation;
    const scale = 1 / (32768 * d);
    const mask = this.#size - 1;
    const fd = this.#fineDecimation;
    const fineScale = 1 / (32768 * fd);
    for (let i = 0; i < n; i += fd) {
      let f = 0;
      let m = 0;
      for (let k = 0; k < fd; k++) {
        f += far[i + k];
        m += near[i + k];
      }
      this.#refiner.push(f * fineScale, m * fineScale);
    }
    // Block average as the decimation filter: the same on both paths, so it cancels in the lag.
    for (let i = 0; i < n; i += d) {
      let f = 0;
      let m = 0;
      for (let k = 0; k < d; k++) {
        f += far[i + k];
        m += near[i + k];
      }
      this.#far[this.#write] = f * scale;
      this.#near[this.#write] = m * scale;
      this.#write = (this.#write + 1) & mask;
    }
    this.#frames++;
    if (this.#frames % HOP_FRAMES === 0 && this.#frames * 10 * (ANALYSIS_RATE_HZ / 1000) >= NEAR_WINDOW) {
      this.#analyse();
    }
  }

  /** Forgets the history, the estimate and the confidence. */
  reset(): void {
    this.#far.fill(0);
    this.#near.fill(0);
    this.#spectrum.reset();
    this.#write = 0;
    this.#frames = 0;
    this.#refiner.reset();
    this.delayMs = undefined;
    this.confidence = 0;
    this.lastPeakMs = undefined;
  }

  #analyse(): void {
    const size = this.#size;
    const { inFar, inNear } = this.#spectrum;
    const mask = size - 1;
    const nearStart = size - NEAR_WINDOW;
    let farPower = 0;
    let nearPower = 0;
    for (let i = 0; i < size; i++) {
      const v = this.#far[(this.#write + i) & mask];
      inFar[i] = v;
      farPower += v * v;
      if (i >= nearStart) {
        const w = this.#near[(this.#write + i) & mask];
        inNear[i] = w;
        nearPower += w * w;
      } else inNear[i] = 0;
    }
    if (farPower / size < ACTIVE_MEAN_SQUARE || nearPower / NEAR_WINDOW < ACTIVE_MEAN_SQUARE) return;
    const lowBin = Math.floor((80 * size) / ANALYSIS_RATE_HZ);
    const highBin = Math.ceil((950 * size) / ANALYSIS_RATE_HZ);
    this.#spectrum.update(farPower, nearPower, SMOOTHING, lowBin, highBin, 0.75);
    this.#pick();
  }

  /** Peak of the correlation over lags 0..maxLag, its confidence and the published delay. */
  #pick(): void {
    const c = this.#spectrum.corr;
    const maxLag = this.#maxLag;
    // Magnitudes: an inverted echo path (speaker or converter polarity) gives a negative peak.
    for (let m = 0; m <= maxLag; m++) c[m] = Math.abs(c[m]);
    let best = 0;
    for (let m = 1; m <= maxLag; m++) if (c[m] > c[best]) best = m;
    const peak = c[best];
    // Background = lags outside [peak − 2.5 ms, peak + reverberation tail]: a room's reflections
    // follow the direct path and are structure, not noise, so they must not dilute the confidence.
    const from = best - EXCLUDE_BEFORE;
    const to = best + EXCLUDE_AFTER;
    let sumSquares = 0;
    let count = 0;
    for (let m = 0; m <= maxLag; m++) {
      if (m >= from && m <= to) continue;
      sumSquares += c[m] * c[m];
      count++;
    }
    const rms = Math.sqrt(sumSquares / Math.max(1, count));
    // In a reverberant room a reflection can outweigh the direct path; the echo starts at the
    // earliest strong peak, which is where the canceller's filter must begin.
    for (let m = Math.max(1, best - EARLY_SEARCH); m < best; m++) {
      const strong = c[m] >= EARLY_FRACTION * peak && c[m] >= EARLY_BACKGROUND * rms;
      if (strong && c[m] >= c[m - 1] && c[m] >= c[m + 1]) {
        best = m;
        break;
      }
    }
    const ratio = rms > 0 ? peak / rms : 0;
    this.confidence = Math.max(0, Math.min(1, (ratio - RATIO_START) / RATIO_SPAN));
    this.lastPeakMs = (best * 1000) / ANALYSIS_RATE_HZ;
    if (this.confidence < PUBLISH_CONFIDENCE) return;
    // Until the fine stage has settled on a new window, the coarse lag stands in (within ~12 ms).
    const fineMs = this.#refiner.refine(this.lastPeakMs) ?? this.lastPeakMs;
    const samples = Math.round((Math.min(fineMs, this.maxDelayMs) * this.sampleRateHz) / 1000);
    this.delayMs = (samples * 1000) / this.sampleRateHz;
  }
}
