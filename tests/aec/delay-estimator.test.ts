import { describe, expect, it } from 'vitest';
import { DelayEstimator } from '../../src/aec/delay-estimator.js';
import { isVoxwireError } from '../../src/errors.js';
import { prng } from '../helpers/random.js';
import { echoScenario, speechAt } from './material.js';
import { cleanSpeech, gaussian } from './vad-labels.js';

/** A synthetic room response: direct path (gain 0.6) then exponentially decaying reflections (T60). */
function roomResponse(sampleRateHz: number, t60Ms: number, seed: number): Float32Array {
  const len = Math.round((sampleRateHz * t60Ms) / 1000);
  const h = gaussian(len, seed);
  const decay = Math.log(1000) / len;
  for (let i = 0; i < len; i++) h[i] *= 0.05 * Math.exp(-decay * i) * (i > sampleRateHz / 500 ? 1 : 0);
  h[0] = 0.6;
  return h;
}

/** Far end = talkers a, b, c in turn; near = far delayed by delaySamples through the room, plus noise. */
function echoPair(sampleRateHz: number, delaySamples: number, snrDb = 30, seed = 3) {
  const parts = ['a', 'b', 'c'].map((t) => cleanSpeech(t, sampleRateHz));
  const total = parts.reduce((s, p) => s + p.length, 0);
  const far = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    far.set(p, o);
    o += p.length;
  }
  const h = roomResponse(sampleRateHz, 250, seed);
  const near = new Float32Array(total);
  const step = Math.max(1, Math.floor(h.length / 400)); // sparse taps keep the test fast
  for (let k = 0; k < h.length; k += k === 0 ? 1 : step) {
    const g = h[k] * (k === 0 ? 1 : Math.sqrt(step) / 2);
    for (let i = delaySamples + k; i < total; i++) near[i] += g * far[i - delaySamples - k];
  }
  const n = gaussian(total, seed + 1);
  const gain = 0.1 * 10 ** (-snrDb / 20);
  for (let i = 0; i < total; i++) near[i] += gain * n[i];
  return { far: toInt16(far), near: toInt16(near) };
}

function toInt16(x: Float32Array): Int16Array {
  return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
}

/** Runs the pair through `est`; returns the first time (ms) the estimate was within 2 ms of truthMs. */
function run(
  est: DelayEstimator,
  far: Int16Array,
  near: Int16Array,
  truthMs: number,
  from = 0,
  to = far.length,
) {
  const n = est.sampleRateHz / 100;
  let foundMs: number | undefined;
  for (let i = from; i + n <= to; i += n) {
    est.process(far.subarray(i, i + n), near.subarray(i, i + n));
    const ok = est.delayMs !== undefined && Math.abs(est.delayMs - truthMs) <= 2;
    if (ok && foundMs === undefined) foundMs = ((i - from) * 1000) / est.sampleRateHz;
    if (!ok) foundMs = undefined;
  }
  return foundMs;
}

