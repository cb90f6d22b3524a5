import { VoxwireError } from '../errors.js';
import type { Clock, ClockTimer } from './types.js';

interface PendingTimer {
  dueMs: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Timers fire in due-time order (ties in the order they were
 * set), each with `now()` equal to its due time, so a whole call runs deterministically and as fast
 * as the CPU allows.
 */
export class VirtualClock implements Clock {
  #nowMs: number;
  #order = 0;
  // A binary min-heap on (dueMs, order): thousands of timers per simulated second stay cheap.
  readonly #heap: PendingTimer[] = [];

  /** @param startMs - The initial time, ms (default 0). */
  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  /** The virtual time, ms. */
  now(): number {
    return this.#nowMs;
  }

  /** Schedules `callback` at `now() + max(0, delayMs)`. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const timer: PendingTimer = {
      dueMs: this.#nowMs + Math.max(0, delayMs),
      order: this.#order++,
      callback,
      cancelled: false,
    };
    this.#push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Number of timers not yet fired or cancelled. */
  get pendingTimers(): number {
    let count = 0;
    for (const timer of this.#heap) if (!timer.cancelled) count++;
    return count;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way (including timers that those
   * timers set, when they fall within the window).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `advance(ms): ${ms} must be a finite number ≥ 0`);
    }
    this.advanceTo(this.#nowMs + ms);
  }

  /**
   * Moves time forward to `timeMs`, firing every timer due up to and including it.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `timeMs` is in the past.
   */
  advanceTo(timeMs: number): void {
    if (!(timeMs >= this.#nowMs)) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `advanceTo(${timeMs}) is before now (${this.#nowMs})`);
    }
    for (;;) {
      const next = this.#heap[0];
      if (next === undefined || next.dueMs > timeMs) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#nowMs = next.dueMs;
      next.callback();
    }
    this.#nowMs = timeMs;
  }

  /**
   * Fires timers one after another, jumping time to each, until none is left or `limitMs` of
   * virtual time has passed. Returns the number of timers fired.
   */
  runAll(limitMs = 3_600_000): number {
    const endMs = this.#nowMs + limitMs;
    let fired = 0;
    for (;;) {
      const next = this.#heap[0];
      if (next === undefined || next.dueMs > endMs) break;
      this.#pop();
      if (next.cancelled) continue;
      this.#nowMs = next.dueMs;
      fired++;
      next.callback();
    }
    return fired;
  }

  #push(timer: PendingTimer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
      if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
      i = smallest;
    }
  }
}

function before(a: PendingTimer, b: PendingTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}
