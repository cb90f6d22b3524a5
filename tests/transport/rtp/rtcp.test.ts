import { describe, expect, it } from 'vitest';
import { RtcpPacketConverter } from 'werift';
import { isVoxwireError } from '../../../src/errors.js';
import {
  compactFromMs,
  middle32,
  msFromCompact,
  msFromNtp,
  ntpFromMs,
  parseRtcpCompound,
  type ReceptionReport,
  type RtcpPacket,
  type RtcpSenderReport,
  roundTripTimeMs,
  rtcpCompoundSize,
  SDES_ITEM,
  serializeRtcpCompound,
  tryParseRtcpCompound,
} from '../../../src/transport/rtp/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

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

// SR (1 report block) + SDES (CNAME "ab") + BYE (1 source, reason "x"), hand-built.
const SR = [
  '81c8000c', // V=2 RC=1 PT=200 length 12 words
  '11111111', // SSRC
  'e5a1b2c3 80000000', // NTP
  '0001e240', // RTP ts 123456
  '00000064 00003e80', // packets 100, octets 16000
  '22222222', // report SSRC
  '19fffffe', // fraction 25, cumulative -2
  '0001ffff', // extended highest seq
  '00000010', // jitter 16
  'b2c38000', // LSR
  '00010000', // DLSR 1 s
].join('');
const SDES = '81ca0003 11111111 01026162 00000000';
const BYE = '81cb0002 11111111 01780000';
const COMPOUND = hex(SR + SDES + BYE);

