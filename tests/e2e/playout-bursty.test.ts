/**
 * The playout fed arrivals in bursts, as a heavily loaded receiver delivers them: packets held for
 * 100–300 ms, then handed over together, again and again. The output must stay intelligible: per
 * window, it correlates with the in-order decode of the same packets once aligned.
 */
import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { createPlayout, type PlayoutOperation } from '../../src/jitter/index.js';
import { mediaPath } from '../helpers/peers.js';
import { prng } from '../helpers/random.js';
import { readWav } from '../helpers/wav-lite.js';

const RATE = 8000;
const PACKET = 160;

function speech(): Int16Array {
  const wav = readWav(mediaPath('speech-a-8k.wav'));
  const d = wav.data;
  return new Int16Array(d.buffer.slice(d.byteOffset, d.byteOffset + (d.byteLength & ~1)));
}

interface BurstyRun {
  reference: Int16Array;
  output: Int16Array;
  operations: Record<string, number>;
  discarded: number;
  concealedFraction: number;
}

/** Sends `durationMs` of speech (looped) in 20 ms packets; arrivals held and released in bursts. */
function runBursty(
  durationMs: number,
  seed: number,
  holdMinMs: number,
  holdMaxMs: number,
  pullsStall = false,
): BurstyRun {
  const codec = createPcmuCodec();
  const source = speech();
  const random = prng(seed);
  const count = durationMs / 20;
  const payloads: Uint8Array[] = [];
  const reference = new Int16Array(count * PACKET);
  for (let k = 0; k < count; k++) {
    const start = (k * PACKET) % (source.length - PACKET);
    payloads.push(codec.encode(source.subarray(start, start + PACKET)).slice());
    reference.set(codec.decode(payloads[k]), k * PACKET);
  }
  // Release times: the receiver wakes every 100–300 ms and takes everything waiting.
  const arrivals: number[] = [];
  const releases: number[] = [0];
  for (let k = 0; k < count; k++) {
    const ready = k * 20 + 20; // 20 ms of network delay
    while (releases[releases.length - 1] < ready) {
      releases.push(releases[releases.length - 1] + holdMinMs + random() * (holdMaxMs - holdMinMs));
    }
    arrivals.push(releases[releases.length - 1]);
  }
  let r = 0;
  const playout = createPlayout({ codec });
  const pulls = (durationMs + 1000) / 10;
  const output = new Int16Array(pulls * (RATE / 100));
  const operations: Record<string, number> = {};
  let next = 0;
  for (let j = 0; j < pulls; j++) {
    let now = 5 + 10 * j;
    if (pullsStall) {
      // The owner's pulls stall too and catch up when the loop wakes (timers run before I/O in
      // Node): the due pulls run back to back, then the held packets come in.
      while (r < releases.length - 1 && releases[r + 1] <= now) r++;
      now = releases[r] - 1e-6;
    }
    while (next < count && arrivals[next] <= now) {
      playout.insert(
        {
          sequenceNumber: next & 0xffff,
          timestamp: next * PACKET,
          ssrc: 7,
          payloadType: 0,
          payload: payloads[next],
          marker: next === 0,
        },
        arrivals[next],
      );
      next++;
    }
    // A stalling owner passes its clock (as the session does); stalls this frequent stay measured.
    const { pcm, operation } = pullsStall ? playout.pull(undefined, now) : playout.pull();
    output.set(pcm, j * (RATE / 100));
    operations[operation as PlayoutOperation] = (operations[operation] ?? 0) + 1;
  }
  const s = playout.getStats();
  return {
    reference,
    output,
    operations,
    discarded: s.packetsDiscarded,
    concealedFraction: s.concealedSamples / s.totalSamplesReceived,
  };
}

/** Best normalised correlation of `reference[start, start + n)` with the output at lags [lo, hi]. */
function bestLag(
  reference: Int16Array,
  output: Int16Array,
  start: number,
  n: number,
  lo: number,
  hi: number,
): { lag: number; correlation: number } {
  let refEnergy = 0;
  for (let i = 0; i < n; i++) refEnergy += reference[start + i] ** 2;
  let best = { lag: lo, correlation: -1 };
  for (let lag = Math.max(lo, -start); lag <= hi && start + lag + n <= output.length; lag++) {
    let dot = 0;
    let outEnergy = 0;
    for (let i = 0; i < n; i++) {
      const y = output[start + lag + i];
      dot += reference[start + i] * y;
      outEnergy += y * y;
    }
    const c = refEnergy > 0 && outEnergy > 0 ? dot / Math.sqrt(refEnergy * outEnergy) : 0;
    if (c > best.correlation) best = { lag, correlation: c };
  }
  return best;
}

/**
 * Correlation of each `windowSamples` window of the reference with the output, aligned by the best
 * lag near the previous window's (the playout's delay changes over time), searched over all of
 * `[0, maxLagSamples]` when the neighbourhood finds nothing. One figure per window.
 */
function windowCorrelations(
  reference: Int16Array,
  output: Int16Array,
  windowSamples: number,
  maxLagSamples: number,
  searchSamples: number,
): number[] {
  const result: number[] = [];
  let lag = -1;
  for (let start = 0; start + windowSamples <= reference.length; start += windowSamples) {
    let best =
      lag < 0
        ? { lag: 0, correlation: -1 }
        : bestLag(reference, output, start, windowSamples, lag - searchSamples, lag + searchSamples);
    if (best.correlation < 0.5) best = bestLag(reference, output, start, windowSamples, 0, maxLagSamples);
    result.push(best.correlation);
    lag = best.lag;
  }
  return result;
}

describe('playout under bursty arrivals (a loaded receiver)', () => {
  for (const [seed, pullsStall] of [
    [1, false],
    [2, false],
    [3, false],
    [1, true],
    [2, true],
    [3, true],
  ] as const) {
    const pulls = pullsStall ? ', pulls stalling and catching up' : '';
    it(`stays intelligible with packets held 100–300 ms then delivered together (seed ${seed}${pulls})`, () => {
      const r = runBursty(30_000, seed, 100, 300, pullsStall);
      const windows = windowCorrelations(r.reference, r.output, RATE / 4, RATE, RATE / 25);
      const settled = windows.slice(20); // after the first 5 s, while the target rises
      const sorted = [...settled].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const tenth = sorted[Math.floor(sorted.length / 10)];
      expect(median).toBeGreaterThan(0.9);
      // With stalled pulls the playout stretches often (a stretch inside a window lowers its single-lag
      // correlation) and conceals holds longer than its target: measured 0.67–0.72 at the tenth
      // percentile, against 0.96–1.0 with regular pulls.
      expect(tenth).toBeGreaterThan(pullsStall ? 0.6 : 0.9);
      expect(r.concealedFraction).toBeLessThan(0.05);
    });
  }
});
