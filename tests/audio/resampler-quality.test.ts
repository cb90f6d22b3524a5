/**
 * Resampler quality against analytic references: a tone resampled must equal the same tone computed
 * at the output rate, delayed by exactly `delaySamples` (which also proves the reported delay).
 */
import { describe, expect, it } from 'vitest';
import { Resampler, SUPPORTED_SAMPLE_RATES_HZ } from '../../src/audio/index.js';
import { sine, snrDb } from '../helpers/signal.js';

/** Resamples a whole signal, flushes, and drops the first `delaySamples` (mono). */
function resampleAligned(input: Float32Array, inputRateHz: number, outputRateHz: number): Float32Array {
  const r = new Resampler({ inputRateHz, outputRateHz });
  const head = r.process(input);
  const tail = r.flush();
  const all = new Float32Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return all.subarray(r.delaySamples);
}

/** Sum of tones at `fractions` of `rateLimitHz` with fixed phases, sampled at `rateHz`. */
function tones(rateHz: number, seconds: number, frequenciesHz: number[], amplitude: number): Float32Array {
  const n = Math.round(rateHz * seconds);
  const out = new Float32Array(n);
  frequenciesHz.forEach((f, k) => {
    const phase = 0.7 + 1.3 * k;
    for (let i = 0; i < n; i++) out[i] += amplitude * Math.sin((2 * Math.PI * f * i) / rateHz + phase);
  });
  return out;
}

/** Mean power of `x` over [from, to). */
function power(x: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return sum / (to - from);
}

