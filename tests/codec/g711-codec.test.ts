import { describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../src/audio/g711.js';
import { createPcmaCodec, createPcmuCodec, G711Codec } from '../../src/codec/g711-codec.js';
import type { AudioCodec } from '../../src/codec/types.js';
import { isVoxwireError, type VoxwireErrorCode } from '../../src/errors.js';
import { sine } from '../helpers/signal.js';

function codeOf(fn: () => unknown): VoxwireErrorCode | 'no error' | 'not a VoxwireError' {
  try {
    fn();
  } catch (error) {
    return isVoxwireError(error) ? error.code : 'not a VoxwireError';
  }
  return 'no error';
}

function tone(samples: number): Int16Array {
  return Int16Array.from(sine(440, 8000, samples, 0.5), (v) => Math.round(v * 32767));
}

describe.each([
  { name: 'pcmu', create: createPcmuCodec, encode: encodeMuLaw, decode: decodeMuLaw, pt: 0, enc: 'PCMU' },
  { name: 'pcma', create: createPcmaCodec, encode: encodeALaw, decode: decodeALaw, pt: 8, enc: 'PCMA' },
])('$name codec', ({ name, create, encode, decode, pt, enc }) => {
  it('describes itself for RTP and SDP', () => {
    const codec = create();
    expect(codec.info).toEqual({
      name,
      encodingName: enc,
      clockRateHz: 8000,
      sampleRateHz: 8000,
      channels: 1,
      payloadType: pt,
      sdpChannels: 1,
      fmtp: '',
      frameDurationsMs: [10, 20, 30, 40, 50, 60],
      supportsDtx: false,
    });
    expect(Object.isFrozen(codec.info)).toBe(true);
    expect((codec as AudioCodec).conceal).toBeUndefined();
  });

  it('encodes and decodes 10–60 ms frames like the pure functions', () => {
    const codec = create();
    for (const ms of [10, 20, 30, 40, 50, 60]) {
      const pcm = tone(ms * 8);
      const payload = codec.encode(pcm);
      expect(Array.from(payload)).toEqual(Array.from(encode(pcm)));
      const decoded = codec.decode(payload);
      expect(Array.from(decoded)).toEqual(Array.from(decode(encode(pcm))));
    }
  });

  it('reuses its internal buffers: a steady frame size returns the same view every time', () => {
    const codec = create();
    const a = codec.encode(tone(160));
    const b = codec.encode(tone(160));
    expect(b).toBe(a);
    const c = codec.decode(a);
    const d = codec.decode(b);
    expect(d).toBe(c);
    // A different size gets another view of the same memory.
    const e = codec.encode(tone(240));
    expect(e.buffer).toBe(a.buffer);
    expect(e.length).toBe(240);
  });

  it('writes into a caller buffer when given one', () => {
    const codec = create();
    const pcm = tone(160);
    const out = new Uint8Array(160);
    expect(codec.encode(pcm, out)).toBe(out);
    const pcmOut = new Int16Array(200);
    const decoded = codec.decode(out, pcmOut);
    expect(decoded.buffer).toBe(pcmOut.buffer);
    expect(decoded.length).toBe(160);
    expect(codeOf(() => codec.encode(pcm, new Uint8Array(100)))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => codec.decode(out, new Int16Array(100)))).toBe('ERR_INVALID_ARGUMENT');
  });

  it('rejects frames that are not 10–60 ms in 10 ms steps', () => {
    const codec = create();
    for (const samples of [0, 1, 79, 81, 159, 161, 560, 960]) {
      expect(codeOf(() => codec.encode(new Int16Array(samples)))).toBe('ERR_INVALID_ARGUMENT');
    }
  });

  it('decodes payloads of any length from a peer, growing its buffer for long ones', () => {
    const codec = create();
    expect(codec.decode(new Uint8Array(0)).length).toBe(0);
    expect(codec.decode(new Uint8Array(1)).length).toBe(1);
    const long = encode(tone(1600)); // 200 ms, longer than the initial 60 ms buffer
    expect(Array.from(codec.decode(long))).toEqual(Array.from(decode(long)));
    expect(codec.decode(encode(tone(37))).length).toBe(37);
  });

  it('takes payloadType and frameDurationMs options and rejects others', () => {
    const dynamic = create({ payloadType: 100 });
    expect(dynamic.info.payloadType).toBe(100);
    const fixed = create({ frameDurationMs: 30 });
    expect(fixed.info.frameDurationsMs).toEqual([30]);
    expect(fixed.encode(tone(240)).length).toBe(240);
    expect(codeOf(() => fixed.encode(tone(160)))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => create({ payloadType: 128 }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => create({ payloadType: 1.5 }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => create({ frameDurationMs: 25 }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => create({ bitrateBps: 64000 } as never))).toBe('ERR_INVALID_OPTION');
    expect(() => create({ frameDurationMs: 25 })).toThrow(/frameDurationMs: 25/);
  });

  it('throws ERR_INVALID_STATE after close(); closing twice is harmless', () => {
    const codec = create();
    const payload = codec.encode(tone(160));
    codec.close();
    codec.close();
    expect(codeOf(() => codec.encode(tone(160)))).toBe('ERR_INVALID_STATE');
    expect(codeOf(() => codec.decode(payload))).toBe('ERR_INVALID_STATE');
  });
});

describe('G711Codec', () => {
  it('rejects an unknown law', () => {
    expect(codeOf(() => new G711Codec('ulaw' as never))).toBe('ERR_INVALID_OPTION');
  });

  it('keeps a 1 kHz tone at the SNR G.711 is known for (about 38 dB at -6 dBFS)', () => {
    for (const codec of [createPcmuCodec(), createPcmaCodec()]) {
      const pcm = tone(160);
      const decoded = codec.decode(codec.encode(pcm));
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < pcm.length; i++) {
        signal += pcm[i] ** 2;
        noise += (pcm[i] - decoded[i]) ** 2;
      }
      const snr = 10 * Math.log10(signal / noise);
      expect(snr).toBeGreaterThan(35);
      expect(snr).toBeLessThan(42);
    }
  });
});
