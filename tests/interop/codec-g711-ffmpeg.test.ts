/**
 * G.711 against ffmpeg's pcm_mulaw / pcm_alaw.
 *
 * ffmpeg's decoders are the classic Sun g711.c expansions and equal G.191 for all 256 codes. Its
 * encoders are not G.191: libavcodec/pcm_tablegen.h builds one 16 384-entry table per law, indexed by
 * `(x + 32768) >> 2` (14 MSBs, A-law included), in which
 *   - the decision threshold between magnitude levels i and i+1 is their rounded midpoint,
 *     `(level(i) + level(i+1) + 4) >> 3` in units of 4 LSB (G.711 puts segment-edge thresholds off
 *     the midpoint, and A-law G.191 looks at 4-LSB granules only through its 13 MSBs);
 *   - the negative side mirrors the positive one around index 8192, i.e. a negative sample's
 *     magnitude is taken as `ceil(-x / 4)` granules, one granule above G.191's one's-complement
 *     fold `(~x) >> 2`.
 * The sweep test rebuilds that table from our (shared) decode levels and requires ffmpeg to equal it
 * on all 65 536 inputs, then pins how far it is from G.191 (every difference is one quantisation step).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../src/audio/g711.js';
import { mediaPath, peerAvailable } from '../helpers/peers.js';
import { alignedCorrelation, snrDb } from '../helpers/signal.js';
import { pcm16Samples, readWav, s16leBytes, s16leSamples, WAV_FORMAT } from '../helpers/wav-lite.js';

/** Runs ffmpeg with `input` on stdin and returns its stdout. */
function ffmpeg(args: string[], input?: Uint8Array): Uint8Array {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30_000,
  });
  expect(result.status, result.stderr?.toString()).toBe(0);
  return new Uint8Array(result.stdout);
}

interface Law {
  name: 'mulaw' | 'alaw';
  codec: string;
  formatTag: number;
  /** XOR that maps ffmpeg's level index 0–127 to the positive code (pcm_tablegen.h). */
  mask: number;
  encode: (pcm: Int16Array) => Uint8Array;
  decode: (codes: Uint8Array) => Int16Array;
  /** Inputs where ffmpeg's code differs from G.191: [positive, negative] samples. */
  differing: [number, number];
  /** Of those: ffmpeg's level nearer the input, G.191's nearer, equally near. */
  nearer: { ffmpeg: number; g191: number; tie: number };
}

const LAWS: Law[] = [
  {
    name: 'mulaw',
    codec: 'pcm_mulaw',
    formatTag: WAV_FORMAT.mulaw,
    mask: 0xff,
    encode: (pcm) => encodeMuLaw(pcm),
    decode: (codes) => decodeMuLaw(codes),
    differing: [256, 708],
    nearer: { ffmpeg: 482, g191: 361, tie: 121 },
  },
  {
    name: 'alaw',
    codec: 'pcm_alaw',
    formatTag: WAV_FORMAT.alaw,
    mask: 0xd5,
    encode: (pcm) => encodeALaw(pcm),
    decode: (codes) => decodeALaw(codes),
    differing: [252, 712],
    nearer: { ffmpeg: 480, g191: 363, tie: 121 },
  },
];

/** ffmpeg's encode table (pcm_tablegen.h `build_xlaw_table`), rebuilt from the decode levels. */
function ffmpegEncodeTable(levels: Int16Array, mask: number): Uint8Array {
  const table = new Uint8Array(16384);
  let j = 0;
  for (let i = 0; i < 128; i++) {
    const threshold = i === 127 ? 8192 : (levels[i ^ mask] + levels[(i + 1) ^ mask] + 4) >> 3;
    for (; j < threshold; j++) {
      table[8192 + j] = i ^ mask;
      if (j > 0) table[8192 - j] = i ^ mask ^ 0x80;
    }
  }
  table[0] = table[1];
  return table;
}

