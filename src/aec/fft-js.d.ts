/** Types for the parts of fft.js (CommonJS, untyped) that RealFft uses. */
declare module 'fft.js' {
  /** Radix-4 complex FFT on interleaved [re, im, …] arrays of `2·size` numbers. */
  export default class FFT {
    constructor(size: number);
    createComplexArray(): number[];
    /** Unscaled forward transform; `out` and `data` must differ. */
    transform(out: number[], data: ArrayLike<number>): void;
    /** Inverse transform scaled by 1/size; `out` and `data` must differ. */
    inverseTransform(out: number[], data: ArrayLike<number>): void;
  }
}
