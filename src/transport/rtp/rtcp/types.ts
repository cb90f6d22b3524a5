/** RTCP packets of RFC 3550 §6 as a discriminated union on `type`. */

/** RTCP packet type values (RFC 3550 §12.1). */
export const RTCP_PT = {
  /** Sender report. */
  SR: 200,
  /** Receiver report. */
  RR: 201,
  /** Source description. */
  SDES: 202,
  /** Goodbye. */
  BYE: 203,
  /** Application-defined. */
  APP: 204,
} as const;

/** SDES item types (RFC 3550 §6.5). */
export const SDES_ITEM = {
  /** Canonical end-point name. */
  CNAME: 1,
  /** User name. */
  NAME: 2,
  /** E-mail address. */
  EMAIL: 3,
  /** Phone number. */
  PHONE: 4,
  /** Geographic location. */
  LOC: 5,
  /** Application or tool name. */
  TOOL: 6,
  /** Notice or status. */
  NOTE: 7,
  /** Private extension. */
  PRIV: 8,
} as const;

/** A 64-bit NTP timestamp (seconds since 1900-01-01 UTC, with a 32-bit binary fraction). */
export interface NtpTimestamp {
  /** Most significant word: whole seconds, uint32. */
  seconds: number;
  /** Least significant word: fraction of a second in units of 2^-32 s, uint32. */
  fraction: number;
}

/** One report block of an SR or RR (RFC 3550 §6.4.1). */
export interface ReceptionReport {
  /** Source this block reports on, uint32. */
  ssrc: number;
  /** Fraction lost since the previous report, as on the wire: lost/expected × 256, 0–255. */
  fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (−8388608…8388607; negative with duplicates). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | seq), uint32. */
  highestSequence: number;
  /** Interarrival jitter, RTP timestamp units, uint32. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp (LSR), 0 when none. */
  lastSr: number;
  /** Delay since that SR (DLSR), units of 1/65536 s, uint32. */
  delaySinceLastSr: number;
}

/** Sender report, PT 200. */
export interface RtcpSenderReport {
  /** Sender report (PT 200). */
  type: 'sr';
  /** SSRC of the packet's sender (or of the described source). */
  ssrc: number;
  /** Wallclock time of this report. */
  ntpTimestamp: NtpTimestamp;
  /** The same instant in the sender's RTP timestamp units, uint32. */
  rtpTimestamp: number;
  /** Packets sent since starting, uint32 (wraps). */
  packetCount: number;
  /** Payload octets sent since starting, uint32 (wraps). */
  octetCount: number;
  /** 0–31 report blocks. */
  reports: readonly ReceptionReport[];
  /** Profile-specific extension after the report blocks (view), if any. */
  profileExtension?: Uint8Array;
}

/** Receiver report, PT 201. */
export interface RtcpReceiverReport {
  /** Receiver report (PT 201). */
  type: 'rr';
  /** SSRC of the packet's sender (or of the described source). */
  ssrc: number;
  /** 0–31 report blocks. */
  reports: readonly ReceptionReport[];
  /** Profile-specific extension after the report blocks (view), if any. */
  profileExtension?: Uint8Array;
}

/** One SDES item: `type` 1–255 (see {@link SDES_ITEM}), `text` UTF-8 on the wire, ≤ 255 bytes. */
export interface SdesItem {
  /** SDES item type (`SDES_ITEM`: 1 = CNAME …). */
  type: number;
  /** Item value (UTF-8, at most 255 bytes on the wire). */
  text: string;
}

/** One SDES chunk: a source and its items. */
export interface SdesChunk {
  /** SSRC of the packet's sender (or of the described source). */
  ssrc: number;
  /** The chunk's items in wire order. */
  items: readonly SdesItem[];
}

/** Source description, PT 202. */
export interface RtcpSdes {
  /** Source description (PT 202). */
  type: 'sdes';
  /** 0–31 chunks. */
  chunks: readonly SdesChunk[];
}

/** Goodbye, PT 203. */
export interface RtcpBye {
  /** Goodbye (PT 203). */
  type: 'bye';
  /** 0–31 sources leaving. */
  ssrcs: readonly number[];
  /** Optional reason, ≤ 255 UTF-8 bytes. */
  reason?: string;
}

/** Application-defined, PT 204. */
export interface RtcpApp {
  /** Application-defined (PT 204). */
  type: 'app';
  /** 5-bit subtype, 0–31. */
  subtype: number;
  /** SSRC of the packet's sender (or of the described source). */
  ssrc: number;
  /** Exactly 4 ASCII characters. */
  name: string;
  /** Application data, a multiple of 4 bytes (view when parsed). */
  data: Uint8Array;
}

/**
 * Any other packet type (RTPFB 205 and PSFB 206 feedback, XR 207, …), kept whole so it can be
 * forwarded or parsed elsewhere.
 */
export interface RtcpUnknown {
  /** A packet type this parser does not interpret (feedback, XR, …). */
  type: 'unknown';
  /** Packet type, 0–255. */
  packetType: number;
  /** The 5-bit field after the P bit (report count, or FMT for RFC 4585 feedback), 0–31. */
  subtype: number;
  /** Body after the 4-byte header, padding removed; a multiple of 4 bytes (view when parsed). */
  data: Uint8Array;
}

/** Any RTCP packet. */
export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpApp | RtcpUnknown;
