import FFT from 'fft.js';
import { VoxwireError } from '../errors.js';

/**
 * Real-input FFT of a power-of-two size, computed as a complex FFT of half the size (fft.js's radix-4
 * transform, measured 2–3× faster than our radix-2 one in bench/suites/fft.ts) plus one split pass.
 * Tables are built once in the constructor; `forward` and `inverse` allocate nothing.
 */
export class RealFft {
  /** Transform size in samples (a power of two, ≥ 4). */
  readonly size: number;
  private readonly half: number;
  /** cos/sin of 2πk/size for k ≤ half (split-pass twiddles). */
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;
  private readonly complex: FFT;
  private readonly spectrum: number[];
  private readonly packed: number[];

  /**
   * @param size - Transform size in samples: a power of two from 4 to 2^20.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `size` is not such a power of two.
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || size > 1 << 20 || (size & (size - 1)) !== 0) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `RealFft size ${size} is not a power of two in 4..2^20`);
    }
    this.size = size;
    const half = size >> 1;
    this.half = half;
    this.splitCos = new Float64Array(half + 1);
    this.splitSin = new Float64Array(half + 1);
    for (let k = 0; k <= half; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.splitSin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.complex = new FFT(half);
    this.spectrum = this.complex.createComplexArray();
    this.packed = this.complex.createComplexArray();
  }

  /**
   * Unscaled forward transform: X[k] = Σ x[n]·e^(−2πikn/size) for k = 0..size/2.
   * @param input - `size` real samples (read only).
   * @param outRe - Receives the real parts, at least `size/2 + 1` long.
   * @param outIm - Receives the imaginary parts, at least `size/2 + 1` long (bins 0 and size/2 get 0).
   */
  forward(input: Float32Array, outRe: Float32Array, outIm: Float32Array): void {
    const { half, spectrum: z } = this;
    // x read as half-size complex data: z[n] = x[2n] + i·x[2n+1].
    this.complex.transform(z, input);
    const c = this.splitCos;
    const s = this.splitSin;
    outRe[0] = z[0] + z[1];
    outIm[0] = 0;
    outRe[half] = z[0] - z[1];
    outIm[half] = 0;
    for (let k = 1; k < half; k++) {
      const ar = z[2 * k];
      const ai = z[2 * k + 1];
      const br = z[2 * (half - k)];
      const bi = -z[2 * (half - k) + 1];
      // Even part (Z[k] + conj Z[M−k])/2 and odd part (Z[k] − conj Z[M−k])/(2i).
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      // X[k] = E + W^k·O with W = e^(−2πi/size).
      const wr = c[k];
      const wi = -s[k];
      outRe[k] = er + wr * or - wi * oi;
      outIm[k] = ei + wr * oi + wi * or;
    }
  }

  /**
   * Inverse transform scaled by 1/size, so `inverse(forward(x))` returns x.
   * @param inRe - Real parts of bins 0..size/2 (read only).
   * @param inIm - Imaginary parts of bins 0..size/2 (read only; bins 0 and size/2 are taken as real).
   * @param output - Receives `size` real samples.
   */
  inverse(inRe: Float32Array, inIm: Float32Array, output: Float32Array): void {
    const { half, packed, spectrum } = this;
    const c = this.splitCos;
    const s = this.splitSin;
    for (let k = 0; k < half; k++) {
      const ar = inRe[k];
      const ai = k === 0 ? 0 : inIm[k];
      const br = inRe[half - k];
      const bi = k === 0 ? 0 : -inIm[half - k];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // O = D·W^(−k); Z = E + i·O is the half-size spectrum of x[2n] + i·x[2n+1].
      const wr = c[k];
      const wi = s[k];
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      packed[2 * k] = er - oi;
      packed[2 * k + 1] = ei + or;
    }
    this.complex.inverseTransform(spectrum, packed);
    for (let i = 0; i < 2 * half; i++) output[i] = spectrum[i];
  }
}
