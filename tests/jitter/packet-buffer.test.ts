import { describe, expect, it } from 'vitest';
import { type BufferedPacket, PacketBuffer, Unwrapper } from '../../src/jitter/packet-buffer.js';

function packet(sequence: number, timestamp: number): BufferedPacket {
  return { sequence, timestamp, payloadType: 0, payload: new Uint8Array(160), marker: false, insertTick: 0 };
}

describe('PacketBuffer', () => {
  it('orders by timestamp whatever the insertion order', () => {
    const b = new PacketBuffer(16);
    for (const i of [3, 1, 4, 0, 2]) b.insert(packet(i, i * 160));
    const out: number[] = [];
    while (b.size > 0) out.push(b.pop()!.sequence);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses duplicates', () => {
    const b = new PacketBuffer(16);
    expect(b.insert(packet(1, 160))).toBe('inserted');
    expect(b.insert(packet(1, 160))).toBe('duplicate');
    expect(b.size).toBe(1);
  });

  it('flushes when full and reports how many were dropped', () => {
    const b = new PacketBuffer(8);
    for (let i = 0; i < 8; i++) b.insert(packet(i, i * 160));
    expect(b.insert(packet(8, 8 * 160))).toBe('flushed');
    expect(b.lastFlushed).toBe(8);
    expect(b.size).toBe(1);
  });

  it('discards packets older than a timestamp', () => {
    const b = new PacketBuffer(16);
    for (let i = 0; i < 5; i++) b.insert(packet(i, i * 160));
    expect(b.discardOlderThan(320)).toBe(2);
    expect(b.peek()!.timestamp).toBe(320);
  });
});

describe('Unwrapper', () => {
  it('unwraps 16-bit sequence numbers across the wrap, in and out of order', () => {
    const u = new Unwrapper(16);
    const a = u.unwrap(65534);
    expect(u.unwrap(65535)).toBe(a + 1);
    expect(u.unwrap(1)).toBe(a + 3);
    expect(u.unwrap(0)).toBe(a + 2); // late, after the wrap
    expect(u.unwrap(2)).toBe(a + 4);
  });

  it('unwraps 32-bit timestamps across the wrap', () => {
    const u = new Unwrapper(32);
    const a = u.unwrap(0xffffff00);
    expect(u.unwrap(0x60)).toBe(a + 0x160);
  });
});
