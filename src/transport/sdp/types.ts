/**
 * The typed form of an SDP body (RFC 8866, formerly RFC 4566) as voxwire reads and writes it.
 *
 * Known lines and attributes get typed fields; everything else is kept raw, in order, so that
 * parse → write → parse gives the same description. The writer emits known fields in the RFC's
 * canonical order, then the raw ones.
 */

/** Media direction attribute (RFC 3264 §5.1). Absent everywhere means `'sendrecv'`. */
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Address type of a connection or origin line. */
export type SdpAddressType = 'IP4' | 'IP6';

/** `o=` line: who made the session and which version of it this is. */
export interface SdpOrigin {
  /** Login of the originator, `'-'` when none. No spaces. */
  readonly username: string;
  /** Session id, a decimal string (may exceed 2^53, hence a string). */
  readonly sessionId: string;
  /** Session version, a decimal string; an updated offer increments it. */
  readonly sessionVersion: string;
  /** Network type, always `'IN'` in practice. */
  readonly netType: string;
  /** Address type of `address`. */
  readonly addressType: SdpAddressType;
  /** Address of the originating host (an IP literal or a host name). */
  readonly address: string;
}

/** `c=` line: where media goes. */
export interface SdpConnection {
  /** Network type, always `'IN'` in practice. */
  readonly netType: string;
  /** `'IP4'` or `'IP6'`. */
  readonly addressType: SdpAddressType;
  /** An IPv4/IPv6 literal or a host name. `0.0.0.0` is the RFC 2543 "hold" address. */
  readonly address: string;
  /** IPv4 multicast TTL (`/ttl` suffix), 0–255, when given. */
  readonly ttl?: number;
  /** Number of consecutive multicast addresses (`/count` suffix), when given. */
  readonly addressCount?: number;
}

/** `b=<type>:<value>` line. */
export interface SdpBandwidth {
  /** `'AS'`, `'CT'`, `'TIAS'` or any other token. */
  readonly type: string;
  /** The value as written: kbit/s for AS and CT, bit/s for TIAS. */
  readonly value: number;
}

/** `t=` line with the `r=` lines that follow it. */
export interface SdpTiming {
  /** NTP start time in seconds, 0 for unbounded. */
  readonly startTime: number;
  /** NTP stop time in seconds, 0 for unbounded. */
  readonly stopTime: number;
  /** Raw `r=` values that belonged to this `t=` line. */
  readonly repeats: readonly string[];
}

/** A line of a type voxwire does not interpret (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`, a second `c=`, …). */
export interface SdpRawLine {
  /** The single-letter line type. */
  readonly type: string;
  /** Everything after `=`, trailing whitespace removed. */
  readonly value: string;
}

/** An attribute voxwire keeps raw: `a=<name>` (flag, `value` undefined) or `a=<name>:<value>`. */
export interface SdpAttribute {
  /** Attribute name as written (case kept). */
  readonly name: string;
  /** Value after the first `:`; undefined for a flag attribute. */
  readonly value?: string;
}

/** `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]`. */
export interface SdpRtpMap {
  /** RTP payload type, 0–127. */
  readonly payloadType: number;
  /** Encoding name as written (`'PCMU'`, `'opus'`, `'telephone-event'`, `'red'`). */
  readonly encodingName: string;
  /** RTP clock rate, Hz. */
  readonly clockRateHz: number;
  /** Channel count from the optional third field; undefined when absent (meaning 1). */
  readonly channels?: number;
}

/** `a=fmtp:<format> <parameters>`. */
export interface SdpFmtp {
  /** The format (payload type) it applies to, 0–127. */
  readonly payloadType: number;
  /** Parameters exactly as written (what the writer emits). */
  readonly raw: string;
  /**
   * `key=value` pairs split on `;`, keys and values trimmed, case kept. Items without `=` (RED's
   * `111/111`, telephone-event's `0-16`) are only in `raw`. Derived from `raw` by the parser; the
   * writer ignores it.
   */
  readonly parameters: ReadonlyMap<string, string>;
}

/** `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605). */
export interface SdpRtcp {
  /** RTCP port, 0–65535. */
  readonly port: number;
  /** Network type when an address is given. */
  readonly netType?: string;
  /** Address type when an address is given. */
  readonly addressType?: SdpAddressType;
  /** RTCP address when it differs from the connection address. */
  readonly address?: string;
}

/** `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285). */
export interface SdpExtmap {
  /** Local identifier: 1–14 (one-byte header), 1–255 (two-byte), or 4096–4351 (offer-only). */
  readonly id: number;
  /** Direction restriction, when given. */
  readonly direction?: SdpDirection;
  /** Extension URI, e.g. `urn:ietf:params:rtp-hdrext:ssrc-audio-level`. */
  readonly uri: string;
  /** Extension attributes after the URI, raw. */
  readonly attributes?: string;
}

