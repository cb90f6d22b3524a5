/**
 * Owner stalls: the owner's event loop pauses, its pulls stop and then catch up back to back, and the
 * packets that came in meanwhile are handed over after the catch-up (Node runs timers before I/O),
 * stamped with the time they were read. Given the pull times, the playout keeps those delays (the
 * owner's, not the network's) out of its statistics; stalls that recur are the owner's regime and
 * stay in them.
 */
import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { createPlayout } from '../../src/jitter/index.js';
import { prng } from '../helpers/random.js';
import { testSignal } from './harness.js';

const codec = createPcmuCodec();
const SOURCE = testSignal(8000, 8000 * 10);

interface StallRun {
  /** Target before the first stall, ms. */
  beforeMs: number;
  /** Highest target in the 3 s after the first stall, ms. */
  afterPeakMs: number;
  stalls: number;
}

/**
 * 20 s of 20 ms PCMU packets with 0–4 ms of network jitter; pulls every 10 ms except during stalls
 * of `stallMs` starting at each of `stallsAtMs`.
 */
function runStalls(stallsAtMs: number[], stallMs: number, passTime: boolean): StallRun {
  const playout = createPlayout({ codec });
  const random = prng(3);
  const arrivals: number[] = [];
  for (let i = 0; i < 1000; i++) arrivals.push(i * 20 + 30 + 4 * random());
  let next = 0;
  let beforeMs = Number.NaN;
  let afterPeakMs = 0;
  const deliver = (nowMs: number): void => {
    while (next < arrivals.length && arrivals[next] <= nowMs) {
      const frame = SOURCE.subarray((next * 160) % (SOURCE.length - 160));
      playout.insert(
        {
          sequenceNumber: next,
          timestamp: next * 160,
          ssrc: 1,
          payloadType: 0,
          payload: codec.encode(frame.subarray(0, 160)).slice(),
          marker: next === 0,
        },
        nowMs, // stamped when read: after a stall, when the loop woke
      );
      next++;
    }
  };
  for (let j = 0; j < 2000; j++) {
    const due = 5 + 10 * j;
    const stall = stallsAtMs.find((s) => due >= s && due < s + stallMs);
    // A stalled owner runs its due pulls when it wakes, then reads the socket.
    const nowMs = stall === undefined ? due : stall + stallMs;
    if (stall === undefined) deliver(nowMs);
    playout.pull(undefined, passTime ? nowMs : undefined);
    if (stall !== undefined && due + 10 >= stall + stallMs) deliver(nowMs);
    if (due < stallsAtMs[0]) beforeMs = playout.targetDelayMs;
    else if (due < stallsAtMs[0] + stallMs + 3000) afterPeakMs = Math.max(afterPeakMs, playout.targetDelayMs);
  }
  return { beforeMs, afterPeakMs, stalls: playout.getStats().ownerStalls };
}

describe('playout with a stalling owner', () => {
  it('keeps a single stall out of the target when given the pull times', () => {
    const aware = runStalls([8000], 300, true);
    const blind = runStalls([8000], 300, false);
    expect(aware.stalls).toBe(1);
    expect(blind.stalls).toBe(0);
    // Without the pull times the stalled packets look 300 ms late and raise the target at once.
    expect(blind.afterPeakMs).toBeGreaterThan(blind.beforeMs + 150);
    expect(aware.afterPeakMs).toBeLessThanOrEqual(aware.beforeMs + 5);
  });

  it('keeps recurring stalls in the target (the audio must bridge them)', () => {
    const stallsAtMs = [8000, 9000, 10_000, 11_000];
    const aware = runStalls(stallsAtMs, 200, true);
    expect(aware.stalls).toBe(4);
    expect(aware.afterPeakMs).toBeGreaterThan(aware.beforeMs + 100);
  });

  it('still accepts the old pull() call and non-finite times', () => {
    const playout = createPlayout({ codec });
    expect(() => playout.pull()).not.toThrow();
    expect(() => playout.pull(undefined, Number.NaN)).not.toThrow();
    expect(playout.getStats().ownerStalls).toBe(0);
  });
});
