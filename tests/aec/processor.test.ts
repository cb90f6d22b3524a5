import { describe, expect, it } from 'vitest';
import { AudioProcessor } from '../../src/aec/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { convolve, roomImpulseResponse, speech16k, speechAt } from './material.js';
import { makeNoise, toInt16 } from './noise-material.js';

const RATE = 16000;
const N = 160;

/** Far-end speech played 40 ms late through a room into the mic, plus quiet noise. */
function echoMaterial(seconds: number): { far: Int16Array; mic: Int16Array } {
  const farF = speech16k('a').subarray(0, seconds * RATE);
  const room = roomImpulseResponse({ sampleRateHz: RATE, rt60Ms: 150, seed: 4, directDelayMs: 40 });
  const echo = convolve(farF, room);
  const noise = makeNoise('white', farF.length, RATE, 2);
  const far = new Int16Array(farF.length);
  const mic = new Int16Array(farF.length);
  for (let i = 0; i < farF.length; i++) {
    far[i] = Math.round(farF[i]);
    mic[i] = Math.max(-32768, Math.min(32767, Math.round(echo[i] + 30 * noise[i])));
  }
  return { far, mic };
}

function energyDb(x: Int16Array | Float32Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return 10 * Math.log10(s / (to - from) + 1e-9);
}

function run(p: AudioProcessor, far: Int16Array, mic: Int16Array): Int16Array {
  const out = new Int16Array(mic.length);
  for (let f = 0; f + N <= mic.length; f += N) {
    p.processReference(far.subarray(f, f + N));
    p.processCapture(mic.subarray(f, f + N), out.subarray(f, f + N));
  }
  return out;
}

