import { describe, expect, it } from 'vitest';
import { RealClock, startTicker } from '../../src/clock/index.js';

describe('RealClock', () => {
  it('is monotonic and drives timers', async () => {
    const clock = new RealClock();
    const t0 = clock.now();
    const firedAt = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 15));
    expect(firedAt).toBeGreaterThanOrEqual(t0 + 14);
  });

  it('cancelled timers never fire', async () => {
    const clock = new RealClock();
    let fired = false;
    clock
      .setTimeout(() => {
        fired = true;
      }, 5)
      .cancel();
    await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 30));
    expect(fired).toBe(false);
  });

  it('a ticker on the real clock delivers every tick, each not before its due time', async () => {
    const clock = new RealClock();
    const lateness: number[] = [];
    await new Promise<void>((resolve) => {
      const ticker = startTicker(clock, 10, (i, due) => {
        lateness.push(clock.now() - due);
        if (i === 19) {
          ticker.stop();
          resolve();
        }
      });
    });
    expect(lateness).toHaveLength(20);
    for (const late of lateness) expect(late).toBeGreaterThanOrEqual(-1);
  });
});
