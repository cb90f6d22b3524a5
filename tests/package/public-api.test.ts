import { describe, expect, it } from 'vitest';
import * as voxwire from '../../src/index.js';

// The public names are a contract: adding one is a decision, removing one is a breaking change.
// Update this list deliberately together with CHANGELOG.md.
const PUBLIC_VALUES = [
  'AUDIO_LEVEL_URI',
  'LoopbackTransport',
  'NetworkEmulator',
  'RED_MAX_BLOCK_BYTES',
  'RED_MAX_TIMESTAMP_OFFSET',
  'RealClock',
  'RedEncoder',
  'RedRecovery',
  'SDP_MAX_LENGTH',
  'STATIC_AUDIO_PAYLOAD_TYPES',
  'SafeEventEmitter',
  'UdpTransport',
  'VirtualClock',
  'VoxwireError',
  'answerDirection',
  'canReceiveDirection',
  'canSendDirection',
  'createAnswer',
  'createCallAnswer',
  'createOffer',
  'effectiveConnection',
  'effectiveDirection',
  'encodeRed',
  'gilbertElliottFromMeanLoss',
  'isAuxiliaryCodec',
  'isVoxwireError',
  'loadNetworkTrace',
  'mediaCodecs',
  'negotiated',
  'parseFmtpParameters',
  'parseNetworkTrace',
  'parseRed',
  'parseSdp',
  'redBlockFits',
  'redEncodedLength',
  'redFailureMessage',
  'sameCodec',
  'sdpCodecFromInfo',
  'startTicker',
  'writeSdp',
];

describe('public API', () => {
  it('exports exactly the pinned runtime names', () => {
    expect(Object.keys(voxwire).sort()).toEqual([...PUBLIC_VALUES].sort());
  });
});
