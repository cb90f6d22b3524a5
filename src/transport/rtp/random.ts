import { randomFillSync } from 'node:crypto';

/**
 * A source of uniform random numbers in [0, 1). RTP uses it for SSRCs, initial sequence numbers and
 * timestamps (RFC 3550 §5.1, §8) and for RTCP interval randomisation (§6.3.1). Inject a seeded one
 * (e.g. `() => seeded.next()`) for reproducible runs.
 */
export type RandomSource = () => number;

const pool = new Uint32Array(64);
let poolIndex = pool.length;

/**
 * The default {@link RandomSource}: the operating system's cryptographic generator (RFC 3550 §8
 * wants SSRCs that are hard to guess and unlikely to collide), 32 bits per draw.
 */
export const cryptoRandom: RandomSource = () => {
  if (poolIndex === pool.length) {
    randomFillSync(pool);
    poolIndex = 0;
  }
  return pool[poolIndex++] / 4294967296;
};

/** A uniform uint32 from `random`. */
export function randomUint32(random: RandomSource): number {
  return Math.floor(random() * 4294967296) >>> 0;
}
