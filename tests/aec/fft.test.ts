import { describe, expect, it } from 'vitest';
import { RealFft } from '../../src/aec/fft.js';
import { isVoxwireError } from '../../src/errors.js';
import { prng } from '../helpers/random.js';

function naiveDft(x: Float32Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      re[k] += x[t] * Math.cos((2 * Math.PI * k * t) / n);
      im[k] -= x[t] * Math.sin((2 * Math.PI * k * t) / n);
    }
  }
  return { re, im };
}

describe('RealFft', () => {
  for (const size of [4, 8, 32, 128, 512, 1024]) {
    it(`matches a naive DFT and inverts exactly at size ${size}`, () => {
      const random = prng(size);
      const fft = new RealFft(size);
      const x = new Float32Array(size).map(() => random() * 2 - 1);
      const re = new Float32Array(size / 2 + 1);
      const im = new Float32Array(size / 2 + 1);
      fft.forward(x, re, im);
      const want = naiveDft(x);
      let err = 0;
      for (let k = 0; k <= size / 2; k++) {
        err = Math.max(err, Math.abs(re[k] - want.re[k]), Math.abs(im[k] - want.im[k]));
      }
      expect(err).toBeLessThan(1e-5 * Math.sqrt(size));
      const back = new Float32Array(size);
      fft.inverse(re, im, back);
      let backErr = 0;
      for (let t = 0; t < size; t++) backErr = Math.max(backErr, Math.abs(back[t] - x[t]));
      expect(backErr).toBeLessThan(1e-6);
    });
  }

  it('puts a cosine in its bin', () => {
    const fft = new RealFft(64);
    const x = new Float32Array(64).map((_, t) => Math.cos((2 * Math.PI * 5 * t) / 64));
    const re = new Float32Array(33);
    const im = new Float32Array(33);
    fft.forward(x, re, im);
    expect(re[5]).toBeCloseTo(32, 4);
    expect(Math.abs(re[4]) + Math.abs(im[6])).toBeLessThan(1e-4);
  });

  it('rejects sizes that are not powers of two', () => {
    for (const bad of [0, 2, 6, 100, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        new RealFft(bad);
      } catch (e) {
        error = e;
      }
      expect(isVoxwireError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
