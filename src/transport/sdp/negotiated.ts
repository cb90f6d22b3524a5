import { VoxwireError } from '../../errors.js';
import { AUDIO_LEVEL_URI, isAuxiliaryCodec, mediaCodecs, sameCodec } from './codecs.js';
import { canReceiveDirection, canSendDirection } from './direction.js';
import {
  effectiveConnection,
  effectiveDirection,
  type SdpAddressType,
  type SdpCodec,
  type SdpDirection,
  type SdpMedia,
  type SessionDescription,
} from './types.js';

/** One direction of a negotiated audio stream. */
export interface NegotiatedStream {
  /** The codec, with the payload type used in this direction. */
  readonly codec: SdpCodec;
  /** Payload type of primary audio in this direction (equals `codec.payloadType`). */
  readonly payloadType: number;
  /** RED (RFC 2198) payload type in this direction when both sides have RED over this codec. */
  readonly redPayloadType?: number;
  /** telephone-event (RFC 4733) payload type at the codec's clock rate when both sides have it. */
  readonly telephoneEventPayloadType?: number;
  /** RFC 6464 audio level extension id in this direction when both sides have it. */
  readonly audioLevelExtensionId?: number;
  /** `a=ptime` the receiving side of this direction asked for, ms. */
  readonly ptimeMs?: number;
  /** `a=maxptime` the receiving side of this direction asked for, ms. */
  readonly maxptimeMs?: number;
}

/** The outcome of an offer/answer exchange for one audio section, seen from one side. */
export interface NegotiatedAudio {
  /** Index of the media section (0-based). */
  readonly mediaIndex: number;
  /** `a=mid` of the section when the local description has one. */
  readonly mid?: string;
  /** What this side may do: send when local sends and remote receives, and vice versa. */
  readonly direction: SdpDirection;
  /** True when both sides wrote `a=rtcp-mux` (RTCP goes to the RTP port). */
  readonly rtcpMux: boolean;
  /** Where to send RTP: the remote `c=` address (media or session level). */
  readonly remoteAddress: string;
  /** Address type of `remoteAddress`. */
  readonly remoteAddressType: SdpAddressType;
  /** Remote RTP port, 1–65535. */
  readonly remoteRtpPort: number;
  /** Where to send RTCP: `a=rtcp` address, else `remoteAddress`. */
  readonly remoteRtcpAddress: string;
  /** Remote RTCP port: the RTP port with rtcp-mux, else `a=rtcp`, else RTP port + 1. */
  readonly remoteRtcpPort: number;
  /** What this side sends: payload types as the remote description maps them. */
  readonly send: NegotiatedStream;
  /** What this side receives: payload types as the local description maps them. */
  readonly receive: NegotiatedStream;
}

/**
 * The negotiated audio of an offer/answer exchange, for either side: pass this side's description
 * as `local` (the offer for the offerer, the answer for the answerer) and the other as `remote`.
 * The codec is the first primary codec (not RED/telephone-event/CN) of the remote section that the
 * local section also lists, which after a {@link createAnswer} is the answer's codec.
 *
 * @param local - This side's description.
 * @param remote - The other side's description.
 * @param mediaIndex - The section to read; default: the first where both are audio with a port.
 * @returns A new object.
 * @throws VoxwireError `ERR_SDP_INCOMPATIBLE` when the section is missing, rejected (port 0), not
 *   audio, or the two have no codec in common; `ERR_SDP_MALFORMED` when the remote section has no
 *   connection address.
 */
