import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import {
  createRtpPacket,
  parseRtpPacket,
  type RtpHeader,
  rtpPacketSize,
  serializeRtpPacket,
  tryParseRtpPacket,
} from '../../../src/transport/rtp/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Asserts `fn` throws a VoxwireError with `code` whose message contains `part`. */
function expectCode(fn: () => unknown, code: string, part: string): void {
  try {
    fn();
  } catch (error) {
    expect(isVoxwireError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).toContain(part);
    return;
  }
  throw new Error(`expected ${code} (${part}) but nothing was thrown`);
}

// V=2, P, X, CC=2 | M, PT 111 | seq 65535 | ts 0xffffffff | SSRC 0xdeadbeef | CSRCs 1, 2 |
// one-byte ext: id 1 (audio level 0x90) + 2 padding bytes | payload 010203 | 4 bytes padding.
const FULL = hex('b2ef ffff ffffffff deadbeef 00000001 00000002 bede0001 10900000 010203 00000004');

describe('parseRtpPacket', () => {
  it('parses a minimal packet with views into the datagram', () => {
    const data = hex('80000001 00000064 12345678 6162');
    const p = parseRtpPacket(data);
    expect(p).toMatchObject({
      marker: false,
      payloadType: 0,
      sequenceNumber: 1,
      timestamp: 100,
      ssrc: 0x12345678,
      csrcs: [],
      paddingLength: 0,
      extensions: [],
      extensionProfile: undefined,
    });
    expect(toHex(p.payload)).toBe('6162');
    expect(p.payload.buffer).toBe(data.buffer);
    expect(p.payload.byteOffset).toBe(12);
  });

  it('parses every field of a packet with CSRCs, extension and padding', () => {
    const p = parseRtpPacket(FULL);
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(111);
    expect(p.sequenceNumber).toBe(65535);
    expect(p.timestamp).toBe(0xffffffff);
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrcs).toEqual([1, 2]);
    expect(p.extensionProfile).toBe(0xbede);
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([[1, '90']]);
    expect(toHex(p.payload)).toBe('010203');
    expect(p.paddingLength).toBe(4);
    expect(p.padding).toBe(4);
  });

  it('re-serializes a parsed packet to the same bytes', () => {
    const p = parseRtpPacket(FULL);
    expect(toHex(serializeRtpPacket(p, p.payload))).toBe(toHex(FULL));
  });

  it('parses two-byte form elements, including a zero-length one and padding', () => {
    const p = parseRtpPacket(hex('90000001 00000000 00000001 10000002 0100 0203aabbcc 00 ff'));
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, ''],
      [2, 'aabbcc'],
    ]);
    expect(toHex(p.payload)).toBe('ff');
  });

  it('skips one-byte padding and stops at id 15 (RFC 8285 §4.2)', () => {
    const p = parseRtpPacket(hex('90000001 00000000 00000001 bede0002 0011aabb00f022cc 77'));
    expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([[1, 'aabb']]);
    expect(toHex(p.payload)).toBe('77');
  });

  it('keeps a non-RFC 8285 extension block raw and writes it back', () => {
    const data = hex('90000001 00000000 00000001 abcd0001 01020304 99');
    const p = parseRtpPacket(data);
    expect(p.extensions).toEqual([]);
    expect(p.extensionProfile).toBe(0xabcd);
    expect(toHex(p.extensionData!)).toBe('01020304');
    expect(toHex(serializeRtpPacket(p, p.payload))).toBe(toHex(data));
  });

  it('accepts padding that takes the whole payload', () => {
    const p = parseRtpPacket(hex('a0000001 00000000 00000001 000003'));
    expect(p.payload.length).toBe(0);
    expect(p.paddingLength).toBe(3);
  });

  it('fills a reusable target', () => {
    const target = createRtpPacket();
    const a = parseRtpPacket(FULL, target);
    expect(a).toBe(target);
    expect(target.sequenceNumber).toBe(65535);
    parseRtpPacket(hex('80000002 00000000 00000001'), target);
    expect(target.sequenceNumber).toBe(2);
    expect(target.csrcs).toEqual([]);
    expect(target.extensions).toEqual([]);
    expect(target.paddingLength).toBe(0);
  });

  const malformed: [string, string, string][] = [
    ['truncated header', '80000001 00000000 000000', 'shorter than the 12-byte'],
    ['empty', '', 'shorter than the 12-byte'],
    ['version 1', '40000001 00000000 00000001', 'version 1'],
    ['version 0', '00000001 00000000 00000001', 'version 0'],
    ['zero padding count', 'a0000001 00000000 00000001 aa00', 'padding count is 0'],
    ['padding larger than packet', 'a0000001 00000000 00000001 aa05', 'padding count 5'],
    ['CSRC count past end', '8f000001 00000000 00000001 00000001', 'CSRC count 15'],
    ['extension header past end', '90000001 00000000 00000001 bede', 'extension header'],
    ['extension length past end', '90000001 00000000 00000001 bede0002 10900000', 'extension block'],
    ['one-byte element past block', '90000001 00000000 00000001 bede0001 13aabbcc', 'id 1 runs past'],
    ['two-byte element without length', '90000001 00000000 00000001 10000001 00000005', 'no length byte'],
    ['two-byte element past block', '90000001 00000000 00000001 10000001 0509aabb', 'id 5 runs past'],
  ];
  for (const [name, bytes, part] of malformed) {
    it(`rejects ${name} with ERR_RTP_MALFORMED`, () => {
      const data = hex(bytes);
      expectCode(() => parseRtpPacket(data), 'ERR_RTP_MALFORMED', part);
      expect(tryParseRtpPacket(data)).toBeUndefined();
    });
  }

  it('leaves a target unchanged when the packet is malformed', () => {
    const target = parseRtpPacket(FULL, createRtpPacket());
    expect(tryParseRtpPacket(hex('a0000001 00000000 00000001 aa00'), target)).toBeUndefined();
    expect(target.sequenceNumber).toBe(65535);
  });
});

