import type { Clock } from '../clock/index.js';

/**
 * A token bucket on an injected clock: `capacity` messages at once, refilled at `ratePerSecond`.
 */
export class TokenBucket {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #perMs: number;
  #tokens: number;
  #lastMs: number;

  /**
   * @param clock - Time source.
   * @param ratePerSecond - Sustained rate, messages per second (> 0).
   * @param capacity - Burst size, messages (≥ 1).
   */
  constructor(clock: Clock, ratePerSecond: number, capacity: number) {
    this.#clock = clock;
    this.#capacity = capacity;
    this.#perMs = ratePerSecond / 1000;
    this.#tokens = capacity;
    this.#lastMs = clock.now();
  }

  /** Takes one token; false when the bucket is empty (the message should be dropped). */
  take(): boolean {
    const nowMs = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (nowMs - this.#lastMs) * this.#perMs);
    this.#lastMs = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
