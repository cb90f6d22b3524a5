import { performance } from 'node:perf_hooks';
import type { Clock, ClockTimer } from './types.js';

/** Options of {@link RealClock}. */
export interface RealClockOptions {
  /**
   * When false (the default), pending timers do not keep the Node process alive, so a program
   * whose session is stopped exits by itself.
   */
  keepAlive?: boolean;
}

/**
 * Wall time from `performance.now()` (Unix time from `performance.timeOrigin`) and Node timers. The
 * only place in voxwire that reads the platform clock.
 */
export class RealClock implements Clock {
  readonly #keepAlive: boolean;

  /** @param options - See {@link RealClockOptions}. */
  constructor(options: RealClockOptions = {}) {
    this.#keepAlive = options.keepAlive ?? false;
  }

  /** Milliseconds since the process's time origin, fractional and monotonic. */
  now(): number {
    return performance.now();
  }

  /**
   * Wall-clock time, ms since the Unix epoch: the process's time origin (`performance.timeOrigin`,
   * read from the system clock once at start) plus `now()`. It therefore moves with the monotonic
   * clock and does not jump when the system clock is stepped.
   */
  unixTimeMs(): number {
    return performance.timeOrigin + performance.now();
  }

  /** Schedules `callback` on a Node timer, `delayMs` ms from now. */
  setTimeout(callback: () => void, delayMs: number): ClockTimer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    if (!this.#keepAlive) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
}
