import { describe, expect, it } from 'vitest';
import { OpusEngine } from '../../src/codec/opus-native.js';
import { measureOpusPacket, opusPacketDuration, parseOpusPacket } from '../../src/codec/opus-toc.js';
import { isVoxwireError } from '../../src/errors.js';

// RFC 6716 Table 2, written out by hand: [mode, bandwidth, frame ms] for configs 0–31.
const S = 'silk';
const H = 'hybrid';
const C = 'celt';
const TABLE: [string, string, number][] = [
  ...[10, 20, 40, 60].map((ms): [string, string, number] => [S, 'narrowband', ms]),
  ...[10, 20, 40, 60].map((ms): [string, string, number] => [S, 'mediumband', ms]),
  ...[10, 20, 40, 60].map((ms): [string, string, number] => [S, 'wideband', ms]),
  [H, 'superwideband', 10],
  [H, 'superwideband', 20],
  [H, 'fullband', 10],
  [H, 'fullband', 20],
  ...[2.5, 5, 10, 20].map((ms): [string, string, number] => [C, 'narrowband', ms]),
  ...[2.5, 5, 10, 20].map((ms): [string, string, number] => [C, 'wideband', ms]),
  ...[2.5, 5, 10, 20].map((ms): [string, string, number] => [C, 'superwideband', ms]),
  ...[2.5, 5, 10, 20].map((ms): [string, string, number] => [C, 'fullband', ms]),
];

