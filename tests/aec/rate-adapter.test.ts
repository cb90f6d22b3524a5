import { describe, expect, it } from 'vitest';
import { RateAdapter } from '../../src/aec/rate-adapter.js';

/** A 48 kHz Int16 tone of `seconds` at −6 dBFS. */
function tone(frequencyHz: number, seconds: number): Int16Array {
  const n = 48000 * seconds;
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(16384 * Math.sin((2 * Math.PI * frequencyHz * i) / 48000)),
  );
}

/** Capture path only: 48 kHz → 16 kHz → 48 kHz in 10 ms frames. */
function roundTrip(adapter: RateAdapter, input: Int16Array): Int16Array {
  const out = new Int16Array(input.length);
  const inner = new Int16Array(160);
  for (let at = 0; at + 480 <= input.length; at += 480) {
    adapter.downCapture(input.subarray(at, at + 480), inner);
    adapter.up(inner, out.subarray(at, at + 480));
  }
  return out;
}

function rms(x: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / (to - from));
}

describe('RateAdapter (48 kHz session, 16 kHz processing)', () => {
  it('keeps the passband within 0.1 dB and delays it by exactly delaySamples', () => {
    for (const hz of [300, 1000, 3400, 6800]) {
      const adapter = new RateAdapter(48000, 16000);
      const input = tone(hz, 1);
      const out = roundTrip(adapter, input);
      const d = adapter.delaySamples;
      let err = 0;
      for (let i = 24000; i < 47000; i++) err += (out[i] - input[i - d]) ** 2;
      const snrDb = 20 * Math.log10(rms(input, 24000 - d, 47000 - d) / Math.sqrt(err / 23000));
      expect(snrDb, `${hz} Hz`).toBeGreaterThan(40);
      const gainDb = 20 * Math.log10(rms(out, 24000, 47000) / rms(input, 24000 - d, 47000 - d));
      expect(Math.abs(gainDb), `${hz} Hz`).toBeLessThan(0.1);
    }
  });

  it('removes what the 16 kHz stages cannot represent (≥ 80 dB down above 8.8 kHz)', () => {
    for (const hz of [9000, 12000, 17000, 23000]) {
      const out = roundTrip(new RateAdapter(48000, 16000), tone(hz, 0.5));
      const input = tone(hz, 0.5);
      const downDb = 20 * Math.log10((rms(out, 4800, 23000) + 1e-3) / rms(input, 4800, 23000));
      // Int16 rounding leaves about −101 dB of this tone's level: the floor the test can see.
      expect(downDb, `${hz} Hz`).toBeLessThan(-80);
    }
  });

  it('delay is under 4 ms of 48 kHz samples (half of the default Resampler filter)', () => {
    const adapter = new RateAdapter(48000, 16000);
    expect(adapter.delaySamples).toBeLessThan(192);
    expect(adapter.delaySamples).toBeGreaterThan(0);
  });
});
