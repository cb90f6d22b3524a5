/** Codecs: the `AudioCodec` interface, G.711 and Opus, Opus packet framing, and the codec registry. */

export { createPcmaCodec, createPcmuCodec, G711Codec, type G711CodecOptions } from './g711-codec.js';
export {
  createOpusCodec,
  type OpusApplication,
  OpusCodec,
  type OpusCodecOptions,
  type OpusEncoderSettings,
} from './opus.js';
export { OPUS_FRAME_DURATIONS_MS, OPUS_SAMPLE_RATES_HZ } from './opus-options.js';
export {
  type OpusBandwidth,
  type OpusMode,
  type OpusPacketInfo,
  opusPacketDuration,
  parseOpusPacket,
} from './opus-toc.js';
export {
  type CodecFactory,
  type CodecFactoryOptions,
  type CodecOptions,
  CodecRegistry,
  type CodecSdpDefaults,
  createCodec,
  defaultCodecRegistry,
  listCodecs,
  OPUS_SDP_DEFAULTS,
  PCMA_SDP_DEFAULTS,
  PCMU_SDP_DEFAULTS,
  type RegisterCodecOptions,
  type RegisteredCodec,
  registerCodec,
  unregisterCodec,
} from './registry.js';
export type { AudioCodec, CodecInfo } from './types.js';
