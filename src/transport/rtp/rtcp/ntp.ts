import type { NtpTimestamp } from './types.js';

/** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;

const TWO_POW_32 = 4294967296;

/**
 * NTP timestamp of a Unix time. The seconds word wraps modulo 2^32 (NTP era 1 starts in 2036).
 * @param unixMs - Milliseconds since 1970-01-01 UTC (fractional allowed).
 */
export function ntpFromMs(unixMs: number): NtpTimestamp {
  const totalSeconds = unixMs / 1000 + NTP_UNIX_OFFSET_SECONDS;
  const whole = Math.floor(totalSeconds);
  let fraction = Math.round((totalSeconds - whole) * TWO_POW_32);
  let seconds = whole;
  if (fraction >= TWO_POW_32) {
    fraction -= TWO_POW_32;
    seconds += 1;
  }
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/**
 * Unix time of an NTP timestamp, milliseconds since 1970-01-01 UTC, assuming NTP era 0 (before
 * 2036-02-07).
 */
export function msFromNtp(ntp: NtpTimestamp): number {
  return (ntp.seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (ntp.fraction / TWO_POW_32) * 1000;
}

/**
 * The middle 32 bits of an NTP timestamp (low 16 of seconds, high 16 of fraction): the "compact"
 * form RFC 3550 uses for LSR. Units: 1/65536 s, uint32.
 */
export function middle32(ntp: NtpTimestamp): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/** A duration in 1/65536 s units (the DLSR unit), uint32, from milliseconds (clamped at 0). */
export function compactFromMs(ms: number): number {
  const v = Math.round((ms * 65536) / 1000);
  return v <= 0 ? 0 : v >= TWO_POW_32 ? 0xffffffff : v;
}

/** Milliseconds of a duration in 1/65536 s units (DLSR). */
export function msFromCompact(compact: number): number {
  return ((compact >>> 0) * 1000) / 65536;
}

/**
 * Round-trip time from a report block (RFC 3550 §6.4.1: A − LSR − DLSR, modulo 2^32).
 * @param arrival - Middle 32 bits of the NTP time the report arrived ({@link middle32}).
 * @param lastSr - The block's LSR.
 * @param delaySinceLastSr - The block's DLSR.
 * @returns Milliseconds, or undefined when the block has no LSR (0) or the result is negative.
 */
export function roundTripTimeMs(
  arrival: number,
  lastSr: number,
  delaySinceLastSr: number,
): number | undefined {
  if (lastSr === 0) return undefined;
  const rtt = (arrival - lastSr - delaySinceLastSr) | 0;
  if (rtt < 0) return undefined;
  return msFromCompact(rtt);
}
