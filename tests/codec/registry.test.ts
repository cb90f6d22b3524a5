import { afterEach, describe, expect, it } from 'vitest';
import { G711Codec } from '../../src/codec/g711-codec.js';
import { OpusCodec } from '../../src/codec/opus.js';
import {
  CodecRegistry,
  createCodec,
  listCodecs,
  registerCodec,
  unregisterCodec,
} from '../../src/codec/registry.js';
import type { AudioCodec } from '../../src/codec/types.js';
import { isVoxwireError } from '../../src/errors.js';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isVoxwireError(error)) return { code: error.code, message: error.message };
    return { code: 'not a VoxwireError', message: String(error) };
  }
  return { code: 'no error', message: '' };
}

/** A tiny plugin codec: 8-bit linear PCM, one byte per sample. */
function createL8(options: Readonly<Record<string, unknown>>): AudioCodec {
  return {
    info: Object.freeze({
      name: 'l8',
      encodingName: 'L8',
      clockRateHz: 8000,
      sampleRateHz: 8000,
      channels: 1,
      payloadType: (options.payloadType as number | undefined) ?? 98,
      sdpChannels: 1,
      fmtp: '',
      frameDurationsMs: [20],
      supportsDtx: false,
    }),
    encode: (pcm) => Uint8Array.from(pcm, (s) => (s >> 8) + 128),
    decode: (payload) => Int16Array.from(payload, (b) => (b - 128) << 8),
    close: () => undefined,
  };
}

afterEach(() => {
  unregisterCodec('l8');
});

describe('codec registry', () => {
  it('creates the built-ins by name, in any letter case', () => {
    const pcmu = createCodec('pcmu');
    const pcma = createCodec('PCMA');
    const opus = createCodec('opus');
    expect(pcmu).toBeInstanceOf(G711Codec);
    expect(pcmu.info.encodingName).toBe('PCMU');
    expect(pcma.info.encodingName).toBe('PCMA');
    expect(opus).toBeInstanceOf(OpusCodec);
    for (const codec of [pcmu, pcma, opus]) codec.close();
  });

  it('passes options, with ptime and bitrate as aliases', () => {
    const opus = createCodec({ name: 'Opus', ptime: 20, bitrate: 24000, dtx: true }) as OpusCodec;
    expect(opus.info.frameDurationsMs).toEqual([20]);
    expect(opus.info.fmtp).toContain('usedtx=1');
    expect(opus.readEncoderSettings().bitrateBps).toBe(24000);
    opus.close();
    const pcmu = createCodec({ name: 'pcmu', ptime: 30 });
    expect(pcmu.info.frameDurationsMs).toEqual([30]);
    pcmu.close();
    expect(errorOf(() => createCodec({ name: 'opus', ptime: 20, frameDurationMs: 40 }))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(/ptime.*alias of frameDurationMs/),
    });
    expect(errorOf(() => createCodec({ name: 'opus', bitrate: 1 })).code).toBe('ERR_INVALID_OPTION');
    expect(errorOf(() => createCodec({ name: 'pcmu', bitrate: 64000 })).code).toBe('ERR_INVALID_OPTION');
  });

  it('names the registered codecs when a name is unknown', () => {
    const { code, message } = errorOf(() => createCodec('g722'));
    expect(code).toBe('ERR_CODEC_UNKNOWN');
    expect(message).toMatch(/"g722".*opus, pcmu, pcma/);
    expect(errorOf(() => createCodec({ name: 'not a name!' })).code).toBe('ERR_INVALID_OPTION');
    expect(errorOf(() => createCodec(42 as never)).code).toBe('ERR_INVALID_OPTION');
  });

  it('registers a plugin, selects it by name, and refuses a duplicate', () => {
    registerCodec('L8', createL8);
    const codec = createCodec({ name: 'l8', payloadType: 99 });
    expect(codec.info.payloadType).toBe(99);
    const pcm = Int16Array.from([0, 256, -256, 32512]);
    expect(Array.from(codec.decode(codec.encode(pcm)))).toEqual([0, 256, -256, 32512]);
    codec.close();
    expect(errorOf(() => registerCodec('l8', createL8))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
      message: expect.stringMatching(/already registered/),
    });
    registerCodec('l8', createL8, { replace: true });
    expect(errorOf(() => registerCodec('opus', createL8)).code).toBe('ERR_INVALID_OPTION');
    expect(errorOf(() => registerCodec('x', 'nope' as never)).code).toBe('ERR_INVALID_OPTION');
    expect(unregisterCodec('L8')).toBe(true);
    expect(unregisterCodec('l8')).toBe(false);
    expect(errorOf(() => createCodec('l8')).code).toBe('ERR_CODEC_UNKNOWN');
  });

  it('lists codecs with their SDP defaults, probing a plugin registered without them', () => {
    expect(listCodecs().slice(0, 3)).toEqual([
      {
        name: 'opus',
        sdp: {
          encodingName: 'opus',
          clockRateHz: 48000,
          sdpChannels: 2,
          payloadType: 111,
          fmtp: 'minptime=10;useinbandfec=1',
        },
      },
      {
        name: 'pcmu',
        sdp: { encodingName: 'PCMU', clockRateHz: 8000, sdpChannels: 1, payloadType: 0, fmtp: '' },
      },
      {
        name: 'pcma',
        sdp: { encodingName: 'PCMA', clockRateHz: 8000, sdpChannels: 1, payloadType: 8, fmtp: '' },
      },
    ]);
    registerCodec('l8', createL8);
    expect(listCodecs().at(-1)).toEqual({
      name: 'l8',
      sdp: { encodingName: 'L8', clockRateHz: 8000, sdpChannels: 1, payloadType: 98, fmtp: '' },
    });
  });

  it('the SDP defaults of the built-ins match what their default instances say', () => {
    for (const { name, sdp } of listCodecs()) {
      const codec = createCodec(name);
      const { encodingName, clockRateHz, sdpChannels, payloadType, fmtp } = codec.info;
      expect({ encodingName, clockRateHz, sdpChannels, payloadType, fmtp }).toEqual(sdp);
      codec.close();
    }
  });

  it('a separate registry is isolated and may start empty', () => {
    const registry = new CodecRegistry(false);
    expect(registry.list()).toEqual([]);
    expect(errorOf(() => registry.create('opus')).message).toMatch(/registered: none/);
    registry.register('l8', createL8);
    expect(registry.has('L8')).toBe(true);
    expect(registry.create('l8').info.name).toBe('l8');
    expect(errorOf(() => createCodec('l8')).code).toBe('ERR_CODEC_UNKNOWN');
    const broken = new CodecRegistry(false);
    broken.register('bad', () => ({}) as AudioCodec);
    expect(errorOf(() => broken.create('bad')).code).toBe('ERR_CODEC_FAILURE');
    broken.register('throws', () => {
      throw new Error('no');
    });
    expect(errorOf(() => broken.list()).code).toBe('ERR_CODEC_FAILURE');
  });
});
