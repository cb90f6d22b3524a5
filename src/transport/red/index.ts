/**
 * RFC 2198 RED for audio: the payload format, a stateful sender and a receiver that rebuilds lost
 * packets from redundancy.
 */
export type { RedEncoderOptions, RedEncoderStats } from './encoder.js';
export { RedEncoder } from './encoder.js';
export type { RedBlock, RedParseFailure, RedParseResult, RedRedundancy } from './format.js';
export {
  encodeRed,
  parseRed,
  RED_MAX_BLOCK_BYTES,
  RED_MAX_TIMESTAMP_OFFSET,
  redBlockFits,
  redEncodedLength,
  redFailureMessage,
} from './format.js';
export type { RedFrame, RedRecoveryOptions, RedRecoveryResult, RedRecoveryStats } from './recovery.js';
export { RedRecovery } from './recovery.js';
