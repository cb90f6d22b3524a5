import { stretchLimits } from './decision.js';
import { decodeNext } from './decode-step.js';
import type { PlayoutContext } from './playout-context.js';

/** Decoded audio a time-stretch works on, ms. */
const STRETCH_INPUT_MS = 30;
/** Pulls between two time-stretches (NetEQ's kMinTimescaleInterval). */
const STRETCH_INTERVAL_TICKS = 5;

/**
 * Accelerate or preemptive expand on up to 30 ms of decoded audio (decoding due packets first).
 * Returns `'normal'` when there was too little audio or the signal offered no good stretch.
 * @internal
 */
export function timeStretch(
  c: PlayoutContext,
  op: 'accelerate' | 'preemptive-expand',
): 'accelerate' | 'preemptive-expand' | 'normal' {
  const sync = c.sync;
  const want = (STRETCH_INPUT_MS * c.rateHz) / 1000;
  while (sync.futureSamples < want) {
    const head = c.buffer.peek();
    if (head === undefined || head.timestamp !== c.nextTs || !decodeNext(c)) break;
  }
  const n = Math.min(want, sync.futureSamples);
  // Inserting works on a short future too (it is needed exactly when the buffer runs low).
  if (n < ((op === 'accelerate' ? 20 : 10) * c.rateHz) / 1000) return 'normal';
  const input = c.decoded;
  input.set(sync.data.subarray(sync.playPos, sync.playPos + n));
  c.stretchAllowedAt = c.tick + STRETCH_INTERVAL_TICKS;
  if (op === 'accelerate') {
    const removed = c.stretch.accelerate(input, c.scratch, n);
    // A removal that would overshoot below the band would only be undone by stretching (or underruns).
    const low = stretchLimits((c.dm.targetDelayMs * c.rateHz) / 1000, c.rateHz).low;
    if (removed === 0 || c.delaySamples - removed < low) return 'normal';
    sync.replaceFuture(n, c.scratch, n - removed);
    c.stats.removedSamplesForAcceleration += removed;
    c.level -= removed;
    c.delaySamples -= removed;
  } else {
    const inserted = c.stretch.preemptiveExpand(input, c.scratch, n);
    if (inserted === 0) return 'normal';
    sync.replaceFuture(n, c.scratch, n + inserted);
    c.stats.insertedSamplesForDeceleration += inserted;
    c.level += inserted;
    c.delaySamples += inserted;
  }
  return op;
}
