import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/index.js';
import {
  NullSink,
  PcmRing,
  paceSource,
  SilenceSource,
  StreamSink,
  StreamSource,
  SweepSource,
  ToneSource,
  WavFileSink,
  WavFileSource,
} from '../../src/capture/index.js';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { mediaPath } from '../helpers/peers.js';
import { alignedCorrelation, sine } from '../helpers/signal.js';

const mono16k = { sampleRateHz: 16000, channels: 1 };

describe('PcmRing', () => {
  it('primes to the target, counts underruns by re-priming and overflow drops', () => {
    const ring = new PcmRing(800, 320, 1);
    const out = new Int16Array(160);
    ring.write(new Int16Array(160).fill(1));
    expect(ring.read(out)).toBe(null);
    ring.write(new Int16Array(160).fill(2));
    expect(ring.read(out)).toBe(true);
    expect(out[0]).toBe(1);
    expect(ring.read(out)).toBe(true);
    expect(ring.read(out)).toBe(false);
    expect(ring.read(out)).toBe(null);
    ring.write(new Int16Array(1000).map((_, i) => i));
    expect(ring.overrunSamples).toBe(200);
    expect(ring.length).toBe(800);
    // The reader restarts: the backlog above the target is latency and is dropped.
    expect(ring.read(out)).toBe(true);
    expect(out[0]).toBe(680);
    expect(ring.overrunSamples).toBe(680);
  });

  it('trims a standing excess but not bursts', () => {
    const ring = new PcmRing(16000, 640, 1, 10);
    const out = new Int16Array(160);
    ring.write(new Int16Array(640));
    ring.read(out);
    // Bursty: 4 frames every 4 reads; fill dips to the target between bursts: nothing trimmed.
    for (let i = 0; i < 40; i++) {
      if (i % 4 === 0) ring.write(new Int16Array(640));
      expect(ring.read(out)).toBe(true);
    }
    expect(ring.overrunSamples).toBe(0);
    ring.write(new Int16Array(3200)); // a standing 200 ms excess
    for (let i = 0; i < 20; i++) {
      ring.write(new Int16Array(160));
      ring.read(out);
    }
    expect(ring.overrunSamples).toBeGreaterThan(2000);
    expect(ring.length).toBeLessThan(1400);
  });
});

describe('StreamSource and StreamSink', () => {
  it('absorbs bursty odd-sized chunks into steady frames, then ends', async () => {
    const stream = new PassThrough();
    const source = new StreamSource(stream, mono16k, { targetFillMs: 20 });
    await source.start();
    const samples = Int16Array.from({ length: 1600 }, (_, i) => i);
    const bytes = Buffer.from(samples.buffer);
    const out = new Int16Array(160);
    expect(source.read(out)).toBe(false); // priming: not an underrun
    for (let at = 0; at < bytes.length; at += 333) stream.write(bytes.subarray(at, at + 333));
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    const got: number[] = [];
    while (source.read(out)) got.push(...out);
    expect(got.slice(0, 1600)).toEqual([...samples]);
    expect(source.getStats().underruns).toBe(1);
    const ended = new Promise<void>((resolve) => source.once('end', resolve));
    stream.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.read(out)).toBe(false);
    await ended;
  });

  it('reports a stream error as ERR_CAPTURE', async () => {
    const stream = new PassThrough();
    const source = new StreamSource(stream, mono16k);
    await source.start();
    const error = new Promise((resolve) => source.once('error', resolve));
    stream.destroy(new Error('socket reset'));
    expect(isVoxwireError(await error, 'ERR_CAPTURE')).toBe(true);
  });

  it('passes the writable’s backpressure on and emits drain', async () => {
    let release: (() => void) | undefined;
    const chunks: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 640,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        release = done;
      },
    });
    const sink = new StreamSink(slow, mono16k);
    await sink.start();
    const frame = new Int16Array(160).fill(7);
    expect(sink.write(frame)).toBe(true);
    expect(sink.write(frame)).toBe(false);
    expect(sink.write(frame)).toBe(false);
    const drained = new Promise<void>((resolve) => sink.once('drain', resolve));
    while (release) {
      const r = release;
      release = undefined;
      r();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await drained;
    expect(Buffer.concat(chunks).length).toBe(960);
    await sink.stop();
  });
});

