/**
 * RTP/RTCP wire formats: RTP packets (RFC 3550) with RFC 8285 header extensions, the RFC 6464
 * audio level, compound RTCP, and RFC 5761/7983 demultiplexing.
 */
export {
  AUDIO_LEVEL_URI,
  type AudioLevel,
  decodeAudioLevel,
  encodeAudioLevel,
  writeAudioLevel,
} from './audio-level.js';
export { classifyDatagram, classifyRfc7983, type DatagramKind, type Rfc7983Kind } from './demux.js';
export {
  extensionBlockSize,
  findHeaderExtension,
  fitsOneByteForm,
  isRfc8285Profile,
  ONE_BYTE_PROFILE,
  type RtpHeaderExtension,
  TWO_BYTE_PROFILE,
} from './header-extensions.js';
export {
  createRtpPacket,
  parseRtpPacket,
  RTP_HEADER_BYTES,
  type RtpHeader,
  type RtpPacket,
  rtpPacketSize,
  serializeRtpPacket,
  tryParseRtpPacket,
} from './packet.js';
export { cryptoRandom, type RandomSource, randomUint32 } from './random.js';
export { RtpReceiver } from './receiver.js';
export type { ReceivedRtpPacket, RtpReceiverEvents, RtpReceiverOptions } from './receiver-types.js';
export {
  compactFromMs,
  middle32,
  msFromCompact,
  msFromNtp,
  NTP_UNIX_OFFSET_SECONDS,
  type NtpTimestamp,
  ntpFromMs,
  parseRtcpCompound,
  type ReceptionReport,
  RTCP_PT,
  type RtcpApp,
  type RtcpBye,
  type RtcpPacket,
  type RtcpReceiverReport,
  type RtcpSdes,
  type RtcpSenderReport,
  type RtcpUnknown,
  roundTripTimeMs,
  rtcpCompoundSize,
  SDES_ITEM,
  type SdesChunk,
  type SdesItem,
  serializeRtcpCompound,
  tryParseRtcpCompound,
} from './rtcp/index.js';
export {
  RTCP_BANDWIDTH_FRACTION,
  RTCP_COMPENSATION,
  RTCP_LOWER_LAYER_OVERHEAD_BYTES,
  RTCP_MIN_INTERVAL_MS,
  RTCP_SENDER_BANDWIDTH_FRACTION,
  type RtcpIntervalInput,
  reducedMinimumIntervalMs,
  rtcpDeterministicIntervalMs,
  rtcpIntervalMs,
  updateAvgRtcpSize,
} from './rtcp-interval.js';
export { RtcpReporter, type RtcpReporterOptions, type RtcpSenderInfo } from './rtcp-reporter.js';
export { RtpSender, type RtpSenderOptions, type RtpSendOptions } from './sender.js';
export {
  MAX_DROPOUT,
  MAX_MISORDER,
  MIN_SEQUENTIAL,
  RTP_SEQ_MOD,
  type SequenceUpdate,
  SourceState,
} from './source-state.js';
export type {
  InboundRtpStats,
  OutboundRtpStats,
  RemoteInboundRtpStats,
  RemoteOutboundRtpStats,
  RtpReceiverStats,
} from './stats.js';
