import { describe, expect, it } from 'vitest';
import {
  applyGainDb,
  deinterleave,
  downmixToMono,
  float32ToInt16,
  int16ToFloat32,
  interleave,
  upmixFromMono,
} from '../../src/audio/index.js';
import { isVoxwireError } from '../../src/errors.js';

function expectInvalidArgument(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isVoxwireError(caught, 'ERR_INVALID_ARGUMENT')).toBe(true);
}

describe('int16 ↔ float32', () => {
  it('maps every Int16 value to x / 32768 and back exactly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const f = int16ToFloat32(all);
    expect(f[0]).toBe(-1);
    expect(f[32768]).toBe(0);
    expect(f[65535]).toBe(32767 / 32768);
    for (let i = 0; i < 65536; i += 997) expect(f[i]).toBe((i - 32768) / 32768);
    expect(float32ToInt16(f)).toEqual(all);
  });

  it('rounds to nearest and saturates instead of wrapping', () => {
    const input = new Float32Array([
      0.4 / 32768,
      0.6 / 32768,
      -0.6 / 32768,
      1,
      1.5,
      -1,
      -2,
      1e30,
      -1e30,
      Number.NaN,
    ]);
    expect(Array.from(float32ToInt16(input))).toEqual([
      0, 1, -1, 32767, 32767, -32768, -32768, 32767, -32768, 0,
    ]);
    const inf = new Float32Array([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Array.from(float32ToInt16(inf))).toEqual([32767, -32768]);
  });

  it('writes into out, returns a view when out is longer, throws when it is shorter', () => {
    const out = new Float32Array(5);
    const view = int16ToFloat32(new Int16Array([16384, -16384]), out);
    expect(view.buffer).toBe(out.buffer);
    expect(Array.from(view)).toEqual([0.5, -0.5]);
    expect(int16ToFloat32(new Int16Array(5), out)).toBe(out);
    expectInvalidArgument(() => int16ToFloat32(new Int16Array(6), out));
    expectInvalidArgument(() => float32ToInt16(new Float32Array(3), new Int16Array(2)));
  });
});

describe('interleave / deinterleave', () => {
  it('round-trips any channel count, Int16 and Float32', () => {
    for (const channels of [1, 2, 3, 6]) {
      const planar = Array.from({ length: channels }, (_, c) =>
        Int16Array.from({ length: 7 }, (_, i) => c * 100 + i),
      );
      const inter = interleave(planar);
      expect(inter).toBeInstanceOf(Int16Array);
      expect(inter.length).toBe(7 * channels);
      for (let i = 0; i < 7; i++)
        for (let c = 0; c < channels; c++) expect(inter[i * channels + c]).toBe(c * 100 + i);
      expect(deinterleave(inter, channels)).toEqual(planar);
    }
    const f = interleave([new Float32Array([0.25, 0.5]), new Float32Array([-0.25, -0.5])]);
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f)).toEqual([0.25, -0.25, 0.5, -0.5]);
  });

  it('uses the given out arrays', () => {
    const outs = [new Float32Array(4), new Float32Array(2)];
    const result = deinterleave(
      new Float32Array([1, 2, 3, 4]).map((v) => v / 8),
      2,
      outs,
    );
    expect(result[0].buffer).toBe(outs[0].buffer);
    expect(result[0].length).toBe(2);
    expect(result[1]).toBe(outs[1]);
    expect(Array.from(result[1])).toEqual([0.25, 0.5]);
  });

  it('rejects mismatched lengths, partial frames and bad channel counts', () => {
    expectInvalidArgument(() => interleave([]));
    expectInvalidArgument(() => interleave([new Int16Array(3), new Int16Array(4)]));
    expectInvalidArgument(() => interleave([new Int16Array(3), new Int16Array(3)], new Int16Array(5)));
    expectInvalidArgument(() => deinterleave(new Int16Array(5), 2));
    expectInvalidArgument(() => deinterleave(new Int16Array(4), 0));
    expectInvalidArgument(() => deinterleave(new Int16Array(4), 1.5));
    expectInvalidArgument(() => deinterleave(new Int16Array(4), 2, [new Int16Array(2)]));
    expectInvalidArgument(() => deinterleave(new Int16Array(4), 2, [new Int16Array(2), new Int16Array(1)]));
  });
});

describe('channel mixing', () => {
  it('down-mixes by averaging each frame (Int16 rounded)', () => {
    expect(Array.from(downmixToMono(new Int16Array([100, 201, -32768, 32767, 3, 4]), 2))).toEqual([
      151, 0, 4,
    ]);
    const mono = downmixToMono(new Float32Array([0.5, 0.25, 0, -0.75, 0.25, 0.5]), 3);
    expect(Array.from(mono)).toEqual([0.25, 0]);
    const same = new Int16Array([1, 2, 3]);
    expect(downmixToMono(same, 1)).toEqual(same);
    expectInvalidArgument(() => downmixToMono(new Int16Array(5), 2));
    expectInvalidArgument(() => downmixToMono(new Int16Array(4), 2, new Int16Array(1)));
  });

  it('up-mixes by copying into every channel, and down-mixing that gives the input back', () => {
    const mono = new Int16Array([7, -8, 32767]);
    const stereo = upmixFromMono(mono, 2);
    expect(Array.from(stereo)).toEqual([7, 7, -8, -8, 32767, 32767]);
    expect(downmixToMono(upmixFromMono(mono, 5), 5)).toEqual(mono);
    const out = new Float32Array(10);
    expect(upmixFromMono(new Float32Array([0.5, -0.5]), 4, out).buffer).toBe(out.buffer);
    expectInvalidArgument(() => upmixFromMono(mono, 0));
    expectInvalidArgument(() => upmixFromMono(mono, 2, new Int16Array(5)));
  });
});

describe('applyGainDb', () => {
  it('scales by 10^(dB/20) and rounds Int16', () => {
    const x = new Int16Array([1000, -1000, 0, 3]);
    expect(Array.from(applyGainDb(x, 20))).toEqual([10000, -10000, 0, 30]);
    expect(Array.from(applyGainDb(x, -6.020599913))).toEqual([500, -500, 0, 2]);
    expect(applyGainDb(x, 0)).toEqual(x);
  });

  it('saturates Int16 and Float32 to the Int16 range', () => {
    expect(Array.from(applyGainDb(new Int16Array([20000, -20000, 16383]), 6.020599913))).toEqual([
      32767, -32768, 32766,
    ]);
    const f = applyGainDb(new Float32Array([0.75, -0.75, 0.1, Number.NaN]), 6.020599913);
    expect(f[0]).toBe(32767 / 32768);
    expect(f[1]).toBe(-1);
    expect(f[2]).toBeCloseTo(0.2, 6);
    expect(f[3]).toBe(0);
  });

  it('works in place and rejects a non-finite gain', () => {
    const x = new Float32Array([0.5, -0.25]);
    expect(applyGainDb(x, -6.020599913, x)).toBe(x);
    expect(x[0]).toBeCloseTo(0.25, 6);
    expectInvalidArgument(() => applyGainDb(x, Number.NaN));
    expectInvalidArgument(() => applyGainDb(x, Number.POSITIVE_INFINITY));
    expectInvalidArgument(() => applyGainDb(x, 0, new Float32Array(1)));
  });
});