describe('parseRtcpCompound', () => {
  it('parses SR, SDES and BYE of a compound', () => {
    const [sr, sdes, bye] = parseRtcpCompound(COMPOUND);
    expect(sr).toEqual({
      type: 'sr',
      ssrc: 0x11111111,
      ntpTimestamp: { seconds: 0xe5a1b2c3, fraction: 0x80000000 },
      rtpTimestamp: 123456,
      packetCount: 100,
      octetCount: 16000,
      reports: [
        {
          ssrc: 0x22222222,
          fractionLost: 25,
          cumulativeLost: -2,
          highestSequence: 0x1ffff,
          jitter: 16,
          lastSr: 0xb2c38000,
          delaySinceLastSr: 65536,
        },
      ],
      profileExtension: undefined,
    });
    expect(sdes).toEqual({ type: 'sdes', chunks: [{ ssrc: 0x11111111, items: [{ type: 1, text: 'ab' }] }] });
    expect(bye).toEqual({ type: 'bye', ssrcs: [0x11111111], reason: 'x' });
  });

  it('serializes back to the same bytes', () => {
    const packets = parseRtcpCompound(COMPOUND);
    expect(rtcpCompoundSize(packets)).toBe(COMPOUND.length);
    expect(toHex(serializeRtcpCompound(packets))).toBe(toHex(COMPOUND));
  });

  it('keeps feedback (PT 205/206) as unknown with its FMT, and accepts a reduced-size compound', () => {
    // RFC 4585 generic NACK: FMT 1, sender SSRC, media SSRC, PID 0x0102 BLP 0x0003.
    const nack = hex('81cd0003 11111111 22222222 01020003');
    const [p] = parseRtcpCompound(nack);
    expect(p).toMatchObject({ type: 'unknown', packetType: 205, subtype: 1 });
    expect(toHex((p as { data: Uint8Array }).data)).toBe('111111112222222201020003');
    expect(toHex(serializeRtcpCompound([p]))).toBe(toHex(nack));
  });

  it('accepts a last SDES chunk that ends at the packet end without a null (as werift writes)', () => {
    expect(parseRtcpCompound(hex('81ca0002 11111111 01026162'))).toEqual([
      { type: 'sdes', chunks: [{ ssrc: 0x11111111, items: [{ type: 1, text: 'ab' }] }] },
    ]);
  });

  it('parses RR, APP, empty BYE, multi-item SDES and strips padding', () => {
    const data = hex(
      [
        '80c90001 33333333', // RR no reports
        '85cc0003 33333333 74657374 01020304', // APP subtype 5 "test"
        '80cb0000', // BYE no sources
        // SDES: 2 chunks; chunk 1 CNAME "a" NAME "bc" (+ 1 null), chunk 2 no items (4 nulls).
        '82ca0005 33333333 01016102 02626300 44444444 00000000',
        'a1cb0002 55555555 00000004', // BYE with 4 padding bytes (P bit)
      ].join(''),
    );
    const packets = parseRtcpCompound(data);
    expect(packets).toEqual([
      { type: 'rr', ssrc: 0x33333333, reports: [], profileExtension: undefined },
      { type: 'app', subtype: 5, ssrc: 0x33333333, name: 'test', data: hex('01020304') },
      { type: 'bye', ssrcs: [] },
      {
        type: 'sdes',
        chunks: [
          {
            ssrc: 0x33333333,
            items: [
              { type: SDES_ITEM.CNAME, text: 'a' },
              { type: SDES_ITEM.NAME, text: 'bc' },
            ],
          },
          { ssrc: 0x44444444, items: [] },
        ],
      },
      { type: 'bye', ssrcs: [0x55555555] },
    ]);
    // Without the padding, serialize reproduces the bytes.
    const reserialized = serializeRtcpCompound(packets);
    expect(toHex(reserialized)).toBe(
      toHex(data).replace('a1cb000255555555' + '00000004', '81cb000155555555'),
    );
  });

  it('reads an RR profile extension after the report blocks', () => {
    const [rr] = parseRtcpCompound(hex('80c90002 33333333 abcdef01'));
    expect(toHex((rr as { profileExtension: Uint8Array }).profileExtension)).toBe('abcdef01');
  });

  const malformed: [string, string, string][] = [
    ['empty', '', 'shorter than an RTCP header'],
    ['3 bytes', '80c900', 'shorter than an RTCP header'],
    ['version 1', '40c90001 33333333', 'version 1'],
    ['length field lying', '80c90002 33333333', 'length field says 12 bytes but 8 remain'],
    ['trailing bytes', '80c90001 33333333 8000', '2 trailing bytes'],
    ['zero padding count', 'a0c90001 33333300', 'padding count is 0'],
    ['padding over body', 'a0c90001 33333309', 'padding count 9'],
    ['report count past end', '81c90001 33333333', 'RR with 1 report blocks'],
    ['SR too short', '80c80001 33333333', 'SR with 0 report blocks needs 28'],
    ['SDES item past end', '81ca0002 33333333 01056162', 'runs past its packet'],
    ['SDES chunk 0 without terminator', '82ca0002 33333333 01026162', 'chunk 0 of 2 has no terminating'],
    ['SDES chunk past end', '82ca0002 33333333 00000000', 'chunk 1 of 2'],
    ['BYE sources past end', '82cb0001 55555555', 'BYE with 2 sources'],
    ['BYE reason past end', '81cb0002 55555555 09616263', 'BYE reason of 9 bytes'],
    ['APP too short', '80cc0001 33333333', 'APP packet of 8 bytes'],
    ['second packet bad', '80c90001 33333333 c0c90001 33333333', 'version 3 is not 2 (packet 1)'],
  ];
  for (const [name, bytes, part] of malformed) {
    it(`rejects ${name} with ERR_RTCP_MALFORMED`, () => {
      const data = hex(bytes);
      expectCode(() => parseRtcpCompound(data), 'ERR_RTCP_MALFORMED', part);
      expect(tryParseRtcpCompound(data)).toBeUndefined();
    });
  }
});

