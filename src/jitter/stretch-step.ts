import { stretchLimits } from './decision.js';
import { decodeNext } from './decode-step.js';
import { deadlineShift } from './dsp/time-stretch.js';
import type { PlayoutContext } from './playout-context.js';

/** Decoded audio a time-stretch works on, ms. */
const STRETCH_INPUT_MS = 30;
/** Pulls between two time-stretches (NetEQ's kMinTimescaleInterval). */
const STRETCH_INTERVAL_TICKS = 5;
/** Preemptive expand (a whole pull later) only when the delay is this far below the band, ms. */
const EXPAND_SLACK_MS = 1.5;

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
  const { low, high } = stretchLimits((c.dm.targetDelayMs * c.rateHz) / 1000, c.rateHz, c.lowMarginSamples);
  const align = c.alignment;
  const frame = c.frameSamples;
  const phase = sync.futureSamples % frame;
  align.frameSamples = frame;
  align.phaseSamples = phase;
  // Aim at the middle of the band, at most a pull per stretch: faster is audible (and a startup
  // excess of 100+ ms would go in a second).
  align.wantedSamples = Math.max(-frame, Math.min(frame, (low + high) / 2 - c.delaySamples));
  input.set(sync.data.subarray(sync.playPos, sync.playPos + n));
  c.stretchAllowedAt = c.tick + STRETCH_INTERVAL_TICKS;
  if (op === 'accelerate') {
    const removed = c.stretch.accelerate(input, c.scratch, n, align);
    // A move that overshoots the band would only be undone by the opposite stretch (or underruns).
    const moved = deadlineShift(phase, -removed, frame);
    if (removed === 0 || c.delaySamples + moved < low) return 'normal';
    sync.replaceFuture(n, c.scratch, n - removed);
    c.stats.removedSamplesForAcceleration += removed;
    c.level -= removed;
    c.delaySamples += moved;
  } else {
    const inserted = c.stretch.preemptiveExpand(input, c.scratch, n, align);
    // An insertion that leaves the deadline where it was only holds audio longer; one that moves it
    // a whole pull for a shortfall within the estimate's noise costs a pull of delay for little.
    const moved = deadlineShift(phase, inserted, frame);
    const slack = (EXPAND_SLACK_MS * c.rateHz) / 1000;
    if (inserted === 0 || moved <= 0 || c.delaySamples > low - slack) return 'normal';
    sync.replaceFuture(n, c.scratch, n + inserted);
    c.stats.insertedSamplesForDeceleration += inserted;
    c.level += inserted;
    c.delaySamples += moved;
  }
  return op;
}
