/**
 * Transports and the wire formats they carry: the `Transport` plugin interface, UDP, in-memory
 * loopback, the network emulator, SDP and RED. `src/index.ts` re-exports this list.
 */
export type { LoopbackOptions, LoopbackStats } from './loopback.js';
export { LoopbackTransport } from './loopback.js';
export type {
  NetworkConditionsUpdate,
  NetworkEmulatorOptions,
  NetworkEmulatorStats,
} from './network-emulator/emulator.js';
export { NetworkEmulator } from './network-emulator/emulator.js';
export type {
  BernoulliLoss,
  GilbertElliottLoss,
  JitterDistribution,
  LossModel,
  NetworkConditions,
  ReorderOptions,
} from './network-emulator/options.js';
export { gilbertElliottFromMeanLoss } from './network-emulator/options.js';
export type { NetworkPathStats } from './network-emulator/path.js';
export type { NetworkTrace, NetworkTraceEntry } from './network-emulator/trace.js';
export { loadNetworkTrace, parseNetworkTrace } from './network-emulator/trace.js';
export type {
  RedBlock,
  RedEncoderOptions,
  RedEncoderStats,
  RedFrame,
  RedParseFailure,
  RedParseResult,
  RedRecoveryOptions,
  RedRecoveryResult,
  RedRecoveryStats,
  RedRedundancy,
} from './red/index.js';
export {
  encodeRed,
  parseRed,
  RED_MAX_BLOCK_BYTES,
  RED_MAX_TIMESTAMP_OFFSET,
  RedEncoder,
  RedRecovery,
  redBlockFits,
  redEncodedLength,
  redFailureMessage,
} from './red/index.js';
export type {
  NegotiatedAudio,
  NegotiatedStream,
  SdpAddressType,
  SdpAnswerOptions,
  SdpAttribute,
  SdpBandwidth,
  SdpCodec,
  SdpConnection,
  SdpDirection,
  SdpEndpointOptions,
  SdpExtmap,
  SdpFmtp,
  SdpMedia,
  SdpOfferOptions,
  SdpOrigin,
  SdpRawLine,
  SdpRtcp,
  SdpRtpMap,
  SdpSsrcAttribute,
  SdpTiming,
  SessionDescription,
} from './sdp/index.js';
export {
  AUDIO_LEVEL_URI,
  answerDirection,
  canReceiveDirection,
  canSendDirection,
  createAnswer,
  createCallAnswer,
  createOffer,
  effectiveConnection,
  effectiveDirection,
  isAuxiliaryCodec,
  mediaCodecs,
  negotiated,
  parseFmtpParameters,
  parseSdp,
  SDP_MAX_LENGTH,
  STATIC_AUDIO_PAYLOAD_TYPES,
  sameCodec,
  sdpCodecFromInfo,
  writeSdp,
} from './sdp/index.js';
export type { DatagramChannel, ReceivedDatagram, Transport, TransportEvents } from './types.js';
export type { UdpTransportOptions, UdpTransportStats } from './udp.js';
export { UdpTransport } from './udp.js';
export type { UdpAddress, UdpEndpoint } from './udp-address.js';
