import type { RandomSource } from './random.js';

/**
 * The RTCP transmission interval of RFC 3550 §6.2, §6.3.1 and Appendix A.7: RTCP gets a fixed share
 * of the session bandwidth (5 %), split 25/75 between senders and receivers when senders are few,
 * with a 5 s minimum (halved before the first report), randomised over [0.5, 1.5] and divided by
 * e − 3/2 to compensate for timer reconsideration.
 */

/** RFC 3550 §6.2 fixed minimum interval, ms. */
export const RTCP_MIN_INTERVAL_MS = 5000;
/** Share of the session bandwidth given to RTCP (RFC 3550 §6.2). */
export const RTCP_BANDWIDTH_FRACTION = 0.05;
/** Share of the RTCP bandwidth given to senders when they are at most a quarter of members (§6.3.1). */
export const RTCP_SENDER_BANDWIDTH_FRACTION = 0.25;
/** e − 3/2: the divisor that compensates for timer reconsideration (RFC 3550 §6.3.1, A.7). */
export const RTCP_COMPENSATION = Math.E - 1.5;
/** IPv4 + UDP header bytes, counted in the average RTCP packet size (RFC 3550 §6.2). */
export const RTCP_LOWER_LAYER_OVERHEAD_BYTES = 28;

/** What the interval depends on (RFC 3550 A.7 `rtcp_interval` arguments). */
export interface RtcpIntervalInput {
  /** Members of the session, this participant included (≥ 1; 2 for a unicast call). */
  members: number;
  /** Members that sent RTP since the last two reports, this participant included when `weSent`. */
  senders: number;
  /** RTCP bandwidth for the whole session, bits/s (5 % of the session bandwidth, > 0). */
  rtcpBandwidthBps: number;
  /** True when this participant sent RTP in the last two reporting intervals. */
  weSent: boolean;
  /** Smoothed average compound RTCP packet size, bytes, lower-layer headers included. */
  avgRtcpSizeBytes: number;
  /** True before the first report: the minimum is halved. */
  initial: boolean;
  /** Minimum interval, ms: {@link RTCP_MIN_INTERVAL_MS} or {@link reducedMinimumIntervalMs}. */
  minIntervalMs: number;
}

/**
 * The deterministic interval Td of RFC 3550 §6.3.1 (before randomisation), ms.
 * @param input - See {@link RtcpIntervalInput}.
 */
export function rtcpDeterministicIntervalMs(input: RtcpIntervalInput): number {
  const minMs = input.initial ? input.minIntervalMs / 2 : input.minIntervalMs;
  let bytesPerSecond = input.rtcpBandwidthBps / 8;
  let n = input.members;
  if (input.senders <= input.members * RTCP_SENDER_BANDWIDTH_FRACTION) {
    if (input.weSent) {
      bytesPerSecond *= RTCP_SENDER_BANDWIDTH_FRACTION;
      n = input.senders;
    } else {
      bytesPerSecond *= 1 - RTCP_SENDER_BANDWIDTH_FRACTION;
      n -= input.senders;
    }
  }
  const t = bytesPerSecond > 0 ? ((input.avgRtcpSizeBytes * Math.max(1, n)) / bytesPerSecond) * 1000 : minMs;
  return Math.max(t, minMs);
}

/**
 * The randomised interval of RFC 3550 A.7: Td × U[0.5, 1.5) / (e − 3/2), ms.
 * @param input - See {@link RtcpIntervalInput}.
 * @param random - Uniform [0, 1) source (seeded for reproducible runs).
 */
export function rtcpIntervalMs(input: RtcpIntervalInput, random: RandomSource): number {
  return (rtcpDeterministicIntervalMs(input) * (random() + 0.5)) / RTCP_COMPENSATION;
}

/**
 * The RFC 3550 §6.2 reduced minimum interval, 360 / (session bandwidth in kbit/s) seconds, in ms.
 * Smaller than 5 s above 72 kbit/s.
 * @param sessionBandwidthBps - Session bandwidth, bits/s (> 0).
 */
export function reducedMinimumIntervalMs(sessionBandwidthBps: number): number {
  return 360_000_000 / sessionBandwidthBps;
}

/**
 * The smoothed average RTCP packet size after one more packet (RFC 3550 §6.3.3: weight 1/16).
 * @param avgBytes - Current average, bytes.
 * @param packetBytes - Size of the compound packet sent or received, bytes, lower-layer headers
 *   included ({@link RTCP_LOWER_LAYER_OVERHEAD_BYTES}).
 */
export function updateAvgRtcpSize(avgBytes: number, packetBytes: number): number {
  return avgBytes + (packetBytes - avgBytes) / 16;
}
