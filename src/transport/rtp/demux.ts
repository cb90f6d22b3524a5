/**
 * Demultiplexing of one UDP port: RFC 7983 (first byte ranges: STUN, ZRTP, DTLS, TURN channel,
 * RTP/RTCP) and RFC 5761 §4 (RTP versus multiplexed RTCP by the second byte).
 */

/** What {@link classifyDatagram} found. */
export type DatagramKind = 'rtp' | 'rtcp' | 'unknown';

/** What {@link classifyRfc7983} found, per RFC 7983 §7 first-byte ranges. */
export type Rfc7983Kind = 'stun' | 'zrtp' | 'dtls' | 'turn-channel' | 'rtp-rtcp' | 'unknown';

/**
 * RTP or RTCP on an rtcp-mux port. The first byte must be 128–191 (version 2); then a second byte
 * of 192–223 (RTCP packet types 192–223, where RTP payload types 64–95 with the marker bit would
 * collide, RFC 5761 §4) is RTCP, anything else RTP. Length minimums: 12 bytes for RTP, 4 for RTCP.
 * Inspects two bytes only; does not validate the rest (the parsers do).
 */
export function classifyDatagram(data: Uint8Array): DatagramKind {
  if (data.length < 4) return 'unknown';
  const b0 = data[0];
  if (b0 < 128 || b0 > 191) return 'unknown';
  const b1 = data[1];
  if (b1 >= 192 && b1 <= 223) return 'rtcp';
  return data.length >= 12 ? 'rtp' : 'unknown';
}

/**
 * Classifies by the first byte as RFC 7983 §7 does: 0–3 STUN, 16–19 ZRTP, 20–63 DTLS,
 * 64–79 TURN channel, 128–191 RTP/RTCP; anything else (and an empty datagram) is unknown.
 */
export function classifyRfc7983(data: Uint8Array): Rfc7983Kind {
  if (data.length === 0) return 'unknown';
  const b = data[0];
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn-channel';
  if (b >= 128 && b <= 191) return 'rtp-rtcp';
  return 'unknown';
}
