import { describe, expect, it } from 'vitest';
import { FractionalTrim } from '../../../src/jitter/dsp/index.js';

function tone(rateHz: number, hz: number, samples: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: samples },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rateHz),
  );
}

describe('FractionalTrim', () => {
  for (const [rate, hz] of [
    [8000, 1000],
    [16000, 3000],
    [48000, 5000],
  ]) {
    it(`plays ${rate / 100} samples from ${rate / 100 + rate / 4000} at ${rate} Hz: the tone sped up by 2.5 %, nothing else`, () => {
      const frame = rate / 100;
      const trim = new FractionalTrim(frame, frame / 40);
      const at = 10;
      const input = tone(rate, hz, at + trim.lookAheadSamples);
      const out = new Int16Array(frame);
      trim.render(input, at, out);
      const step = (frame + trim.trimSamples) / frame;
      let worst = 0;
      for (let i = 0; i < frame; i++) {
        const want = 0.5 * Math.sin((2 * Math.PI * hz * (at + i * step)) / rate);
        worst = Math.max(worst, Math.abs(out[i] / 32768 - want));
      }
      // 8 windowed-sinc taps: the error stays 34 dB or more below the tone.
      expect(worst).toBeLessThan(0.01);
      // The first sample is the input's own: a trimmed pull joins the one before without a seam.
      expect(out[0]).toBe(Math.round(input[at] * 32768));
    });
  }

  it('declares the samples it reads around the play position and clamps to full scale', () => {
    const trim = new FractionalTrim(80, 2);
    expect(trim.lookAheadSamples).toBe(87);
    expect(trim.historySamples).toBe(3);
    const input = new Float32Array(3 + 87).fill(1.5);
    const out = new Int16Array(80);
    trim.render(input, 3, out);
    expect(Math.max(...out)).toBe(32767);
  });
});
