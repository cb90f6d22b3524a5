export {
  decodeALaw,
  decodeALawSample,
  decodeMuLaw,
  decodeMuLawSample,
  encodeALaw,
  encodeALawSample,
  encodeMuLaw,
  encodeMuLawSample,
} from './g711.js';
export { audioLevel, audioLevelFromDbov, MIN_LEVEL_DBOV, rmsDbov } from './level.js';
export type { PcmSamples } from './pcm.js';
export {
  applyGainDb,
  deinterleave,
  downmixToMono,
  float32ToInt16,
  int16ToFloat32,
  interleave,
  upmixFromMono,
} from './pcm.js';
export type { ResamplerFilterConfig, ResamplerOptions } from './resampler/index.js';
export { Resampler, SUPPORTED_SAMPLE_RATES_HZ } from './resampler/index.js';
export type {
  EncodeWavOptions,
  ReadWavOptions,
  ResolvedWavWriteFormat,
  WavAudio,
  WavEncoding,
  WavFormat,
  WavInfo,
  WavOutput,
  WavWriteFormat,
} from './wav/index.js';
export {
  decodeWavData,
  encodeWav,
  encodeWavData,
  fileHandleOutput,
  readWav,
  readWavFile,
  readWavInfo,
  WAV_ENCODINGS,
  WavWriter,
  wavToInt16,
  writeWavFile,
} from './wav/index.js';
