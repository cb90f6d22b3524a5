/**
 * The SFU of the signaling server: active-speaker selection, fixed outgoing slots with SSRC/sequence/
 * timestamp rewriting, per-participant statistics, and the werift peer connections that carry them.
 * Reached through `voxwire/webrtc` (it loads werift).
 */
export { type SfuSignalingChannel, sfuSignalingChannel } from './client-channel.js';
export type { SfuParticipantStats } from './participant-stats.js';
export type { SfuParticipantEvents, SfuParticipantOptions } from './participant-transport.js';
export { SfuParticipantTransport } from './participant-transport.js';
export type { SfuCodecName } from './peer.js';
export type { SfuRouterOptions, SfuSink } from './router.js';
export { SfuRouter } from './router.js';
export type { SfuServer, SfuServerOptions } from './serve.js';
export { startSfuServer } from './serve.js';
export type { SfuEvents, SfuOptions } from './sfu.js';
export { Sfu } from './sfu.js';
export { SfuRoom } from './sfu-room.js';
export type { SlotRewriterStats } from './slot-rewriter.js';
export { SlotRewriter } from './slot-rewriter.js';
export type { SpeakerSelectorConfig } from './speaker-selector.js';
export { SPEAKER_SELECTOR_DEFAULTS, SpeakerSelector } from './speaker-selector.js';
