import { describe, expect, it } from 'vitest';
import {
  classifyDatagram,
  classifyRfc7983,
  serializeRtcpCompound,
  serializeRtpPacket,
} from '../../../src/transport/rtp/index.js';

const rtp = (payloadType: number, marker: boolean): Uint8Array =>
  serializeRtpPacket(
    { marker, payloadType, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: [] },
    new Uint8Array(20),
  );

describe('classifyDatagram (RFC 5761 §4)', () => {
  it('tells RTP from multiplexed RTCP by the second byte', () => {
    for (let pt = 0; pt < 128; pt++) {
      for (const marker of [false, true]) {
        const second = (marker ? 128 : 0) | pt;
        const expected = second >= 192 && second <= 223 ? 'rtcp' : 'rtp';
        expect(classifyDatagram(rtp(pt, marker)), `PT ${pt} M ${marker}`).toBe(expected);
      }
    }
    for (const type of ['sr', 'rr'] as const) {
      const packet =
        type === 'rr'
          ? serializeRtcpCompound([{ type, ssrc: 1, reports: [] }])
          : serializeRtcpCompound([
              {
                type,
                ssrc: 1,
                ntpTimestamp: { seconds: 1, fraction: 2 },
                rtpTimestamp: 3,
                packetCount: 4,
                octetCount: 5,
                reports: [],
              },
            ]);
      expect(classifyDatagram(packet)).toBe('rtcp');
    }
    expect(classifyDatagram(serializeRtcpCompound([{ type: 'bye', ssrcs: [] }]))).toBe('rtcp');
    expect(
      classifyDatagram(
        serializeRtcpCompound([{ type: 'unknown', packetType: 205, subtype: 1, data: new Uint8Array(8) }]),
      ),
    ).toBe('rtcp');
  });

  it('calls non-version-2 and short datagrams unknown', () => {
    expect(classifyDatagram(new Uint8Array([0x00, 0x01, 0x00, 0x00]))).toBe('unknown'); // STUN
    expect(classifyDatagram(new Uint8Array([0x16, 0xfe, 0xfd, 0x00]))).toBe('unknown'); // DTLS
    expect(classifyDatagram(new Uint8Array([0xc0, 0x00, 0x00, 0x00]))).toBe('unknown'); // version 3
    expect(classifyDatagram(new Uint8Array([0x80, 0x00, 0x00]))).toBe('unknown');
    expect(classifyDatagram(rtp(0, false).subarray(0, 11))).toBe('unknown');
    expect(classifyDatagram(new Uint8Array(0))).toBe('unknown');
  });
});

describe('classifyRfc7983', () => {
  it('maps first-byte ranges', () => {
    const kinds = Array.from({ length: 256 }, (_, b) => classifyRfc7983(new Uint8Array([b])));
    expect(kinds.slice(0, 4).every((k) => k === 'stun')).toBe(true);
    expect(kinds.slice(4, 16).every((k) => k === 'unknown')).toBe(true);
    expect(kinds.slice(16, 20).every((k) => k === 'zrtp')).toBe(true);
    expect(kinds.slice(20, 64).every((k) => k === 'dtls')).toBe(true);
    expect(kinds.slice(64, 80).every((k) => k === 'turn-channel')).toBe(true);
    expect(kinds.slice(80, 128).every((k) => k === 'unknown')).toBe(true);
    expect(kinds.slice(128, 192).every((k) => k === 'rtp-rtcp')).toBe(true);
    expect(kinds.slice(192).every((k) => k === 'unknown')).toBe(true);
    expect(classifyRfc7983(new Uint8Array(0))).toBe('unknown');
  });
});
