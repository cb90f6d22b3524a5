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
  /**
   * Optional wall-clock time: ms since the Unix epoch (fractional), on the same time base as
   * {@link now}, so `unixTimeMs() - now()` stays constant for the clock's lifetime. RTCP sender
   * reports take their NTP timestamps from it. A clock without it (such as `VirtualClock`) has no
   * wall time: NTP timestamps then count from the clock's own origin, which keeps simulations
   * deterministic.
   */
  unixTimeMs?(): number;
}
