import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import { Expand, Merge } from '../../../src/jitter/dsp/index.js';
import { readSpeech, voicedHoles } from './fixtures.js';

function maxJump(x: ArrayLike<number>, start: number, end: number): number {
  let max = 0;
  for (let i = Math.max(1, start); i < end; i++) max = Math.max(max, Math.abs(x[i] - x[i - 1]));
  return max;
}

describe('Merge', () => {
  for (const name of ['speech-a-8k.wav', 'speech-a-16k.wav', 'speech-b-16k.wav']) {
    it(`${name}: joins concealment and new audio without a discontinuity`, () => {
      const { samples, sampleRateHz: rate } = readSpeech(name);
      const tenMs = rate / 100;
      const expand = new Expand(rate);
      const merge = new Merge(rate);
      const frame = new Float32Array(2 * tenMs + merge.maxShiftSamples);
      const played = new Float32Array(tenMs * 3 + frame.length);
      let worstRatio = 0;
      let worstSplice = 0;
      const spots = voicedHoles(samples, rate, 20);
      for (const pos of spots) {
        expand.start(samples, pos - 6 * tenMs, pos);
        played[0] = samples[pos - 1];
        expand.conceal(played, 1, 2 * tenMs);
        const decoded = samples.subarray(pos + 2 * tenMs, pos + 4 * tenMs);
        const before = expand.concealedSamples;
        const count = merge.merge(expand, decoded, frame);
        expect(count).toBe(decoded.length + merge.lastShiftSamples);
        expect(merge.lastShiftSamples).toBeLessThanOrEqual(merge.maxShiftSamples);
        expect(expand.concealedSamples - before).toBe(merge.lastShiftSamples);
        played.set(frame.subarray(0, count), 1 + 2 * tenMs);
        // The seam region: last concealed sample through the end of the cross-fade.
        const seamStart = 2 * tenMs;
        const seam = maxJump(played, seamStart, seamStart + merge.lastShiftSamples + tenMs);
        const own = maxJump(samples, pos - 5 * tenMs, pos + 5 * tenMs);
        worstRatio = Math.max(worstRatio, seam / own);
        // A plain splice (concealment straight into the new audio) for comparison.
        worstSplice = Math.max(worstSplice, Math.abs(decoded[0] - played[2 * tenMs]) / own);
      }
      expect(spots.length).toBeGreaterThan(10);
      expect(worstRatio).toBeLessThan(1.2);
      expect(worstSplice).toBeGreaterThan(1.2);
    });
  }

  it('fades in from silence after a fully muted concealment', () => {
    const expand = new Expand(8000);
    expand.start(new Float32Array(2)); // too little history: silent concealment
    const merge = new Merge(8000);
    const decoded = Float32Array.from({ length: 160 }, (_, i) => 0.5 * Math.sin(i / 3));
    const out = new Float32Array(160 + merge.maxShiftSamples);
    const count = merge.merge(expand, decoded, out);
    expect(count).toBe(160 + merge.lastShiftSamples);
    expect(Math.abs(out[0])).toBeLessThan(0.05);
    expect(out[count - 1]).toBeCloseTo(decoded[159], 6);
  });

  it('rejects an output buffer that cannot hold the shift', () => {
    const merge = new Merge(16000);
    let error: unknown;
    try {
      merge.merge(new Expand(16000), new Float32Array(320), new Float32Array(320));
    } catch (e) {
      error = e;
    }
    expect(isVoxwireError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });
});
