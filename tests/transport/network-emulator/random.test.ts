import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/transport/network-emulator/random.js';

describe('SeededRandom', () => {
  it('repeats a sequence for a seed and differs across seeds (0 included)', () => {
    const draw = (seed: number): number[] => {
      const r = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(new Set(draw(0)).size).toBe(8);
  });

  it('is uniform in [0, 1) and its normal samples have mean 0 and σ 1', () => {
    const r = new SeededRandom(123);
    const n = 200_000;
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      buckets[Math.floor(u * 10)]++;
      const z = r.normal();
      sum += z;
      sumSq += z * z;
    }
    // χ² with 9 degrees of freedom: 27.9 is the 0.1 % critical value.
    const expected = n / 10;
    const chi2 = buckets.reduce((acc, b) => acc + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.9);
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.01);
  });

  it('rejects a non-integer seed', () => {
    expect(() => new SeededRandom(0.5)).toThrow(/option seed/);
  });
});
