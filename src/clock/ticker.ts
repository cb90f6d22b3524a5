import { invalidOption } from '../errors.js';
import type { Clock, ClockTimer } from './types.js';

/** A running periodic ticker; see {@link startTicker}. */
export interface Ticker {
  /** Stops the ticker; no tick fires after it returns. */
  stop(): void;
  /** Ticks delivered so far. */
  readonly ticks: number;
}

/**
 * Calls `onTick(tickIndex, scheduledMs)` every `periodMs` without drift: each tick is scheduled
 * against `startMs + n·periodMs`, not against the previous tick, so timer lateness never
 * accumulates. A tick that is late by more than whole periods fires once per missed period
 * (catch-up), as media pacing needs every frame.
 * @param clock - The time source.
 * @param periodMs - The period, ms, > 0.
 * @param onTick - Receives the 0-based tick index and the time the tick was due, ms.
 * @throws VoxwireError `ERR_INVALID_OPTION` when `periodMs` is not a positive finite number.
 */
export function startTicker(
  clock: Clock,
  periodMs: number,
  onTick: (tickIndex: number, scheduledMs: number) => void,
): Ticker {
  if (!(periodMs > 0) || !Number.isFinite(periodMs)) invalidOption('periodMs', periodMs, 'must be > 0');
  const startMs = clock.now();
  let ticks = 0;
  let stopped = false;
  let timer: ClockTimer | undefined;

  const schedule = (): void => {
    const dueMs = startMs + (ticks + 1) * periodMs;
    timer = clock.setTimeout(fire, dueMs - clock.now());
  };
  const fire = (): void => {
    const nowMs = clock.now();
    while (!stopped && startMs + (ticks + 1) * periodMs <= nowMs + 1e-9) {
      const index = ticks++;
      onTick(index, startMs + (index + 1) * periodMs);
    }
    if (!stopped) schedule();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
    get ticks() {
      return ticks;
    },
  };
}
