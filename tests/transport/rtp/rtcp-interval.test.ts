import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/transport/network-emulator/random.js';
import {
  RTCP_COMPENSATION,
  RTCP_MIN_INTERVAL_MS,
  type RtcpIntervalInput,
  reducedMinimumIntervalMs,
  rtcpDeterministicIntervalMs,
  rtcpIntervalMs,
  updateAvgRtcpSize,
} from '../../../src/transport/rtp/rtcp-interval.js';

const unicast: RtcpIntervalInput = {
  members: 2,
  senders: 1,
  rtcpBandwidthBps: 64_000 * 0.05,
  weSent: true,
  avgRtcpSizeBytes: 100,
  initial: false,
  minIntervalMs: RTCP_MIN_INTERVAL_MS,
};

describe('RTCP interval (RFC 3550 §6.3.1, A.7)', () => {
  it('uses the 5 s minimum for a small call and halves it initially', () => {
    expect(rtcpDeterministicIntervalMs(unicast)).toBe(5000);
    expect(rtcpDeterministicIntervalMs({ ...unicast, initial: true })).toBe(2500);
    expect(RTCP_COMPENSATION).toBeCloseTo(1.21828, 5);
  });

  it('scales with members and splits bandwidth 25/75 when senders are few', () => {
    // Receiver among 1000 members, 1 sender: 75 % of 400 B/s shared by 999 receivers.
    const receiver = { ...unicast, members: 1000, senders: 1, weSent: false };
    expect(rtcpDeterministicIntervalMs(receiver)).toBeCloseTo(((100 * 999) / 300) * 1000, 6);
    // The sender among them: 25 % for 1 sender.
    expect(rtcpDeterministicIntervalMs({ ...receiver, weSent: true, avgRtcpSizeBytes: 1000 })).toBeCloseTo(
      10_000,
      6,
    );
    // Many senders (> 25 %): everyone shares the whole RTCP bandwidth.
    const many = { ...unicast, members: 100, senders: 50, weSent: true };
    expect(rtcpDeterministicIntervalMs(many)).toBeCloseTo(((100 * 100) / 400) * 1000, 6);
  });

  it('offers the reduced minimum of 360 / kbit/s', () => {
    expect(reducedMinimumIntervalMs(128_000)).toBeCloseTo(2812.5, 9);
    const input = {
      ...unicast,
      rtcpBandwidthBps: 1_000_000 * 0.05,
      minIntervalMs: reducedMinimumIntervalMs(1e6),
    };
    expect(rtcpDeterministicIntervalMs(input)).toBeCloseTo(360, 9);
  });

  it('randomises over [0.5, 1.5] × Td / (e − 3/2) with the expected mean', () => {
    const rng = new SeededRandom(42);
    const random = () => rng.next();
    const td = 5000;
    const n = 20000;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const t = rtcpIntervalMs(unicast, random);
      sum += t;
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    const lo = (0.5 * td) / RTCP_COMPENSATION;
    const hi = (1.5 * td) / RTCP_COMPENSATION;
    expect(min).toBeGreaterThanOrEqual(lo);
    expect(max).toBeLessThan(hi);
    expect(min).toBeLessThan(lo + 5);
    expect(max).toBeGreaterThan(hi - 5);
    // Standard error of the mean: (td/C)/sqrt(12 n) ≈ 8.4 ms.
    expect(sum / n).toBeGreaterThan(td / RTCP_COMPENSATION - 30);
    expect(sum / n).toBeLessThan(td / RTCP_COMPENSATION + 30);
  });

  it('smooths the average RTCP size with weight 1/16', () => {
    expect(updateAvgRtcpSize(100, 260)).toBe(110);
    let avg = 100;
    for (let i = 0; i < 400; i++) avg = updateAvgRtcpSize(avg, 200);
    expect(avg).toBeCloseTo(200, 6);
  });
});
