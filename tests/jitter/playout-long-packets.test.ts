/**
 * 40 and 60 ms packets span 4–6 pulls. Stretches that align packet boundaries with pull starts
 * (StretchAlignment) must still remove at most one pitch period or half a pull at a time:
 * longer splices are heard as skips and move the timing faster than a listener follows (the session
 * e2e tests track the lag of what was heard).
 */
import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { simulateCall } from './harness.js';

/** The test signal's lowest pitch is 120 Hz: its longest period at 8 kHz, samples. */
const LONGEST_PERIOD = Math.ceil(8000 / 120);
/** Half a 10 ms pull at 8 kHz, samples. */
const HALF_PULL = 40;

function run(ptimeMs: number, jitterMs: number) {
  let removed = 0;
  let inserted = 0;
  let largestRemoval = 0;
  let largestInsertion = 0;
  let stretchedAfter3s = 0;
  const result = simulateCall({
    codec: createPcmuCodec(),
    durationMs: 10_000,
    ptimeMs,
    seed: 3,
    conditions: { delayMs: 20, jitterMs },
    onPull: (timeMs, playout) => {
      const s = playout.getStats();
      const removal = s.removedSamplesForAcceleration - removed;
      const insertion = s.insertedSamplesForDeceleration - inserted;
      largestRemoval = Math.max(largestRemoval, removal);
      largestInsertion = Math.max(largestInsertion, insertion);
      if (timeMs > 3000) stretchedAfter3s += removal + insertion;
      removed = s.removedSamplesForAcceleration;
      inserted = s.insertedSamplesForDeceleration;
    },
  });
  return { stats: result.playout.getStats(), largestRemoval, largestInsertion, stretchedAfter3s, removed };
}

describe('Playout with packets longer than a pull', () => {
  for (const ptimeMs of [40, 60]) {
    it(`${ptimeMs} ms packets, steady link: small stretches, then none`, () => {
      const r = run(ptimeMs, 0);
      // The startup excess is removed (the measure can fail: something was stretched) …
      expect(r.removed).toBeGreaterThan(0);
      // … one period or half a pull at a time, never a 10–15 ms splice.
      expect(r.largestRemoval).toBeLessThanOrEqual(Math.max(LONGEST_PERIOD, HALF_PULL));
      // Settled: no accelerate / expand alternation on a link that does not change.
      expect(r.stretchedAfter3s).toBe(0);
      expect(r.stats.concealedSamples).toBe(0);
    });

    it(`${ptimeMs} ms packets, 10 ms jitter: small stretches, next to no concealment`, () => {
      const r = run(ptimeMs, 10);
      expect(r.largestRemoval).toBeLessThanOrEqual(Math.max(LONGEST_PERIOD, HALF_PULL));
      // Inserting completes a pull (what moves a deadline) with whole periods: under a pull plus a period.
      expect(r.largestInsertion).toBeLessThan(2 * HALF_PULL + LONGEST_PERIOD);
      expect(r.stats.concealedSamples).toBeLessThan(0.005 * r.stats.totalSamplesReceived);
      const meanDelayMs = (1000 * r.stats.jitterBufferDelay) / r.stats.jitterBufferEmittedCount;
      expect(meanDelayMs).toBeLessThan(80);
    });
  }
});
