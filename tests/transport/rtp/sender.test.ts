import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/index.js';
import { isVoxwireError } from '../../../src/errors.js';
import { LoopbackTransport } from '../../../src/transport/loopback.js';
import { NetworkEmulator } from '../../../src/transport/network-emulator/emulator.js';
import { SeededRandom } from '../../../src/transport/network-emulator/random.js';
import { decodeAudioLevel } from '../../../src/transport/rtp/audio-level.js';
import { parseRtpPacket } from '../../../src/transport/rtp/packet.js';
import { RtpReceiver } from '../../../src/transport/rtp/receiver.js';
import { middle32, ntpFromMs } from '../../../src/transport/rtp/rtcp/ntp.js';
import { parseRtcpCompound } from '../../../src/transport/rtp/rtcp/parse.js';
import type { RtcpPacket } from '../../../src/transport/rtp/rtcp/types.js';
import { RTCP_COMPENSATION } from '../../../src/transport/rtp/rtcp-interval.js';
import { RtpSender, type RtpSenderOptions } from '../../../src/transport/rtp/sender.js';

interface Captured {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  payloadLength: number;
  level: ReturnType<typeof decodeAudioLevel>;
  size: number;
}

function setup(options: Partial<RtpSenderOptions> = {}, seed = 1) {
  const clock = new VirtualClock(10_000);
  const [near, far] = LoopbackTransport.pair({ clock });
  const rng = new SeededRandom(seed);
  const sender = new RtpSender({
    transport: near,
    clock,
    payloadType: 111,
    clockRateHz: 48000,
    random: () => rng.next(),
    cname: 'me@test',
    ...options,
  });
  const rtp: Captured[] = [];
  const rtcp: Array<{ packets: RtcpPacket[]; arrivalMs: number; channel: string }> = [];
  far.on('datagram', (d) => {
    if (d.channel === 'rtcp') {
      rtcp.push({ packets: parseRtcpCompound(d.data), arrivalMs: d.arrivalMs, channel: d.channel });
      return;
    }
    const p = parseRtpPacket(d.data);
    const ext = p.extensions.find((e) => e.id === options.audioLevelExtensionId);
    rtp.push({
      marker: p.marker,
      payloadType: p.payloadType,
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      ssrc: p.ssrc,
      payloadLength: p.payload.length,
      level: ext === undefined ? undefined : decodeAudioLevel(ext.data),
      size: d.data.length,
    });
  });
  return { clock, sender, rtp, rtcp, near };
}

