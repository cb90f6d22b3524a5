import type { CodecInfo } from '../../codec/types.js';
import { AUDIO_LEVEL_URI } from '../rtp/audio-level.js';
import type { SdpCodec, SdpMedia } from './types.js';

export { AUDIO_LEVEL_URI };

/** Static audio payload types of RFC 3551 §6, usable without `a=rtpmap`. */
export const STATIC_AUDIO_PAYLOAD_TYPES: ReadonlyMap<number, SdpCodec> = new Map(
  (
    [
      [0, 'PCMU', 8000],
      [3, 'GSM', 8000],
      [4, 'G723', 8000],
      [5, 'DVI4', 8000],
      [6, 'DVI4', 16000],
      [7, 'LPC', 8000],
      [8, 'PCMA', 8000],
      [9, 'G722', 8000],
      [10, 'L16', 44100, 2],
      [11, 'L16', 44100],
      [12, 'QCELP', 8000],
      [13, 'CN', 8000],
      [14, 'MPA', 90000],
      [15, 'G728', 8000],
      [16, 'DVI4', 11025],
      [17, 'DVI4', 22050],
      [18, 'G729', 8000],
    ] as const
  ).map(([payloadType, encodingName, clockRateHz, channels]) => [
    payloadType,
    { payloadType, encodingName, clockRateHz, channels: channels ?? 1 },
  ]),
);

/** Encoding names that are not a primary audio codec: redundancy, DTMF, comfort noise, FEC, RTX. */
const AUXILIARY = new Set(['red', 'telephone-event', 'cn', 'ulpfec', 'flexfec', 'rtx']);

/**
 * The codecs of an RTP media section in `m=` order: each payload type with its `a=rtpmap` (or the
 * RFC 3551 static assignment when there is none) and its `a=fmtp`. Payload types that are neither
 * mapped nor static are left out (nobody can decode them). Channels default to 1.
 * @param media - A parsed media section.
 * @returns A new array.
 */
export function mediaCodecs(media: SdpMedia): SdpCodec[] {
  const codecs: SdpCodec[] = [];
  for (const format of media.formats) {
    if (!/^\d+$/.test(format)) continue;
    const payloadType = Number(format);
    const rtpMap = media.rtpMaps.find((m) => m.payloadType === payloadType);
    const base = rtpMap
      ? { encodingName: rtpMap.encodingName, clockRateHz: rtpMap.clockRateHz, channels: rtpMap.channels ?? 1 }
      : STATIC_AUDIO_PAYLOAD_TYPES.get(payloadType);
    if (base === undefined) continue;
    const fmtp = media.fmtps.find((f) => f.payloadType === payloadType);
    codecs.push({
      payloadType,
      encodingName: base.encodingName,
      clockRateHz: base.clockRateHz,
      channels: base.channels ?? 1,
      fmtp: fmtp?.raw ?? '',
    });
  }
  return codecs;
}

/**
 * True when the codec is an auxiliary format (RED, telephone-event, CN, FEC, RTX) rather than a
 * primary audio codec that offer/answer would choose.
 */
export function isAuxiliaryCodec(codec: Pick<SdpCodec, 'encodingName'>): boolean {
  return AUXILIARY.has(codec.encodingName.toLowerCase());
}

/**
 * True when two SDP codecs are the same format: encoding name (case-insensitive), clock rate and
 * channel count (absent = 1) are equal. Payload types and fmtp are not compared.
 */
export function sameCodec(a: SdpCodec, b: SdpCodec): boolean {
  return (
    a.encodingName.toLowerCase() === b.encodingName.toLowerCase() &&
    a.clockRateHz === b.clockRateHz &&
    (a.channels ?? 1) === (b.channels ?? 1)
  );
}

/**
 * The SDP description of a codec from its {@link CodecInfo} (`sdpChannels` becomes `channels`).
 * @param info - A codec's info.
 * @param payloadType - Overrides `info.payloadType`, 0–127.
 */
export function sdpCodecFromInfo(info: CodecInfo, payloadType: number = info.payloadType): SdpCodec {
  return {
    encodingName: info.encodingName,
    clockRateHz: info.clockRateHz,
    channels: info.sdpChannels,
    payloadType,
    fmtp: info.fmtp,
  };
}
