import { invalidOption, VoxwireError } from '../../errors.js';
import { AUDIO_LEVEL_URI, isAuxiliaryCodec, mediaCodecs, sameCodec } from './codecs.js';
import { answerDirection } from './direction.js';
import { type NegotiatedAudio, negotiated } from './negotiated.js';
import {
  type ResolvedEndpoint,
  resolveEndpoint,
  type SdpAnswerOptions,
  type SdpOfferOptions,
} from './options.js';
import { parseFmtpParameters } from './parse-attributes.js';
import {
  effectiveConnection,
  effectiveDirection,
  type SdpCodec,
  type SdpExtmap,
  type SdpFmtp,
  type SdpMedia,
  type SdpRtpMap,
  type SessionDescription,
} from './types.js';

/**
 * Builds an RFC 3264 offer with one audio media section (`RTP/AVP`) from this side's codecs.
 * Writes `c=` at session level, `a=rtpmap` for every payload type (static ones too), `a=fmtp`
 * where given, then RED (`red/<clock>[/2]`, fmtp `<pt>/<pt>`) and `telephone-event` when asked.
 *
 * For a peer that reads SDP rather than negotiating (ffmpeg, GStreamer `sdpdemux`), offer exactly
 * the one codec it will receive and no RED/telephone-event: ffmpeg 5 takes the codec of the last
 * `a=rtpmap` of an m-line it recognises, whatever the m-line's order.
 *
 * @param options - See {@link SdpOfferOptions}; `address`, `port` and `codecs` are required.
 * @returns A new description; serialise it with {@link writeSdp}.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, value and allowed range.
 */
export function createOffer(options: SdpOfferOptions): SessionDescription {
  const r = resolveEndpoint(options, false);
  const audioLevelId = options.audioLevelExtensionId;
  if (
    audioLevelId !== undefined &&
    !(Number.isInteger(audioLevelId) && audioLevelId >= 1 && audioLevelId <= 14)
  ) {
    invalidOption('audioLevelExtensionId', audioLevelId, 'an integer 1–14');
  }
  const used = new Set(r.codecs.map((c) => c.payloadType));
  const codecs: SdpCodec[] = [...r.codecs];
  if (r.red) {
    const primary = r.codecs[0];
    const pt = options.redPayloadType ?? freePayloadType(used, 121);
    if (!Number.isInteger(pt) || pt < 0 || pt > 127 || used.has(pt)) {
      invalidOption('redPayloadType', options.redPayloadType, 'an integer 0–127 not used by a codec');
    }
    used.add(pt);
    codecs.push(redCodec(primary, pt));
  }
  if (r.telephoneEvent) {
    for (const rate of new Set(r.codecs.map((c) => c.clockRateHz))) {
      const pt = freePayloadType(used, rate === 8000 ? 101 : 110);
      used.add(pt);
      codecs.push({
        encodingName: 'telephone-event',
        clockRateHz: rate,
        channels: 1,
        payloadType: pt,
        fmtp: '0-16',
      });
    }
  }
  const extmaps: SdpExtmap[] = audioLevelId === undefined ? [] : [{ id: audioLevelId, uri: AUDIO_LEVEL_URI }];
  return session(r, [audioMedia(r, 'RTP/AVP', codecs, r.rtcpMux, extmaps, undefined)]);
}

/**
 * Answers an offer by RFC 3264 §6: the same number of media sections in the same order. The first
 * audio section whose protocol is accepted gets the FIRST codec in the offerer's order that this
 * side also has (encoding name case-insensitive, clock rate and channels equal), under the
 * offer's payload type, plus RED and telephone-event at that clock rate when both sides have them.
 * Its direction mirrors the offer's (sendonly → recvonly, recvonly → sendonly, inactive stays)
 * combined with `options.direction`; `a=rtcp-mux` only when offered and accepted; the audio level
 * extension with the offer's id when both have it; the offer's `a=mid` is copied. Every other
 * section (other media, refused protocol, nothing in common, port 0 in the offer, later audio
 * sections) is rejected with port 0.
 *
 * @param offer - The parsed offer.
 * @param options - This side's capabilities; `address`, `port` and `codecs` are required.
 * @returns A new description; when nothing was accepted, every section has port 0 (see
 *   {@link createCallAnswer} to get an error instead).
 * @throws VoxwireError `ERR_INVALID_OPTION` for a bad option.
 */