describe('RtpSender RTP', () => {
  it('numbers packets, advances timestamps by samples and marks talkspurts', () => {
    const { clock, sender, rtp } = setup({ rtcp: false });
    const seq0 = sender.nextSequenceNumber;
    const ts0 = sender.nextTimestamp;
    const payload = new Uint8Array(80);
    sender.send(payload, { samples: 960 });
    sender.send(payload, { samples: 960 });
    sender.skip(960 * 5); // DTX gap
    sender.send(payload, { samples: 960 });
    sender.send(payload, { samples: 960 });
    sender.startTalkspurt();
    sender.send(payload, { samples: 960, marker: false });
    sender.send(payload, { samples: 960, marker: true });
    clock.runAll();
    expect(rtp.map((p) => p.marker)).toEqual([true, false, true, false, false, true]);
    expect(rtp.map((p) => (p.sequenceNumber - seq0) & 0xffff)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rtp.map((p) => (p.timestamp - ts0) >>> 0)).toEqual([0, 960, 960 * 7, 960 * 8, 960 * 9, 960 * 10]);
    expect(new Set(rtp.map((p) => p.ssrc))).toEqual(new Set([sender.ssrc]));
    expect(rtp.every((p) => p.payloadType === 111 && p.payloadLength === 80)).toBe(true);
    expect(sender.getStats()).toEqual({
      ssrc: sender.ssrc,
      packetsSent: 6,
      bytesSent: 480,
      headerBytesSent: 72,
      reportsSent: 0,
    });
  });

  it('wraps the sequence number and the timestamp', () => {
    const { clock, sender, rtp } = setup({ rtcp: false });
    const payload = new Uint8Array(1);
    const toWrap = 0x10000 - sender.nextSequenceNumber;
    for (let i = 0; i < toWrap + 2; i++) sender.send(payload, { samples: 0x80000000 });
    clock.runAll();
    expect(rtp.at(-2)?.sequenceNumber).toBe(0);
    expect(rtp.at(-1)?.sequenceNumber).toBe(1);
    // Two 2^31 advances return to the start.
    expect(rtp.at(-1)?.timestamp).toBe(rtp.at(-3)?.timestamp);
    expect(rtp.at(-1)?.timestamp).not.toBe(rtp.at(-2)?.timestamp);
  });

  it('draws SSRC, sequence and timestamp from the random source, or takes the SSRC given', () => {
    const a = setup({ rtcp: false }, 5).sender;
    const b = setup({ rtcp: false }, 5).sender;
    const c = setup({ rtcp: false }, 6).sender;
    expect([a.ssrc, a.nextSequenceNumber, a.nextTimestamp, a.cname]).toEqual([
      b.ssrc,
      b.nextSequenceNumber,
      b.nextTimestamp,
      b.cname,
    ]);
    expect(c.ssrc).not.toBe(a.ssrc);
    expect(setup({ rtcp: false, ssrc: 0xdeadbeef }).sender.ssrc).toBe(0xdeadbeef);
    // Default: crypto randomness and a 16-character CNAME.
    const clock = new VirtualClock();
    const [t] = LoopbackTransport.pair({ clock });
    const d = new RtpSender({ transport: t, clock, payloadType: 0, clockRateHz: 8000, rtcp: false });
    expect(d.cname).toMatch(/^[A-Za-z0-9+/]{16}$/);
  });

  it('writes the RFC 6464 audio level when configured', () => {
    const { clock, sender, rtp } = setup({ rtcp: false, audioLevelExtensionId: 3 });
    sender.send(new Uint8Array(10), { samples: 960, audioLevel: { voiceActivity: true, levelDbov: 42 } });
    sender.send(new Uint8Array(10), { samples: 960 });
    sender.send(new Uint8Array(10), { samples: 960, audioLevel: { voiceActivity: false, levelDbov: 127 } });
    clock.runAll();
    expect(rtp.map((p) => p.level)).toEqual([
      { voiceActivity: true, levelDbov: 42 },
      undefined,
      { voiceActivity: false, levelDbov: 127 },
    ]);
    expect(rtp.map((p) => p.size)).toEqual([30, 22, 30]);
    expect(sender.getStats().headerBytesSent).toBe(20 + 12 + 20);
  });

  it('sends payloads larger than its initial buffer', () => {
    const { clock, sender, rtp } = setup({ rtcp: false });
    sender.send(new Uint8Array(4000).fill(7), { samples: 960 });
    sender.send(new Uint8Array(10), { samples: 960 });
    clock.runAll();
    expect(rtp.map((p) => p.payloadLength)).toEqual([4000, 10]);
  });

  it('rejects bad options and arguments', () => {
    const clock = new VirtualClock();
    const [t] = LoopbackTransport.pair({ clock });
    const base = { transport: t, clock, payloadType: 0, clockRateHz: 8000, rtcp: false };
    const cases: Array<[Partial<RtpSenderOptions>, string]> = [
      [{ payloadType: 128 }, 'payloadType'],
      [{ clockRateHz: 0 }, 'clockRateHz'],
      [{ ssrc: -1 }, 'ssrc'],
      [{ audioLevelExtensionId: 15 }, 'audioLevelExtensionId'],
      [{ sessionBandwidthBps: 0 }, 'sessionBandwidthBps'],
      [{ cname: '' }, 'cname'],
    ];
    for (const [bad, name] of cases) {
      try {
        new RtpSender({ ...base, ...bad });
        expect.unreachable(name);
      } catch (error) {
        expect(isVoxwireError(error, 'ERR_INVALID_OPTION')).toBe(true);
        expect((error as Error).message).toContain(name);
      }
    }
    const sender = new RtpSender(base);
    for (const samples of [-1, 1.5, Number.NaN]) {
      expect(() => sender.send(new Uint8Array(1), { samples })).toThrow(/samples/);
    }
    expect(() =>
      sender.send(new Uint8Array(1), { samples: 1, audioLevel: { voiceActivity: true, levelDbov: 300 } }),
    ).not.toThrow(); // no extension configured: the level is ignored
  });
});

