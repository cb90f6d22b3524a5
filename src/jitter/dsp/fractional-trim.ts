import { floatSampleToInt16 } from '../../audio/pcm.js';

/** Taps of the interpolation kernel: 3 before the sample position, 4 after (with the sample itself). */
const TAPS = 8;
const TAPS_BEFORE = 3;
/** Half-width of the kernel's raised-cosine window, samples. */
const WINDOW_HALF_WIDTH = TAPS / 2 + 0.5;

/**
 * Plays one pull from a few more samples than it emits: the pull's audio is resampled (windowed-sinc
 * interpolation, 8 taps) so `frameSamples + trimSamples` input samples become `frameSamples` output
 * samples, a speed-up of `trimSamples / frameSamples` for 10 ms. Unlike a time-stretch it removes any
 * number of samples, not whole pitch periods, so it can take away the part of a pull that a packet
 * boundary falls into; at 2.5 % (`trimSamples = frameSamples / 40`) the pitch moves by 43 cents for
 * those 10 ms. The first output sample is the first input sample and the next pull continues exactly
 * where this one ended, so trimmed and plain pulls join without a seam. Allocation-free after
 * construction.
 */
export class FractionalTrim {
  /** Samples the pull emits. */
  readonly frameSamples: number;
  /** Extra input samples one pull consumes. */
  readonly trimSamples: number;
  /** Input samples needed after the play position (the consumed ones and the kernel's look-ahead). */
  readonly lookAheadSamples: number;
  /** Input samples needed before the play position (the kernel's history). */
  readonly historySamples = TAPS_BEFORE;
  readonly #bases: Int32Array;
  readonly #coefficients: Float32Array;

  /**
   * @param frameSamples - Samples of one pull.
   * @param trimSamples - Extra samples one pull consumes (0 < trimSamples < frameSamples).
   */
  constructor(frameSamples: number, trimSamples: number) {
    this.frameSamples = frameSamples;
    this.trimSamples = trimSamples;
    this.lookAheadSamples = frameSamples + trimSamples + TAPS - TAPS_BEFORE;
    this.#bases = new Int32Array(frameSamples);
    this.#coefficients = new Float32Array(frameSamples * TAPS);
    const step = (frameSamples + trimSamples) / frameSamples;
    for (let i = 0; i < frameSamples; i++) {
      const x = i * step;
      const base = Math.floor(x + 1e-9);
      const mu = Math.max(0, x - base);
      this.#bases[i] = base - TAPS_BEFORE;
      let sum = 0;
      for (let j = 0; j < TAPS; j++) {
        const t = j - TAPS_BEFORE - mu;
        const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
        const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / WINDOW_HALF_WIDTH);
        const h = sinc * window;
        this.#coefficients[i * TAPS + j] = h;
        sum += h;
      }
      for (let j = 0; j < TAPS; j++) this.#coefficients[i * TAPS + j] /= sum;
    }
  }

  /**
   * Writes `frameSamples` samples to `out` (Int16, clamped) from `data` starting at `at` (full scale 1).
   * Reads `data[at − historySamples, at + lookAheadSamples)`.
   */
  render(data: Float32Array, at: number, out: Int16Array): void {
    const bases = this.#bases;
    const h = this.#coefficients;
    for (let i = 0; i < this.frameSamples; i++) {
      const from = at + bases[i];
      const k = i * TAPS;
      let v = 0;
      for (let j = 0; j < TAPS; j++) v += h[k + j] * data[from + j];
      out[i] = floatSampleToInt16(v);
    }
  }
}
