import { describe, expect, it } from 'vitest';
import { convertSink, convertSource, PcmBufferSink, PcmBufferSource } from '../../src/capture/index.js';
import { alignedCorrelation, sine } from '../helpers/signal.js';

function toInt16(x: Float32Array): Int16Array {
  return Int16Array.from(x, (v) => Math.round(v * 32767));
}

async function pullAll(source: ReturnType<typeof convertSource>, frames: number): Promise<Int16Array> {
  await source.start();
  const frameLen = (source.format.sampleRateHz / 100) * source.format.channels;
  const out = new Int16Array(frameLen);
  const all = new Int16Array(frameLen * frames);
  for (let i = 0; i < frames; i++) {
    source.read(out);
    all.set(out, i * frameLen);
  }
  await source.stop();
  return all;
}

describe('convertSource', () => {
  it('returns the source itself when formats match', () => {
    const source = new PcmBufferSource(new Int16Array(160), { sampleRateHz: 16000, channels: 1 });
    expect(convertSource(source, { sampleRateHz: 16000, channels: 1 })).toBe(source);
  });

  it('resamples 16 kHz mono to 48 kHz stereo keeping the waveform', async () => {
    const tone = toInt16(sine(440, 16000, 16000, 0.5));
    const source = new PcmBufferSource(tone, { sampleRateHz: 16000, channels: 1 });
    const converted = convertSource(source, { sampleRateHz: 48000, channels: 2 });
    expect(converted.format).toEqual({ sampleRateHz: 48000, channels: 2 });
    expect(converted.latencyMs).toBeGreaterThan(0);
    const out = await pullAll(converted, 90);
    const left = out.filter((_, i) => i % 2 === 0);
    const right = out.filter((_, i) => i % 2 === 1);
    expect(left).toEqual(right);
    const ref = sine(440, 48000, left.length, 0.5);
    const { correlation } = alignedCorrelation(ref.subarray(4800), left.subarray(4800), 200);
    expect(correlation).toBeGreaterThan(0.999);
  });

  it('downmixes 48 kHz stereo to 8 kHz mono and forwards end', async () => {
    const n = 48000;
    const stereo = new Int16Array(n * 2);
    const tone = toInt16(sine(300, 48000, n, 0.4));
    for (let i = 0; i < n; i++) {
      stereo[2 * i] = tone[i];
      stereo[2 * i + 1] = tone[i];
    }
    const source = new PcmBufferSource(stereo, { sampleRateHz: 48000, channels: 2 });
    const converted = convertSource(source, { sampleRateHz: 8000, channels: 1 });
    let ended = false;
    converted.on('end', () => {
      ended = true;
    });
    await converted.start();
    const out = new Int16Array(80);
    const all: number[] = [];
    while (converted.read(out)) all.push(...out);
    expect(all.length).toBe(8000);
    const ref = sine(300, 8000, 8000, 0.4);
    const { correlation } = alignedCorrelation(ref.subarray(800), Float32Array.from(all).subarray(800), 50);
    expect(correlation).toBeGreaterThan(0.999);
    await converted.stop();
    expect(ended).toBe(true);
    expect(converted.getStats().frames).toBe(100);
  });

  it('handles 44.1 kHz frames of 441 samples', async () => {
    const tone = toInt16(sine(1000, 44100, 44100, 0.3));
    const source = new PcmBufferSource(tone, { sampleRateHz: 44100, channels: 1 });
    const out = await pullAll(convertSource(source, { sampleRateHz: 48000, channels: 1 }), 100);
    const ref = sine(1000, 48000, out.length, 0.3);
    const { correlation } = alignedCorrelation(ref.subarray(4800), out.subarray(4800), 100);
    expect(correlation).toBeGreaterThan(0.999);
  });
});

describe('convertSink', () => {
  it('converts 8 kHz mono writes into a 48 kHz stereo sink', async () => {
    const sink = new PcmBufferSink({ sampleRateHz: 48000, channels: 2 });
    const converted = convertSink(sink, { sampleRateHz: 8000, channels: 1 });
    expect(convertSink(sink, { sampleRateHz: 48000, channels: 2 })).toBe(sink);
    await converted.start();
    const tone = toInt16(sine(500, 8000, 8000, 0.5));
    for (let i = 0; i < 100; i++) expect(converted.write(tone.subarray(i * 80, i * 80 + 80))).toBe(true);
    await converted.stop();
    const samples = sink.samples();
    expect(samples.length).toBe(96000);
    const left = samples.filter((_, i) => i % 2 === 0);
    const ref = sine(500, 48000, left.length, 0.5);
    const { correlation } = alignedCorrelation(ref.subarray(4800), left.subarray(4800), 200);
    expect(correlation).toBeGreaterThan(0.999);
    expect(() => converted.write(new Int16Array(480))).toThrowError(/80 Int16 samples/);
  });
});