describe('resampler quality', () => {
  it('48k → 16k → 48k keeps a 1 kHz sine (amplitude 0.5) at SNR ≥ 60 dB after the total delay', () => {
    const input = sine(1000, 48000, 48000, 0.5);
    const down = new Resampler({ inputRateHz: 48000, outputRateHz: 16000 });
    const up = new Resampler({ inputRateHz: 16000, outputRateHz: 48000 });
    const output = up.process(down.process(input));
    const totalDelay = down.delaySamples * 3 + up.delaySamples; // in 48 kHz samples
    expect(Number.isInteger(totalDelay)).toBe(true);
    const edge = 2000;
    const ref = input.subarray(edge, input.length - edge - totalDelay);
    const deg = output.subarray(edge + totalDelay, input.length - edge);
    const snr = snrDb(ref, deg);
    expect(snr).toBeGreaterThanOrEqual(60);
    // Off by one sample the same comparison collapses: the delay is exact, not merely close.
    expect(snrDb(ref, output.subarray(edge + totalDelay + 1, input.length - edge + 1))).toBeLessThan(20);
  });

  it('attenuates a 7 kHz tone going 48k → 8k by ≥ 60 dB (nothing aliases to 1 kHz)', () => {
    const input = sine(7000, 48000, 48000, 0.5);
    const output = new Resampler({ inputRateHz: 48000, outputRateHz: 8000 }).process(input);
    const edge = 400;
    const attenuationDb =
      10 * Math.log10(power(input, 0, input.length) / power(output, edge, output.length - edge));
    expect(attenuationDb).toBeGreaterThanOrEqual(60);
  });

  it('attenuates everything between the output Nyquist and the input Nyquist when downsampling', () => {
    for (const [fromHz, toHz, toneHz] of [
      [16000, 8000, 4100],
      [48000, 16000, 8200],
      [48000, 44100, 23000],
      [44100, 32000, 16100],
    ]) {
      const input = sine(toneHz, fromHz, fromHz, 0.5);
      const output = new Resampler({ inputRateHz: fromHz, outputRateHz: toHz }).process(input);
      const edge = 1000;
      const attenuationDb =
        10 * Math.log10(power(input, 0, input.length) / power(output, edge, output.length - edge));
      expect(attenuationDb, `${fromHz}→${toHz} at ${toneHz} Hz`).toBeGreaterThanOrEqual(80);
    }
  });

  // Every pair, both directions: three tones spread over the passband (up to 0.86 of the lower
  // Nyquist) must come out equal to the tones computed at the output rate. Images (upsampling) and
  // aliases (downsampling) count as error.
  const rates = SUPPORTED_SAMPLE_RATES_HZ;
  for (const fromHz of rates) {
    for (const toHz of rates) {
      if (fromHz === toHz) continue;
      it(`${fromHz} → ${toHz} Hz reproduces passband tones at SNR ≥ 90 dB`, () => {
        const lowerHz = Math.min(fromHz, toHz);
        const frequencies = [0.03, 0.17, 0.43].map((f) => Math.round(f * lowerHz));
        const seconds = 0.25;
        const input = tones(fromHz, seconds, frequencies, 0.3);
        const output = resampleAligned(input, fromHz, toHz);
        expect(output.length).toBe(Math.ceil((input.length * toHz) / fromHz));
        const ref = tones(toHz, seconds, frequencies, 0.3);
        const edge = Math.round(toHz * 0.03);
        const snr = snrDb(ref.subarray(edge, ref.length - edge), output.subarray(edge, ref.length - edge));
        expect(snr).toBeGreaterThanOrEqual(90);
      });
    }
  }

  it('8k → 48k leaves no images of a 1 kHz tone above 4 kHz', () => {
    const output = resampleAligned(sine(1000, 8000, 8000, 0.5), 8000, 48000);
    const ref = sine(1000, 48000, 48000, 0.5);
    const edge = 2000;
    // The residual holds the images at 7, 9, 15, 17 kHz…; it must sit 80 dB below the tone.
    let residual = 0;
    for (let i = edge; i < ref.length - edge; i++) residual += (output[i] - ref[i]) ** 2;
    const residualDb =
      10 * Math.log10(residual / (ref.length - 2 * edge) / power(ref, edge, ref.length - edge));
    expect(residualDb).toBeLessThan(-80);
  });

  it('stopbandEdge 1.1 halves the filter, keeps the passband exact and still rejects 7 kHz at 48k → 8k', () => {
    const filter = { stopbandEdge: 1.1 };
    const half = new Resampler({ inputRateHz: 48000, outputRateHz: 8000, filter });
    const standard = new Resampler({ inputRateHz: 48000, outputRateHz: 8000 });
    expect(half.delaySamples).toBeLessThanOrEqual(Math.ceil(standard.delaySamples / 2));
    const input = sine(7000, 48000, 48000, 0.5);
    const output = half.process(input);
    const attenuationDb =
      10 * Math.log10(power(input, 0, input.length) / power(output, 400, output.length - 400));
    expect(attenuationDb).toBeGreaterThanOrEqual(90);
    // Passband tones up to 0.86 of Nyquist come through as exactly as with the default filter.
    for (const [fromHz, toHz] of [
      [48000, 8000],
      [16000, 48000],
      [44100, 48000],
    ]) {
      const r = new Resampler({ inputRateHz: fromHz, outputRateHz: toHz, filter });
      const frequencies = [0.03, 0.17, 0.43].map((f) => Math.round(f * Math.min(fromHz, toHz)));
      const out = r.process(tones(fromHz, 0.25, frequencies, 0.3)).subarray(r.delaySamples);
      const ref = tones(toHz, 0.25, frequencies, 0.3);
      const edge = Math.round(toHz * 0.03);
      const snr = snrDb(ref.subarray(edge, out.length - edge), out.subarray(edge, out.length - edge));
      expect(snr, `${fromHz}→${toHz}`).toBeGreaterThanOrEqual(90);
    }
  });

  it('a narrower filter (passbandEdge 0.8, 60 dB) is shorter, has less delay and still meets 60 dB', () => {
    const loose = new Resampler({
      inputRateHz: 48000,
      outputRateHz: 8000,
      filter: { passbandEdge: 0.8, stopbandAttenuationDb: 60 },
    });
    const standard = new Resampler({ inputRateHz: 48000, outputRateHz: 8000 });
    expect(loose.delaySamples).toBeLessThan(standard.delaySamples / 2);
    const input = sine(7000, 48000, 48000, 0.5);
    const output = loose.process(input);
    const attenuationDb =
      10 * Math.log10(power(input, 0, input.length) / power(output, 400, output.length - 400));
    expect(attenuationDb).toBeGreaterThanOrEqual(58);
  });
});