describe('serializeRtcpCompound', () => {
  const block = (cumulativeLost: number): ReceptionReport => ({
    ssrc: 0,
    fractionLost: 255,
    cumulativeLost,
    highestSequence: 0xffffffff,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
  });
  const rr = (reports: number): RtcpPacket => ({
    type: 'rr',
    ssrc: 1,
    reports: Array.from({ length: reports }, (_, i) => ({
      ssrc: i,
      fractionLost: 255,
      cumulativeLost: -8388608,
      highestSequence: 0xffffffff,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    })),
  });

  it('round-trips extreme report values', () => {
    const [p] = parseRtcpCompound(serializeRtcpCompound([rr(31)]));
    expect(p).toEqual({ ...rr(31), profileExtension: undefined });
  });

  it('pads SDES text and BYE reasons to 32 bits and round-trips UTF-8', () => {
    const packets: RtcpPacket[] = [
      { type: 'sdes', chunks: [{ ssrc: 9, items: [{ type: 1, text: 'ünïcode@host' }] }] },
      { type: 'bye', ssrcs: [9], reason: 'bye 👋' },
    ];
    const bytes = serializeRtcpCompound(packets);
    expect(bytes.length % 4).toBe(0);
    expect(parseRtcpCompound(bytes)).toEqual(packets);
  });

  const bad: [string, RtcpPacket, string][] = [
    ['32 reports', rr(32), 'at most 31'],
    ['cumulativeLost over 24 bits', { type: 'rr', ssrc: 1, reports: [block(8388608)] }, 'cumulativeLost'],
    [
      'APP name of 3 chars',
      { type: 'app', subtype: 0, ssrc: 1, name: 'abc', data: new Uint8Array(0) },
      'name',
    ],
    [
      'APP data not words',
      { type: 'app', subtype: 0, ssrc: 1, name: 'abcd', data: new Uint8Array(3) },
      'multiple',
    ],
    [
      'SDES text over 255 bytes',
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'x'.repeat(256) }] }] },
      '255',
    ],
    [
      'SDES item type 0',
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 0, text: '' }] }] },
      'item type 0',
    ],
    ['negative SSRC', { type: 'bye', ssrcs: [-1] }, 'uint32'],
  ];
  for (const [name, packet, part] of bad) {
    it(`rejects ${name} with ERR_INVALID_ARGUMENT`, () => {
      expectCode(() => serializeRtcpCompound([packet]), 'ERR_INVALID_ARGUMENT', part);
    });
  }

  it('writes into out and rejects a small one', () => {
    const out = new Uint8Array(64);
    expect(serializeRtcpCompound([rr(0)], out).length).toBe(8);
    expectCode(() => serializeRtcpCompound([rr(1)], new Uint8Array(8)), 'ERR_INVALID_ARGUMENT', '32 needed');
  });
});

describe('interop with werift RTCP', () => {
  it('werift parses our compound and we parse werift SR/RR/SDES/BYE', () => {
    // werift 0.25 skips BYE, and its SDES parser reads past its packet into a following BYE, so
    // the compound given to it ends with the SDES.
    const parsed = RtcpPacketConverter.deSerialize(Buffer.from(hex(SR + SDES)));
    expect(parsed.map((p) => p.type)).toEqual([200, 202]);
    const sr = parsed[0] as unknown as {
      senderInfo: { rtpTimestamp: number };
      reports: { jitter: number }[];
    };
    expect(sr.senderInfo.rtpTimestamp).toBe(123456);
    expect(sr.reports[0].jitter).toBe(16);
    const again = Buffer.concat(parsed.map((p) => (p as { serialize(): Buffer }).serialize()));
    const ours = parseRtcpCompound(new Uint8Array(again));
    expect(ours.map((p) => p.type)).toEqual(['sr', 'sdes']);
    expect((ours[0] as RtcpSenderReport).reports[0].cumulativeLost).toBe(-2);
  });
});

describe('NTP helpers', () => {
  it('converts Unix ms to NTP and back', () => {
    const ntp = ntpFromMs(0);
    expect(ntp).toEqual({ seconds: 2208988800, fraction: 0 });
    expect(ntpFromMs(1500)).toEqual({ seconds: 2208988801, fraction: 0x80000000 });
    const t = 1764108000123.25;
    expect(Math.abs(msFromNtp(ntpFromMs(t)) - t)).toBeLessThan(1e-3);
  });

  it('takes the middle 32 bits and computes RTT', () => {
    expect(middle32({ seconds: 0x12345678, fraction: 0x9abcdef0 })).toBe(0x56789abc);
    expect(compactFromMs(1000)).toBe(65536);
    expect(msFromCompact(32768)).toBe(500);
    const sentSr = ntpFromMs(1_000_000);
    const arrival = middle32(ntpFromMs(1_000_000 + 50 + 200)); // 50 ms path each way + 200 ms hold... RTT 50
    expect(roundTripTimeMs(arrival, middle32(sentSr), compactFromMs(200))).toBeCloseTo(50, 1);
    expect(roundTripTimeMs(arrival, 0, 0)).toBeUndefined();
  });
});
