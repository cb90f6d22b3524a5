import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { createOpusCodec } from '../../src/codec/opus.js';
import type { AudioCodec } from '../../src/codec/types.js';
import { isVoxwireError } from '../../src/errors.js';
import {
  CodecConcealer,
  createPlayout,
  type Playout,
  type PlayoutConcealment,
  type PlayoutPacket,
} from '../../src/jitter/index.js';
import { testSignal } from './harness.js';

const RATE = 48000;
const FRAME = 960; // 20 ms
const SOURCE = testSignal(RATE, RATE * 4);

function opus(): AudioCodec {
  return createOpusCodec({ sampleRateHz: RATE, channels: 1 });
}

type Kind = 'audio' | 'lost' | 'skip' | Uint8Array;

/**
 * Sends packet i of 20 ms at i·20 ms (arrival +30 ms), pulling every 10 ms. `kind(i)`: audio, lost
 * (sequence number used, nothing arrives), skip (DTX: nothing sent, sequence continues), or a raw
 * payload to send instead of audio.
 */
function run(p: Playout, codec: AudioCodec, packets: number, kind: (i: number) => Kind) {
  const events: { atMs: number; packet: PlayoutPacket }[] = [];
  let seq = 100;
  let marker = true;
  const enc = opus();
  for (let i = 0; i < packets; i++) {
    const k = kind(i);
    if (k === 'skip') {
      marker = true;
      continue;
    }
    const start = (i * FRAME) % (SOURCE.length - FRAME);
    const payload = k instanceof Uint8Array ? k : enc.encode(SOURCE.subarray(start, start + FRAME)).slice();
    const packet: PlayoutPacket = {
      sequenceNumber: seq++ & 0xffff,
      timestamp: i * FRAME,
      ssrc: 7,
      payloadType: codec.info.payloadType,
      payload,
      marker,
    };
    marker = false;
    if (k !== 'lost') events.push({ atMs: i * 20 + 30, packet });
  }
  enc.close();
  const ops: Record<string, number> = {};
  const out = new Int16Array((packets * 2 + 20) * 480);
  let e = 0;
  for (let t = 0; t < packets * 2 + 20; t++) {
    // Stop when everything sent was played (concealment after the stream's end is not tested).
    if (e >= events.length && p.bufferLevelMs < 10) break;
    while (e < events.length && events[e].atMs <= t * 10) {
      p.insert(events[e].packet, events[e].atMs);
      e++;
    }
    const { pcm, operation } = p.pull();
    ops[operation] = (ops[operation] ?? 0) + 1;
    out.set(pcm, t * 480);
  }
  return { ops, stats: p.getStats(), out };
}

function rms(x: Int16Array): number {
  let e = 0;
  for (const v of x) e += v * v;
  return Math.sqrt(e / Math.max(1, x.length));
}

