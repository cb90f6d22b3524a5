/**
 * 10^6 datagrams through one RtpReceiver: valid streams, mutated RTP/RTCP (bit flips, truncation,
 * lying lengths), random bytes and random SSRC floods, muxed and on the RTCP channel, with time
 * jumps that time sources out. Nothing may throw; every datagram is counted exactly once; the
 * per-source state stays bounded by `maxSources` and every statistic stays in range.
 * Seeded: a failure names the seed and the iteration.
 */
import { describe, expect, it } from 'vitest';
import { serializeRtpPacket } from '../../../src/transport/rtp/packet.js';
import { RtpReceiver } from '../../../src/transport/rtp/receiver.js';
import { ntpFromMs } from '../../../src/transport/rtp/rtcp/ntp.js';
import { serializeRtcpCompound } from '../../../src/transport/rtp/rtcp/serialize.js';
import { SDES_ITEM } from '../../../src/transport/rtp/rtcp/types.js';
import { prngUint32 } from '../../helpers/random.js';

const SEED = 0x5eed_0003;
const DATAGRAMS = 1_000_000;
const MAX_SOURCES = 16;

/** Valid packets that mutations start from. */
function seeds(): Uint8Array[] {
  const payload = new Uint8Array(160).fill(0xd5);
  const out: Uint8Array[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(
      serializeRtpPacket(
        {
          marker: i === 0,
          payloadType: i % 2 === 0 ? 0 : 111,
          sequenceNumber: (65530 + i) & 0xffff,
          timestamp: (4294967000 + i * 160) >>> 0,
          ssrc: 0x1000 + (i % 3),
          csrcs: i % 3 === 0 ? [1, 2] : [],
          padding: i % 4 === 1 ? 4 : 0,
          extensions: i % 2 === 0 ? [{ id: 1, data: Uint8Array.of(0x85) }] : [],
        },
        payload.subarray(0, 20 + i * 17),
      ),
    );
  }
  const block = {
    ssrc: 0x1000,
    fractionLost: 12,
    cumulativeLost: 3,
    highestSequence: 70000,
    jitter: 40,
    lastSr: 0x12345678,
    delaySinceLastSr: 6554,
  };
  out.push(
    serializeRtcpCompound([
      {
        type: 'sr',
        ssrc: 0x1001,
        ntpTimestamp: ntpFromMs(1_764_000_000_000),
        rtpTimestamp: 1234,
        packetCount: 10,
        octetCount: 1600,
        reports: [block],
      },
      { type: 'sdes', chunks: [{ ssrc: 0x1001, items: [{ type: SDES_ITEM.CNAME, text: 'fuzz@voxwire' }] }] },
    ]),
    serializeRtcpCompound([
      { type: 'rr', ssrc: 0x2000, reports: [block, { ...block, ssrc: 0x1002 }] },
      { type: 'bye', ssrcs: [0x1002], reason: 'fuzz' },
    ]),
    serializeRtcpCompound([
      { type: 'rr', ssrc: 0x2000, reports: [] },
      { type: 'app', ssrc: 0x2000, subtype: 3, name: 'TEST', data: new Uint8Array(8) },
    ]),
  );
  return out;
}

