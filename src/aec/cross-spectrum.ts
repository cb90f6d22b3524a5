import { RealFft } from './fft.js';

/**
 * Smoothed, whitened cross-correlation (GCC-PHAT) of two windows, shared by the coarse and fine
 * delay stages: fill {@link inFar}/{@link inNear}, call {@link update}, read {@link corr}, where
 * `corr[m] = Σ near[n]·far[n − m]` (negative lags wrap to the end). Allocation-free after construction.
 * @internal
 */
export class SmoothedCrossSpectrum {
  /** Transform size, samples (a power of two). */
  readonly size: number;
  /** Far-end window to analyse, `size` samples. */
  readonly inFar: Float32Array;
  /** Near-end window to analyse, `size` samples. */
  readonly inNear: Float32Array;
  /** The correlation of the last {@link update}, `size` lags. */
  readonly corr: Float32Array;
  readonly #fft: RealFft;
  readonly #farRe: Float32Array;
  readonly #farIm: Float32Array;
  readonly #nearRe: Float32Array;
  readonly #nearIm: Float32Array;
  readonly #sRe: Float32Array;
  readonly #sIm: Float32Array;
  #updates = 0;

  /** @param size - Transform size, a power of two. */
  constructor(size: number) {
    this.size = size;
    this.#fft = new RealFft(size);
    const bins = size / 2 + 1;
    this.inFar = new Float32Array(size);
    this.inNear = new Float32Array(size);
    this.corr = new Float32Array(size);
    this.#farRe = new Float32Array(bins);
    this.#farIm = new Float32Array(bins);
    this.#nearRe = new Float32Array(bins);
    this.#nearIm = new Float32Array(bins);
    this.#sRe = new Float32Array(bins);
    this.#sIm = new Float32Array(bins);
  }

  /** Updates since construction or {@link restart}. */
  get updates(): number {
    return this.#updates;
  }

  /**
   * Adds the current windows to the smoothed cross spectrum and recomputes {@link corr}.
   * @param farPower - Energy of `inFar` (each window is normalised by its power so loud and quiet
   *   stretches weigh alike).
   * @param nearPower - Energy of `inNear`.
   * @param smoothing - Weight of the past, 0–1 (ignored on the first update).
   * @param lowBin - Lowest bin kept in the correlation.
   * @param highBin - Highest bin kept.
   * @param exponent - Whitening: the spectrum is divided by |S|^0.75 or |S|^1 (full phase transform).
   */
  update(
    farPower: number,
    nearPower: number,
    smoothing: number,
    lowBin: number,
    highBin: number,
    exponent: 0.75 | 1,
  ): void {
    this.#fft.forward(this.inFar, this.#farRe, this.#farIm);
    this.#fft.forward(this.inNear, this.#nearRe, this.#nearIm);
    const bins = this.size / 2 + 1;
    const norm = 1 / Math.sqrt(farPower * nearPower);
    const a = this.#updates === 0 ? 0 : smoothing;
    for (let k = 0; k < bins; k++) {
      // near · conj(far): its inverse is c[m] = Σ near[n]·far[n − m].
      const re = (this.#nearRe[k] * this.#farRe[k] + this.#nearIm[k] * this.#farIm[k]) * norm;
      const im = (this.#nearIm[k] * this.#farRe[k] - this.#nearRe[k] * this.#farIm[k]) * norm;
      this.#sRe[k] = a * this.#sRe[k] + (1 - a) * re;
      this.#sIm[k] = a * this.#sIm[k] + (1 - a) * im;
      const power = this.#sRe[k] * this.#sRe[k] + this.#sIm[k] * this.#sIm[k];
      let w = 0;
      if (k >= lowBin && k <= highBin && power > 0) {
        // |S|^−0.75 without Math.pow (more robust to noise than β = 1), or the full transform.
        w = exponent === 1 ? 1 / Math.sqrt(power) : Math.sqrt(Math.sqrt(Math.sqrt(power))) / Math.sqrt(power);
      }
      this.#farRe[k] = this.#sRe[k] * w;
      this.#farIm[k] = this.#sIm[k] * w;
    }
    this.#updates++;
    this.#fft.inverse(this.#farRe, this.#farIm, this.corr);
  }

  /** Makes the next update start a new average. */
  restart(): void {
    this.#updates = 0;
  }

  /** Forgets the smoothed spectrum. */
  reset(): void {
    this.#sRe.fill(0);
    this.#sIm.fill(0);
    this.#updates = 0;
  }
}