/** `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576). */
export interface SdpSsrcAttribute {
  /** SSRC, 0–2^32−1. */
  readonly ssrc: number;
  /** Attribute name (`'cname'`, `'msid'`, …). */
  readonly attribute: string;
  /** Attribute value, when given. */
  readonly value?: string;
}

/** One `m=` section. */
export interface SdpMedia {
  /** Media type: `'audio'`, `'video'`, `'application'`, … */
  readonly type: string;
  /** Transport port, 0–65535; 0 means the stream is rejected or disabled. */
  readonly port: number;
  /** Number of ports (`/count` suffix), when given. */
  readonly portCount?: number;
  /** Transport protocol: `'RTP/AVP'`, `'RTP/AVPF'`, `'RTP/SAVP'`, `'RTP/SAVPF'`, `'UDP/TLS/RTP/SAVPF'`, … */
  readonly protocol: string;
  /** Formats in preference order; for RTP protocols these are payload types as decimal strings. */
  readonly formats: readonly string[];
  /** Media-level `c=` line, which overrides the session one. */
  readonly connection?: SdpConnection;
  /** `b=` lines. */
  readonly bandwidths: readonly SdpBandwidth[];
  /** `a=rtpmap` lines in order. */
  readonly rtpMaps: readonly SdpRtpMap[];
  /** `a=fmtp` lines in order. */
  readonly fmtps: readonly SdpFmtp[];
  /** `a=ptime`, ms (may be fractional). */
  readonly ptimeMs?: number;
  /** `a=maxptime`, ms (may be fractional). */
  readonly maxptimeMs?: number;
  /** Direction written in this section; see {@link effectiveDirection} for the inherited value. */
  readonly direction?: SdpDirection;
  /** `a=rtcp`, when given. */
  readonly rtcp?: SdpRtcp;
  /** True when `a=rtcp-mux` is present. */
  readonly rtcpMux: boolean;
  /** `a=extmap` lines in order. */
  readonly extmaps: readonly SdpExtmap[];
  /** `a=mid`, when given. */
  readonly mid?: string;
  /** `a=ssrc` lines in order. */
  readonly ssrcs: readonly SdpSsrcAttribute[];
  /** Every other attribute, in order (also repeats of single-valued ones: only the first is typed). */
  readonly attributes: readonly SdpAttribute[];
  /** Lines of other types (`i=`, `k=`, extra `c=`), in RFC 8866 line order, else as written. */
  readonly otherLines: readonly SdpRawLine[];
}

/** A whole SDP body. */
export interface SessionDescription {
  /** `o=` line. */
  readonly origin: SdpOrigin;
  /** `s=` line; `'-'` when empty or absent. */
  readonly sessionName: string;
  /** Session-level `c=` line, the default for every media section. */
  readonly connection?: SdpConnection;
  /** Session-level `b=` lines. */
  readonly bandwidths: readonly SdpBandwidth[];
  /** `t=` lines; one `0 0` timing when the body had none. */
  readonly timing: readonly SdpTiming[];
  /** Session-level direction, the default for every media section. */
  readonly direction?: SdpDirection;
  /** Other session-level attributes (`tool`, `group`, `ice-ufrag`, `fingerprint`, …), in order. */
  readonly attributes: readonly SdpAttribute[];
  /** Session-level lines of other types (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`), in RFC 8866 line order, else as written. */
  readonly otherLines: readonly SdpRawLine[];
  /** `m=` sections in order; at least one. */
  readonly media: readonly SdpMedia[];
}

/**
 * A codec as SDP describes it: what `a=rtpmap` and `a=fmtp` say about one payload type. The
 * plain shape the offer/answer helpers take, so that any codec (built-in or plugin) can be offered.
 */
export interface SdpCodec {
  /** Encoding name (`'PCMU'`, `'opus'`); matched case-insensitively. */
  readonly encodingName: string;
  /** RTP clock rate, Hz. */
  readonly clockRateHz: number;
  /** Channel count as written in SDP (1 when omitted; Opus is always 2 per RFC 7587). Default 1. */
  readonly channels?: number;
  /** RTP payload type, 0–127 (static 0–34, dynamic 96–127, or 35–63 as JSEP allows). */
  readonly payloadType: number;
  /** `a=fmtp` parameters without the payload type; empty or absent when none. */
  readonly fmtp?: string;
}

/** Maximum SDP body accepted by {@link parseSdp}, in characters. */
export const SDP_MAX_LENGTH = 65_536;

/** Effective direction of a media section: its own, else the session's, else `'sendrecv'`. */
export function effectiveDirection(session: SessionDescription, media: SdpMedia): SdpDirection {
  return media.direction ?? session.direction ?? 'sendrecv';
}

/** Effective connection of a media section: its own `c=`, else the session's; undefined when neither. */
export function effectiveConnection(session: SessionDescription, media: SdpMedia): SdpConnection | undefined {
  return media.connection ?? session.connection;
}
