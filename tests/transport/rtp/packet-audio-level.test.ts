import { describe, expect, it } from 'vitest';
import { RtpHeader as WeriftHeader, RtpPacket as WeriftPacket } from 'werift';
import { audioLevel } from '../../../src/audio/index.js';
import { isVoxwireError } from '../../../src/errors.js';
import {
  AUDIO_LEVEL_URI,
  decodeAudioLevel,
  encodeAudioLevel,
  findHeaderExtension,
  parseRtpPacket,
  serializeRtpPacket,
  writeAudioLevel,
} from '../../../src/transport/rtp/index.js';

describe('RFC 6464 audio level', () => {
  it('has the registered URI', () => {
    expect(AUDIO_LEVEL_URI).toBe('urn:ietf:params:rtp-hdrext:ssrc-audio-level');
  });

  it('encodes V in the top bit and -dBov below', () => {
    expect(encodeAudioLevel({ voiceActivity: true, levelDbov: 16 })).toBe(0x90);
    expect(encodeAudioLevel({ voiceActivity: false, levelDbov: 127 })).toBe(0x7f);
    expect(decodeAudioLevel(0x90)).toEqual({ voiceActivity: true, levelDbov: 16 });
    expect(decodeAudioLevel(new Uint8Array([0x05, 0xff]))).toEqual({ voiceActivity: false, levelDbov: 5 });
    expect(decodeAudioLevel(new Uint8Array(0))).toBeUndefined();
    for (let b = 0; b < 256; b++) expect(encodeAudioLevel(decodeAudioLevel(b)!)).toBe(b);
  });

  it('rejects levels outside 0–127', () => {
    for (const levelDbov of [-1, 128, 3.5, Number.NaN]) {
      let error: unknown;
      try {
        writeAudioLevel({ voiceActivity: false, levelDbov });
      } catch (e) {
        error = e;
      }
      expect(isVoxwireError(error, 'ERR_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('measures frames in -dBov', () => {
    const square = new Int16Array(480).map((_, i) => (i % 2 ? 32767 : -32768));
    expect(audioLevel(square)).toBe(0);
    const sine = new Float32Array(480).map((_, i) => Math.sin((2 * Math.PI * 1000 * i) / 48000));
    expect(audioLevel(sine)).toBe(3);
    expect(audioLevel(sine.map((v) => v * 0.01))).toBe(43);
    expect(audioLevel(new Int16Array(480))).toBe(127);
    expect(audioLevel(new Int16Array(480).fill(1))).toBe(90);
  });
});

describe('interop with werift RtpPacket', () => {
  it('werift parses what we write', () => {
    const bytes = serializeRtpPacket(
      {
        marker: true,
        payloadType: 111,
        sequenceNumber: 4321,
        timestamp: 960000,
        ssrc: 0x11223344,
        csrcs: [5],
        extensions: [{ id: 1, data: writeAudioLevel({ voiceActivity: true, levelDbov: 30 }) }],
      },
      new Uint8Array(100).fill(9),
    );
    const w = WeriftPacket.deSerialize(Buffer.from(bytes));
    expect(w.header.marker).toBe(true);
    expect(w.header.payloadType).toBe(111);
    expect(w.header.sequenceNumber).toBe(4321);
    expect(w.header.timestamp).toBe(960000);
    expect(w.header.ssrc).toBe(0x11223344);
    expect(w.header.csrc).toEqual([5]);
    expect(w.header.extensions).toHaveLength(1);
    expect(w.header.extensions[0].id).toBe(1);
    expect([...w.header.extensions[0].payload]).toEqual([0x80 | 30]);
    expect(w.payload.length).toBe(100);
  });

  it('we parse what werift writes (one-byte and two-byte forms)', () => {
    for (const profile of [0xbede, 0x1000] as const) {
      const header = new WeriftHeader({
        payloadType: 0,
        sequenceNumber: 7,
        timestamp: 160,
        ssrc: 99,
        marker: false,
        extension: true,
        extensionProfile: profile,
        extensions: [
          { id: 1, payload: Buffer.from([0x7f]) },
          { id: 3, payload: Buffer.from([1, 2, 3]) },
        ],
      });
      const bytes = new WeriftPacket(header, Buffer.alloc(160, 0xff)).serialize();
      const p = parseRtpPacket(new Uint8Array(bytes));
      expect(p.extensionProfile).toBe(profile);
      expect(p.sequenceNumber).toBe(7);
      expect(decodeAudioLevel(findHeaderExtension(p.extensions, 1)!.data)).toEqual({
        voiceActivity: false,
        levelDbov: 127,
      });
      expect([...findHeaderExtension(p.extensions, 3)!.data]).toEqual([1, 2, 3]);
      expect(p.payload.length).toBe(160);
    }
  });
});