export function createAnswer(offer: SessionDescription, options: SdpAnswerOptions): SessionDescription {
  return answer(offer, options).description;
}

/**
 * {@link createAnswer} for a call that needs audio: also returns the {@link negotiated} result for
 * this (answering) side.
 * @throws VoxwireError `ERR_SDP_INCOMPATIBLE` when no audio section could be accepted, with the
 *   reason for each section; `ERR_INVALID_OPTION` for a bad option.
 */
export function createCallAnswer(
  offer: SessionDescription,
  options: SdpAnswerOptions,
): {
  /** The answer to send back. */
  answer: SessionDescription;
  /** What the call will use. */
  negotiated: NegotiatedAudio;
} {
  const { description, accepted, reasons } = answer(offer, options);
  if (accepted < 0) {
    throw new VoxwireError(
      'ERR_SDP_INCOMPATIBLE',
      `SDP offer has no acceptable audio: ${reasons.join('; ')}`,
    );
  }
  return { answer: description, negotiated: negotiated(description, offer, accepted) };
}

function answer(
  offer: SessionDescription,
  options: SdpAnswerOptions,
): { description: SessionDescription; accepted: number; reasons: string[] } {
  const r = resolveEndpoint(options, true);
  const protocols = options.protocols ?? ['RTP/AVP', 'RTP/AVPF'];
  if (!Array.isArray(protocols) || protocols.length === 0) {
    invalidOption('protocols', protocols, 'a non-empty array of protocol names');
  }
  const reasons: string[] = [];
  let accepted = -1;
  const media = offer.media.map((m, index): SdpMedia => {
    const reason =
      accepted >= 0
        ? 'an audio section was already accepted'
        : m.type !== 'audio'
          ? `media type ${m.type} is not audio`
          : m.port === 0
            ? 'disabled in the offer (port 0)'
            : !protocols.includes(m.protocol)
              ? `protocol ${m.protocol} is not accepted (${protocols.join(', ')})`
              : effectiveConnection(offer, m) === undefined
                ? 'no connection (c=) address'
                : undefined;
    if (reason === undefined) {
      const section = answerAudio(offer, m, r, options.audioLevel === true);
      if (typeof section !== 'string') {
        accepted = index;
        return section;
      }
      reasons.push(`m-line ${index + 1}: ${section}`);
    } else {
      reasons.push(`m-line ${index + 1}: ${reason}`);
    }
    return rejected(m);
  });
  return { description: session(r, media), accepted, reasons };
}

function answerAudio(
  offer: SessionDescription,
  m: SdpMedia,
  r: ResolvedEndpoint,
  audioLevel: boolean,
): SdpMedia | string {
  const offered = mediaCodecs(m);
  let chosen: SdpCodec | undefined;
  let local: SdpCodec | undefined;
  for (const codec of offered) {
    if (isAuxiliaryCodec(codec)) continue;
    local = r.codecs.find((c) => sameCodec(c, codec));
    if (local !== undefined) {
      chosen = codec;
      break;
    }
  }
  if (chosen === undefined || local === undefined) {
    const names = offered.filter((c) => !isAuxiliaryCodec(c)).map(codecName);
    return `offered codecs [${names.join(', ')}] have none in common with [${r.codecs.map(codecName).join(', ')}]`;
  }
  const codecs: SdpCodec[] = [{ ...chosen, fmtp: local.fmtp ?? '' }];
  const sameRate = (c: SdpCodec): boolean => c.clockRateHz === chosen.clockRateHz;
  if (r.red) {
    const red = offered.find((c) => c.encodingName.toLowerCase() === 'red' && sameRate(c));
    if (red && redRefersOnlyTo(red, chosen.payloadType)) {
      codecs.push({ ...red, fmtp: `${chosen.payloadType}/${chosen.payloadType}` });
    }
  }
  if (r.telephoneEvent) {
    const te = offered.find((c) => c.encodingName.toLowerCase() === 'telephone-event' && sameRate(c));
    if (te) codecs.push({ ...te, fmtp: te.fmtp || '0-16' });
  }
  const level = m.extmaps.find((e) => e.uri === AUDIO_LEVEL_URI);
  const extmaps: SdpExtmap[] = audioLevel && level ? [{ id: level.id, uri: AUDIO_LEVEL_URI }] : [];
  const direction = answerDirection(effectiveDirection(offer, m), r.direction);
  return audioMedia({ ...r, direction }, m.protocol, codecs, m.rtcpMux && r.rtcpMux, extmaps, m.mid);
}