describe('generators', () => {
  it('tone is the requested sine and ends after durationMs', async () => {
    const tone = new ToneSource({ format: mono16k, frequencyHz: 1000, amplitude: 0.5, durationMs: 100 });
    await tone.start();
    const out = new Int16Array(160);
    const all: number[] = [];
    while (tone.read(out)) all.push(...out);
    expect(all.length).toBe(1600);
    const { correlation } = alignedCorrelation(sine(1000, 16000, 1600, 0.5), Float32Array.from(all), 2);
    expect(correlation).toBeGreaterThan(0.9999);
    expect(tone.running).toBe(false);
  });

  it('sweep and silence deliver frames; bad options are refused', async () => {
    const sweep = new SweepSource({ format: { sampleRateHz: 8000, channels: 2 }, sweepMs: 100 });
    await sweep.start();
    const out = new Int16Array(160);
    expect(sweep.read(out)).toBe(true);
    expect(out[2]).toBe(out[3]);
    const silence = new SilenceSource({ format: mono16k });
    await silence.start();
    const s = new Int16Array(160).fill(9);
    expect(silence.read(s)).toBe(true);
    expect(s.every((v) => v === 0)).toBe(true);
    expect(() => new ToneSource({ format: mono16k, frequencyHz: 9000 })).toThrowError(/frequencyHz/);
    expect(() => new ToneSource({ format: mono16k, amplitude: 2 })).toThrowError(/amplitude/);
  });
});

describe('WAV file source and sink, NullSink, paceSource', () => {
  it('copies speech through WavFileSource → WavFileSink paced by a VirtualClock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwire-capture-'));
    try {
      const path = mediaPath('speech-b-16k.wav');
      const source = new WavFileSource(path);
      expect(source.format.sampleRateHz).toBe(0);
      await source.start();
      expect(source.format).toEqual(mono16k);
      const outPath = join(dir, 'copy.wav');
      const sink = new WavFileSink(outPath, source.format);
      await sink.start();
      const clock = new VirtualClock();
      const pacer = paceSource(source, clock, (frame, real) => {
        if (real) sink.write(frame);
      });
      const ended = new Promise<void>((resolve) => source.once('end', resolve));
      clock.advance(8000);
      await ended;
      pacer.stop();
      await sink.stop();
      const original = wavToInt16(await readWavFile(path));
      const copy = wavToInt16(await readWavFile(outPath));
      expect(copy.length).toBe(Math.ceil(original.length / 160) * 160);
      expect(copy.subarray(0, original.length)).toEqual(original);
      expect(pacer.frames).toBeGreaterThanOrEqual(copy.length / 160);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing or non-WAV file with ERR_CAPTURE, and loops', async () => {
    await expect(new WavFileSource('/nonexistent.wav').start()).rejects.toSatisfy((e: unknown) =>
      isVoxwireError(e, 'ERR_CAPTURE'),
    );
    await expect(WavFileSource.open(join(import.meta.dirname, 'builtins.test.ts'))).rejects.toThrowError(
      /cannot play/,
    );
    const looped = await WavFileSource.open(mediaPath('speech-a-8k.wav'), { loop: true });
    await looped.start();
    const out = new Int16Array(80);
    for (let i = 0; i < 1000; i++) expect(looped.read(out)).toBe(true);
    await looped.stop();
  });

  it('NullSink counts frames', async () => {
    const sink = new NullSink(mono16k);
    await sink.start();
    for (let i = 0; i < 5; i++) sink.write(new Int16Array(160));
    expect(sink.getStats().frames).toBe(5);
    await sink.stop();
  });
});
