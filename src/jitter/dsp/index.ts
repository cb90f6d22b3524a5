/**
 * Signal-processing operations of the playout, after libwebrtc NetEQ: pitch estimation, expand
 * (packet-loss concealment), merge, accelerate / preemptive expand (time-stretch), background-noise
 * estimation and RFC 3389 comfort noise. Pure DSP on mono Float32 PCM at 8, 16 or 48 kHz.
 */
export type { BackgroundNoiseOptions } from './background-noise.js';
export { BackgroundNoiseEstimator } from './background-noise.js';
export type { CnParameters } from './comfort-noise.js';
export {
  ComfortNoiseGenerator,
  createCnParameters,
  decodeCnPayload,
  encodeCnPayload,
} from './comfort-noise.js';
export type { ExpandOptions } from './expand.js';
export { Expand } from './expand.js';
export { FractionalTrim } from './fractional-trim.js';
export { MAX_LPC_ORDER } from './lpc.js';
export type { MergeOptions, MergeSource } from './merge.js';
export { Merge } from './merge.js';
export type { PitchEstimatorOptions } from './pitch.js';
export {
  DSP_SAMPLE_RATES_HZ,
  MAX_PITCH_MS,
  MIN_PITCH_MS,
  normalisedCorrelation,
  PitchEstimator,
} from './pitch.js';
export type { StretchAlignment, TimeStretchOptions } from './time-stretch.js';
export { TimeStretch } from './time-stretch.js';
