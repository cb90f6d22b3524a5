import type { Clock } from '../../clock/index.js';
import { RealClock } from '../../clock/index.js';
import { invalidOption } from '../../errors.js';
import type { WebRtcCodecName, WebRtcIceServer, WebRtcSignaling } from './types.js';

/** Options of {@link WebRtcTransport}. */
export interface WebRtcTransportOptions {
  /** Where offers, answers and candidates go and come from. Required. */
  signaling: WebRtcSignaling;
  /**
   * `'offerer'` sends the offer on {@link WebRtcTransport.connect}; `'answerer'` waits for one.
   * Default `'offerer'`.
   */
  role?: 'offerer' | 'answerer';
  /** STUN/TURN servers, as `RTCConfiguration.iceServers`; default none (host candidates only). */
  iceServers?: WebRtcIceServer[];
  /** `'relay'`: use only TURN relay candidates; default `'all'`. */
  iceTransportPolicy?: 'all' | 'relay';
  /** Codecs in order of preference (non-empty, no repeats); default `['opus', 'pcmu', 'pcma']`. */
  codecs?: WebRtcCodecName[];
  /** Offer and accept RFC 2198 redundancy for Opus (werift adds/removes it); default true. */
  red?: boolean;
  /** Offer and accept the RFC 6464 audio-level header extension; default true. */
  audioLevel?: boolean;
  /**
   * Host addresses to gather candidates on, e.g. `['127.0.0.1']` to keep a call on loopback. Default:
   * every non-loopback interface (werift's choice). Candidates on other addresses are not signalled.
   */
  hostAddresses?: string[];
  /** UDP port range for ICE sockets, `[min, max]` with min < max; default any port. */
  icePortRange?: [number, number];
  /** Time until `connect()` gives up with `ERR_WEBRTC`, ms > 0; default 30000. */
  connectTimeoutMs?: number;
  /** Timestamps arrivals and paces the connect timeout; default a `RealClock`. */
  clock?: Clock;
}

/** {@link WebRtcTransportOptions} with defaults applied. @internal */
export interface ResolvedWebRtcOptions {
  signaling: WebRtcSignaling;
  role: 'offerer' | 'answerer';
  iceServers: WebRtcIceServer[];
  iceTransportPolicy: 'all' | 'relay';
  codecs: WebRtcCodecName[];
  red: boolean;
  audioLevel: boolean;
  hostAddresses: string[] | undefined;
  icePortRange: [number, number] | undefined;
  connectTimeoutMs: number;
  clock: Clock;
}

const CODEC_NAMES: readonly WebRtcCodecName[] = ['opus', 'pcmu', 'pcma'];

/**
 * Applies defaults and validates.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the first bad option.
 * @internal
 */
export function resolveWebRtcOptions(options: WebRtcTransportOptions): ResolvedWebRtcOptions {
  const o = options ?? ({} as WebRtcTransportOptions);
  const s = o.signaling;
  if (!s || typeof s.send !== 'function' || typeof s.onMessage !== 'function') {
    invalidOption('signaling', s, 'an object with send(message) and onMessage(listener)');
  }
  const role = o.role ?? 'offerer';
  if (role !== 'offerer' && role !== 'answerer') invalidOption('role', role, "'offerer' or 'answerer'");
  const iceServers = o.iceServers ?? [];
  if (!Array.isArray(iceServers)) invalidOption('iceServers', iceServers, 'an array of { urls }');
  for (const server of iceServers) {
    const urls = typeof server?.urls === 'string' ? [server.urls] : server?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => /^(stun|turns?):/.test(String(u)))) {
      invalidOption('iceServers', server, 'each with urls starting stun:, turn: or turns:');
    }
  }
  const policy = o.iceTransportPolicy ?? 'all';
  if (policy !== 'all' && policy !== 'relay') invalidOption('iceTransportPolicy', policy, "'all' or 'relay'");
  if (policy === 'relay' && !iceServers.some((v) => [v.urls].flat().some((u) => u.startsWith('turn')))) {
    invalidOption('iceTransportPolicy', policy, "'relay' only with a turn: server in iceServers");
  }
  const codecs = o.codecs ?? [...CODEC_NAMES];
  if (
    !Array.isArray(codecs) ||
    codecs.length === 0 ||
    !codecs.every((c) => CODEC_NAMES.includes(c)) ||
    new Set(codecs).size !== codecs.length
  ) {
    invalidOption('codecs', codecs, `a non-empty list of distinct names from ${CODEC_NAMES.join(', ')}`);
  }
  const hosts = o.hostAddresses;
  if (hosts !== undefined && (!Array.isArray(hosts) || hosts.length === 0 || !hosts.every(isIp))) {
    invalidOption('hostAddresses', hosts, 'a non-empty list of IP addresses');
  }
  const range = o.icePortRange;
  if (
    range !== undefined &&
    !(
      Array.isArray(range) &&
      range.length === 2 &&
      range.every((p) => Number.isInteger(p) && p > 0 && p < 65536) &&
      range[0] < range[1]
    )
  ) {
    invalidOption('icePortRange', range, '[min, max] ports with min < max');
  }
  const timeout = o.connectTimeoutMs ?? 30_000;
  if (!(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) {
    invalidOption('connectTimeoutMs', timeout, 'a positive number of ms');
  }
  for (const name of ['red', 'audioLevel'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') invalidOption(name, o[name], 'a boolean');
  }
  return {
    signaling: s,
    role,
    iceServers,
    iceTransportPolicy: policy,
    codecs,
    red: o.red ?? true,
    audioLevel: o.audioLevel ?? true,
    hostAddresses: hosts,
    icePortRange: range,
    connectTimeoutMs: timeout,
    clock: o.clock ?? new RealClock(),
  };
}

function isIp(value: unknown): boolean {
  return typeof value === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':'));
}