describe('RtpReceiver fuzz', () => {
  it(`takes ${DATAGRAMS} random and mutated datagrams: no throw, all counted, state bounded`, () => {
    const next = prngUint32(SEED);
    const receiver = new RtpReceiver({ clockRateHz: 8000, maxSources: MAX_SOURCES });
    receiver.addLocalSource(0x1000, 8000);
    let delivered = 0;
    let listenerErrors = 0;
    receiver.on('packet', ({ packet }) => {
      delivered++;
      // A listener that throws now and then: reported as 'error', never thrown into receive().
      if (packet.payload.length === 37 && (delivered & 0xff) === 0) throw new Error('listener bug');
    });
    receiver.on('error', () => listenerErrors++);

    const base = seeds();
    const scratch = new Uint8Array(2048);
    const stream = new Uint8Array(172);
    let seq = 100;
    let ts = 0;
    let nowMs = 0;
    for (let i = 0; i < DATAGRAMS; i++) {
      const r = next();
      nowMs += (r & 0x3fff) === 0 ? 40_000 : 0.02; // now and then a gap longer than the source timeout
      let data: Uint8Array;
      switch (r % 10) {
        case 0:
        case 1:
        case 2: {
          // A valid stream with occasional reordering and sequence jumps.
          seq = (seq + ((r >>> 8) % 64 === 0 ? next() & 0xffff : 1)) & 0xffff;
          ts = (ts + 160) >>> 0;
          data = serializeRtpPacket(
            { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: 0xabc, csrcs: [] },
            stream.subarray(0, 160),
            stream,
          );
          break;
        }
        case 3:
        case 4:
        case 5:
        case 6: {
          // A seed with 1–4 bytes changed and its length cut or stretched.
          const seed = base[(r >>> 4) % base.length];
          scratch.set(seed);
          const flips = 1 + ((r >>> 12) & 3);
          for (let f = 0; f < flips; f++) scratch[next() % seed.length] = next() & 0xff;
          const cut = (r >>> 16) & 7;
          const length =
            cut === 0 ? next() % seed.length : cut === 1 ? seed.length + (next() & 63) : seed.length;
          data = scratch.subarray(0, length);
          break;
        }
        default: {
          // Random bytes; half start like RTP/RTCP version 2 (new SSRCs: a flood of sources).
          const length = next() % 300;
          for (let j = 0; j < length; j += 4) {
            const word = next();
            scratch[j] = word;
            scratch[j + 1] = word >>> 8;
            scratch[j + 2] = word >>> 16;
            scratch[j + 3] = word >>> 24;
          }
          if (length > 0 && (r & 0x100) !== 0) scratch[0] = 0x80 | (scratch[0] & 0x3f);
          data = scratch.subarray(0, length);
        }
      }
      const channel = (r >>> 20) % 8 === 0 ? 'rtcp' : 'rtp';
      try {
        receiver.receive(data, nowMs, channel);
      } catch (error) {
        throw new Error(`seed ${SEED} iteration ${i}: receive threw ${String(error)}`);
      }
      if ((i & 0xffff) === 0) expect(receiver.getStats().sources.length).toBeLessThanOrEqual(MAX_SOURCES);
    }

    const s = receiver.getStats();
    const counted =
      delivered +
      s.packetsDiscarded +
      s.packetsMalformed +
      s.rtcpPacketsMalformed +
      s.datagramsUnknown +
      s.rtcpPacketsReceived;
    expect(counted).toBe(DATAGRAMS);
    expect(listenerErrors).toBeGreaterThan(0);
    expect(s.packetsMalformed).toBeGreaterThan(1000);
    expect(s.rtcpPacketsMalformed).toBeGreaterThan(1000);
    expect(s.rtcpPacketsReceived).toBeGreaterThan(1000);
    expect(s.sourcesEvicted).toBeGreaterThan(1000);
    expect(s.sources.length).toBeLessThanOrEqual(MAX_SOURCES);
    for (const source of s.sources) {
      expect(Number.isInteger(source.packetsReceived) && source.packetsReceived >= 0).toBe(true);
      expect(Number.isInteger(source.packetsLost)).toBe(true);
      expect(source.fractionLost).toBeGreaterThanOrEqual(0);
      expect(source.fractionLost).toBeLessThanOrEqual(1);
      expect(Number.isFinite(source.jitter) && source.jitter >= 0).toBe(true);
    }
    const reports = receiver.takeReports(nowMs);
    expect(reports.length).toBeLessThanOrEqual(31);
    for (const block of reports) {
      expect(block.fractionLost).toBeGreaterThanOrEqual(0);
      expect(block.fractionLost).toBeLessThanOrEqual(255);
      expect(block.cumulativeLost).toBeGreaterThanOrEqual(-0x800000);
      expect(block.cumulativeLost).toBeLessThanOrEqual(0x7fffff);
      expect(block.jitter).toBeGreaterThanOrEqual(0);
    }
    const remote = receiver.getRemoteInboundStats(0x1000);
    if (remote !== undefined) {
      expect(Number.isFinite(remote.jitter)).toBe(true);
      expect(remote.fractionLost).toBeGreaterThanOrEqual(0);
      expect(remote.fractionLost).toBeLessThanOrEqual(1);
    }

    // Still a working receiver: a fresh valid stream is validated and counted.
    const after = nowMs + 1000;
    for (let k = 0; k < 20; k++) {
      const packet = serializeRtpPacket(
        { marker: false, payloadType: 0, sequenceNumber: k, timestamp: k * 160, ssrc: 0xfeed, csrcs: [] },
        new Uint8Array(160),
      );
      receiver.receive(packet, after + k * 20);
    }
    const inbound = receiver.getStats().inbound;
    expect(inbound?.ssrc).toBe(0xfeed);
    expect(inbound?.packetsReceived).toBe(19);
    expect(inbound?.packetsLost).toBe(0);
  }, 60_000);
});

describe('RtpReceiver maxSources', () => {
  const packet = (ssrc: number, seq: number): Uint8Array =>
    serializeRtpPacket(
      { marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [] },
      new Uint8Array(160),
    );

  it('evicts the source heard least recently, the current one only when alone, and counts it', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000, maxSources: 3 });
    receiver.receive(packet(1, 0), 0);
    receiver.receive(packet(2, 0), 10);
    receiver.receive(packet(3, 0), 20);
    receiver.receive(packet(1, 1), 30); // 1 heard again: 2 is now the stalest
    receiver.receive(packet(4, 0), 40);
    const s = receiver.getStats();
    expect(s.sources.map((x) => x.ssrc).sort()).toEqual([1, 3, 4]);
    expect(s.sourcesEvicted).toBe(1);
    expect(s.inbound?.ssrc).toBe(4);
    // A one-source receiver: a new SSRC replaces the current one.
    const single = new RtpReceiver({ clockRateHz: 8000, maxSources: 1 });
    single.receive(packet(7, 0), 0);
    single.receive(packet(8, 0), 10);
    expect(single.getStats().sources.map((x) => x.ssrc)).toEqual([8]);
    expect(single.getStats().sourcesEvicted).toBe(1);
  });

  it('rejects a bad maxSources', () => {
    for (const maxSources of [0, 1.5, -1, 70000, Number.NaN]) {
      expect(() => new RtpReceiver({ clockRateHz: 8000, maxSources })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
    }
  });
});
