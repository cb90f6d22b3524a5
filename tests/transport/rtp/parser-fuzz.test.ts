import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import {
  parseRtcpCompound,
  parseRtpPacket,
  type RtcpPacket,
  serializeRtcpCompound,
  serializeRtpPacket,
} from '../../../src/transport/rtp/index.js';
import { prngUint32 } from '../../helpers/random.js';

/**
 * 10^6 random and mutated datagrams through both parsers: only VoxwireError with the parser's code
 * escapes, every input is either parsed or rejected, and the heap does not grow.
 */

const TOTAL = 1_000_000;

function seedsRtp(): Uint8Array[] {
  const base = { marker: true, payloadType: 111, sequenceNumber: 65535, timestamp: 1, ssrc: 2, csrcs: [] };
  return [
    serializeRtpPacket(base, new Uint8Array(100)),
    serializeRtpPacket(
      { ...base, csrcs: [3, 4], padding: 4, extensions: [{ id: 1, data: new Uint8Array([0x90]) }] },
      new Uint8Array(40),
    ),
    serializeRtpPacket(
      {
        ...base,
        extensions: [
          { id: 20, data: new Uint8Array(0) },
          { id: 2, data: new Uint8Array(5) },
        ],
      },
      new Uint8Array(8),
    ),
  ];
}

function seedsRtcp(): Uint8Array[] {
  const report = {
    ssrc: 5,
    fractionLost: 10,
    cumulativeLost: -3,
    highestSequence: 70000,
    jitter: 12,
    lastSr: 99,
    delaySinceLastSr: 100,
  };
  const packets: RtcpPacket[] = [
    {
      type: 'sr',
      ssrc: 1,
      ntpTimestamp: { seconds: 7, fraction: 8 },
      rtpTimestamp: 9,
      packetCount: 10,
      octetCount: 11,
      reports: [report, report],
    },
    {
      type: 'sdes',
      chunks: [
        {
          ssrc: 1,
          items: [
            { type: 1, text: 'user@host' },
            { type: 6, text: 'vx' },
          ],
        },
      ],
    },
    { type: 'bye', ssrcs: [1, 2], reason: 'done' },
    { type: 'app', subtype: 3, ssrc: 1, name: 'voxw', data: new Uint8Array(8) },
    { type: 'unknown', packetType: 205, subtype: 1, data: new Uint8Array(12) },
  ];
  return [
    serializeRtcpCompound(packets),
    serializeRtcpCompound([{ type: 'rr', ssrc: 4, reports: [report] }]),
  ];
}

/** Writes a mutated (or random) datagram into `buf`, returns its length. */
function makeInput(next: () => number, seeds: Uint8Array[], buf: Uint8Array): number {
  const mode = next() % 8;
  if (mode === 0) {
    const n = next() % 80;
    for (let i = 0; i < n; i++) buf[i] = next() & 0xff;
    return n;
  }
  const seed = seeds[next() % seeds.length];
  buf.set(seed);
  let n = seed.length;
  const rounds = 1 + (next() % 3);
  for (let r = 0; r < rounds; r++) {
    switch (next() % 5) {
      case 0: // bit flip
        buf[next() % n] ^= 1 << (next() % 8);
        break;
      case 1: // truncation
        n = next() % (n + 1);
        break;
      case 2: {
        // length/count field lies: rewrite one of the first header bytes or a 16-bit length
        const at = next() % Math.min(n, 24) || 0;
        if (n > 0) buf[at] = next() & 0xff;
        break;
      }
      case 3: // byte set to an extreme
        if (n > 0) buf[next() % n] = next() & 1 ? 0xff : 0;
        break;
      default: // extend with garbage
        for (let k = 0, add = next() % 8; k < add && n < buf.length; k++) buf[n++] = next() & 0xff;
    }
  }
  return n;
}

describe('RTP/RTCP parser fuzz', () => {
  it('rejects with the right code, accounts for every input, and keeps the heap flat', () => {
    const next = prngUint32(0x5eed);
    const rtpSeeds = seedsRtp();
    const rtcpSeeds = seedsRtcp();
    const buf = new Uint8Array(512);
    const counts = { rtpParsed: 0, rtpRejected: 0, rtcpParsed: 0, rtcpRejected: 0 };
    const half = TOTAL / 2;
    let heapAtWarm = 0;
    // Stack capture for 10^6 thrown errors is most of the run time and not what is under test.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let i = 0; i < half; i++) {
        if (i === 50_000) {
          globalThis.gc?.();
          heapAtWarm = process.memoryUsage().heapUsed;
        }
        const n = makeInput(next, rtpSeeds, buf);
        try {
          parseRtpPacket(buf.subarray(0, n));
          counts.rtpParsed++;
        } catch (error) {
          if (!isVoxwireError(error, 'ERR_RTP_MALFORMED')) throw new Error(`RTP iteration ${i}: ${error}`);
          counts.rtpRejected++;
        }
        const m = makeInput(next, rtcpSeeds, buf);
        try {
          parseRtcpCompound(buf.subarray(0, m));
          counts.rtcpParsed++;
        } catch (error) {
          if (!isVoxwireError(error, 'ERR_RTCP_MALFORMED')) throw new Error(`RTCP iteration ${i}: ${error}`);
          counts.rtcpRejected++;
        }
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    globalThis.gc?.();
    const growth = process.memoryUsage().heapUsed - heapAtWarm;
    expect(counts.rtpParsed + counts.rtpRejected).toBe(half);
    expect(counts.rtcpParsed + counts.rtcpRejected).toBe(half);
    // Both outcomes must be well exercised, or the mutator is not testing anything.
    for (const v of Object.values(counts)) expect(v).toBeGreaterThan(half / 50);
    // Nothing retained per packet: 500k of each would be tens of MB if results leaked.
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  }, 60_000);
});
