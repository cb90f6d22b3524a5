import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { isVoxwireError } from '../../src/errors.js';
import { createPlayout, type Playout, type PlayoutPacket } from '../../src/jitter/index.js';
import { RedEncoder } from '../../src/transport/red/index.js';
import { alignedCorrelation } from '../helpers/signal.js';
import { testSignal } from './harness.js';

const codec = createPcmuCodec();
const SOURCE = testSignal(8000, 8000 * 20);

interface Feed {
  seq0?: number;
  ts0?: number;
  ssrc?: number;
  /** Arrival delay of packet i beyond its send time, ms; undefined: lost. */
  delay?: (i: number) => number | undefined;
  copies?: (i: number) => number;
  packets: number;
}

function frameOf(i: number): Int16Array {
  const start = (i * 160) % (SOURCE.length - 160);
  return SOURCE.subarray(start, start + 160);
}

/** Feeds 20 ms PCMU packets sent at i·20 ms and pulls every 10 ms; returns the output and counts. */
function run(p: Playout, f: Feed, extra?: (i: number) => PlayoutPacket | undefined) {
  const events: { atMs: number; packet: PlayoutPacket }[] = [];
  for (let i = 0; i < f.packets; i++) {
    // Build every packet (a RED encoder must see the lost ones too), then drop the lost.
    const built = extra
      ? extra(i)
      : {
          sequenceNumber: ((f.seq0 ?? 0) + i) & 0xffff,
          timestamp: ((f.ts0 ?? 0) + i * 160) >>> 0,
          ssrc: f.ssrc ?? 1,
          payloadType: 0,
          payload: codec.encode(frameOf(i)).slice(),
        };
    const d = f.delay ? f.delay(i) : 30;
    if (d === undefined || built === undefined) continue;
    const packet = built;
    for (let c = 0; c < (f.copies?.(i) ?? 1); c++) events.push({ atMs: i * 20 + d + c * 0.1, packet });
  }
  events.sort((a, b) => a.atMs - b.atMs);
  const pulls = f.packets * 2 + 60;
  const out = new Int16Array(pulls * 80);
  const ops: Record<string, number> = {};
  let e = 0;
  // Pull until everything sent was played (a tail of concealment after the stream ends is not tested).
  for (let k = 0; k < pulls; k++) {
    const now = k * 10;
    if (e >= events.length && p.bufferLevelMs < 10 && k > 10) break;
    while (e < events.length && events[e].atMs <= now) {
      p.insert(events[e].packet, events[e].atMs);
      e++;
    }
    const { pcm, operation } = p.pull();
    if (process.env.TRACE) console.log(k, operation, p.bufferLevelMs.toFixed(1), p.targetDelayMs);
    ops[operation] = (ops[operation] ?? 0) + 1;
    out.set(pcm, k * 80);
  }
  return { out, ops, stats: p.getStats() };
}

