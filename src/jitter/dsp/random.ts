/**
 * Seeded white-noise source for the DSP operations (xorshift32 + a summed-uniform approximation
 * of a Gaussian), so concealment and comfort noise are reproducible from a seed. Not for cryptography.
 */
export class NoiseSource {
  #state: number;

  /** @param seed - Any integer; equal seeds give equal sequences (0 is remapped, xorshift needs non-zero). */
  constructor(seed = 1) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** A uniform number in [-1, 1). */
  uniform(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 2147483648 - 1;
  }

  /** An approximately normal sample with mean 0 and variance 1 (sum of four uniforms). */
  gaussian(): number {
    // Each uniform on [-1,1) has variance 1/3; four of them sum to variance 4/3.
    return (this.uniform() + this.uniform() + this.uniform() + this.uniform()) * 0.8660254037844386;
  }
}
