import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import { PitchEstimator, TimeStretch } from '../../../src/jitter/dsp/index.js';
import { readSpeech, voicedHoles } from './fixtures.js';

function buzz(periodSamples: number, samples: number, amplitude = 1): Float32Array {
  const x = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const p = (2 * Math.PI * i) / periodSamples;
    x[i] = amplitude * (0.3 * Math.sin(p) + 0.2 * Math.sin(2 * p + 1) + 0.1 * Math.sin(3 * p + 2));
  }
  return x;
}

function noise(samples: number, amplitude: number, seed = 11): Float32Array {
  return Float32Array.from({ length: samples }, () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return amplitude * (seed / 2 ** 31 - 1);
  });
}

describe('TimeStretch', () => {
  for (const [rate, period] of [
    [8000, 40],
    [16000, 128],
    [48000, 300],
  ]) {
    it(`accelerate removes exactly one ${period}-sample period at ${rate} Hz and keeps the pitch`, () => {
      const n = (30 * rate) / 1000;
      const input = buzz(period, n);
      const out = new Float32Array(n);
      const stretch = new TimeStretch(rate);
      const removed = stretch.accelerate(input, out);
      expect(removed).toBe(period);
      // A periodic input shortened by a whole period is the same waveform, seamlessly.
      for (let i = 0; i < n - period; i++) expect(out[i]).toBeCloseTo(input[i], 4);
      expect(new PitchEstimator(rate).estimate(out, 0, n - period)).toBe(period);
      expect(stretch.removedSamplesForAcceleration).toBe(period);
    });

    it(`preemptive expand inserts exactly one period at ${rate} Hz`, () => {
      const n = (30 * rate) / 1000;
      const input = buzz(period, n);
      const out = new Float32Array(n * 1.5);
      const stretch = new TimeStretch(rate);
      const inserted = stretch.preemptiveExpand(input, out);
      expect(inserted).toBe(period);
      const longer = buzz(period, n + period);
      for (let i = 0; i < n + period; i++) expect(out[i]).toBeCloseTo(longer[i], 4);
      expect(stretch.insertedSamplesForDeceleration).toBe(period);
    });
  }

  it('declines loud noise-like audio and copies it, but stretches quiet noise', () => {
    const stretch = new TimeStretch(16000);
    const loud = noise(480, 0.5);
    const out = new Float32Array(720);
    expect(stretch.accelerate(loud, out)).toBe(0);
    expect(out.subarray(0, 480)).toEqual(loud);
    expect(stretch.preemptiveExpand(loud, out)).toBe(0);
    expect(out.subarray(0, 480)).toEqual(loud);
    const quiet = noise(480, 0.001);
    expect(stretch.accelerate(quiet, out)).toBeGreaterThan(0);
    expect(stretch.preemptiveExpand(quiet, out)).toBeGreaterThan(0);
    // Raising the quiet threshold from a noise estimate lets audio near the floor through.
    const near = noise(480, 0.01);
    expect(stretch.accelerate(near, out)).toBe(0);
    stretch.setBackgroundEnergy(0.01 ** 2 / 3);
    expect(stretch.accelerate(near, out)).toBeGreaterThan(0);
  });

  it('stretches most voiced speech with an output as long as it says', () => {
    const { samples, sampleRateHz: rate } = readSpeech('speech-b-16k.wav');
    const stretch = new TimeStretch(rate);
    const n = (30 * rate) / 1000;
    const out = new Float32Array(n * 1.5);
    const spots = voicedHoles(samples, rate, 30);
    let accepted = 0;
    for (const pos of spots) {
      const removed = stretch.accelerate(samples.subarray(pos, pos + n), out);
      if (removed > 0) {
        accepted++;
        expect(removed).toBeGreaterThanOrEqual(40);
        expect(removed).toBeLessThanOrEqual(n / 2);
      }
    }
    expect(accepted / spots.length).toBeGreaterThan(0.5);
  });

  it('rejects short output buffers and bad options', () => {
    const stretch = new TimeStretch(8000);
    const errors: unknown[] = [];
    for (const call of [
      () => stretch.accelerate(new Float32Array(240), new Float32Array(200)),
      () => stretch.preemptiveExpand(new Float32Array(240), new Float32Array(240)),
      () => new TimeStretch(8000, { correlationThreshold: 2 }),
    ]) {
      try {
        call();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(isVoxwireError(errors[0], 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect(isVoxwireError(errors[1], 'ERR_INVALID_ARGUMENT')).toBe(true);
    expect(isVoxwireError(errors[2], 'ERR_INVALID_OPTION')).toBe(true);
  });

  describe('with a StretchAlignment', () => {
    const frameSamples = 80; // 10 ms pulls at 8 kHz

    it('removes two periods when that brings the next packet boundary to a pull start', () => {
      const stretch = new TimeStretch(8000);
      const input = buzz(20, 240);
      const out = new Float32Array(240);
      // Boundary 40 into its pull: two periods (40 samples) remove exactly the audio held for nothing.
      const align = { phaseSamples: 40, frameSamples, wantedSamples: 0 };
      expect(stretch.accelerate(input, out, 240, align)).toBe(40);
      // Without the request: one period.
      expect(stretch.accelerate(input, out, 240)).toBe(20);
    });

    it('never removes more than one period or half a pull, whatever the wanted change', () => {
      const stretch = new TimeStretch(8000);
      const out = new Float32Array(240);
      // 80 samples (two periods) would meet the request exactly, but a 10 ms splice is heard as a skip.
      const align = { phaseSamples: 0, frameSamples, wantedSamples: -80 };
      expect(stretch.accelerate(buzz(40, 240), out, 240, align)).toBe(40);
      const quiet = noise(240, 1e-4);
      const period = stretch.accelerate(quiet, out, 240);
      expect(stretch.accelerate(quiet, out, 240, align)).toBeLessThanOrEqual(Math.max(period, 40));
    });

    it('takes only the phase when the deadline should stay, and any length in quiet audio', () => {
      const stretch = new TimeStretch(8000);
      const out = new Float32Array(400);
      const loud = buzz(40, 240);
      // 45 samples of phase: one period (40) removes phase only, leaving 5.
      expect(stretch.accelerate(loud, out, 240, { phaseSamples: 45, frameSamples, wantedSamples: 0 })).toBe(
        40,
      );
      const quiet = noise(240, 1e-4);
      expect(stretch.accelerate(quiet, out, 240, { phaseSamples: 37, frameSamples, wantedSamples: 0 })).toBe(
        37,
      );
      // Inserting: 43 samples complete the pull, moving the deadline 10 ms later as wanted.
      expect(
        stretch.preemptiveExpand(quiet, out, 240, { phaseSamples: 37, frameSamples, wantedSamples: 80 }),
      ).toBe(43);
    });
  });
});
