import { describe, expect, it } from 'vitest';
import * as webrtc from '../../src/webrtc.js';

// The names of the `voxwire/webrtc` subpath are a contract, like the main entry's.
const PUBLIC_VALUES = [
  'CLOSE_CODES',
  'FIELD_LIMITS',
  'PARTICIPANT_ROLES',
  'Room',
  'SERVER_PEER_ID',
  'SIGNALING_PROTOCOL_VERSION',
  'SPEAKER_SELECTOR_DEFAULTS',
  'Sfu',
  'SfuParticipantTransport',
  'SfuRoom',
  'SfuRouter',
  'SignalingClient',
  'SignalingServer',
  'SlotRewriter',
  'SpeakerSelector',
  'TokenBucket',
  'WebRtcTransport',
  'backoffDelayMs',
  'clockUnixMs',
  'createMemorySignalingPair',
  'createRoomToken',
  'parseClientMessage',
  'parseServerMessage',
  'sfuSignalingChannel',
  'signalingClientChannel',
  'startSfuServer',
  'verifyRoomToken',
];

describe('public API of voxwire/webrtc', () => {
  it('exports exactly the pinned runtime names', () => {
    expect(Object.keys(webrtc).sort()).toEqual([...PUBLIC_VALUES].sort());
  });
});
