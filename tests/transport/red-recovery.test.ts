import { describe, expect, it } from 'vitest';
import { parseRed, RedEncoder, type RedFrame, RedRecovery } from '../../src/transport/red/index.js';

const PT = 111;
const TICKS = 960; // 20 ms at 48 kHz

/** A distinct, recognisable frame for index i (size varies like real Opus). */
function frame(i: number, size = 40 + ((i * 7) % 60)): Uint8Array {
  return Uint8Array.from({ length: size }, (_, k) => (i * 13 + k) & 0xff);
}

interface Sent {
  payload: Uint8Array;
  seq: number;
  ts: number;
}

/** Encodes frames 0..n-1 into RED packets (copies, since the encoder reuses its buffer). */
function send(encoder: RedEncoder, n: number, seq0 = 1000, ts0 = 5000): Sent[] {
  const packets: Sent[] = [];
  for (let i = 0; i < n; i++) {
    const ts = (ts0 + i * TICKS) >>> 0;
    packets.push({ payload: encoder.encode(frame(i), ts, PT).slice(), seq: (seq0 + i) & 0xffff, ts });
  }
  return packets;
}

/** Feeds packets and collects copies of every delivered frame. */
function receive(recovery: RedRecovery, packets: readonly Sent[]): RedFrame[] {
  const out: RedFrame[] = [];
  for (const p of packets) {
    const result = recovery.push(p.payload, p.seq, p.ts);
    if (!result.ok) throw new Error(result.message);
    for (const f of result.frames) out.push({ ...f, payload: f.payload.slice() });
  }
  return out;
}

function lose(packets: readonly Sent[], lost: readonly number[]): Sent[] {
  return packets.filter((_, i) => !lost.includes(i));
}