describe('DelayEstimator', () => {
  for (const rate of [8000, 16000, 48000]) {
    for (const delayMs of [0, 37.5, 180, 333, 500]) {
      it(`finds ${delayMs} ms at ${rate} Hz through a room with noise, within 2 ms and a few seconds`, () => {
        const delaySamples = Math.round((delayMs * rate) / 1000);
        const { far, near } = echoPair(rate, delaySamples);
        const est = new DelayEstimator({ sampleRateHz: rate });
        const found = run(est, far, near, (delaySamples * 1000) / rate);
        expect(found, `estimate ${est.delayMs} conf ${est.confidence}`).toBeDefined();
        expect(found!).toBeLessThan(4000);
        expect(est.confidence).toBeGreaterThan(0.5);
      });
    }
  }

  // material.ts rooms have no dominant direct path (its tap is one of many of similar size), so the
  // correlation peak is often a reflection after the onset; the fine stage must find the onset.
  const diffuse: [number, number][] = [
    [1, 0],
    [2, 250],
    [3, 498],
    [4, 120],
  ];
  for (const rate of [8000, 16000, 48000] as const) {
    for (const [seed, deviceDelayMs] of diffuse) {
      it(`finds the onset of a diffuse room within 2 ms at ${rate} Hz, seed ${seed}, ${deviceDelayMs} ms (double talk)`, () => {
        const far = new Float32Array([...speechAt('a', rate), ...speechAt('c', rate)]);
        const sc = echoScenario({
          far,
          room: { sampleRateHz: rate, rt60Ms: 300, directDelayMs: 2, seed: seed * 7 },
          near: speechAt('b', rate),
          nearStartS: 4,
          clipDrive: seed % 2 ? 2 : undefined,
          noiseDbfs: -60,
          deviceDelayMs,
          seed: seed * 13,
        });
        const onsetMs =
          ((Math.round((deviceDelayMs * rate) / 1000) + Math.round((2 * rate) / 1000)) * 1000) / rate;
        const est = new DelayEstimator({ sampleRateHz: rate });
        const n = rate / 100;
        for (let i = 0; i + n <= sc.far.length; i += n) {
          est.process(sc.far.subarray(i, i + n), sc.mic.subarray(i, i + n));
          if (i < 4 * rate) continue;
          expect(est.delayMs, `at ${(i * 1000) / rate} ms`).toBeDefined();
          expect(Math.abs(est.delayMs! - onsetMs), `at ${(i * 1000) / rate} ms`).toBeLessThanOrEqual(2);
        }
      });
    }
  }

  it('finds an inverted echo path (negative correlation peak)', () => {
    const { far, near } = echoPair(16000, 2000);
    const inverted = Int16Array.from(near, (v) => Math.max(-32768, Math.min(32767, -v)));
    const est = new DelayEstimator({ sampleRateHz: 16000 });
    expect(run(est, far, inverted, 125)).toBeDefined();
  });

  it('tracks a change of delay', () => {
    const rate = 16000;
    const a = echoPair(rate, 1600);
    const b = echoPair(rate, 4000);
    const half = Math.floor(a.far.length / 2);
    const est = new DelayEstimator({ sampleRateHz: rate });
    expect(run(est, a.far, a.near, 100, 0, half)).toBeDefined();
    const found = run(est, b.far, b.near, 250, half - (half % 160));
    expect(found, `estimate ${est.delayMs}`).toBeDefined();
    expect(found!).toBeLessThan(3000);
  });

  it('stays undefined with no confidence on silence and on uncorrelated signals', () => {
    const rate = 16000;
    const silent = new DelayEstimator({ sampleRateHz: rate });
    const zero = new Int16Array(160);
    for (let i = 0; i < 500; i++) silent.process(zero, zero);
    expect(silent.delayMs).toBeUndefined();
    expect(silent.confidence).toBe(0);
    const { far } = echoPair(rate, 800);
    const other = toInt16(Float32Array.from(gaussian(far.length, 9), (v) => v * 0.05));
    const unrelated = new DelayEstimator({ sampleRateHz: rate });
    run(unrelated, far, other, 50);
    expect(unrelated.delayMs).toBeUndefined();
    expect(unrelated.confidence).toBeLessThan(0.5);
  });

  it('rejects bad options and counts bad frames without throwing', () => {
    expect(() => new DelayEstimator({ sampleRateHz: 44100 })).toThrow(/sampleRateHz/);
    try {
      new DelayEstimator({ sampleRateHz: 16000, maxDelayMs: 5000 });
      expect.unreachable();
    } catch (e) {
      expect(isVoxwireError(e, 'ERR_INVALID_OPTION')).toBe(true);
    }
    const est = new DelayEstimator({ sampleRateHz: 16000 });
    est.process(new Int16Array(100), new Int16Array(160));
    expect(est.droppedFrames).toBe(1);
    expect(prng(1)()).not.toBe(prng(2)());
  });
});
