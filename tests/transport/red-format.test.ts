import { describe, expect, it } from 'vitest';
import {
  encodeRed,
  parseRed,
  RED_MAX_BLOCK_BYTES,
  RED_MAX_TIMESTAMP_OFFSET,
  type RedBlock,
  redEncodedLength,
} from '../../src/transport/red/index.js';

function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

function blocksOf(payload: Uint8Array): RedBlock[] {
  const result = parseRed(payload);
  if (!result.ok) throw new Error(result.message);
  return result.blocks;
}

describe('encodeRed / parseRed (RFC 2198)', () => {
  it('encodes the RFC 2198 §3 layout bit for bit', () => {
    // Redundant block: PT 0, offset 160, length 3; primary PT 111, 2 bytes.
    const out = encodeRed(
      Uint8Array.of(0xaa, 0xbb),
      [{ payload: Uint8Array.of(1, 2, 3), timestampOffset: 160, payloadType: 0 }],
      111,
    );
    const header = (1 << 31) | (0 << 24) | (160 << 10) | 3;
    expect(Array.from(out)).toEqual([
      (header >>> 24) & 0xff,
      (header >>> 16) & 0xff,
      (header >>> 8) & 0xff,
      header & 0xff,
      111,
      1,
      2,
      3,
      0xaa,
      0xbb,
    ]);
  });

  it('round-trips 0, 1 and 2 redundant blocks, with views (no copies) into the payload', () => {
    const primary = bytes(60, 1);
    const r1 = { payload: bytes(55, 2), timestampOffset: 960, payloadType: 111 };
    const r2 = { payload: bytes(70, 3), timestampOffset: 1920, payloadType: 111 };
    for (const redundancies of [[], [r1], [r2, r1]]) {
      const out = encodeRed(primary, redundancies, 111);
      expect(out.length).toBe(redEncodedLength(primary, redundancies));
      const blocks = blocksOf(out);
      expect(blocks).toHaveLength(redundancies.length + 1);
      redundancies.forEach((r, i) => {
        expect(blocks[i].payloadType).toBe(r.payloadType);
        expect(blocks[i].timestampOffset).toBe(r.timestampOffset);
        expect(blocks[i].payload).toEqual(r.payload);
        expect(blocks[i].payload.buffer).toBe(out.buffer);
      });
      const last = blocks[redundancies.length];
      expect(last).toMatchObject({ payloadType: 111, timestampOffset: 0 });
      expect(last.payload).toEqual(primary);
    }
  });

  it('handles the limits: 14-bit offset, 10-bit length, empty blocks, different payload types', () => {
    const max = {
      payload: bytes(RED_MAX_BLOCK_BYTES, 4),
      timestampOffset: RED_MAX_TIMESTAMP_OFFSET,
      payloadType: 127,
    };
    const empty = { payload: new Uint8Array(0), timestampOffset: 1, payloadType: 13 };
    const blocks = blocksOf(encodeRed(new Uint8Array(0), [max, empty], 0));
    expect(blocks.map((b) => [b.payloadType, b.timestampOffset, b.payload.length])).toEqual([
      [127, RED_MAX_TIMESTAMP_OFFSET, RED_MAX_BLOCK_BYTES],
      [13, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('drops (never truncates) a block over 1023 bytes or with an offset over 16383', () => {
    const primary = bytes(10, 5);
    const tooBig = { payload: bytes(RED_MAX_BLOCK_BYTES + 1, 6), timestampOffset: 960, payloadType: 111 };
    const tooOld = { payload: bytes(20, 7), timestampOffset: RED_MAX_TIMESTAMP_OFFSET + 1, payloadType: 111 };
    const fine = { payload: bytes(20, 8), timestampOffset: 480, payloadType: 111 };
    const out = encodeRed(primary, [tooBig, tooOld, fine], 111);
    expect(out.length).toBe(4 + 1 + 20 + 10);
    const blocks = blocksOf(out);
    expect(blocks).toHaveLength(2);
    expect(blocks[0].payload).toEqual(fine.payload);
    expect(blocks[1].payload).toEqual(primary);
  });

  it('writes into a caller buffer and refuses one that is too small', () => {
    const out = new Uint8Array(100);
    const primary = bytes(10, 9);
    const red = encodeRed(primary, [{ payload: bytes(5, 1), timestampOffset: 8, payloadType: 0 }], 0, out);
    expect(red.buffer).toBe(out.buffer);
    expect(red.length).toBe(20);
    expect(() => encodeRed(primary, [], 0, new Uint8Array(10))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('refuses bad payload types and offsets', () => {
    const p = bytes(4, 0);
    for (const [pt, offset] of [
      [128, 0],
      [-1, 0],
      [1.5, 0],
      [0, -1],
      [0, 0.5],
    ]) {
      expect(() => encodeRed(p, [{ payload: p, timestampOffset: offset, payloadType: pt }], 0)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    expect(() => encodeRed(p, [], 200)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });
});

describe('parseRed rejects malformed payloads without throwing', () => {
  const cases: [string, number[], string][] = [
    ['empty', [], 'empty'],
    ['only a redundant header byte', [0x80], 'truncated-header'],
    ['redundant header cut short', [0x80, 0x00, 0x01], 'truncated-header'],
    ['no primary header after redundant', [0x80, 0x00, 0x04, 0x00], 'truncated-header'],
    ['two redundant headers, no primary', [0x80, 0, 4, 0, 0x80, 0, 4, 0], 'truncated-header'],
    ['block length past the end', [0x80, 0x00, 0x04, 0x05, 0x00, 1, 2, 3], 'block-past-end'],
    ['maximum length lie', [0xff, 0xff, 0xff, 0xff, 0x00, 1, 2], 'block-past-end'],
  ];
  for (const [name, data, reason] of cases) {
    it(name, () => {
      const result = parseRed(Uint8Array.from(data));
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toBe(reason);
        expect(result.message.length).toBeGreaterThan(0);
      }
    });
  }

  it('accepts a block that ends exactly at the end (empty primary)', () => {
    const blocks = blocksOf(Uint8Array.of(0x80, 0x00, 0x04, 0x02, 0x05, 9, 9));
    expect(blocks.map((b) => b.payload.length)).toEqual([2, 0]);
  });

  it('survives 100k random payloads: only results, no exceptions, no out-of-range views', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    let ok = 0;
    for (let i = 0; i < 100_000; i++) {
      const data = Uint8Array.from({ length: random() % 40 }, () => random() & 0xff);
      // Bias towards plausible headers: clear F on some bytes so parses end.
      if (data.length > 0 && random() % 2 === 0) data[Math.min(data.length - 1, random() % 9)] &= 0x7f;
      const result = parseRed(data);
      if (result.ok) {
        ok++;
        let total = 0;
        for (const b of result.blocks) {
          expect(b.payload.byteOffset + b.payload.length).toBeLessThanOrEqual(data.byteOffset + data.length);
          total += b.payload.length;
        }
        expect(total + 4 * (result.blocks.length - 1) + 1).toBe(data.length);
      }
    }
    expect(ok).toBeGreaterThan(1000);
  });
});
