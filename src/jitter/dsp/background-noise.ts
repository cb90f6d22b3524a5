import { invalidOption } from '../../errors.js';
import { autocorrelation, levinson, MAX_LPC_ORDER } from './lpc.js';
import { checkSampleRate } from './pitch.js';

/** Options of {@link BackgroundNoiseEstimator}. */
export interface BackgroundNoiseOptions {
  /** LPC order of the spectral shape, 1–16. Default 10 at 8 kHz, 12 above (libwebrtc CNG uses 12). */
  lpcOrder?: number;
  /** Span of the minimum tracker, ms: the floor follows a rise in noise within this time. Default 1500. */
  minimumWindowMs?: number;
}

/** Frames whose energy is within this factor (4 dB) of the tracked minimum count as noise. */
const NOISE_MARGIN = 2.5;
const SUBWINDOWS = 5;

/**
 * Background-noise estimator: minimum statistics over frame energies (the floor is the smallest
 * energy in a sliding window made of five sub-windows) and, from frames near that floor, a smoothed
 * LPC spectral shape. Feed it every frame played out (10 ms typical); read {@link energy} and the
 * coefficients when concealing or sending comfort noise. Allocation-free per call.
 */
export class BackgroundNoiseEstimator {
  /** Sample rate, Hz. */
  readonly sampleRateHz: number;
  /** LPC order of {@link reflectionCoefficients} and {@link lpc}. */
  readonly lpcOrder: number;
  /** Reflection coefficients of the noise shape, `lpcOrder` values (zeros: white). */
  readonly reflectionCoefficients: Float32Array;
  /** Direct-form LPC a[0..lpcOrder] of the noise shape (a[0] = 1). */
  readonly lpc: Float32Array;
  /** Estimated noise mean square (full scale = 1); 0 until a frame has been seen. */
  energy = 0;
  /** Frames seen. */
  frames = 0;

  readonly #r = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #rSmooth = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #a = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #k = new Float64Array(MAX_LPC_ORDER);
  readonly #scratch = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #subMinima = new Float64Array(SUBWINDOWS).fill(Number.POSITIVE_INFINITY);
  readonly #subwindowMs: number;
  #subMs = 0;
  #subIndex = 0;
  #currentMin = Number.POSITIVE_INFINITY;
  #noiseFrames = 0;

  /**
   * @param sampleRateHz - 8000, 16000 or 48000.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad rate, order or window.
   */
  constructor(sampleRateHz: number, options: BackgroundNoiseOptions = {}) {
    checkSampleRate(sampleRateHz);
    const order = options.lpcOrder ?? (sampleRateHz === 8000 ? 10 : 12);
    if (!Number.isInteger(order) || order < 1 || order > MAX_LPC_ORDER)
      invalidOption('lpcOrder', order, `must be an integer 1–${MAX_LPC_ORDER}`);
    const windowMs = options.minimumWindowMs ?? 1500;
    if (!(windowMs >= 100 && windowMs <= 10000))
      invalidOption('minimumWindowMs', windowMs, 'must be 100–10000 ms');
    this.sampleRateHz = sampleRateHz;
    this.lpcOrder = order;
    this.reflectionCoefficients = new Float32Array(order);
    this.lpc = new Float32Array(order + 1);
    this.lpc[0] = 1;
    this.#subwindowMs = windowMs / SUBWINDOWS;
  }

  /** The noise level in dBov (10·log10 of the mean square; a full-scale square wave is 0 dBov); −127 when silent. */
  get levelDbov(): number {
    return this.energy > 0 ? Math.max(-127, 10 * Math.log10(this.energy)) : -127;
  }

  /** True once at least one frame has updated the noise shape. */
  get ready(): boolean {
    return this.#noiseFrames > 0;
  }

  /**
   * Feeds one frame of played audio.
   * @param frame - Mono PCM, full scale ±1; at least lpcOrder+1 samples (shorter frames are ignored).
   */
  update(frame: Float32Array, start = 0, length = frame.length - start): void {
    const order = this.lpcOrder;
    if (length <= order) return;
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += frame[i] * frame[i];
    const energy = sum / length;
    if (!Number.isFinite(energy)) return;
    this.frames++;
    // Minimum statistics: running minimum of the current sub-window, kept for SUBWINDOWS windows.
    if (energy < this.#currentMin) this.#currentMin = energy;
    this.#subMs += (length * 1000) / this.sampleRateHz;
    if (this.#subMs >= this.#subwindowMs) {
      this.#subMinima[this.#subIndex] = this.#currentMin;
      this.#subIndex = (this.#subIndex + 1) % SUBWINDOWS;
      this.#currentMin = Number.POSITIVE_INFINITY;
      this.#subMs = 0;
    }
    let floor = this.#currentMin;
    for (let i = 0; i < SUBWINDOWS; i++) floor = Math.min(floor, this.#subMinima[i]);
    if (energy > floor * NOISE_MARGIN + 1e-12) {
      // Speech: the floor may only fall; keep the estimate from exceeding the tracked floor by much.
      if (this.energy > floor * NOISE_MARGIN) this.energy = floor * NOISE_MARGIN;
      return;
    }
    const alpha = this.#noiseFrames < 10 ? 0.5 : 0.9;
    this.#noiseFrames++;
    this.energy = this.#noiseFrames === 1 ? energy : alpha * this.energy + (1 - alpha) * energy;
    autocorrelation(frame, start, length, order, this.#r);
    const r = this.#r;
    const rs = this.#rSmooth;
    // Smooth the autocorrelation normalised by energy, so level changes do not skew the shape.
    const norm = r[0] > 0 ? 1 / r[0] : 0;
    for (let i = 0; i <= order; i++)
      rs[i] = this.#noiseFrames === 1 ? r[i] * norm : alpha * rs[i] + (1 - alpha) * r[i] * norm;
    if (rs[0] > 0) {
      levinson(rs, order, this.#a, this.#k, this.#scratch);
      for (let i = 0; i < order; i++) this.reflectionCoefficients[i] = this.#k[i];
      for (let i = 0; i <= order; i++) this.lpc[i] = this.#a[i];
    }
  }

  /** Forgets everything (a new stream). */
  reset(): void {
    this.energy = 0;
    this.frames = 0;
    this.#noiseFrames = 0;
    this.#subMinima.fill(Number.POSITIVE_INFINITY);
    this.#currentMin = Number.POSITIVE_INFINITY;
    this.#subMs = 0;
    this.reflectionCoefficients.fill(0);
    this.lpc.fill(0);
    this.lpc[0] = 1;
  }
}