describe('Playout with Opus', () => {
  for (const concealment of ['pitch', 'codec'] as PlayoutConcealment[]) {
    it(`conceals lost Opus packets with ${concealment} concealment and keeps playing`, () => {
      const codec = opus();
      const r = run(createPlayout({ codec, concealment }), codec, 200, (i) =>
        i % 25 === 10 || i === 120 || i === 121 ? 'lost' : 'audio',
      );
      expect(r.stats.concealmentEvents).toBe(9); // 8 single losses and one of two packets
      expect(r.stats.concealedSamples).toBeGreaterThanOrEqual(9 * FRAME);
      expect(r.stats.decodeErrors).toBe(0);
      expect(r.ops.merge).toBeGreaterThanOrEqual(7);
      // Concealment is audible signal, not silence, for a short loss of a periodic signal.
      expect(r.stats.silentConcealedSamples).toBeLessThan(r.stats.concealedSamples / 2);
      expect(rms(r.out.subarray(r.out.length / 2))).toBeGreaterThan(1000);
      codec.close();
    });
  }

  it('takes a DTX gap (sequence continues, marker on resume) as silence, not loss', () => {
    const codec = opus();
    const r = run(createPlayout({ codec }), codec, 250, (i) => (i >= 80 && i < 160 ? 'skip' : 'audio'));
    // A bare gap is only known to be DTX when the next packet comes: until then it is concealed
    // (one event, fading into the background-noise estimate); then playback resumes on time.
    expect(r.stats.concealmentEvents).toBe(1);
    expect(r.stats.packetsLateConcealed).toBe(0);
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.stats.jitterBufferEmittedCount).toBe(170 * FRAME);
    // Resumes on time: no packet is jumped over or waited for beyond the gap.
    expect(r.stats.concealedSamples).toBeLessThanOrEqual(80 * FRAME + FRAME);
    codec.close();
  });

  it('takes 1–2 byte Opus DTX frames as comfort noise, not loss', () => {
    const codec = opus();
    const oneByte = new Uint8Array([0xf8]); // TOC only: CELT FB 20 ms, no frame data
    const twoBytes = new Uint8Array([0xf8, 0x00]);
    const r = run(createPlayout({ codec }), codec, 250, (i) => {
      if (i >= 80 && i < 160) return i % 20 === 0 ? twoBytes : i % 20 === 10 ? oneByte : 'skip';
      return 'audio';
    });
    expect(r.stats.concealmentEvents).toBe(0);
    expect(r.stats.decodeErrors).toBe(0);
    expect(r.ops['comfort-noise']).toBeGreaterThan(100);
    // Comfort noise is quiet: the loud test signal is not extrapolated into the silence. The test
    // signal has no noise floor, so the background estimate is its envelope's trough (about −31 dBov,
    // a third of the signal's RMS): the noise stays at that level, well under the signal.
    expect(rms(r.out.subarray(120 * 960, 150 * 960))).toBeLessThan(
      rms(r.out.subarray(20 * 960, 60 * 960)) / 2.5,
    );
    codec.close();
  });

  it('takes empty payloads as DTX for any codec', () => {
    const codec = createPcmuCodec();
    const p = createPlayout({ codec });
    for (let i = 0; i < 200; i++) {
      const payload = i >= 50 && i < 120 ? new Uint8Array(0) : codec.encode(SOURCE.subarray(0, 160)).slice();
      p.insert({ sequenceNumber: i, timestamp: i * 160, ssrc: 1, payloadType: 0, payload }, i * 20 + 30);
      p.pull();
      p.pull();
    }
    expect(p.getStats().concealmentEvents).toBe(0);
    expect(p.getStats().comfortNoiseSamples).toBeGreaterThan(0);
  });

  it('validates the concealment option', () => {
    const codec = createPcmuCodec();
    const bad = (o: object) => {
      try {
        createPlayout({ codec, ...o });
        return undefined;
      } catch (e) {
        return isVoxwireError(e, 'ERR_INVALID_OPTION') ? e.message : 'other';
      }
    };
    expect(bad({ concealment: 'codec' })).toMatch(/concealment/);
    expect(bad({ concealment: 'nope' })).toMatch(/concealment/);
    expect(bad({ concealment: 'pitch' })).toBeUndefined();
  });
});

describe('CodecConcealer', () => {
  it('asks the codec for at most 10 ms per call and counts silent blocks', () => {
    const sizes: number[] = [];
    const fake = {
      info: { sampleRateHz: 8000 },
      conceal(n: number, out?: Int16Array) {
        sizes.push(n);
        const o = out ?? new Int16Array(n);
        o.fill(sizes.length > 2 ? 0 : 5000);
        return o.subarray(0, n);
      },
    } as unknown as AudioCodec;
    const c = new CodecConcealer(fake, 8000);
    const out = new Float32Array(300);
    c.conceal(out, 0, 250);
    expect(sizes).toEqual([80, 80, 80, 10]);
    expect(out[0]).toBeCloseTo(5000 / 32768, 6);
    expect(c.concealedSamples).toBe(250);
    expect(c.silentConcealedSamples).toBe(90);
    c.synthesize(out, 0, 40);
    expect(c.concealedSamples).toBe(250);
  });

  it('conceals with silence when the codec throws', () => {
    const fake = {
      conceal() {
        throw new Error('broken');
      },
    } as unknown as AudioCodec;
    const c = new CodecConcealer(fake, 8000);
    const out = new Float32Array(80).fill(1);
    c.conceal(out, 0, 80);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });
});
