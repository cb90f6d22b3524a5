/**
 * The voice session: the facade that wires capture, processing, codec, RTP and playout into a call,
 * its statistics with an ITU-T G.107 MOS estimate, and `simulateCall` for offline studies.
 */
export type { CodecImpairment, EModelInput, EModelResult } from './e-model.js';
export { codecImpairment, eModelRating, mosFromR } from './e-model.js';
export type { SessionCodec, VoiceSessionOptions } from './options.js';
export type { SessionProcessor } from './processor.js';
export type { SimulateCallOptions, SimulatedCall, SimulatedSide, SimulatedSpeech } from './simulate.js';
export { simulateCall } from './simulate.js';
export type { MosEstimate, VoiceSessionStats } from './stats.js';
export type { VoiceSessionEvents, VoiceSessionState } from './voice-session.js';
export { VoiceSession } from './voice-session.js';
