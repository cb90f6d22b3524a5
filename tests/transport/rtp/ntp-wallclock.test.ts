/**
 * SR NTP timestamps from the clock's wall time (`Clock.unixTimeMs`): real Unix time on a
 * `RealClock`, deterministic on a clock that provides it, absent (offset 0) on a `VirtualClock`.
 * The receiver of the same session adopts the sender's offset so round-trip times stay consistent.
 * No external peer: it sits with the RTP interop tests because ffmpeg echoes these timestamps.
 */
import { describe, expect, it } from 'vitest';
import { type Clock, RealClock, VirtualClock } from '../../../src/clock/index.js';
import { LoopbackTransport } from '../../../src/transport/loopback.js';
import {
  msFromNtp,
  ntpFromMs,
  parseRtcpCompound,
  type RtcpPacket,
  RtpReceiver,
  RtpSender,
} from '../../../src/transport/rtp/index.js';

const UNIX_AT_ZERO_MS = 1_764_000_000_000;

/** A virtual clock whose wall time is a fixed offset from its monotonic time. */
function wallVirtualClock(): { clock: Clock; virtual: VirtualClock } {
  const virtual = new VirtualClock();
  return {
    virtual,
    clock: {
      now: () => virtual.now(),
      setTimeout: (callback, delayMs) => virtual.setTimeout(callback, delayMs),
      unixTimeMs: () => UNIX_AT_ZERO_MS + virtual.now(),
    },
  };
}

function senderReports(packets: RtcpPacket[][]): Extract<RtcpPacket, { type: 'sr' }>[] {
  return packets.flat().filter((p): p is Extract<RtcpPacket, { type: 'sr' }> => p.type === 'sr');
}

describe('SR NTP time from Clock.unixTimeMs', () => {
  it('a clock with wall time: SRs carry it, the receiver adopts the offset', () => {
    const { clock, virtual } = wallVirtualClock();
    const [a, b] = LoopbackTransport.pair({ clock });
    const seen: RtcpPacket[][] = [];
    b.on('datagram', (d) => {
      if (d.channel === 'rtcp') seen.push(parseRtcpCompound(d.data));
    });
    const receiver = new RtpReceiver({ clockRateHz: 8000, transport: a });
    const sender = new RtpSender({ transport: a, clock, receiver, payloadType: 0, clockRateHz: 8000 });
    expect(receiver.ntpOffsetMs).toBe(UNIX_AT_ZERO_MS);
    virtual.advance(1234);
    sender.send(new Uint8Array(160), { samples: 160 });
    sender.sendReport();
    virtual.advance(0);
    const [sr] = senderReports(seen);
    expect(sr.ntpTimestamp).toEqual(ntpFromMs(UNIX_AT_ZERO_MS + 1234));
    sender.close();
  });

  it('an explicit ntpOffsetMs still wins; a VirtualClock keeps offset 0', () => {
    const { clock } = wallVirtualClock();
    const [a] = LoopbackTransport.pair({ clock });
    const fixed = new RtpReceiver({ clockRateHz: 8000, ntpOffsetMs: 5 });
    const s1 = new RtpSender({ transport: a, clock, receiver: fixed, payloadType: 0, clockRateHz: 8000 });
    expect(fixed.ntpOffsetMs).toBe(5);
    s1.close();

    const virtual = new VirtualClock();
    const [c] = LoopbackTransport.pair({ clock: virtual });
    const plain = new RtpReceiver({ clockRateHz: 8000 });
    const s2 = new RtpSender({
      transport: c,
      clock: virtual,
      receiver: plain,
      payloadType: 0,
      clockRateHz: 8000,
    });
    expect(plain.ntpOffsetMs).toBe(0);
    s2.close();
  });

  it('RealClock: unixTimeMs is performance.timeOrigin + now(), and SRs carry it', async () => {
    const clock = new RealClock();
    expect(clock.unixTimeMs() - clock.now()).toBeCloseTo(performance.timeOrigin, 0);
    // A date in this century, not an offset from process start.
    expect(clock.unixTimeMs()).toBeGreaterThan(Date.UTC(2020, 0, 1));

    const [a, b] = LoopbackTransport.pair({ clock });
    const seen: RtcpPacket[][] = [];
    b.on('datagram', (d) => {
      if (d.channel === 'rtcp') seen.push(parseRtcpCompound(d.data));
    });
    const sender = new RtpSender({ transport: a, clock, payloadType: 0, clockRateHz: 8000 });
    sender.send(new Uint8Array(160), { samples: 160 });
    const before = clock.unixTimeMs();
    sender.sendReport();
    const after = clock.unixTimeMs();
    await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 0));
    const [sr] = senderReports(seen);
    const srMs = msFromNtp(sr.ntpTimestamp);
    // NTP carries 1/2^32 s; allow the rounding of the conversion.
    expect(srMs).toBeGreaterThanOrEqual(before - 1);
    expect(srMs).toBeLessThanOrEqual(after + 1);
    sender.close();
    await Promise.all([a.close(), b.close()]);
  });
});