describe('AudioProcessor', () => {
  it('validates options, naming the option', () => {
    for (const bad of [
      { sampleRateHz: 44100 },
      { sampleRateHz: 16000, aec: 1 },
      { sampleRateHz: 16000, ns: { level: 'loud' } },
      { sampleRateHz: 16000, vad: { mode: 7 } },
      { sampleRateHz: 16000, ns: { sampleRateHz: 8000 } },
      { sampleRateHz: 16000, other: true },
    ]) {
      let caught: unknown;
      try {
        new AudioProcessor(bad as never);
      } catch (error) {
        caught = error;
      }
      expect(isVoxwireError(caught, 'ERR_INVALID_OPTION'), JSON.stringify(bad)).toBe(true);
    }
  });

  it('rejects frames of the wrong length', () => {
    const p = new AudioProcessor({ sampleRateHz: RATE });
    expect(() => p.processCapture(new Int16Array(100))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => p.processReference(new Int16Array(161))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('with every stage off passes audio through unchanged and reports its level', () => {
    const p = new AudioProcessor({ sampleRateHz: RATE, aec: false, ns: false, vad: false });
    const { far, mic } = echoMaterial(1);
    const out = run(p, far, mic);
    expect(Array.from(out)).toEqual(Array.from(mic.subarray(0, out.length)));
    const stats = p.getStats();
    expect(stats.echoReturnLossEnhancement).toBeUndefined();
    expect(stats.voiceActivityFlag).toBeUndefined();
    expect(stats.noiseLevelDbov).toBeUndefined();
    expect(stats.audioLevel).toBe(Math.round(-p.levelDbov));
    expect(stats.framesProcessed).toBe(100);
  });

  it('AEC on removes the echo; with it off the echo stays', () => {
    const { far, mic } = echoMaterial(6);
    const withAec = run(new AudioProcessor({ sampleRateHz: RATE, ns: false, vad: false }), far, mic);
    const without = run(
      new AudioProcessor({ sampleRateHz: RATE, aec: false, ns: false, vad: false }),
      far,
      mic,
    );
    const from = 3 * RATE;
    const to = 6 * RATE - N;
    expect(energyDb(mic, from, to) - energyDb(without, from, to)).toBeLessThan(0.5);
    expect(energyDb(mic, from, to) - energyDb(withAec, from, to)).toBeGreaterThan(15);
  });

  it('feeds the delay estimate to the canceller', () => {
    const { far, mic } = echoMaterial(6);
    const p = new AudioProcessor({ sampleRateHz: RATE, ns: false, vad: false });
    run(p, far, mic);
    const delay = p.getStats().delayMs ?? -1;
    // The room's direct path is 40 ms; the bulk delay applied may sit a little before it.
    expect(delay).toBeGreaterThan(30);
    expect(delay).toBeLessThanOrEqual(41);
  });

  it('48 kHz sessions process at 16 kHz by default (option: full band); both cancel the echo', () => {
    const rate = 48000;
    const farF = speechAt('a', rate).subarray(0, 6 * rate);
    const echo = convolve(
      farF,
      roomImpulseResponse({ sampleRateHz: rate, rt60Ms: 150, seed: 4, directDelayMs: 40 }),
    );
    const far = Int16Array.from(farF, (v) => Math.round(v));
    const mic = Int16Array.from(echo, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
    const n = rate / 100;
    const cancelDb = (p: AudioProcessor): number => {
      const out = new Int16Array(mic.length);
      for (let f = 0; f + n <= mic.length; f += n) {
        p.processReference(far.subarray(f, f + n));
        p.processCapture(mic.subarray(f, f + n), out.subarray(f, f + n));
      }
      return energyDb(mic, 3 * rate, 6 * rate - n) - energyDb(out, 3 * rate, 6 * rate - n);
    };
    const decimated = new AudioProcessor({ sampleRateHz: rate, ns: false, vad: false });
    expect(decimated.processingRateHz).toBe(16000);
    expect(decimated.resamplingDelaySamples).toBeGreaterThan(0);
    expect(decimated.frameSamples).toBe(480);
    expect(cancelDb(decimated)).toBeGreaterThan(15);
    const full = new AudioProcessor({ sampleRateHz: rate, processingRateHz: 48000, ns: false, vad: false });
    expect(full.processingRateHz).toBe(48000);
    expect(full.resamplingDelaySamples).toBe(0);
    expect(cancelDb(full)).toBeGreaterThan(15);
    expect(new AudioProcessor({ sampleRateHz: 16000 }).processingRateHz).toBe(16000);
    for (const bad of [8000, 32000]) {
      try {
        new AudioProcessor({ sampleRateHz: rate, processingRateHz: bad });
        expect.unreachable();
      } catch (e) {
        expect(isVoxwireError(e, 'ERR_INVALID_OPTION')).toBe(true);
        expect(String(e)).toMatch(/processingRateHz/);
      }
    }
  });

  it('NS on lowers stationary noise; VAD on stays quiet in noise and fires on speech', () => {
    const noise = makeNoise('white', 3 * RATE, RATE, 8);
    const speech = speech16k('b').subarray(0, 3 * RATE);
    const mic = new Int16Array(6 * RATE);
    for (let i = 0; i < 3 * RATE; i++) mic[i] = Math.round(100 * noise[i]);
    for (let i = 0; i < 3 * RATE; i++) mic[3 * RATE + i] = Math.round(100 * noise[i] + speech[i]);
    const silentFar = new Int16Array(mic.length);
    const p = new AudioProcessor({ sampleRateHz: RATE, aec: false });
    const events: string[] = [];
    p.on('speechStart', () => events.push('start'));
    p.on('speechEnd', () => events.push('end'));
    const flags: boolean[] = [];
    const out = new Int16Array(mic.length);
    for (let f = 0; f + N <= mic.length; f += N) {
      p.processReference(silentFar.subarray(f, f + N));
      p.processCapture(mic.subarray(f, f + N), out.subarray(f, f + N));
      flags.push(p.speaking);
    }
    expect(energyDb(mic, RATE, 3 * RATE) - energyDb(out, RATE, 3 * RATE)).toBeGreaterThan(8);
    expect(flags.slice(100, 300).filter(Boolean).length).toBeLessThan(10);
    expect(flags.slice(300).filter(Boolean).length).toBeGreaterThan(60);
    expect(events[0]).toBe('start');
    expect(p.getStats().noiseLevelDbov).toBeLessThan(-40);

    const plain = run(new AudioProcessor({ sampleRateHz: RATE, aec: false, ns: false }), silentFar, mic);
    expect(energyDb(mic, RATE, 3 * RATE) - energyDb(plain, RATE, 3 * RATE)).toBeLessThan(0.1);
  });

  it('a throwing listener does not break processing; reset() restarts', () => {
    const p = new AudioProcessor({ sampleRateHz: RATE, aec: false, ns: false });
    const errors: unknown[] = [];
    p.on('error', (e) => errors.push(e));
    p.on('speechStart', () => {
      throw new Error('listener');
    });
    const speech = toInt16(
      speech16k('a')
        .subarray(0, 2 * RATE)
        .map((v) => v / 32768),
    );
    const out = new Int16Array(N);
    for (let f = 0; f + N <= speech.length; f += N) p.processCapture(speech.subarray(f, f + N), out);
    expect(errors.length).toBeGreaterThan(0);
    p.reset();
    expect(p.speaking).toBe(false);
    expect(p.getStats().framesProcessed).toBe(0);
  });
});
