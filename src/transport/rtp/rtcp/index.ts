/** RTCP (RFC 3550 §6): compound parse and serialize, NTP time helpers. */
export {
  compactFromMs,
  middle32,
  msFromCompact,
  msFromNtp,
  NTP_UNIX_OFFSET_SECONDS,
  ntpFromMs,
  roundTripTimeMs,
} from './ntp.js';
export { parseRtcpCompound, tryParseRtcpCompound } from './parse.js';
export { rtcpCompoundSize, serializeRtcpCompound } from './serialize.js';
export type {
  NtpTimestamp,
  ReceptionReport,
  RtcpApp,
  RtcpBye,
  RtcpPacket,
  RtcpReceiverReport,
  RtcpSdes,
  RtcpSenderReport,
  RtcpUnknown,
  SdesChunk,
  SdesItem,
} from './types.js';
export { RTCP_PT, SDES_ITEM } from './types.js';
