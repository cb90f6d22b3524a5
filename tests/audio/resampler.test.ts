import { describe, expect, it } from 'vitest';
import {
  deinterleave,
  float32ToInt16,
  int16ToFloat32,
  interleave,
  Resampler,
  type ResamplerOptions,
} from '../../src/audio/index.js';
import { isVoxwireError, type VoxwireErrorCode } from '../../src/errors.js';
import { prng } from '../helpers/random.js';

function noise(samples: number, seed: number, amplitude = 0.5): Float32Array {
  const random = prng(seed);
  return Float32Array.from({ length: samples }, () => amplitude * (2 * random() - 1));
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function expectCode(code: VoxwireErrorCode, fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isVoxwireError(caught, code), String(caught)).toBe(true);
}

/** One call plus flush. */
function whole(options: ResamplerOptions, input: Float32Array): Float32Array {
  const r = new Resampler(options);
  return concat([r.process(input), r.flush()]);
}

const PAIRS: [number, number][] = [
  [48000, 16000],
  [16000, 48000],
  [44100, 48000],
  [48000, 44100],
  [8000, 48000],
  [44100, 8000],
  [24000, 32000],
];

describe('Resampler streaming', () => {
  for (const [inputRateHz, outputRateHz] of PAIRS) {
    for (const channels of [1, 2, 3]) {
      it(`${inputRateHz} → ${outputRateHz}, ${channels} ch: random chunking is bit-identical to one call`, () => {
        const options = { inputRateHz, outputRateHz, channels };
        const input = noise(9000 * channels, inputRateHz + channels);
        const expected = whole(options, input);

        const random = prng(outputRateHz * 7 + channels);
        const r = new Resampler(options);
        const out = new Float32Array(r.maxOutputLengthFor(3000 * channels) + 8);
        const parts: Float32Array[] = [];
        for (let at = 0; at < input.length / channels; ) {
          // Chunks of 0, 1, a few, or up to 3000 frames (past the internal block size).
          const pick = random();
          const frames =
            pick < 0.1
              ? 0
              : pick < 0.2
                ? 1
                : pick < 0.5
                  ? Math.floor(random() * 20)
                  : Math.floor(random() * 3000);
          const chunk = input.subarray(at * channels, Math.min(input.length, (at + frames) * channels));
          const predicted = r.outputLengthFor(chunk.length);
          expect(predicted).toBeLessThanOrEqual(r.maxOutputLengthFor(chunk.length));
          const result = r.process(chunk, out);
          expect(result.buffer).toBe(out.buffer); // written into out, nothing allocated for the output
          expect(result.length).toBe(predicted);
          parts.push(result.slice());
          at += chunk.length / channels;
        }
        parts.push(r.flush());
        expect(concat(parts)).toEqual(expected);
      });
    }
  }

  it('gives ceil(frames · out / in) aligned frames after dropping delaySamples of a flushed stream', () => {
    for (const [inputRateHz, outputRateHz] of PAIRS) {
      for (const frames of [0, 1, 7, 441, 1000]) {
        const r = new Resampler({ inputRateHz, outputRateHz, channels: 2 });
        const head = r.process(new Float32Array(frames * 2));
        const tail = r.flush();
        expect(tail.length).toBe(r.flushLength);
        expect(head.length + tail.length - r.flushLength).toBe(
          2 * Math.ceil((frames * outputRateHz) / inputRateHz),
        );
      }
    }
  });

  it('channel c of a multichannel stream equals the mono resampling of that channel, bit for bit', () => {
    for (const channels of [2, 3, 5]) {
      const planar = Array.from({ length: channels }, (_, c) => noise(4000, 100 + c));
      const multi = whole({ inputRateHz: 44100, outputRateHz: 16000, channels }, interleave(planar));
      const split = deinterleave(multi, channels);
      for (let c = 0; c < channels; c++) {
        expect(split[c]).toEqual(whole({ inputRateHz: 44100, outputRateHz: 16000 }, planar[c]));
      }
    }
  });

  it('processInt16 equals the Float32 path with rounding and saturation', () => {
    const random = prng(5);
    const input = Int16Array.from({ length: 6000 }, () => Math.round((2 * random() - 1) * 32767));
    input.fill(32767, 1000, 1400); // a clipped burst makes the filter overshoot full scale
    input.fill(-32768, 1400, 1800);
    const options = { inputRateHz: 8000, outputRateHz: 48000, channels: 2 };
    const a = new Resampler(options);
    const b = new Resampler(options);
    const float = concat([
      a.process(int16ToFloat32(input.subarray(0, 2500))),
      a.process(int16ToFloat32(input.subarray(2500))),
      a.flush(),
    ]);
    const ints = new Int16Array(float.length);
    ints.set(b.processInt16(input.subarray(0, 2500)));
    const second = b.processInt16(input.subarray(2500), new Int16Array(30000));
    ints.set(second, 15000);
    ints.set(b.flushInt16(), 15000 + second.length);
    expect(ints).toEqual(float32ToInt16(float));
    expect(float.some((v) => v > 1)).toBe(true); // the overshoot really happened and was saturated
  });

  it('passes through unchanged at the same rate with no delay', () => {
    const input = noise(1000, 9);
    const r = new Resampler({ inputRateHz: 16000, outputRateHz: 16000, channels: 2 });
    expect(r.delaySamples).toBe(0);
    expect(r.outputLengthFor(1000)).toBe(1000);
    expect(r.process(input)).toEqual(input);
    expect(r.flush().length).toBe(0);
    expect(r.processInt16(new Int16Array([1, -2]))).toEqual(new Int16Array([1, -2]));
  });

  it('reset and flush start a new stream identical to a fresh resampler', () => {
    const options = { inputRateHz: 48000, outputRateHz: 44100 };
    const input = noise(5000, 3);
    const fresh = new Resampler(options).process(input);
    const r = new Resampler(options);
    r.process(noise(777, 4));
    r.reset();
    expect(r.process(input)).toEqual(fresh);
    r.flush();
    expect(r.process(input)).toEqual(fresh);
  });

  it('treats NaN and infinite input as 0', () => {
    const options = { inputRateHz: 16000, outputRateHz: 8000 };
    const clean = noise(2000, 11);
    const dirty = clean.slice();
    clean[100] = 0;
    clean[1500] = 0;
    dirty[100] = Number.NaN;
    dirty[1500] = Number.POSITIVE_INFINITY;
    expect(whole(options, dirty)).toEqual(whole(options, clean));
  });

  it('rejects partial frames and short out buffers without touching the stream', () => {
    const r = new Resampler({ inputRateHz: 16000, outputRateHz: 48000, channels: 2 });
    const input = noise(200, 12);
    expectCode('ERR_INVALID_ARGUMENT', () => r.process(new Float32Array(3)));
    expectCode('ERR_INVALID_ARGUMENT', () => r.outputLengthFor(5));
    expectCode('ERR_INVALID_ARGUMENT', () => r.process(input, new Float32Array(599)));
    expectCode('ERR_INVALID_ARGUMENT', () => r.processInt16(new Int16Array(200), new Int16Array(10)));
    expectCode('ERR_INVALID_ARGUMENT', () => r.flush(new Float32Array(r.flushLength - 1)));
    const shared = new Float32Array(1000);
    expectCode('ERR_INVALID_ARGUMENT', () => r.process(shared.subarray(0, 200), shared.subarray(100)));
    const sharedInt = new Int16Array(1000);
    expectCode('ERR_INVALID_ARGUMENT', () => r.processInt16(sharedInt.subarray(400, 600), sharedInt));
    const expected = new Resampler({ inputRateHz: 16000, outputRateHz: 48000, channels: 2 }).process(input);
    expect(r.process(input)).toEqual(expected);
    // Disjoint parts of one buffer are fine.
    const fresh = new Resampler({ inputRateHz: 16000, outputRateHz: 48000, channels: 2 });
    shared.set(input);
    expect(fresh.process(shared.subarray(0, 200), shared.subarray(200))).toEqual(expected);
  });

  it('rejects bad options with ERR_INVALID_OPTION', () => {
    const bad: unknown[] = [
      { inputRateHz: 11025, outputRateHz: 8000 },
      { inputRateHz: 8000, outputRateHz: 96000 },
      { inputRateHz: '8000', outputRateHz: 16000 },
      { inputRateHz: 8000, outputRateHz: 16000, channels: 0 },
      { inputRateHz: 8000, outputRateHz: 16000, channels: 1.5 },
      { inputRateHz: 8000, outputRateHz: 16000, channels: 33 },
      { inputRateHz: 8000, outputRateHz: 16000, filter: { passbandEdge: 1 } },
      { inputRateHz: 8000, outputRateHz: 16000, filter: { stopbandAttenuationDb: 20 } },
      { inputRateHz: 8000, outputRateHz: 16000, filter: { stopbandEdge: 0.99 } },
      { inputRateHz: 8000, outputRateHz: 16000, filter: { stopbandEdge: 1.11 } }, // aliases into 0.89–1
      { inputRateHz: 8000, outputRateHz: 16000, filter: { passbandEdge: 0.8, stopbandEdge: 1.21 } },
      { inputRateHz: 8000, outputRateHz: 16000, filter: { stopbandAttenuationDb: Number.NaN } },
      null,
    ];
    for (const options of bad)
      expectCode('ERR_INVALID_OPTION', () => new Resampler(options as ResamplerOptions));
  });
});
