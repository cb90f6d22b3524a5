/**
 * WebRTC transport over werift (the only folder, with `src/webrtc.ts`, that imports it): reached
 * through the `voxwire/webrtc` subpath only.
 */
export type { WebRtcTransportOptions } from './options.js';
export { createMemorySignalingPair, signalingClientChannel } from './signaling-adapters.js';
export type { WebRtcTransportEvents } from './transport.js';
export { WebRtcTransport } from './transport.js';
export type {
  WebRtcCandidatePairStats,
  WebRtcCodecName,
  WebRtcConnectionState,
  WebRtcIceServer,
  WebRtcNegotiatedAudio,
  WebRtcSignal,
  WebRtcSignaling,
  WebRtcTransportStats,
} from './types.js';
