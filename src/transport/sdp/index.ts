/**
 * SDP for plain RTP audio: parse and write (RFC 8866), offer/answer (RFC 3264) and the negotiated
 * result. Everything the folder exports; `src/transport/index.ts` re-exports the public part.
 */
export {
  AUDIO_LEVEL_URI,
  isAuxiliaryCodec,
  mediaCodecs,
  STATIC_AUDIO_PAYLOAD_TYPES,
  sameCodec,
  sdpCodecFromInfo,
} from './codecs.js';
export { answerDirection, canReceiveDirection, canSendDirection } from './direction.js';
export { createAnswer, createCallAnswer, createOffer } from './negotiate.js';
export type { NegotiatedAudio, NegotiatedStream } from './negotiated.js';
export { negotiated } from './negotiated.js';
export type { SdpAnswerOptions, SdpEndpointOptions, SdpOfferOptions } from './options.js';
export { parseSdp } from './parse.js';
export { parseFmtpParameters } from './parse-attributes.js';
export type {
  SdpAddressType,
  SdpAttribute,
  SdpBandwidth,
  SdpCodec,
  SdpConnection,
  SdpDirection,
  SdpExtmap,
  SdpFmtp,
  SdpMedia,
  SdpOrigin,
  SdpRawLine,
  SdpRtcp,
  SdpRtpMap,
  SdpSsrcAttribute,
  SdpTiming,
  SessionDescription,
} from './types.js';
export { effectiveConnection, effectiveDirection, SDP_MAX_LENGTH } from './types.js';
export { writeSdp } from './write.js';
