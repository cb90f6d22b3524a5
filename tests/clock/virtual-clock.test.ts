import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';

describe('VirtualClock', () => {
  it('fires timers in due order, ties in the order they were set, with now() at the due time', () => {
    const clock = new VirtualClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => log.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 10);
    clock.setTimeout(() => log.push(`z@${clock.now()}`), -5);
    clock.advance(20);
    expect(log).toEqual(['z@1000', 'a@1010', 'b@1010']);
    expect(clock.now()).toBe(1020);
    clock.advance(10);
    expect(log).toEqual(['z@1000', 'a@1010', 'b@1010', 'c@1030']);
  });

  it('fires timers set by timers when they fall inside the advanced window', () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const again = (): void => {
      fired.push(clock.now());
      if (fired.length < 5) clock.setTimeout(again, 7);
    };
    clock.setTimeout(again, 7);
    clock.advance(30);
    expect(fired).toEqual([7, 14, 21, 28]);
    clock.advance(100);
    expect(fired).toEqual([7, 14, 21, 28, 35]);
  });

  it('cancels timers and counts the pending ones', () => {
    const clock = new VirtualClock();
    let fired = 0;
    const t1 = clock.setTimeout(() => fired++, 5);
    clock.setTimeout(() => fired++, 6);
    expect(clock.pendingTimers).toBe(2);
    t1.cancel();
    t1.cancel();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(10);
    expect(fired).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps order for thousands of random timers (heap property)', () => {
    const clock = new VirtualClock();
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const fired: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const delay = Math.floor(rand() * 1000);
      clock.setTimeout(() => fired.push(delay), delay);
    }
    expect(clock.runAll()).toBe(5000);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });

  it('runAll stops at the limit', () => {
    const clock = new VirtualClock();
    const tick = (): void => {
      clock.setTimeout(tick, 10);
    };
    tick();
    expect(clock.runAll(100)).toBe(10);
    expect(clock.now()).toBe(100);
  });

  it('rejects moving backwards or by a non-finite amount', () => {
    const clock = new VirtualClock(50);
    expect(() => clock.advance(-1)).toThrow(/advance/);
    expect(() => clock.advance(Number.NaN)).toThrow();
    try {
      clock.advanceTo(10);
    } catch (error) {
      expect(isVoxwireError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => clock.advanceTo(10)).toThrow();
  });
});
