import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import {
  BackgroundNoiseEstimator,
  ComfortNoiseGenerator,
  createCnParameters,
  decodeCnPayload,
  encodeCnPayload,
} from '../../../src/jitter/dsp/index.js';
import { meanSquare, readSpeech } from './fixtures.js';

/** Lowpass (one-pole, pole 0.9) noise: a clearly non-white spectrum. */
function colouredNoise(samples: number, amplitude: number, seed = 5): Float32Array {
  const x = new Float32Array(samples);
  let y = 0;
  for (let i = 0; i < samples; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    y = 0.9 * y + amplitude * (seed / 2 ** 31 - 1);
    x[i] = y;
  }
  return x;
}

function lag1(x: Float32Array): number {
  let num = 0;
  for (let i = 1; i < x.length; i++) num += x[i] * x[i - 1];
  return num / (meanSquare(x) * x.length);
}

function levelDb(x: Float32Array): number {
  return 10 * Math.log10(meanSquare(x));
}

describe('RFC 3389 CN payload', () => {
  it('round-trips level and reflection coefficients within one quantisation step', () => {
    const k = [0.9, -0.5, 0.25, -0.99, 0, 0.6, -0.1, 0.33, 0.99, -0.75];
    const payload = encodeCnPayload(-47.4, k);
    expect(payload.length).toBe(11);
    expect(payload[0]).toBe(47);
    const decoded = decodeCnPayload(payload);
    expect(decoded.levelDbov).toBe(-47);
    expect(decoded.order).toBe(10);
    for (let i = 0; i < k.length; i++)
      expect(Math.abs(decoded.reflectionCoefficients[i] - k[i])).toBeLessThanOrEqual(1 / 256);
    // Decoding again reproduces the same bytes exactly.
    expect(encodeCnPayload(decoded.levelDbov, decoded.reflectionCoefficients, decoded.order)).toEqual(
      payload,
    );
  });

  it('matches the libwebrtc byte mapping and clamps out-of-range values', () => {
    expect(Array.from(encodeCnPayload(-200, [0, 1, -1, 2, Number.NaN]))).toEqual([
      127, 127, 255, 0, 255, 127,
    ]);
    expect(Array.from(encodeCnPayload(5, []))).toEqual([0]);
    const p = decodeCnPayload(Uint8Array.of(0x80 | 30, 127, 255, 0), createCnParameters());
    expect(p.levelDbov).toBe(-30); // the unused high bit is ignored
    expect(Array.from(p.reflectionCoefficients.subarray(0, 3))).toEqual([0, 1, -127 / 128]);
    const levelOnly = decodeCnPayload(Uint8Array.of(60));
    expect(levelOnly.order).toBe(0);
  });

  it('rejects an empty payload and an order above 16', () => {
    const errors: unknown[] = [];
    for (const call of [
      () => decodeCnPayload(new Uint8Array(0)),
      () => encodeCnPayload(-40, new Array(17).fill(0)),
    ]) {
      try {
        call();
      } catch (e) {
        errors.push(e);
      }
    }
    expect(isVoxwireError(errors[0], 'ERR_CODEC_MALFORMED')).toBe(true);
    expect(isVoxwireError(errors[1], 'ERR_INVALID_ARGUMENT')).toBe(true);
  });
});

describe('BackgroundNoiseEstimator and ComfortNoiseGenerator', () => {
  it('estimates the noise under speech and regenerates it through a CN payload', () => {
    const { samples, sampleRateHz: rate } = readSpeech('speech-a-16k.wav');
    const noise = colouredNoise(samples.length, 0.004);
    const noisy = samples.map((v, i) => v + noise[i]);
    const estimator = new BackgroundNoiseEstimator(rate);
    for (let i = 0; i + 160 <= noisy.length; i += 160) estimator.update(noisy, i, 160);
    expect(estimator.ready).toBe(true);
    const trueLevel = levelDb(noise);
    expect(Math.abs(estimator.levelDbov - trueLevel)).toBeLessThan(3);

    const payload = encodeCnPayload(estimator.levelDbov, estimator.reflectionCoefficients);
    const generator = new ComfortNoiseGenerator(rate, 42);
    generator.setFromCn(decodeCnPayload(payload));
    generator.settle();
    const out = new Float32Array(rate);
    for (let i = 0; i < out.length; i += 160) generator.generate(out, i, 160);
    expect(Math.abs(levelDb(out) - trueLevel)).toBeLessThan(3);
    // The spectral tilt survives: lowpass noise stays lowpass (white noise would give ~0).
    expect(Math.abs(lag1(out) - lag1(noise))).toBeLessThan(0.1);
  });

  it('generates the requested level, white and shaped, deterministically per seed', () => {
    for (const rate of [8000, 48000]) {
      const gen = new ComfortNoiseGenerator(rate, 1);
      gen.setParameters(-40, [-0.8, 0.3], 2);
      gen.settle();
      const out = new Float32Array(rate);
      gen.generate(out);
      expect(Math.abs(levelDb(out) + 40)).toBeLessThan(1);
      const again = new ComfortNoiseGenerator(rate, 1);
      again.setParameters(-40, [-0.8, 0.3], 2);
      again.settle();
      const out2 = new Float32Array(rate);
      again.generate(out2);
      expect(out2).toEqual(out);
    }
    const silent = new ComfortNoiseGenerator(16000);
    silent.setParameters(-127, [], 0);
    const out = new Float32Array(160);
    silent.generate(out);
    expect(meanSquare(out)).toBe(0);
  });

  it('follows a rise of the noise floor within the minimum window', () => {
    const estimator = new BackgroundNoiseEstimator(8000, { minimumWindowMs: 500 });
    const quiet = colouredNoise(8000, 0.001, 1);
    const loud = colouredNoise(16000, 0.01, 2);
    for (let i = 0; i + 80 <= quiet.length; i += 80) estimator.update(quiet, i, 80);
    expect(Math.abs(estimator.levelDbov - levelDb(quiet))).toBeLessThan(3);
    for (let i = 0; i + 80 <= loud.length; i += 80) estimator.update(loud, i, 80);
    expect(Math.abs(estimator.levelDbov - levelDb(loud))).toBeLessThan(3);
  });
});
