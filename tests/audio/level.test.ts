import { describe, expect, it } from 'vitest';
import { audioLevel, audioLevelFromDbov, MIN_LEVEL_DBOV, rmsDbov } from '../../src/audio/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { sine } from '../helpers/signal.js';

describe('rmsDbov (RFC 6464)', () => {
  it('gives 0 dBov for a full-scale square wave (the RFC overload point)', () => {
    const square = Int16Array.from({ length: 480 }, (_, i) =>
      Math.floor(i / 24) % 2 === 0 ? -32768 : 32767,
    );
    expect(rmsDbov(square)).toBeCloseTo(0, 3);
    const fsquare = Float32Array.from({ length: 480 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(rmsDbov(fsquare)).toBe(0);
  });

  it('gives −3.01 dBov for a full-scale sine and follows the amplitude in dB', () => {
    expect(rmsDbov(sine(1000, 48000, 480, 1))).toBeCloseTo(-3.0103, 3);
    expect(rmsDbov(sine(1000, 48000, 480, 0.1))).toBeCloseTo(-23.0103, 3);
    const int = Int16Array.from(sine(1000, 48000, 480, 0.01), (v) => Math.round(v * 32768));
    expect(rmsDbov(int)).toBeCloseTo(-43.01, 1);
  });

  it('clamps to [−127, 0]: silence, empty, tiny and over-range frames', () => {
    expect(rmsDbov(new Int16Array(160))).toBe(MIN_LEVEL_DBOV);
    expect(rmsDbov(new Float32Array(0))).toBe(-127);
    expect(rmsDbov(new Float32Array(160).fill(1e-9))).toBe(-127);
    expect(rmsDbov(new Float32Array(160).fill(4))).toBe(0);
    // One LSB in 160 samples: 10·log10(1/160 / 32768²) ≈ −112.4 dBov, still measurable.
    const lsb = new Int16Array(160);
    lsb[3] = 1;
    expect(rmsDbov(lsb)).toBeCloseTo(10 * Math.log10(1 / 160 / 32768 ** 2), 6);
  });

  it('does not crash on non-finite Float32 samples', () => {
    expect(rmsDbov(new Float32Array([0.5, Number.NaN]))).toBe(-127);
    expect(rmsDbov(new Float32Array([0.5, Number.POSITIVE_INFINITY]))).toBe(-127);
  });
});

describe('RFC 6464 level value', () => {
  it('is −dBov rounded, 0..127', () => {
    expect(audioLevelFromDbov(0)).toBe(0);
    expect(audioLevelFromDbov(-0.4)).toBe(0);
    expect(audioLevelFromDbov(-3.0103)).toBe(3);
    expect(audioLevelFromDbov(-42.6)).toBe(43);
    expect(audioLevelFromDbov(-127)).toBe(127);
    expect(audioLevelFromDbov(-200)).toBe(127);
    expect(audioLevelFromDbov(5)).toBe(0);
    expect(audioLevel(new Int16Array(160))).toBe(127);
    expect(audioLevel(sine(440, 8000, 160, 0.1))).toBe(23);
  });

  it('rejects NaN', () => {
    let caught: unknown;
    try {
      audioLevelFromDbov(Number.NaN);
    } catch (error) {
      caught = error;
    }
    expect(isVoxwireError(caught, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });
});
