/**
 * RTP statistics under the W3C WebRTC Statistics names (`RTCInboundRtpStreamStats`,
 * `RTCRemoteInboundRtpStreamStats`, `RTCOutboundRtpStreamStats`, `RTCRemoteOutboundRtpStreamStats`).
 * Times are ms on the session's `Clock` unless the name says seconds (as W3C `jitter` and
 * `roundTripTime` do).
 */

/** What this side received from one remote source (W3C inbound-rtp). */
export interface InboundRtpStats {
  /** The remote source, uint32. */
  ssrc: number;
  /** Packets counted by RFC 3550 A.1 (duplicates included, the probation packet not). */
  packetsReceived: number;
  /** Cumulative loss, expected − received (RFC 3550 A.3); negative with duplicates. */
  packetsLost: number;
  /** Loss of the last RTCP reporting interval, 0–1. */
  fractionLost: number;
  /** Interarrival jitter (RFC 3550 A.8), seconds. */
  jitter: number;
  /** Payload bytes of counted packets (RFC 3550 octet count: no header, no padding). */
  bytesReceived: number;
  /** Header bytes (fixed header, CSRCs, extensions) and padding of counted packets. */
  headerBytesReceived: number;
  /** Arrival of the last packet, ms on the receiver's clock; undefined before any. */
  lastPacketReceivedTimestamp: number | undefined;
  /**
   * Packets discarded: for this source, sequence jumps RFC 3550 A.1 refuses; plus, on the receiver's
   * current source, every malformed RTP datagram (which cannot be attributed to a source).
   */
  packetsDiscarded: number;
}

/** What the remote side reported about our stream in its RR/SR blocks (W3C remote-inbound-rtp). */
export interface RemoteInboundRtpStats {
  /** Our source the reports are about, uint32. */
  ssrc: number;
  /** Cumulative loss the remote reported. */
  packetsLost: number;
  /** Fraction lost of the remote's last interval, 0–1. */
  fractionLost: number;
  /** Interarrival jitter the remote measured, seconds. */
  jitter: number;
  /** Last round-trip time (RFC 3550 §6.4.1), seconds; undefined until a block echoes one of our SRs. */
  roundTripTime: number | undefined;
  /** Sum of every round-trip time measured, seconds. */
  totalRoundTripTime: number;
  /** Number of round-trip times measured. */
  roundTripTimeMeasurements: number;
  /** Report blocks received about this source. */
  reportsReceived: number;
}

/** What this side sent (W3C outbound-rtp). */
export interface OutboundRtpStats {
  /** Our source, uint32. */
  ssrc: number;
  /** RTP packets sent. */
  packetsSent: number;
  /** Payload bytes sent (the SR octet count). */
  bytesSent: number;
  /** RTP header bytes (fixed header, CSRCs, extensions) sent. */
  headerBytesSent: number;
  /** Compound RTCP packets sent. */
  reportsSent: number;
}

/** What the remote sender said about its own stream in its SRs (W3C remote-outbound-rtp). */
export interface RemoteOutboundRtpStats {
  /** The remote source, uint32. */
  ssrc: number;
  /** The SR packet count. */
  packetsSent: number;
  /** The SR octet count (payload bytes). */
  bytesSent: number;
  /** The SR's NTP time as Unix ms (the remote's wall clock). */
  remoteTimestamp: number;
  /** SRs received from this source. */
  reportsSent: number;
}

/** Receiver-wide counters and per-source statistics; see `RtpReceiver.getStats`. */
export interface RtpReceiverStats {
  /** The source heard most recently, undefined before any RTP. */
  inbound: InboundRtpStats | undefined;
  /** Every live remote source. */
  sources: InboundRtpStats[];
  /** The remote's reports about our first local source, undefined before any report block about it. */
  remoteInbound: RemoteInboundRtpStats | undefined;
  /** The last SR of the current remote source, undefined before any. */
  remoteOutbound: RemoteOutboundRtpStats | undefined;
  /** RTP datagrams that failed to parse (counted and dropped). */
  packetsMalformed: number;
  /** Well-formed RTP packets refused by RFC 3550 A.1 sequence validation (very large jumps), all sources. */
  packetsDiscarded: number;
  /** RTCP datagrams that failed to parse (counted and dropped). */
  rtcpPacketsMalformed: number;
  /** Datagrams that are neither RTP nor RTCP (STUN, DTLS, garbage). */
  datagramsUnknown: number;
  /** Well-formed compound RTCP packets received. */
  rtcpPacketsReceived: number;
  /** Remote sources dropped to stay within `maxSources` (see `RtpReceiverOptions.maxSources`). */
  sourcesEvicted: number;
}