describe('RedEncoder', () => {
  it('distance 1: first packet has no redundancy, then one block (the previous frame)', () => {
    const packets = send(new RedEncoder(), 3);
    const parsed = packets.map((p) => parseRed(p.payload));
    expect(parsed.map((r) => (r.ok ? r.blocks.length : -1))).toEqual([1, 2, 2]);
    const second = parsed[2];
    if (!second.ok) throw new Error('bad');
    expect(second.blocks[0]).toMatchObject({ payloadType: PT, timestampOffset: TICKS });
    expect(second.blocks[0].payload).toEqual(frame(1));
    expect(second.blocks[1].payload).toEqual(frame(2));
  });

  it('distance 2: oldest block first, offsets 2×frame then 1×frame; buffer reused', () => {
    const encoder = new RedEncoder({ distance: 2 });
    const a = encoder.encode(frame(0), 0, PT);
    encoder.encode(frame(1), TICKS, PT);
    const c = encoder.encode(frame(2), 2 * TICKS, PT);
    expect(c.buffer).toBe(a.buffer);
    const r = parseRed(c);
    if (!r.ok) throw new Error(r.message);
    expect(r.blocks.map((b) => b.timestampOffset)).toEqual([2 * TICKS, TICKS, 0]);
    expect(r.blocks.map((b) => b.payload)).toEqual([frame(0), frame(1), frame(2)]);
    expect(encoder.stats).toEqual({ packetsEncoded: 3, redundantBlocks: 3, skippedBlocks: 0 });
  });

  it('an empty primary (DTX) produces nothing and clears the history', () => {
    const encoder = new RedEncoder({ distance: 2 });
    encoder.encode(frame(0), 0, PT);
    encoder.encode(frame(1), TICKS, PT);
    expect(encoder.encode(new Uint8Array(0), 2 * TICKS, PT).length).toBe(0);
    const after = parseRed(encoder.encode(frame(9), 20 * TICKS, PT));
    expect(after.ok && after.blocks.length).toBe(1);
    const next = parseRed(encoder.encode(frame(10), 21 * TICKS, PT));
    expect(next.ok && next.blocks.length).toBe(2);
  });

  it('skips redundancy older than the 14-bit offset, works across the 32-bit timestamp wrap', () => {
    const encoder = new RedEncoder();
    encoder.encode(frame(0), 0xffffffff - 100, PT);
    const wrapped = parseRed(encoder.encode(frame(1), 859, PT)); // 960 ticks later, wrapped
    expect(wrapped.ok && wrapped.blocks[0].timestampOffset).toBe(960);
    const late = parseRed(encoder.encode(frame(2), 859 + 16384, PT));
    expect(late.ok && late.blocks.length).toBe(1);
    expect(encoder.stats.skippedBlocks).toBe(1);
  });

  it('a frame over 1023 bytes is never redundancy, and stops older ones (no gaps in the chain)', () => {
    const encoder = new RedEncoder({ distance: 2 });
    encoder.encode(frame(0), 0, PT);
    encoder.encode(frame(1, 1100), TICKS, PT);
    const r = parseRed(encoder.encode(frame(2), 2 * TICKS, PT));
    expect(r.ok && r.blocks.length).toBe(1);
    expect(encoder.stats.skippedBlocks).toBe(2);
  });

  it('keeps under maxPayloadBytes by leaving out the oldest block first; an oversized primary still goes', () => {
    const encoder = new RedEncoder({ distance: 2, maxPayloadBytes: 250 });
    encoder.encode(frame(0, 100), 0, PT);
    encoder.encode(frame(1, 100), TICKS, PT);
    const out = encoder.encode(frame(2, 100), 2 * TICKS, PT);
    expect(out.length).toBe(1 + 4 + 100 + 100);
    const r = parseRed(out);
    expect(r.ok && r.blocks[0].payload).toEqual(frame(1, 100));
    const big = encoder.encode(frame(3, 400), 3 * TICKS, PT);
    expect(big.length).toBe(401);
  });

  it('validates options and arguments', () => {
    expect(() => new RedEncoder({ distance: 3 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => new RedEncoder({ maxPayloadBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    const encoder = new RedEncoder();
    expect(() => encoder.encode(frame(0), 0, 128)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(() => encoder.encode(frame(0), -1, PT)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });
});

describe('RedRecovery', () => {
  it('no loss: delivers each primary once, nothing recovered', () => {
    const recovery = new RedRecovery();
    const frames = receive(recovery, send(new RedEncoder({ distance: 2 }), 10));
    expect(frames.map((f) => f.sequenceNumber)).toEqual(Array.from({ length: 10 }, (_, i) => 1000 + i));
    expect(frames.every((f) => !f.recovered)).toBe(true);
    expect(recovery.stats).toMatchObject({ packetsReceived: 10, recoveredFrames: 0, duplicatePackets: 0 });
  });

  it('distance 1 recovers a single loss with its sequence number and timestamp', () => {
    const packets = send(new RedEncoder(), 6);
    const frames = receive(new RedRecovery(), lose(packets, [3]));
    expect(frames.map((f) => [f.sequenceNumber, f.recovered])).toEqual([
      [1000, false],
      [1001, false],
      [1002, false],
      [1003, true],
      [1004, false],
      [1005, false],
    ]);
    const rebuilt = frames[3];
    expect(rebuilt.timestamp).toBe(packets[3].ts);
    expect(rebuilt.payload).toEqual(frame(3));
    expect(rebuilt.payloadType).toBe(PT);
  });

  it('distance 1 recovers only the newer of two consecutive losses', () => {
    const frames = receive(new RedRecovery(), lose(send(new RedEncoder(), 6), [2, 3]));
    expect(frames.map((f) => f.sequenceNumber)).toEqual([1000, 1001, 1003, 1004, 1005]);
    expect(frames.find((f) => f.sequenceNumber === 1003)?.payload).toEqual(frame(3));
  });

  it('distance 2 recovers a double loss, oldest first, and 2 of a triple loss', () => {
    const packets = send(new RedEncoder({ distance: 2 }), 8);
    const recovery = new RedRecovery();
    const frames = receive(recovery, lose(packets, [2, 3]));
    expect(frames.map((f) => f.sequenceNumber)).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    expect(frames.filter((f) => f.recovered).map((f) => [f.sequenceNumber, f.timestamp])).toEqual([
      [1002, packets[2].ts],
      [1003, packets[3].ts],
    ]);
    expect(frames[2].payload).toEqual(frame(2));
    expect(frames[3].payload).toEqual(frame(3));
    expect(recovery.stats.recoveredFrames).toBe(2);

    const triple = receive(new RedRecovery(), lose(packets, [2, 3, 4]));
    expect(triple.map((f) => f.sequenceNumber)).toEqual([1000, 1001, 1003, 1004, 1005, 1006, 1007]);
  });

  it('a late original after its recovery, and a network duplicate, are not delivered twice', () => {
    const packets = send(new RedEncoder(), 5);
    const recovery = new RedRecovery();
    const order = [packets[0], packets[1], packets[3], packets[2], packets[3], packets[4]];
    const frames = receive(recovery, order);
    expect(frames.map((f) => f.sequenceNumber)).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(recovery.stats.duplicatePackets).toBe(2);
  });

  it('recovers across the sequence-number wrap, and never before the first packet', () => {
    const packets = send(new RedEncoder({ distance: 2 }), 6, 65533);
    const recovery = new RedRecovery();
    const frames = receive(recovery, lose(packets, [0, 3]));
    // Packet 0 (65533) was lost before anything arrived but packet 1 carries it: it is not rebuilt.
    expect(frames.map((f) => f.sequenceNumber)).toEqual([65534, 65535, 0, 1, 2]);
    expect(frames.find((f) => f.sequenceNumber === 0)?.recovered).toBe(true);
  });

  it('markDelivered: a plain (non-RED) packet is not delivered again from later redundancy', () => {
    const packets = send(new RedEncoder({ distance: 2 }), 5);
    const recovery = new RedRecovery();
    receive(recovery, packets.slice(0, 2));
    expect(recovery.markDelivered(packets[2].seq)).toBe(true);
    const frames = receive(recovery, packets.slice(3));
    expect(frames.map((f) => f.sequenceNumber)).toEqual([1003, 1004]);
    expect(recovery.markDelivered(packets[4].seq)).toBe(false);
    expect(recovery.stats.duplicatePackets).toBe(1);
  });

  it('counts malformed payloads and keeps going', () => {
    const recovery = new RedRecovery();
    const bad = recovery.push(Uint8Array.of(0x80, 1), 5, 0);
    expect(bad.ok).toBe(false);
    expect(recovery.stats.malformedPackets).toBe(1);
    const good = recovery.push(Uint8Array.of(PT, 1, 2), 6, 960);
    expect(good.ok && good.frames.length).toBe(1);
  });

  it('ignores redundant blocks whose offsets do not shrink towards the primary', () => {
    // Two blocks both at offset 960: the first cannot be mapped and is ignored.
    const payload = Uint8Array.of(
      0x80 | PT,
      0x0f,
      0x00,
      0x01,
      0x80 | PT,
      0x0f,
      0x00,
      0x01,
      PT,
      0xa,
      0xb,
      0xc,
    );
    const recovery = new RedRecovery();
    recovery.push(Uint8Array.of(PT, 0), 10, 0);
    const result = recovery.push(payload, 13, 3 * 960);
    expect(result.ok && result.frames.map((f) => f.sequenceNumber)).toEqual([11, 13]);
  });

  it('restarts after a jump further back than the window', () => {
    const recovery = new RedRecovery({ windowPackets: 16 });
    recovery.push(Uint8Array.of(PT, 0), 1000, 0);
    const r = recovery.push(Uint8Array.of(PT, 0), 900, 0);
    expect(r.ok && r.frames.length).toBe(1);
    expect(recovery.stats.restarts).toBe(1);
    expect(() => new RedRecovery({ windowPackets: 8 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => recovery.push(Uint8Array.of(PT), 70000, 0)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  for (const distance of [1, 2]) {
    it(`random 15 % loss, distance ${distance}: frame i arrives iff packet i..i+${distance} got through`, () => {
      let seed = 99 + distance;
      const random = (): number => {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        return seed / 4294967296;
      };
      const n = 3000;
      const packets = send(new RedEncoder({ distance }), n, 60000, 4294960000);
      const received = packets.map(() => random() >= 0.15);
      const frames = receive(
        new RedRecovery(),
        packets.filter((_, i) => received[i]),
      );
      const first = received.indexOf(true);
      const expected: number[] = [];
      for (let i = first; i < n; i++) {
        if (received.slice(i, i + distance + 1).some(Boolean)) expected.push(i);
      }
      expect(frames.map((f) => (f.sequenceNumber - 60000 + 65536) % 65536)).toEqual(expected);
      for (const f of frames) {
        const i = (f.sequenceNumber - 60000 + 65536) % 65536;
        expect(f.timestamp).toBe(packets[i].ts);
        expect(f.payload).toEqual(frame(i));
        expect(f.recovered).toBe(!received[i]);
      }
    });
  }
});