describe('Playout', () => {
  it('plays a clean stream without concealment and reproduces the signal', () => {
    const r = run(createPlayout({ codec }), { packets: 300 });
    expect(r.stats.concealedSamples).toBe(0);
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.stats.jitterBufferEmittedCount).toBe(300 * 160);
    const decoded = new Int16Array(160 * 200);
    for (let i = 0; i < 200; i++) decoded.set(codec.decode(codec.encode(frameOf(i))), i * 160);
    // After the first second the start-up acceleration is over: output is the decoded input, delayed.
    const ref = decoded.subarray(16000, 24000);
    const { correlation } = alignedCorrelation(ref, r.out.subarray(16000, 26000), 1500);
    expect(correlation).toBeGreaterThan(0.95);
  });

  it('absorbs reordering (pairs swapped) without loss or concealment', () => {
    const r = run(createPlayout({ codec }), { packets: 300, delay: (i) => (i % 2 === 0 ? 45 : 25) });
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.stats.concealedSamples).toBe(0);
  });

  it('drops and counts duplicates, held or already played', () => {
    const r = run(createPlayout({ codec }), { packets: 200, copies: () => 2 });
    expect(r.stats.packetsDuplicated).toBe(200);
    expect(r.stats.concealedSamples).toBe(0);
    const late = run(createPlayout({ codec }), { packets: 200, copies: (i) => (i === 50 ? 1 : 1) });
    expect(late.stats.packetsDuplicated).toBe(0);
  });

  it('counts a packet that comes after its turn in packetsDiscarded and conceals it', () => {
    const r = run(createPlayout({ codec }), { packets: 300, delay: (i) => (i === 150 ? 1000 : 30) });
    expect(r.stats.packetsDiscarded).toBe(1);
    expect(r.stats.concealmentEvents).toBe(1);
  });

  it('plays across sequence and timestamp wrap-around', () => {
    const r = run(createPlayout({ codec }), { packets: 300, seq0: 65500, ts0: 0xffffffff - 160 * 100 });
    expect(r.stats.concealedSamples).toBe(0);
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.stats.resets).toBe(0);
  });

  it('resets on an SSRC change and plays the new stream', () => {
    const p = createPlayout({ codec });
    const r = run(p, { packets: 300 }, (i) => ({
      sequenceNumber: i < 150 ? i : 30000 + i,
      timestamp: i < 150 ? i * 160 : 1e6 + i * 160,
      ssrc: i < 150 ? 1 : 2,
      payloadType: 0,
      payload: codec.encode(frameOf(i)).slice(),
    }));
    expect(r.stats.resets).toBe(1);
    expect(r.ops.normal).toBeGreaterThan(500);
    // Packets of the old stream still held at the change are flushed and counted.
    expect(r.stats.packetsDiscarded).toBeLessThanOrEqual(3);
  });

  it('resets on a timestamp jump instead of waiting for it', () => {
    const p = createPlayout({ codec });
    const r = run(p, { packets: 300 }, (i) => ({
      sequenceNumber: i,
      timestamp: (i < 150 ? i * 160 : 0x80000000 + i * 160) >>> 0,
      ssrc: 1,
      payloadType: 0,
      payload: codec.encode(frameOf(i)).slice(),
    }));
    expect(r.stats.resets).toBe(1);
    expect(r.ops.normal).toBeGreaterThan(500);
    // Concealment only around the reset, not for the rest of the call.
    expect(r.stats.concealedSamples).toBeLessThan(8000);
  });

  it('conceals a burst of 150 lost packets, mutes, and recovers', () => {
    const r = run(createPlayout({ codec }), {
      packets: 400,
      delay: (i) => (i >= 100 && i < 250 ? undefined : 30),
    });
    expect(r.stats.concealedSamples).toBeGreaterThanOrEqual(140 * 160);
    expect(r.stats.silentConcealedSamples).toBeGreaterThan(100 * 160);
    expect(r.stats.concealmentEvents).toBe(1);
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.ops.merge).toBe(1);
    // Audio is back after the burst.
    let energy = 0;
    for (let i = 270 * 160; i < 390 * 160; i++) energy += r.out[i] * r.out[i];
    expect(Math.sqrt(energy / (120 * 160))).toBeGreaterThan(1000);
  });

  it('resumes after a long burst on schedule, not at the first packet back', () => {
    // Jitter of 20 ms; eight packets lost; the first one back is fast, the next slow. Playing the
    // fast one on arrival would leave no room for the slow one (late, concealed again).
    const r = run(createPlayout({ codec }), {
      packets: 400,
      delay: (i) => (i >= 200 && i < 208 ? undefined : i % 2 === 0 ? 30 : 50),
    });
    expect(r.stats.concealmentEvents).toBe(1);
    expect(r.stats.packetsLateConcealed).toBe(0);
    expect(r.stats.packetsDiscarded).toBe(0);
  });

  it('treats a sender pause with a continuing sequence as silence: no loss, no discard', () => {
    // Packets 100–199 are not sent (DTX), sequence numbers continue, timestamps jump.
    const p = createPlayout({ codec });
    const r = run(p, { packets: 300 }, (i) =>
      i >= 100 && i < 200
        ? undefined
        : {
            sequenceNumber: i < 100 ? i : i - 100,
            timestamp: i * 160,
            ssrc: 1,
            payloadType: 0,
            marker: i === 200,
            payload: codec.encode(frameOf(i)).slice(),
          },
    );
    expect(r.stats.packetsDiscarded).toBe(0);
    expect(r.stats.resets).toBe(0);
    expect(r.stats.jitterBufferEmittedCount).toBe(200 * 160);
  });

  it('plays comfort noise for RFC 3389 CN packets, not concealment', () => {
    const p = createPlayout({ codec });
    const r = run(p, { packets: 300 }, (i) => {
      if (i > 100 && i < 200) return undefined;
      const cn = i === 100;
      return {
        sequenceNumber: i <= 100 ? i : i - 99,
        timestamp: i * 160,
        ssrc: 1,
        payloadType: cn ? 13 : 0,
        marker: i === 200,
        payload: cn ? new Uint8Array([40]) : codec.encode(frameOf(i)).slice(),
      };
    });
    expect(r.ops['comfort-noise']).toBeGreaterThan(150);
    expect(r.stats.comfortNoiseSamples).toBeGreaterThan(150 * 80);
    expect(r.stats.concealedSamples).toBe(0);
    expect(r.stats.packetsDiscarded).toBe(0);
  });

  it('rebuilds lost packets from RED redundancy before concealing', () => {
    const red = new RedEncoder({ distance: 1 });
    const p = createPlayout({ codec, redPayloadType: 127 });
    const r = run(p, { packets: 300, delay: (i) => (i % 10 === 5 ? undefined : 30) }, (i) => {
      const frame = codec.encode(frameOf(i)).slice();
      return {
        sequenceNumber: i,
        timestamp: i * 160,
        ssrc: 1,
        payloadType: 127,
        payload: red.encode(frame, i * 160, 0).slice(),
      };
    });
    expect(r.stats.concealedSamples).toBe(0);
    expect(r.stats.jitterBufferEmittedCount).toBe(300 * 160);
  });

  it('never throws on malformed input; counts it', () => {
    const p = createPlayout({ codec });
    const good = { sequenceNumber: 1, timestamp: 0, ssrc: 1, payloadType: 0, payload: new Uint8Array(160) };
    p.insert({ ...good, sequenceNumber: 70000 }, 0);
    p.insert({ ...good, timestamp: -1 }, 0);
    p.insert({ ...good, payload: null as unknown as Uint8Array }, 0);
    p.insert(good, Number.NaN);
    p.insert({ ...good, payloadType: 99 }, 0);
    expect(p.getStats().packetsDiscarded).toBe(5);
    expect(p.pull().operation).toBe('silence');
    expect(() => p.pull(new Int16Array(3))).toThrow(/out must hold 80/);
  });

  it('validates options naming the option', () => {
    const bad = [
      { minDelayMs: -1 },
      { maxDelayMs: 20, minDelayMs: 40 },
      { maxPackets: 2 },
      { nope: 1 },
      { delay: { quantile: 0.1 } },
    ];
    for (const o of bad) {
      try {
        createPlayout({ codec, ...(o as object) });
        expect.unreachable();
      } catch (e) {
        expect(isVoxwireError(e, 'ERR_INVALID_OPTION')).toBe(true);
      }
    }
  });

  it('is deterministic', () => {
    const a = run(createPlayout({ codec }), { packets: 200, delay: (i) => (i * 7919) % 83 });
    const b = run(createPlayout({ codec }), { packets: 200, delay: (i) => (i * 7919) % 83 });
    expect(a.out).toEqual(b.out);
    expect(a.stats).toEqual(b.stats);
  });
});