function malformed(bytes: number[]): string {
  try {
    parseOpusPacket(Uint8Array.from(bytes));
  } catch (error) {
    return isVoxwireError(error, 'ERR_CODEC_MALFORMED') ? error.message : 'wrong error';
  }
  return 'accepted';
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Opus TOC parser', () => {
  it.each(TABLE.map((row, config) => ({ config, mode: row[0], bandwidth: row[1], ms: row[2] })))(
    'config $config: $mode $bandwidth $ms ms, mono and stereo, codes 0–3',
    ({ config, mode, bandwidth, ms }) => {
      const frame = ms * 48;
      for (const stereo of [false, true]) {
        const toc = (config << 3) | (stereo ? 4 : 0);
        const code0 = parseOpusPacket(Uint8Array.from([toc, 1, 2, 3]));
        expect(code0).toMatchObject({ config, mode, bandwidth, stereo, code: 0, frameCount: 1 });
        expect(code0.samplesPerFrame).toBe(frame);
        expect(code0.samplesPerChannel).toBe(frame);
        expect(code0.frameBytes).toEqual([3]);
        const code1 = parseOpusPacket(Uint8Array.from([toc | 1, 1, 2, 3, 4]));
        expect(code1).toMatchObject({
          code: 1,
          frameCount: 2,
          samplesPerChannel: 2 * frame,
          frameBytes: [2, 2],
        });
        const code2 = parseOpusPacket(Uint8Array.from([toc | 2, 1, 9, 8, 7]));
        expect(code2).toMatchObject({
          code: 2,
          frameCount: 2,
          samplesPerChannel: 2 * frame,
          frameBytes: [1, 2],
        });
        const count = Math.floor(120 / ms);
        const code3 = parseOpusPacket(Uint8Array.from([toc | 3, count, ...new Array(count * 2).fill(5)]));
        expect(code3).toMatchObject({ code: 3, frameCount: count, samplesPerChannel: count * frame });
        expect(code3.samplesPerChannel).toBe(5760);
        expect(malformed([toc | 3, count + 1, ...new Array(2 * count + 2).fill(5)])).toMatch(/120 ms/);
      }
    },
  );

  it('reads code 2 two-byte lengths and code 3 VBR lengths and padding', () => {
    // code 2, first frame 4·1 + 252 = 256 bytes, second 10 bytes
    const long = [(1 << 3) | 2, 252, 1, ...new Array(256 + 10).fill(1)];
    expect(parseOpusPacket(Uint8Array.from(long)).frameBytes).toEqual([256, 10]);
    // code 3 VBR, 3 frames of 1, 3, rest (2) bytes
    const vbr = parseOpusPacket(Uint8Array.from([(1 << 3) | 3, 0x80 | 3, 1, 3, 0, 0, 0, 0, 0, 0]));
    expect(vbr.frameBytes).toEqual([1, 3, 2]);
    // code 3 CBR with padding 254 + 1 = 255 bytes (two length bytes)
    const padded = [(1 << 3) | 3, 0x40 | 2, 255, 1, 7, 7, 7, 7, ...new Array(255).fill(0)];
    const info = parseOpusPacket(Uint8Array.from(padded));
    expect(info.frameBytes).toEqual([2, 2]);
    expect(info.paddingBytes).toBe(257);
    // a 1-byte packet is one empty frame: DTX or lost, concealed by the decoder
    expect(parseOpusPacket(Uint8Array.from([8])).frameBytes).toEqual([0]);
  });

  it('rejects malformed packets with ERR_CODEC_MALFORMED and a reason', () => {
    expect(malformed([])).toMatch(/empty/);
    expect(malformed([8 | 1, 1, 2, 3])).toMatch(/even/);
    expect(malformed([8 | 2])).toMatch(/length byte/);
    expect(malformed([8 | 2, 252])).toMatch(/length byte/);
    expect(malformed([8 | 2, 5, 1, 2])).toMatch(/past the end/);
    expect(malformed([8 | 3])).toMatch(/count byte/);
    expect(malformed([8 | 3, 0])).toMatch(/count is 0/);
    expect(malformed([8 | 3, 7, ...new Array(14).fill(0)])).toMatch(/120 ms/); // 7 × 20 ms
    expect(malformed([8 | 3, 0x40 | 1, 10, 1])).toMatch(/padding/);
    expect(malformed([8 | 3, 0x40 | 1, 255])).toMatch(/padding/);
    expect(malformed([8 | 3, 3, 1, 2, 3, 4])).toMatch(/divide/);
    expect(malformed([8 | 3, 0x80 | 2, 9, 1])).toMatch(/past the end/);
    expect(malformed([8, ...new Array(1276).fill(0)])).toMatch(/1275/);
    expect(malformed([8 | 1, ...new Array(2552).fill(0)])).toMatch(/1275/);
  });

  it('gives durations at other rates without throwing', () => {
    const packet = Uint8Array.from([(1 << 3) | 1, 0, 0]); // 2 × 20 ms
    expect(opusPacketDuration(packet)).toBe(1920);
    expect(opusPacketDuration(packet, 16000)).toBe(640);
    expect(opusPacketDuration(packet, 8000)).toBe(320);
    expect(opusPacketDuration(new Uint8Array(0))).toBe(-1);
  });

  it('agrees with libopus on which of 20 000 random packets are valid', () => {
    const engine = new OpusEngine(48000, 1, 2048);
    const random = seeded(7);
    let disagreements = 0;
    let valid = 0;
    for (let k = 0; k < 20000; k++) {
      const n = 1 + Math.floor(random() * (random() < 0.1 ? 2000 : 24));
      const p = new Uint8Array(n);
      for (let i = 0; i < n; i++) p[i] = Math.floor(random() * 256);
      if (n > 1 && random() < 0.5) p[1] = (p[1] & 0xc0) | Math.floor(random() * 8);
      if (n > 2 && random() < 0.3) p[2] = random() < 0.5 ? 255 : 252;
      const ours = measureOpusPacket(p) >= 0;
      if (ours) valid++;
      const libopus = engine.decode(p) !== -4; // OPUS_INVALID_PACKET
      if (ours !== libopus) disagreements++;
    }
    engine.free();
    expect(disagreements).toBe(0);
    expect(valid).toBeGreaterThan(2000);
    expect(valid).toBeLessThan(18000);
  });
});
