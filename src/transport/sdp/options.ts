import { randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { invalidOption } from '../../errors.js';
import type { SdpCodec, SdpDirection } from './types.js';

/** What both offer and answer take: this side's address, port and capabilities. */
export interface SdpEndpointOptions {
  /** Address the peer sends RTP to: an IPv4/IPv6 literal (`::1` gives `IN IP6`) or a host name. Required. */
  address?: string;
  /** RTP port, 1–65535. Required. */
  port?: number;
  /** Codecs this side can receive, in preference order; each 0–127 payload type once. Required, non-empty. */
  codecs?: readonly SdpCodec[];
  /** `a=ptime` to write, ms, 1–1000 (usually 10–60). Default: none. */
  ptimeMs?: number;
  /** `a=maxptime` to write, ms, 1–1000. Default: none. */
  maxptimeMs?: number;
  /** What this side wants to do. Default `'sendrecv'`. */
  direction?: SdpDirection;
  /** Offer: ask for RTCP multiplexing (RFC 5761), default false (plain-RTP peers expect RTCP on port+1). Answer: accept it when offered, default true. */
  rtcpMux?: boolean;
  /** RTCP port written as `a=rtcp` (RFC 3605) when not multiplexed, 1–65535. Default: none (RTP port + 1). */
  rtcpPort?: number;
  /** Offer/accept RFC 4733 `telephone-event` (DTMF) at each codec clock rate. Default false. */
  telephoneEvent?: boolean;
  /** Offer/accept RFC 2198 RED for the first (offer) or chosen (answer) codec. Default false. */
  red?: boolean;
  /** `o=` session id, decimal digits. Default: random. */
  sessionId?: string;
  /** `o=` session version, decimal digits; increment for each new offer of a session. Default `'0'`. */
  sessionVersion?: string;
  /** `o=` username, no spaces. Default `'-'`. */
  username?: string;
  /** `s=` line. Default `'-'`. */
  sessionName?: string;
}

/** Options of {@link createOffer}. */
export interface SdpOfferOptions extends SdpEndpointOptions {
  /** Offer the RFC 6464 audio level extension under this id, 1–14. Default: not offered. */
  audioLevelExtensionId?: number;
  /** Payload type for RED, 0–127, unused by the codecs. Default: a free dynamic one (121 if free). */
  redPayloadType?: number;
}

/** Options of {@link createAnswer}. */
export interface SdpAnswerOptions extends SdpEndpointOptions {
  /** Accept the RFC 6464 audio level extension when offered (with the offer's id). Default false. */
  audioLevel?: boolean;
  /** Transport protocols this side accepts, exact match. Default `['RTP/AVP', 'RTP/AVPF']`. */
  protocols?: readonly string[];
}

/** @internal Endpoint options with defaults filled. */
export interface ResolvedEndpoint {
  address: string;
  addressType: 'IP4' | 'IP6';
  port: number;
  codecs: readonly SdpCodec[];
  ptimeMs: number | undefined;
  maxptimeMs: number | undefined;
  direction: SdpDirection;
  rtcpMux: boolean;
  rtcpPort: number | undefined;
  telephoneEvent: boolean;
  red: boolean;
  sessionId: string;
  sessionVersion: string;
  username: string;
  sessionName: string;
}

const DIRECTIONS: readonly SdpDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * @internal Fills defaults and fails fast naming the option.
 * @param answering - Whether `rtcpMux` defaults to true (answer) or false (offer).
 */
export function resolveEndpoint(o: SdpEndpointOptions, answering: boolean): ResolvedEndpoint {
  const address = o.address;
  if (typeof address !== 'string' || !/^([A-Za-z0-9.-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(address)) {
    invalidOption('address', address, 'an IPv4/IPv6 literal or a host name');
  }
  const addressType = isIPv6(address) ? 'IP6' : 'IP4';
  if (address.includes(':') && addressType !== 'IP6')
    invalidOption('address', address, 'a valid IPv6 literal');
  const port = portOption('port', o.port, true);
  const codecs = o.codecs;
  if (!Array.isArray(codecs) || codecs.length === 0)
    invalidOption('codecs', codecs, 'a non-empty array of codecs');
  const pts = new Set<number>();
  codecs.forEach((c: SdpCodec, i) => {
    const name = `codecs[${i}]`;
    if (typeof c?.encodingName !== 'string' || !/^[A-Za-z0-9._+-]+$/.test(c.encodingName)) {
      invalidOption(`${name}.encodingName`, c?.encodingName, 'a non-empty token such as "opus"');
    }
    if (!Number.isInteger(c.clockRateHz) || c.clockRateHz < 1 || c.clockRateHz > 10_000_000) {
      invalidOption(`${name}.clockRateHz`, c.clockRateHz, 'an integer 1–10000000 Hz');
    }
    if (c.channels !== undefined && (!Number.isInteger(c.channels) || c.channels < 1 || c.channels > 255)) {
      invalidOption(`${name}.channels`, c.channels, 'an integer 1–255');
    }
    if (
      !Number.isInteger(c.payloadType) ||
      c.payloadType < 0 ||
      c.payloadType > 127 ||
      pts.has(c.payloadType)
    ) {
      invalidOption(`${name}.payloadType`, c.payloadType, 'an integer 0–127, each used once');
    }
    if (c.fmtp !== undefined && (typeof c.fmtp !== 'string' || /[\r\n\0]/.test(c.fmtp))) {
      invalidOption(`${name}.fmtp`, c.fmtp, 'a single-line string');
    }
    pts.add(c.payloadType);
  });
  const ms = (name: string, v: number | undefined): number | undefined => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 1000))
      invalidOption(name, v, 'an integer 1–1000 ms');
    return v;
  };
  const direction = o.direction ?? 'sendrecv';
  if (!DIRECTIONS.includes(direction)) invalidOption('direction', direction, DIRECTIONS.join(', '));
  const digits = (name: string, v: string | undefined, fallback: string): string => {
    if (v !== undefined && (typeof v !== 'string' || !/^\d{1,20}$/.test(v)))
      invalidOption(name, v, '1–20 decimal digits');
    return v ?? fallback;
  };
  const text = (name: string, v: string | undefined, pattern: RegExp): string => {
    if (v !== undefined && (typeof v !== 'string' || !pattern.test(v)))
      invalidOption(name, v, 'a non-empty single-line string');
    return v ?? '-';
  };
  return {
    address,
    addressType,
    port,
    codecs,
    ptimeMs: ms('ptimeMs', o.ptimeMs),
    maxptimeMs: ms('maxptimeMs', o.maxptimeMs),
    direction,
    rtcpMux: bool('rtcpMux', o.rtcpMux, answering),
    rtcpPort: o.rtcpPort === undefined ? undefined : portOption('rtcpPort', o.rtcpPort, true),
    telephoneEvent: bool('telephoneEvent', o.telephoneEvent, false),
    red: bool('red', o.red, false),
    sessionId: digits('sessionId', o.sessionId, BigInt(`0x${randomBytes(7).toString('hex')}`).toString()),
    sessionVersion: digits('sessionVersion', o.sessionVersion, '0'),
    username: text('username', o.username, /^\S+$/),
    sessionName: text('sessionName', o.sessionName, /^[^\r\n\0]*\S[^\r\n\0]*$/),
  };
}

function portOption(name: string, v: number | undefined, required: boolean): number {
  if (
    (v !== undefined || required) &&
    !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535)
  ) {
    invalidOption(name, v, 'an integer 1–65535');
  }
  return v as number;
}

function bool(name: string, v: boolean | undefined, fallback: boolean): boolean {
  if (v !== undefined && typeof v !== 'boolean') invalidOption(name, v, 'true or false');
  return v ?? fallback;
}