// RED's fmtp lists the formats of its blocks (`111/111`); only RED over the chosen codec is useful.
function redRefersOnlyTo(red: SdpCodec, payloadType: number): boolean {
  const fmtp = (red.fmtp ?? '').trim();
  return fmtp === '' || fmtp.split('/').every((pt) => pt.trim() === String(payloadType));
}

function codecName(c: SdpCodec): string {
  return `${c.encodingName}/${c.clockRateHz}${(c.channels ?? 1) !== 1 ? `/${c.channels}` : ''}`;
}

function rejected(m: SdpMedia): SdpMedia {
  return {
    type: m.type,
    port: 0,
    protocol: m.protocol,
    formats: m.formats.slice(0, 1),
    bandwidths: [],
    rtpMaps: [],
    fmtps: [],
    rtcpMux: false,
    extmaps: [],
    ...(m.mid !== undefined ? { mid: m.mid } : {}),
    ssrcs: [],
    attributes: [],
    otherLines: [],
  };
}

function audioMedia(
  r: ResolvedEndpoint,
  protocol: string,
  codecs: readonly SdpCodec[],
  rtcpMux: boolean,
  extmaps: SdpExtmap[],
  mid: string | undefined,
): SdpMedia {
  const rtpMaps: SdpRtpMap[] = codecs.map((c) => ({
    payloadType: c.payloadType,
    encodingName: c.encodingName,
    clockRateHz: c.clockRateHz,
    ...((c.channels ?? 1) !== 1 ? { channels: c.channels } : {}),
  }));
  const fmtps: SdpFmtp[] = codecs
    .filter((c) => (c.fmtp ?? '').trim() !== '')
    .map((c) => {
      const raw = (c.fmtp ?? '').trim();
      return { payloadType: c.payloadType, raw, parameters: parseFmtpParameters(raw) };
    });
  return {
    type: 'audio',
    port: r.port,
    protocol,
    formats: codecs.map((c) => String(c.payloadType)),
    bandwidths: [],
    rtpMaps,
    fmtps,
    ...(r.ptimeMs !== undefined ? { ptimeMs: r.ptimeMs } : {}),
    ...(r.maxptimeMs !== undefined ? { maxptimeMs: r.maxptimeMs } : {}),
    direction: r.direction,
    ...(r.rtcpPort !== undefined && !rtcpMux ? { rtcp: { port: r.rtcpPort } } : {}),
    rtcpMux,
    extmaps,
    ...(mid !== undefined ? { mid } : {}),
    ssrcs: [],
    attributes: [],
    otherLines: [],
  };
}

function session(r: ResolvedEndpoint, media: SdpMedia[]): SessionDescription {
  return {
    origin: {
      username: r.username,
      sessionId: r.sessionId,
      sessionVersion: r.sessionVersion,
      netType: 'IN',
      addressType: r.addressType,
      address: r.address,
    },
    sessionName: r.sessionName,
    connection: { netType: 'IN', addressType: r.addressType, address: r.address },
    bandwidths: [],
    timing: [{ startTime: 0, stopTime: 0, repeats: [] }],
    attributes: [],
    otherLines: [],
    media,
  };
}

function redCodec(primary: SdpCodec, payloadType: number): SdpCodec {
  return {
    encodingName: 'red',
    clockRateHz: primary.clockRateHz,
    channels: primary.channels ?? 1,
    payloadType,
    fmtp: `${primary.payloadType}/${primary.payloadType}`,
  };
}

function freePayloadType(used: ReadonlySet<number>, preferred: number): number {
  if (!used.has(preferred)) return preferred;
  for (let pt = 96; pt <= 127; pt++) if (!used.has(pt)) return pt;
  for (let pt = 35; pt <= 63; pt++) if (!used.has(pt)) return pt;
  invalidOption('codecs', used.size, 'leave a dynamic payload type free for RED/telephone-event');
}
