import { describe, expect, it } from 'vitest';
import { type Clock, type ClockTimer, startTicker, VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';

/** A clock whose timers fire late by a varying amount, as an event loop under load does. */
class LateClock implements Clock {
  readonly inner = new VirtualClock();
  #n = 0;
  now(): number {
    return this.inner.now();
  }
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const lateMs = [0.3, 4, 0, 1.7, 12, 0.1, 55][this.#n++ % 7];
    return this.inner.setTimeout(callback, delayMs + lateMs);
  }
}

describe('startTicker', () => {
  it('ticks every period on a virtual clock with exact scheduled times', () => {
    const clock = new VirtualClock(100);
    const seen: [number, number][] = [];
    const ticker = startTicker(clock, 20, (i, due) => seen.push([i, due]));
    clock.advance(100);
    expect(seen).toEqual([
      [0, 120],
      [1, 140],
      [2, 160],
      [3, 180],
      [4, 200],
    ]);
    ticker.stop();
    clock.advance(100);
    expect(ticker.ticks).toBe(5);
  });

  it('does not accumulate timer lateness: after 60 s of late timers every tick has fired, none early', () => {
    const clock = new LateClock();
    const firedAt: number[] = [];
    const dueAt: number[] = [];
    const ticker = startTicker(clock, 20, (_i, due) => {
      firedAt.push(clock.now());
      dueAt.push(due);
    });
    clock.inner.advance(60_000 + 60);
    ticker.stop();
    expect(ticker.ticks).toBeGreaterThanOrEqual(3000);
    expect(dueAt[2999]).toBe(60_000);
    for (let i = 0; i < firedAt.length; i++) {
      expect(firedAt[i]).toBeGreaterThanOrEqual(dueAt[i]);
      // Lateness stays bounded by the largest single timer delay, never grows with time.
      expect(firedAt[i] - dueAt[i]).toBeLessThan(56);
    }
  });

  it('a tick that stops the ticker prevents further ticks', () => {
    const clock = new VirtualClock();
    let count = 0;
    const ticker = startTicker(clock, 10, () => {
      if (++count === 3) ticker.stop();
    });
    clock.advance(1000);
    expect(count).toBe(3);
  });

  it('rejects a non-positive period', () => {
    const clock = new VirtualClock();
    for (const period of [0, -10, Number.POSITIVE_INFINITY, Number.NaN]) {
      try {
        startTicker(clock, period, () => {});
        expect.unreachable();
      } catch (error) {
        expect(isVoxwireError(error, 'ERR_INVALID_OPTION')).toBe(true);
      }
    }
  });
});
