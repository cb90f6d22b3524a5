/**
 * The receive side's playout (after libwebrtc NetEQ): packet buffer, delay manager, a pure decision
 * function, and the `Playout` that decodes at play time and conceals, merges and time-stretches.
 * The signal operations themselves live in `./dsp`.
 */
export type { Concealer } from './concealer.js';
export { CodecConcealer } from './concealer.js';
export type { DecisionInput, NextPacketState, PlayoutOperation } from './decision.js';
export { decide, stretchLimits } from './decision.js';
export { DelayManager } from './delay-manager.js';
export type {
  BackgroundNoiseOptions,
  CnParameters,
  ExpandOptions,
  MergeOptions,
  MergeSource,
  PitchEstimatorOptions,
  StretchAlignment,
  TimeStretchOptions,
} from './dsp/index.js';
export {
  BackgroundNoiseEstimator,
  ComfortNoiseGenerator,
  createCnParameters,
  DSP_SAMPLE_RATES_HZ,
  decodeCnPayload,
  Expand,
  encodeCnPayload,
  MAX_LPC_ORDER,
  MAX_PITCH_MS,
  Merge,
  MIN_PITCH_MS,
  normalisedCorrelation,
  PitchEstimator,
  TimeStretch,
} from './dsp/index.js';
export type { DelayManagerConfig, PlayoutConcealment, PlayoutOptions } from './options.js';
export { defaultConcealment } from './options.js';
export type { PlayoutPacket } from './packet-buffer.js';
export type { PlayoutDeps, PlayoutFrame } from './playout.js';
export { createPlayout, Playout } from './playout.js';
export type { PlayoutStats } from './stats.js';
