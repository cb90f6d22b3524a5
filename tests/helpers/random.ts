/** Seeded randomness for tests: a failure reproduces from its seed and iteration number. */

/** Deterministic 32-bit PRNG (mulberry32): unsigned 32-bit integers. */
export function prngUint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** The same generator as {@link prngUint32}, scaled to [0, 1). */
export function prng(seed: number): () => number {
  const next = prngUint32(seed);
  return () => next() / 4294967296;
}