export function negotiated(
  local: SessionDescription,
  remote: SessionDescription,
  mediaIndex?: number,
): NegotiatedAudio {
  const index = mediaIndex ?? findAudio(local, remote);
  const lm = local.media[index];
  const rm = remote.media[index];
  if (lm === undefined || rm === undefined || !Number.isInteger(index)) {
    incompatible(`media section ${index} is not in both descriptions`);
  }
  if (lm.type !== 'audio' || rm.type !== 'audio')
    incompatible(`media section ${index} is not audio on both sides`);
  if (lm.port === 0 || rm.port === 0) incompatible(`media section ${index} was rejected (port 0)`);
  const localCodecs = mediaCodecs(lm);
  const remoteCodecs = mediaCodecs(rm);
  let sendCodec: SdpCodec | undefined;
  let receiveCodec: SdpCodec | undefined;
  for (const codec of remoteCodecs) {
    if (isAuxiliaryCodec(codec)) continue;
    receiveCodec = localCodecs.find((c) => sameCodec(c, codec));
    if (receiveCodec) {
      sendCodec = codec;
      break;
    }
  }
  if (sendCodec === undefined || receiveCodec === undefined) {
    incompatible(`media section ${index} has no codec in common`);
  }
  const connection = effectiveConnection(remote, rm);
  if (connection === undefined) {
    throw new VoxwireError('ERR_SDP_MALFORMED', `SDP media section ${index} has no connection (c=) address`);
  }
  const l = effectiveDirection(local, lm);
  const r = effectiveDirection(remote, rm);
  const send = canSendDirection(l) && canReceiveDirection(r);
  const receive = canReceiveDirection(l) && canSendDirection(r);
  const rtcpMux = lm.rtcpMux && rm.rtcpMux;
  const rtcpPort = rtcpMux ? rm.port : (rm.rtcp?.port ?? Math.min(rm.port + 1, 65535));
  return {
    mediaIndex: index,
    ...(lm.mid !== undefined ? { mid: lm.mid } : {}),
    direction: send && receive ? 'sendrecv' : send ? 'sendonly' : receive ? 'recvonly' : 'inactive',
    rtcpMux,
    remoteAddress: connection.address,
    remoteAddressType: connection.addressType,
    remoteRtpPort: rm.port,
    remoteRtcpAddress: (!rtcpMux && rm.rtcp?.address) || connection.address,
    remoteRtcpPort: rtcpPort,
    send: stream(rm, remoteCodecs, sendCodec, lm, localCodecs),
    receive: stream(lm, localCodecs, receiveCodec, rm, remoteCodecs),
  };
}

// One direction: payload types from `own` (the receiver's mapping), present only if `other` agrees.
function stream(
  own: SdpMedia,
  ownCodecs: readonly SdpCodec[],
  codec: SdpCodec,
  other: SdpMedia,
  otherCodecs: readonly SdpCodec[],
): NegotiatedStream {
  const aux = (codecs: readonly SdpCodec[], name: string): SdpCodec | undefined =>
    codecs.find((c) => c.encodingName.toLowerCase() === name && c.clockRateHz === codec.clockRateHz);
  const red = aux(ownCodecs, 'red');
  const te = aux(ownCodecs, 'telephone-event');
  const level = own.extmaps.find((e) => e.uri === AUDIO_LEVEL_URI);
  const otherLevel = other.extmaps.some((e) => e.uri === AUDIO_LEVEL_URI);
  return {
    codec,
    payloadType: codec.payloadType,
    ...(red && aux(otherCodecs, 'red') ? { redPayloadType: red.payloadType } : {}),
    ...(te && aux(otherCodecs, 'telephone-event') ? { telephoneEventPayloadType: te.payloadType } : {}),
    ...(level && otherLevel ? { audioLevelExtensionId: level.id } : {}),
    ...(own.ptimeMs !== undefined ? { ptimeMs: own.ptimeMs } : {}),
    ...(own.maxptimeMs !== undefined ? { maxptimeMs: own.maxptimeMs } : {}),
  };
}

function findAudio(local: SessionDescription, remote: SessionDescription): number {
  for (let i = 0; i < Math.min(local.media.length, remote.media.length); i++) {
    const l = local.media[i];
    const r = remote.media[i];
    if (l.type === 'audio' && r.type === 'audio' && l.port !== 0 && r.port !== 0) return i;
  }
  incompatible('no audio section is accepted on both sides');
}

function incompatible(problem: string): never {
  throw new VoxwireError('ERR_SDP_INCOMPATIBLE', `SDP negotiation: ${problem}`);
}
