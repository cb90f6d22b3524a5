import { describe, expect, it } from 'vitest';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/index.js';
import { isVoxwireError } from '../../src/errors.js';

const mono8k = { sampleRateHz: 8000, channels: 1 };

function ramp(n: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => i + 1);
}

describe('PcmBufferSource', () => {
  it('delivers 10 ms frames, pads the last one, then ends', async () => {
    const source = new PcmBufferSource(ramp(200), mono8k);
    let ended = 0;
    source.on('end', () => ended++);
    await source.start();
    const out = new Int16Array(80);
    expect(source.read(out)).toBe(true);
    expect(out[0]).toBe(1);
    expect(source.read(out)).toBe(true);
    expect(out[79]).toBe(160);
    expect(source.read(out)).toBe(true);
    expect(out[39]).toBe(200);
    expect(out[40]).toBe(0);
    expect(source.read(out)).toBe(false);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(source.running).toBe(false);
    await source.stop();
    expect(ended).toBe(1);
    expect(source.getStats()).toEqual({ frames: 3, underruns: 0, overrunSamples: 0 });
  });

  it('loops seamlessly', async () => {
    const source = new PcmBufferSource(ramp(50), mono8k, { loop: true });
    await source.start();
    const out = new Int16Array(80);
    const all: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect(source.read(out)).toBe(true);
      all.push(...out);
    }
    for (let i = 0; i < all.length; i++) expect(all[i]).toBe((i % 50) + 1);
    await source.stop();
    expect(source.running).toBe(false);
  });

  it('restarts from the beginning and rejects a wrong frame size', async () => {
    const source = new PcmBufferSource(ramp(160), { sampleRateHz: 8000, channels: 2 });
    await source.start();
    const out = new Int16Array(160);
    source.read(out);
    await source.stop();
    await source.start();
    source.read(out);
    expect(out[0]).toBe(1);
    expect(() => source.read(new Int16Array(80))).toThrowError(/160 Int16 samples/);
    try {
      source.read(new Int16Array(81));
    } catch (error) {
      expect(isVoxwireError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('rejects unsupported formats', () => {
    expect(() => new PcmBufferSource(ramp(10), { sampleRateHz: 11025, channels: 1 })).toThrowError(
      /sampleRateHz/,
    );
    expect(() => new PcmBufferSource(ramp(10), { sampleRateHz: 8000, channels: 3 })).toThrowError(/channels/);
    expect(() => new PcmBufferSource(new Int16Array(0), mono8k, { loop: true })).toThrowError(/loop/);
  });

  it('reads silence and false before start', () => {
    const source = new PcmBufferSource(ramp(80), mono8k);
    const out = new Int16Array(80).fill(5);
    expect(source.read(out)).toBe(false);
    expect(out[0]).toBe(0);
  });
});

describe('PcmBufferSink', () => {
  it('keeps every frame written and drops (counting) writes when stopped', async () => {
    const sink = new PcmBufferSink(mono8k, 10);
    await sink.start();
    for (let i = 0; i < 100; i++) expect(sink.write(new Int16Array(80).fill(i))).toBe(true);
    await sink.stop();
    expect(sink.write(new Int16Array(80))).toBe(false);
    const samples = sink.samples();
    expect(samples.length).toBe(8000);
    expect(samples[80 * 57 + 3]).toBe(57);
    expect(sink.getStats()).toEqual({ frames: 100, underruns: 0, overrunSamples: 80 });
    expect(() => sink.write(new Int16Array(79))).toThrowError(/80 Int16 samples/);
  });
});
