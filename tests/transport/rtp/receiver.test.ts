import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/index.js';
import { isVoxwireError } from '../../../src/errors.js';
import { LoopbackTransport } from '../../../src/transport/loopback.js';
import { NetworkEmulator } from '../../../src/transport/network-emulator/emulator.js';
import type { NetworkConditions } from '../../../src/transport/network-emulator/options.js';
import { SeededRandom } from '../../../src/transport/network-emulator/random.js';
import { serializeRtpPacket } from '../../../src/transport/rtp/packet.js';
import { RtpReceiver } from '../../../src/transport/rtp/receiver.js';
import { serializeRtcpCompound } from '../../../src/transport/rtp/rtcp/serialize.js';
import type { RtcpPacket } from '../../../src/transport/rtp/rtcp/types.js';
import { RtpSender } from '../../../src/transport/rtp/sender.js';

function rtp(ssrc: number, seq: number, ts: number, payloadBytes = 20): Uint8Array {
  return serializeRtpPacket(
    { marker: false, payloadType: 0, sequenceNumber: seq & 0xffff, timestamp: ts >>> 0, ssrc, csrcs: [] },
    new Uint8Array(payloadBytes),
  );
}

function rtcp(...packets: RtcpPacket[]): Uint8Array {
  return serializeRtcpCompound(packets);
}

describe('RtpReceiver input handling', () => {
  it('counts malformed and foreign datagrams and never throws', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000 });
    let packets = 0;
    receiver.on('packet', () => packets++);
    // 15 CSRCs announced in a 12-byte packet: RTP by its first bytes, malformed when parsed.
    receiver.receive(new Uint8Array([0x8f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]), 0);
    // Padding bit with a count larger than the packet.
    const padded = rtp(1, 1, 0, 4);
    padded[0] |= 0x20;
    padded[padded.length - 1] = 200;
    receiver.receive(padded, 1);
    receiver.receive(new Uint8Array([0x00, 0x01, 0x00, 0x00]), 2); // STUN-like
    receiver.receive(new Uint8Array([0x81, 0xc8, 0x00, 0x20]), 3); // SR header claiming 132 bytes
    receiver.receive(new Uint8Array(3), 4, 'rtcp');
    const rng = new SeededRandom(3);
    for (let i = 0; i < 5000; i++) {
      const data = new Uint8Array(1 + (rng.nextUint32() % 80));
      for (let j = 0; j < data.length; j++) data[j] = rng.nextUint32() & 0xff;
      if (i % 2 === 0) data[0] = 0x80 | (data[0] & 0x3f);
      expect(() => receiver.receive(data, 10 + i, i % 7 === 0 ? 'rtcp' : 'rtp')).not.toThrow();
    }
    const s = receiver.getStats();
    expect(s.packetsMalformed).toBeGreaterThanOrEqual(2);
    expect(s.rtcpPacketsMalformed).toBeGreaterThanOrEqual(2);
    expect(s.datagramsUnknown).toBeGreaterThanOrEqual(1);
    // Every datagram is accounted for exactly once.
    const accepted = packets + s.packetsDiscarded;
    expect(
      accepted + s.packetsMalformed + s.rtcpPacketsMalformed + s.datagramsUnknown + s.rtcpPacketsReceived,
    ).toBe(5005);
    // A valid stream afterwards is still received.
    for (let i = 0; i < 10; i++) receiver.receive(rtp(0xfeed, 100 + i, i * 160), 10_000 + i * 20);
    expect(receiver.getStats().inbound?.ssrc).toBe(0xfeed);
    expect(receiver.getStats().inbound?.packetsReceived).toBe(9);
  });

  it('rejects bad options', () => {
    for (const bad of [0, -8000, Number.NaN, undefined]) {
      try {
        new RtpReceiver({ clockRateHz: bad as number });
        expect.unreachable();
      } catch (error) {
        expect(isVoxwireError(error, 'ERR_INVALID_OPTION')).toBe(true);
      }
    }
    expect(() => new RtpReceiver({ clockRateHz: 8000, sourceTimeoutMs: 0 })).toThrow(/sourceTimeoutMs/);
  });

  it('counts payload and header bytes of counted packets', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000 });
    for (let i = 0; i < 5; i++) receiver.receive(rtp(9, i, i * 160, 160), i * 20);
    const inbound = receiver.getStats().inbound!;
    expect(inbound.packetsReceived).toBe(4);
    expect(inbound.bytesReceived).toBe(4 * 160);
    expect(inbound.headerBytesReceived).toBe(4 * 12);
    expect(inbound.lastPacketReceivedTimestamp).toBe(80);
  });
});

