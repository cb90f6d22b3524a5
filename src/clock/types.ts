/** A pending timer returned by {@link Clock.setTimeout}. */
export interface ClockTimer {
  /** Cancels the timer; harmless when it already fired or was cancelled. */
  cancel(): void;
}

/**
 * The source of time for everything in voxwire that paces or timestamps. Only {@link RealClock}
 * touches the platform's timers; tests and simulations use {@link VirtualClock}.
 */
export interface Clock {
  /** Monotonic time in milliseconds (fractional). The origin is the clock's own. */
  now(): number;
  /**
   * Calls `callback` once, `delayMs` milliseconds from now (0 or negative: at the next turn).
   * A callback that throws does not stop other timers; the error goes to the clock's error handler.
   */
  setTimeout(callback: () => void, delayMs: number): ClockTimer;
}