describe('serializeRtpPacket', () => {
  const base: RtpHeader = {
    marker: true,
    payloadType: 0,
    sequenceNumber: 0x1234,
    timestamp: 0x89abcdef,
    ssrc: 0xcafebabe,
    csrcs: [],
  };

  it('writes the fixed header exactly', () => {
    const out = serializeRtpPacket(base, hex('ff'));
    expect(toHex(out)).toBe('80801234 89abcdef cafebabe ff'.replace(/ /g, ''));
    expect(rtpPacketSize(base, 1)).toBe(13);
  });

  it('picks the one-byte form when every element fits', () => {
    const out = serializeRtpPacket(
      { ...base, extensions: [{ id: 14, data: new Uint8Array(16).fill(7) }] },
      new Uint8Array(0),
    );
    // 1 + 16 bytes of elements, padded to 20.
    expect(toHex(out.subarray(12, 17))).toBe('bede0005ef');
    expect(out.length).toBe(12 + 4 + 20);
    expect(parseRtpPacket(out).extensions[0].data).toEqual(new Uint8Array(16).fill(7));
  });

  for (const [why, ext] of [
    ['id over 14', { id: 15, data: hex('01') }],
    ['empty data', { id: 3, data: new Uint8Array(0) }],
    ['data over 16 bytes', { id: 3, data: new Uint8Array(17) }],
  ] as const) {
    it(`switches to the two-byte form for ${why}`, () => {
      const out = serializeRtpPacket({ ...base, extensions: [{ id: 1, data: hex('aa') }, ext] }, hex('01'));
      expect(toHex(out.subarray(12, 14))).toBe('1000');
      const p = parseRtpPacket(out);
      expect(p.extensions.map((e) => [e.id, toHex(e.data)])).toEqual([
        [1, 'aa'],
        [ext.id, toHex(ext.data)],
      ]);
      expect(toHex(p.payload)).toBe('01');
    });
  }

  it('returns independent packets when no out buffer is given', () => {
    const packets = Array.from({ length: 500 }, (_, i) =>
      serializeRtpPacket({ ...base, sequenceNumber: i }, new Uint8Array(60).fill(i & 0xff)),
    );
    packets.forEach((p, i) => {
      const parsed = parseRtpPacket(p);
      expect(parsed.sequenceNumber).toBe(i);
      expect(parsed.payload.every((b) => b === (i & 0xff))).toBe(true);
    });
  });

  it('writes into a larger out buffer and returns a view; rejects a small one', () => {
    const out = new Uint8Array(100);
    const packet = serializeRtpPacket(base, hex('0102'), out);
    expect(packet.buffer).toBe(out.buffer);
    expect(packet.length).toBe(14);
    expectCode(() => serializeRtpPacket(base, hex('0102'), new Uint8Array(13)), 'ERR_INVALID_ARGUMENT', '14');
  });

  const bad: [string, Partial<RtpHeader>, string][] = [
    ['payload type 128', { payloadType: 128 }, 'payload type'],
    ['sequence 65536', { sequenceNumber: 65536 }, 'sequence number'],
    ['negative timestamp', { timestamp: -1 }, 'timestamp'],
    ['fractional SSRC', { ssrc: 1.5 }, 'SSRC'],
    ['16 CSRCs', { csrcs: new Array(16).fill(1) }, '16 CSRCs'],
    ['padding 256', { padding: 256 }, 'padding'],
    ['extension id 0', { extensions: [{ id: 0, data: new Uint8Array(0) }] }, 'id 0'],
    ['extension data 256 bytes', { extensions: [{ id: 1, data: new Uint8Array(256) }] }, '256 bytes'],
    ['raw extension of 3 bytes', { extensionProfile: 1, extensionData: new Uint8Array(3) }, 'multiple of 4'],
  ];
  for (const [name, change, part] of bad) {
    it(`rejects ${name} with ERR_INVALID_ARGUMENT`, () => {
      expectCode(() => serializeRtpPacket({ ...base, ...change }, hex('00')), 'ERR_INVALID_ARGUMENT', part);
    });
  }

  it('round-trips random headers', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 4294967296) * n);
    };
    for (let i = 0; i < 2000; i++) {
      const header: RtpHeader = {
        marker: rnd(2) === 1,
        payloadType: rnd(128),
        sequenceNumber: rnd(65536),
        timestamp: rnd(4294967296),
        ssrc: rnd(4294967296),
        csrcs: Array.from({ length: rnd(16) }, () => rnd(4294967296)),
        padding: rnd(3) === 0 ? 1 + rnd(255) : 0,
        extensions: Array.from({ length: rnd(4) }, (_, k) => ({
          id: 1 + k + rnd(2) * 20,
          data: Uint8Array.from({ length: rnd(3) === 0 ? rnd(40) : 1 + rnd(16) }, () => rnd(256)),
        })),
      };
      const payload = Uint8Array.from({ length: rnd(200) }, () => rnd(256));
      const bytes = serializeRtpPacket(header, payload);
      expect(bytes.length).toBe(rtpPacketSize(header, payload.length));
      const p = parseRtpPacket(bytes);
      expect(p.marker).toBe(header.marker);
      expect(p.payloadType).toBe(header.payloadType);
      expect(p.sequenceNumber).toBe(header.sequenceNumber);
      expect(p.timestamp).toBe(header.timestamp);
      expect(p.ssrc).toBe(header.ssrc);
      expect(p.csrcs).toEqual(header.csrcs);
      expect(p.paddingLength).toBe(header.padding);
      expect(p.extensions.map((e) => [e.id, [...e.data]])).toEqual(
        header.extensions!.map((e) => [e.id, [...e.data]]),
      );
      expect(p.payload).toEqual(payload);
    }
  });
});
