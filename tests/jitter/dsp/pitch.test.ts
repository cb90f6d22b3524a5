import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import { PitchEstimator } from '../../../src/jitter/dsp/index.js';
import { readSpeech, voicedHoles } from './fixtures.js';

/** Three harmonics of f0 (a buzz with a clear period). */
function harmonic(f0: number, sampleRateHz: number, samples: number): Float32Array {
  const x = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const p = (2 * Math.PI * f0 * i) / sampleRateHz;
    x[i] = 0.3 * Math.sin(p) + 0.2 * Math.sin(2 * p + 1) + 0.1 * Math.sin(3 * p + 2);
  }
  return x;
}

describe('PitchEstimator', () => {
  for (const rate of [8000, 16000, 48000]) {
    for (const f0 of [80, 123, 200, 350]) {
      it(`finds the period of a ${f0} Hz buzz at ${rate} Hz`, () => {
        const pitch = new PitchEstimator(rate);
        const x = harmonic(f0, rate, Math.round(0.06 * rate));
        const lag = pitch.estimate(x);
        expect(Math.abs(lag - rate / f0)).toBeLessThanOrEqual(1);
        expect(pitch.correlation).toBeGreaterThan(0.98);
      });
    }
  }

  it('reports the period, not a multiple of it, for a pure tone', () => {
    const pitch = new PitchEstimator(8000);
    // 250 Hz: 32 samples; 64 and 96 correlate as well and are also in range.
    expect(pitch.estimate(harmonic(250, 8000, 480))).toBe(32);
  });

  it('finds a high correlation on voiced speech and a low one on white noise', () => {
    const { samples, sampleRateHz } = readSpeech('speech-a-16k.wav');
    const pitch = new PitchEstimator(sampleRateHz);
    const spots = voicedHoles(samples, sampleRateHz, 20);
    let sum = 0;
    for (const pos of spots) {
      const lag = pitch.estimate(samples, pos - 960, pos);
      expect(lag).toBeGreaterThanOrEqual(40);
      expect(lag).toBeLessThanOrEqual(256);
      sum += pitch.correlation;
    }
    expect(sum / spots.length).toBeGreaterThan(0.85);
    let seed = 7;
    const noise = Float32Array.from({ length: 960 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 31 - 1;
    });
    pitch.estimate(noise);
    expect(pitch.correlation).toBeLessThan(0.5);
  });

  it('returns 0 for spans too short or silent, and rejects unsupported rates', () => {
    const pitch = new PitchEstimator(8000);
    expect(pitch.estimate(new Float32Array(30))).toBe(0);
    expect(pitch.estimate(new Float32Array(480))).toBe(0);
    let error: unknown;
    try {
      new PitchEstimator(44100);
    } catch (e) {
      error = e;
    }
    expect(isVoxwireError(error, 'ERR_INVALID_OPTION')).toBe(true);
  });
});