describe('RtpReceiver sources', () => {
  it('follows an SSRC change and times the old source out', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000, sourceTimeoutMs: 10_000 });
    const changes: Array<[number, number | undefined]> = [];
    const timeouts: number[] = [];
    receiver.on('ssrc', (e) => changes.push([e.ssrc, e.previousSsrc]));
    receiver.on('timeout', (e) => timeouts.push(e.ssrc));
    let t = 0;
    for (let i = 0; i < 50; i++, t += 20) receiver.receive(rtp(0xa, 1000 + i, i * 160), t);
    for (let i = 0; i < 50; i++, t += 20) receiver.receive(rtp(0xb, 7 + i, 99 + i * 160), t);
    expect(changes).toEqual([
      [0xa, undefined],
      [0xb, 0xa],
    ]);
    const s = receiver.getStats();
    expect(s.inbound?.ssrc).toBe(0xb);
    expect(s.inbound?.packetsReceived).toBe(49);
    expect(s.sources.map((x) => x.ssrc).sort()).toEqual([0xa, 0xb]);
    // B keeps talking for 12 s: A is removed, B stays.
    for (let i = 50; i < 650; i++, t += 20) receiver.receive(rtp(0xb, 7 + i, 99 + i * 160), t);
    expect(timeouts).toEqual([0xa]);
    expect(receiver.getStats().sources.map((x) => x.ssrc)).toEqual([0xb]);
    expect(receiver.takeReports(t).map((r) => r.ssrc)).toEqual([0xb]);
  });

  it('removes a source on BYE and reports the reason', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000 });
    const byes: Array<{ ssrcs: readonly number[]; reason: string | undefined }> = [];
    receiver.on('bye', (e) => byes.push(e));
    for (let i = 0; i < 5; i++) receiver.receive(rtp(0xc, i, i * 160), i * 20);
    receiver.receive(
      rtcp({ type: 'rr', ssrc: 0xc, reports: [] }, { type: 'bye', ssrcs: [0xc, 0xd], reason: 'done' }),
      200,
    );
    expect(byes).toEqual([{ ssrcs: [0xc], reason: 'done' }]);
    const s = receiver.getStats();
    expect(s.inbound).toBeUndefined();
    expect(s.sources).toEqual([]);
    expect(receiver.takeReports(300)).toEqual([]);
  });

  it('records SRs for LSR/DLSR and SDES CNAMEs', () => {
    const receiver = new RtpReceiver({ clockRateHz: 8000 });
    for (let i = 0; i < 5; i++) receiver.receive(rtp(0xe, i, i * 160), i * 20);
    receiver.receive(
      rtcp(
        {
          type: 'sr',
          ssrc: 0xe,
          ntpTimestamp: { seconds: 0x12345678, fraction: 0x9abcdef0 },
          rtpTimestamp: 800,
          packetCount: 5,
          octetCount: 100,
          reports: [],
        },
        { type: 'sdes', chunks: [{ ssrc: 0xe, items: [{ type: 1, text: 'peer@example' }] }] },
      ),
      100,
    );
    expect(receiver.cnameOf(0xe)).toBe('peer@example');
    const [report] = receiver.takeReports(350);
    expect(report.lastSr).toBe(0x56789abc);
    expect(report.delaySinceLastSr).toBe(Math.round(0.25 * 65536));
    const remote = receiver.getStats().remoteOutbound!;
    expect(remote).toMatchObject({ ssrc: 0xe, packetsSent: 5, bytesSent: 100, reportsSent: 1 });
  });
});

/** One end of a call: a sender and a receiver sharing a transport. */
function endpoint(transport: NetworkEmulator, clock: VirtualClock, seed: number, rtcpOn = true) {
  const rng = new SeededRandom(seed);
  const receiver = new RtpReceiver({ clockRateHz: 8000, transport });
  const sender = new RtpSender({
    transport,
    clock,
    payloadType: 0,
    clockRateHz: 8000,
    random: () => rng.next(),
    cname: `end-${seed}`,
    receiver,
    rtcp: rtcpOn,
  });
  return { sender, receiver };
}

/** Both ends send 20 ms G.711 packets for `seconds` on the clock. */
function talk(clock: VirtualClock, ends: Array<{ sender: RtpSender }>, seconds: number): void {
  const payload = new Uint8Array(160);
  const frames = seconds * 50;
  const start = clock.now();
  for (let i = 0; i < frames; i++) {
    clock.advanceTo(start + i * 20);
    for (const end of ends) end.sender.send(payload, { samples: 160 });
  }
  clock.advance(1000);
}