const run = peerAvailable('ffmpeg');
const dir = mkdtempSync(join(tmpdir(), 'voxwire-g711-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!run).each(LAWS)('G.711 $name vs ffmpeg $codec', (law) => {
  const raw = ['-f', law.name, '-ar', '8000', '-ac', '1'];
  const allCodes = Uint8Array.from({ length: 256 }, (_, code) => code);

  it('decodes all 256 codes exactly as ffmpeg does', () => {
    const theirs = s16leSamples(ffmpeg([...raw, '-i', 'pipe:0', '-f', 's16le', 'pipe:1'], allCodes));
    expect(Array.from(theirs)).toEqual(Array.from(law.decode(allCodes)));
  });

  it('matches the characterised ffmpeg encoder on all 65 536 inputs', () => {
    const sweep = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const theirs = ffmpeg(
      ['-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', law.name, 'pipe:1'],
      s16leBytes(sweep),
    );
    expect(theirs.length).toBe(65536);

    const levels = law.decode(allCodes);
    const model = ffmpegEncodeTable(levels, law.mask);
    let modelMismatches = 0;
    for (let i = 0; i < sweep.length; i++)
      if (theirs[i] !== model[(sweep[i] + 32768) >> 2]) modelMismatches++;
    expect(modelMismatches).toBe(0);

    const ours = law.encode(sweep);
    const sortedLevels = Array.from(levels).sort((a, b) => a - b);
    const differing: [number, number] = [0, 0];
    const nearer = { ffmpeg: 0, g191: 0, tie: 0 };
    let notAdjacent = 0;
    for (let i = 0; i < sweep.length; i++) {
      if (theirs[i] === ours[i]) continue;
      const x = sweep[i];
      differing[x >= 0 ? 0 : 1]++;
      const a = levels[ours[i]];
      const b = levels[theirs[i]];
      // One quantisation step: no reconstruction level strictly between the two.
      if (sortedLevels.some((v) => v > Math.min(a, b) && v < Math.max(a, b))) notAdjacent++;
      const errOurs = Math.abs(a - x);
      const errTheirs = Math.abs(b - x);
      if (errTheirs < errOurs) nearer.ffmpeg++;
      else if (errOurs < errTheirs) nearer.g191++;
      else nearer.tie++;
    }
    expect(notAdjacent).toBe(0);
    expect(differing).toEqual(law.differing);
    expect(nearer).toEqual(law.nearer);
  });

  it('ffmpeg-encoded speech (WAV) decodes to the source: correlation ≥ 0.99, SNR ≥ 30 dB', () => {
    const source = pcm16Samples(readWav(mediaPath('speech-a-8k.wav')));
    const file = join(dir, `speech.${law.name}.wav`);
    ffmpeg(['-i', mediaPath('speech-a-8k.wav'), '-c:a', law.codec, file]);
    const wav = readWav(file);
    expect(wav.formatTag).toBe(law.formatTag);
    expect(wav.sampleRateHz).toBe(8000);
    expect(wav.data.length).toBe(source.length);

    const decoded = law.decode(wav.data);
    const { lag, correlation } = alignedCorrelation(source, decoded, 40);
    expect(lag).toBe(0);
    expect(correlation).toBeGreaterThanOrEqual(0.99);
    expect(snrDb(source, decoded)).toBeGreaterThanOrEqual(30);
  });

  it('voxwire-encoded speech decodes in ffmpeg, bit-exact with our decoder', () => {
    const source = pcm16Samples(readWav(mediaPath('speech-a-8k.wav')));
    const codes = law.encode(source);
    const theirs = s16leSamples(ffmpeg([...raw, '-i', 'pipe:0', '-f', 's16le', 'pipe:1'], codes));
    expect(theirs.length).toBe(source.length);
    expect(Array.from(theirs)).toEqual(Array.from(law.decode(codes)));

    const { lag, correlation } = alignedCorrelation(source, theirs, 40);
    expect(lag).toBe(0);
    expect(correlation).toBeGreaterThanOrEqual(0.99);
    expect(snrDb(source, theirs)).toBeGreaterThanOrEqual(30);
  });
});
