import { invalidOption } from '../../errors.js';

/**
 * A small, fast, seeded pseudo-random generator (xoshiro128**, seeded through splitmix32), so an
 * emulated network run is reproducible bit for bit from its seed. Not for cryptography.
 */
export class SeededRandom {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  #spareNormal = Number.NaN;

  /**
   * @param seed - Any integer (taken modulo 2^32); equal seeds give equal sequences.
   * @throws VoxwireError `ERR_INVALID_OPTION` when `seed` is not a finite integer.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) invalidOption('seed', seed, 'must be an integer');
    // splitmix32 spreads any seed (even 0) over the four state words, which must not all be zero.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform number in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform number in (0, 1]: safe under `Math.log` and negative powers. */
  nextOpen(): number {
    return (this.nextUint32() + 1) / 4294967296;
  }

  /** A standard normal sample (mean 0, standard deviation 1), by the Box–Muller transform. */
  normal(): number {
    const spare = this.#spareNormal;
    if (!Number.isNaN(spare)) {
      this.#spareNormal = Number.NaN;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.nextOpen()));
    const angle = 2 * Math.PI * this.next();
    this.#spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
