import type { Clock, ClockTimer } from '../../clock/index.js';

/**
 * Calls `onStall` once when `feed()` was not called for `stallMs` of `clock` (checked every
 * `stallMs / 4`; `probe`, when given, runs before each check and may `feed()`). @internal
 */
export class Watchdog {
  #lastMs = 0;
  #timer: ClockTimer | undefined;
  #stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly stallMs: number,
    private readonly onStall: (silentMs: number) => void,
    private readonly probe?: () => void,
  ) {}

  /** Starts watching from now. */
  start(): void {
    this.#stopped = false;
    this.#lastMs = this.clock.now();
    this.#schedule();
  }

  /** Records activity. */
  feed(): void {
    this.#lastMs = this.clock.now();
  }

  /** Stops watching. */
  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
  }

  #schedule(): void {
    this.#timer = this.clock.setTimeout(() => this.#check(), this.stallMs / 4);
  }

  #check(): void {
    if (this.#stopped) return;
    this.probe?.();
    const silentMs = this.clock.now() - this.#lastMs;
    if (silentMs >= this.stallMs) {
      this.stop();
      this.onStall(silentMs);
      return;
    }
    this.#schedule();
  }
}