describe('RtpReceiver through an emulated network', () => {
  it('counts exactly the packets the network lost', () => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, { loss: { model: 'bernoulli', rate: 0.05 } }, undefined, {
      seed: 11,
    });
    const alice = endpoint(a, clock, 1, false);
    const bob = endpoint(b, clock, 2, false);
    const seqs: number[] = [];
    bob.receiver.on('packet', (e) => seqs.push(e.packet.sequenceNumber));
    talk(clock, [alice], 60);
    const lost = a.getStats().outgoing.lost;
    expect(lost).toBeGreaterThan(100);
    // The first two packets arrived (probation), so RFC loss equals the network's.
    expect(seqs[1]).toBe((seqs[0] + 1) & 0xffff);
    const inbound = bob.receiver.getStats().inbound!;
    // Packets lost before the first arrival are not counted by RFC 3550 (the source was unknown).
    const lostBeforeFirst = (seqs[0] - (alice.sender.nextSequenceNumber - 3000)) & 0xffff;
    expect(inbound.packetsLost).toBe(lost - lostBeforeFirst);
    expect(inbound.packetsReceived).toBe(seqs.length - 1);
    expect(seqs.length).toBe(3000 - lost);
    const [report] = bob.receiver.takeReports(clock.now());
    expect(report.cumulativeLost).toBe(inbound.packetsLost);
    expect(report.fractionLost / 256).toBeCloseTo(lost / 3000, 2);
  });

  it('measures jitter that matches an independent RFC computation and the emulated jitter', () => {
    const clock = new VirtualClock();
    const conditions: NetworkConditions = {
      delayMs: 40,
      jitterMs: 5,
      jitterDistribution: 'normal',
      preserveOrder: false,
    };
    const [a, b] = NetworkEmulator.link(clock, conditions, undefined, { seed: 5 });
    const alice = endpoint(a, clock, 1, false);
    const bob = endpoint(b, clock, 2, false);
    const arrivals: Array<[number, number]> = [];
    const estimates: number[] = [];
    bob.receiver.on('packet', (e) => {
      arrivals.push([e.packet.timestamp, e.arrivalMs]);
      estimates.push(bob.receiver.getStats().inbound?.jitter ?? 0);
    });
    talk(clock, [alice], 120);
    // Independent A.8 over the arrival order, in timestamp units.
    let j = 0;
    for (let i = 1; i < arrivals.length; i++) {
      const d = (arrivals[i][1] - arrivals[i - 1][1]) * 8 - ((arrivals[i][0] - arrivals[i - 1][0]) | 0);
      j += (Math.abs(d) - j) / 16;
    }
    const inbound = bob.receiver.getStats().inbound!;
    expect(inbound.jitter).toBeCloseTo(j / 8000, 9);
    // Normal delays with σ = 5 ms: E|D| = 2σ/√π ≈ 5.64 ms; average the estimate over the second half.
    const half = estimates.slice(estimates.length / 2);
    const meanMs = (half.reduce((x, y) => x + y, 0) / half.length) * 1000;
    expect(meanMs).toBeGreaterThan(((2 * 5) / Math.sqrt(Math.PI)) * 0.9);
    expect(meanMs).toBeLessThan(((2 * 5) / Math.sqrt(Math.PI)) * 1.1);
  });

  it('computes the round-trip time from asymmetric one-way delays', () => {
    const clock = new VirtualClock(1000);
    const [a, b] = NetworkEmulator.link(clock, { delayMs: 30 }, { delayMs: 70 }, { seed: 2 });
    const alice = endpoint(a, clock, 1);
    const bob = endpoint(b, clock, 2);
    talk(clock, [alice, bob], 60);
    for (const end of [alice, bob]) {
      const remote = end.receiver.getRemoteInboundStats(end.sender.ssrc)!;
      expect(remote.roundTripTimeMeasurements).toBeGreaterThan(8);
      // Resolution: 1/65536 s per term.
      expect(remote.roundTripTime).toBeGreaterThan(0.1 - 0.0001);
      expect(remote.roundTripTime).toBeLessThan(0.1 + 0.0001);
      expect(remote.totalRoundTripTime / remote.roundTripTimeMeasurements).toBeCloseTo(0.1, 3);
      expect(remote.packetsLost).toBe(0);
      expect(remote.fractionLost).toBe(0);
      expect(end.receiver.getStats().remoteInbound).toEqual(remote);
    }
  });

  it('reports loss seen by the remote in remote-inbound stats', () => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, { loss: { model: 'bernoulli', rate: 0.1 } }, undefined, {
      seed: 4,
    });
    const alice = endpoint(a, clock, 1);
    const bob = endpoint(b, clock, 2);
    talk(clock, [alice], 60);
    const remote = alice.receiver.getRemoteInboundStats(alice.sender.ssrc)!;
    const inbound = bob.receiver.getStats().inbound!;
    expect(remote.reportsReceived).toBeGreaterThan(8);
    // The last RR predates the final packets a little: compare with the lost count at its time.
    expect(Math.abs(remote.packetsLost - inbound.packetsLost)).toBeLessThan(30);
    expect(remote.packetsLost).toBeGreaterThan(200);
    expect(remote.jitter).toBeGreaterThanOrEqual(0);
  });

  it('survives a loopback with no RTCP peer and a closed receiver', () => {
    const clock = new VirtualClock();
    const [x, y] = LoopbackTransport.pair({ clock });
    const receiver = new RtpReceiver({ clockRateHz: 8000, transport: y });
    let count = 0;
    receiver.on('packet', () => count++);
    x.send(rtp(1, 1, 0));
    x.send(rtp(1, 2, 160));
    clock.runAll();
    receiver.close();
    x.send(rtp(1, 3, 320));
    clock.runAll();
    expect(count).toBe(2);
  });
});
