import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../src/errors.js';
import { DelayManager } from '../../src/jitter/delay-manager.js';

/** Seeded uniform in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function feed(dm: DelayManager, from: number, count: number, jitterMs: number, random: () => number): void {
  for (let i = from; i < from + count; i++) dm.update(i * 160, i * 20 + 40 + random() * jitterMs);
}

describe('DelayManager', () => {
  it('starts at the start delay and settles near the jitter actually seen', () => {
    const dm = new DelayManager(8000);
    expect(dm.targetDelayMs).toBe(80);
    feed(dm, 0, 3000, 60, rng(1));
    expect(dm.targetDelayMs).toBeGreaterThanOrEqual(50);
    expect(dm.targetDelayMs).toBeLessThanOrEqual(75);
  });

  it('measures delay relative to the fastest packet, so a constant path delay adds nothing', () => {
    const dm = new DelayManager(8000);
    for (let i = 0; i < 2000; i++) dm.update(i * 160, i * 20 + 500);
    expect(dm.targetDelayMs).toBeLessThanOrEqual(5);
    expect(dm.lastRelativeDelayMs).toBe(0);
  });

  it('rises quickly on a spike of late packets and decays slowly after it', () => {
    const dm = new DelayManager(8000);
    const r = rng(2);
    feed(dm, 0, 1000, 10, r);
    const calm = dm.targetDelayMs;
    for (let i = 1000; i < 1010; i++) dm.update(i * 160, i * 20 + 40 + 200 * ((i - 999) / 10));
    expect(dm.targetDelayMs).toBeGreaterThan(150); // within 10 packets (200 ms)
    feed(dm, 1010, 250, 10, r); // 5 s calm
    expect(dm.targetDelayMs).toBeGreaterThan(100);
    feed(dm, 1260, 6000, 10, r); // 2 min calm
    expect(dm.targetDelayMs).toBeLessThanOrEqual(calm + 10);
  });

  it('takes the stall quantile while the receiver stalls, at once and back', () => {
    const dm = new DelayManager(8000, { quantile: 0.6, stallQuantile: 0.99 });
    feed(dm, 0, 3000, 60, rng(5));
    const normal = dm.targetDelayMs;
    dm.setOwnerStalling(true);
    const stalling = dm.targetDelayMs;
    expect(stalling).toBeGreaterThan(normal + 15);
    feed(dm, 3000, 10, 60, rng(6));
    expect(Math.abs(dm.targetDelayMs - stalling)).toBeLessThanOrEqual(4);
    dm.setOwnerStalling(false);
    expect(Math.abs(dm.targetDelayMs - normal)).toBeLessThanOrEqual(4);
  });

  it('clamps to minDelayMs and maxDelayMs', () => {
    const lo = new DelayManager(8000, { minDelayMs: 100 });
    feed(lo, 0, 500, 0, rng(3));
    expect(lo.targetDelayMs).toBe(100);
    const hi = new DelayManager(8000, { maxDelayMs: 60 });
    feed(hi, 0, 500, 300, rng(4));
    expect(hi.targetDelayMs).toBe(60);
  });

  it('rejects bad configuration naming the option', () => {
    expect(() => new DelayManager(8000, { quantile: 2 })).toThrow(/delay.quantile/);
    expect(() => new DelayManager(8000, { quantile: 0.98, stallQuantile: 0.97 })).toThrow(
      /delay.stallQuantile/,
    );
    expect(() => new DelayManager(8000, { quantile: 0.99 })).not.toThrow(); // stallQuantile follows it
    expect(() => new DelayManager(0)).toThrow(/clockRateHz/);
    try {
      new DelayManager(8000, { minDelayMs: 50, maxDelayMs: 10 });
    } catch (e) {
      expect(isVoxwireError(e, 'ERR_INVALID_OPTION')).toBe(true);
    }
  });
});