describe('RtpSender RTCP', () => {
  it('sends SR + SDES with the clock NTP time and a consistent RTP timestamp', () => {
    const { clock, sender, rtcp } = setup({ ntpOffsetMs: 1_700_000_000_000 });
    const t0 = clock.now();
    const ts0 = sender.nextTimestamp;
    const payload = new Uint8Array(100);
    const sentAt: number[] = [];
    for (let i = 0; i < 1500; i++) {
      clock.advanceTo(t0 + i * 20);
      sender.send(payload, { samples: 960 });
      sentAt.push(clock.now());
    }
    clock.advance(100);
    expect(rtcp.length).toBeGreaterThan(5);
    for (const { packets, arrivalMs, channel } of rtcp) {
      expect(channel).toBe('rtcp');
      const [sr, sdes] = packets;
      if (sr.type !== 'sr' || sdes.type !== 'sdes') throw new Error(`unexpected ${sr.type}, ${sdes.type}`);
      expect(sr.ssrc).toBe(sender.ssrc);
      expect(sr.ntpTimestamp).toEqual(ntpFromMs(arrivalMs + 1_700_000_000_000));
      // Sent at pace: RTP time = ts0 + 48 × elapsed ms.
      expect(sr.rtpTimestamp).toBe((ts0 + Math.round((arrivalMs - t0) * 48)) >>> 0);
      const count = sentAt.filter((t) => t <= arrivalMs).length;
      expect(sr.packetCount).toBe(count);
      expect(sr.octetCount).toBe(count * 100);
      expect(sr.reports).toEqual([]);
      expect(sdes.chunks).toEqual([{ ssrc: sender.ssrc, items: [{ type: 1, text: 'me@test' }] }]);
    }
    expect(sender.getStats().reportsSent).toBe(rtcp.length);
  });

  it('schedules reports on the RFC 3550 interval (mean Td / (e − 3/2), range [0.5, 1.5] Td / (e − 3/2))', () => {
    const { clock, rtcp } = setup({}, 9);
    clock.advance(3_600_000);
    const times = rtcp.map((r) => r.arrivalMs - 10_000);
    // Receive-only: RRs.
    expect(rtcp.every((r) => r.packets[0].type === 'rr')).toBe(true);
    const c = RTCP_COMPENSATION;
    expect(times[0]).toBeGreaterThanOrEqual(1250 / c);
    expect(times[0]).toBeLessThan(3750 / c);
    const intervals = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.min(...intervals)).toBeGreaterThanOrEqual(2500 / c);
    expect(Math.max(...intervals)).toBeLessThan(7500 / c);
    expect(Math.min(...intervals)).toBeLessThan(2500 / c + 100);
    expect(Math.max(...intervals)).toBeGreaterThan(7500 / c - 100);
    const mean = intervals.reduce((x, y) => x + y, 0) / intervals.length;
    // ≈ 875 intervals: standard error ≈ 40 ms.
    expect(Math.abs(mean - 5000 / c)).toBeLessThan(150);
  });

  it('uses the reduced minimum interval when asked', () => {
    const { clock, rtcp } = setup({ rtcpReducedMinimum: true, sessionBandwidthBps: 1_000_000 }, 3);
    clock.advance(600_000);
    const times = rtcp.map((r) => r.arrivalMs);
    const intervals = times.slice(1).map((t, i) => t - times[i]);
    const mean = intervals.reduce((x, y) => x + y, 0) / intervals.length;
    expect(Math.abs(mean - 360 / RTCP_COMPENSATION)).toBeLessThan(10);
    expect(Math.max(...intervals)).toBeLessThan(540 / RTCP_COMPENSATION);
  });

  it('says goodbye with SR, SDES and BYE, then refuses to send', () => {
    const { clock, sender, rtcp } = setup();
    sender.send(new Uint8Array(10), { samples: 960 });
    sender.bye('hanging up');
    clock.runAll();
    expect(rtcp).toHaveLength(1);
    expect(rtcp[0].packets.map((p) => p.type)).toEqual(['sr', 'sdes', 'bye']);
    expect(rtcp[0].packets[2]).toEqual({ type: 'bye', ssrcs: [sender.ssrc], reason: 'hanging up' });
    expect(clock.pendingTimers).toBe(0);
    try {
      sender.send(new Uint8Array(10), { samples: 960 });
      expect.unreachable();
    } catch (error) {
      expect(isVoxwireError(error, 'ERR_INVALID_STATE')).toBe(true);
    }
    sender.bye();
    clock.runAll();
    expect(rtcp).toHaveLength(1);
  });

  it('stops its timer on close and sends nothing more', () => {
    const { clock, sender, rtcp } = setup();
    expect(clock.pendingTimers).toBe(1);
    sender.close();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(rtcp).toHaveLength(0);
  });

  it('carries report blocks from its receiver that echo the peer SR (LSR, DLSR)', () => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, { delayMs: 10 }, { delayMs: 10 }, { seed: 8 });
    const ends = [a, b].map((transport, i) => {
      const rng = new SeededRandom(20 + i);
      const receiver = new RtpReceiver({ clockRateHz: 8000, transport });
      const sender = new RtpSender({
        transport,
        clock,
        payloadType: 0,
        clockRateHz: 8000,
        random: () => rng.next(),
        receiver,
      });
      const heard: Array<{ packets: RtcpPacket[]; arrivalMs: number }> = [];
      transport.on('datagram', (d) => {
        if (d.channel === 'rtcp') heard.push({ packets: parseRtcpCompound(d.data), arrivalMs: d.arrivalMs });
      });
      return { sender, heard };
    });
    const payload = new Uint8Array(160);
    for (let i = 0; i < 1500; i++) {
      clock.advanceTo(i * 20);
      for (const end of ends) end.sender.send(payload, { samples: 160 });
    }
    clock.advance(100);
    const [alice, bob] = ends;
    // Alice's SRs as Bob heard them, by their middle 32 bits.
    const srArrivalAtBob = new Map<number, number>();
    for (const { packets, arrivalMs } of bob.heard) {
      for (const p of packets) if (p.type === 'sr') srArrivalAtBob.set(middle32(p.ntpTimestamp), arrivalMs);
    }
    let checked = 0;
    for (const { packets, arrivalMs } of alice.heard) {
      const sr = packets[0];
      if (sr.type !== 'sr') continue;
      for (const block of sr.reports) {
        expect(block.ssrc).toBe(alice.sender.ssrc);
        expect(block.cumulativeLost).toBe(0);
        if (block.lastSr === 0) continue;
        const srArrival = srArrivalAtBob.get(block.lastSr);
        expect(srArrival).toBeDefined();
        const bobSentMs = arrivalMs - 10;
        expect(block.delaySinceLastSr).toBe(Math.round(((bobSentMs - srArrival!) * 65536) / 1000));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });
});
