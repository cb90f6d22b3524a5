/**
 * Interop with real WAV writers and readers: files ffmpeg and sox write (to files and to pipes, with
 * their streaming placeholder sizes) read back equal to the source within the format's precision,
 * and every file voxwire writes decodes in ffmpeg to the samples voxwire reads.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../src/audio/g711.js';
import {
  encodeWav,
  readWav,
  readWavFile,
  WAV_ENCODINGS,
  type WavAudio,
  wavToInt16,
  writeWavFile,
} from '../../src/audio/wav/index.js';
import { peerAvailable } from '../helpers/peers.js';
import { snrDb } from '../helpers/signal.js';

const hasFfmpeg = peerAvailable('ffmpeg');
const hasSox = peerAvailable('sox', ['--version']);

function run(command: string, args: string[]): Buffer {
  const result = spawnSync(command, args, { maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Deterministic stereo test signal as Int16: two tones plus a little noise. */
function sourcePcm(channels: number, frames: number): Int16Array {
  const pcm = new Int16Array(channels * frames);
  let state = 12345;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      const noise = ((state >>> 16) / 65536 - 0.5) * 2000;
      const tone = 20000 * Math.sin((2 * Math.PI * (300 + 200 * c) * i) / 8000);
      pcm[i * channels + c] = Math.round(tone + noise);
    }
  }
  return pcm;
}

function asFloat(pcm: Int16Array): Float32Array {
  return Float32Array.from(pcm, (x) => x / 32768);
}

/** Fraction of samples equal in both arrays. */
function equalFraction(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/**
 * G.711 from another implementation. ffmpeg and sox round some decision thresholds differently from
 * ITU-T G.191 (about 2% of codes differ by one step), so the check is: most codes equal ours and the
 * SNR against the source matches G.711's within 0.5 dB (a wrong law or byte order fails both).
 */
function expectG711(audio: WavAudio, pcm: Int16Array, law: 'mulaw' | 'alaw'): void {
  const ours = law === 'mulaw' ? decodeMuLaw(encodeMuLaw(pcm)) : decodeALaw(encodeALaw(pcm));
  expect(audio.encoding).toBe(law);
  expect(audio.samples.length).toBe(pcm.length);
  expect(equalFraction(wavToInt16(audio), ours)).toBeGreaterThan(0.95);
  const source = asFloat(pcm);
  expect(Math.abs(snrDb(source, audio.samples) - snrDb(source, asFloat(ours)))).toBeLessThan(0.5);
}

describe.runIf(hasFfmpeg || hasSox)('WAV interop with ffmpeg and sox', () => {
  let dir = '';
  const channels = 2;
  const frames = 4000; // 0.5 s at 8 kHz
  const pcm = sourcePcm(channels, frames);
  const quadPcm = sourcePcm(4, 800);
  const source = () => join(dir, 'source.wav');
  const quad = () => join(dir, 'quad.wav');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxwire-wav-peers-'));
    await writeWavFile(source(), { sampleRateHz: 8000, channels, encoding: 'pcm16', samples: pcm });
    await writeWavFile(quad(), { sampleRateHz: 8000, channels: 4, encoding: 'pcm16', samples: quadPcm });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const expectExact = (audio: WavAudio, reference: Int16Array, ch = channels) => {
    expect(audio.channels).toBe(ch);
    expect(audio.sampleRateHz).toBe(8000);
    expect(audio.samples).toEqual(asFloat(reference));
  };

  describe.runIf(hasFfmpeg)('files ffmpeg writes', () => {
    const ffmpeg = (input: string, codec: string, out: string) =>
      run('ffmpeg', ['-v', 'error', '-y', '-i', input, '-c:a', codec, join(dir, out)]);

    for (const [codec, encoding] of [
      ['pcm_s24le', 'pcm24'],
      ['pcm_s32le', 'pcm32'],
      ['pcm_f32le', 'float32'],
      ['pcm_f64le', 'float64'],
    ] as const) {
      it(`${codec} reads back bit-exact`, async () => {
        ffmpeg(source(), codec, `ff-${codec}.wav`);
        const audio = await readWavFile(join(dir, `ff-${codec}.wav`), { strict: true });
        expect(audio.encoding).toBe(encoding);
        expectExact(audio, pcm);
      });
    }

    it('pcm_u8 reads back within one 8-bit step', async () => {
      ffmpeg(source(), 'pcm_u8', 'ff-u8.wav');
      const audio = await readWavFile(join(dir, 'ff-u8.wav'), { strict: true });
      expect(audio.encoding).toBe('pcm8');
      expect(maxAbsError(audio.samples, asFloat(pcm))).toBeLessThanOrEqual(1 / 128);
    });

    for (const [codec, law] of [
      ['pcm_mulaw', 'mulaw'],
      ['pcm_alaw', 'alaw'],
    ] as const) {
      it(`${codec} reads back as G.711 of the source`, async () => {
        ffmpeg(source(), codec, `ff-${law}.wav`);
        expectG711(await readWavFile(join(dir, `ff-${law}.wav`), { strict: true }), pcm, law);
      });
    }

    it('4-channel 24-bit (WAVE_FORMAT_EXTENSIBLE) reads back bit-exact', async () => {
      ffmpeg(quad(), 'pcm_s24le', 'ff-quad24.wav');
      const audio = await readWavFile(join(dir, 'ff-quad24.wav'), { strict: true });
      expect(audio).toMatchObject({ extensible: true, encoding: 'pcm24', channels: 4 });
      expectExact(audio, quadPcm, 4);
    });

    it('a WAV piped to stdout (sizes 0xFFFFFFFF) reads whole, flagged truncated', () => {
      const piped = run('ffmpeg', ['-v', 'error', '-i', source(), '-c:a', 'pcm_s16le', '-f', 'wav', '-']);
      expect(piped.readUInt32LE(4)).toBe(0xffffffff);
      const audio = readWav(piped);
      expect(audio.truncated).toBe(true);
      expectExact(audio, pcm);
    });

    it('ffmpeg decodes every encoding voxwire writes to the samples voxwire reads', () => {
      // One ffmpeg process, one input and one raw f32le output per file (process start-up dominates).
      const files = WAV_ENCODINGS.flatMap((encoding) =>
        [pcm, quadPcm].map((samples, index) => {
          const ch = index === 0 ? channels : 4;
          const bytes = encodeWav({ sampleRateHz: 8000, channels: ch, encoding, samples });
          const path = join(dir, `vx-${encoding}-${ch}.wav`);
          writeFileSync(path, bytes);
          return { name: `${encoding} ${ch}ch`, path, bytes };
        }),
      );
      const args = ['-v', 'error', '-y'];
      for (const file of files) args.push('-i', file.path);
      files.forEach((file, index) => {
        args.push('-map', `${index}:a`, '-f', 'f32le', '-c:a', 'pcm_f32le', `${file.path}.f32`);
      });
      run('ffmpeg', args);
      for (const file of files) {
        const raw = readFileSync(`${file.path}.f32`);
        const theirs = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
        const ours = readWav(file.bytes).samples;
        expect(theirs.length, file.name).toBe(ours.length);
        expect(maxAbsError(theirs, ours), file.name).toBeLessThanOrEqual(1e-7);
      }
    });
  });

  describe.runIf(hasSox)('files sox writes', () => {
    const sox = (args: string[], out: string) => run('sox', [source(), ...args, join(dir, out)]);

    it('24-bit, 32-bit float and 32-bit PCM read back bit-exact', async () => {
      for (const [args, encoding] of [
        [['-b', '24'], 'pcm24'],
        [['-e', 'floating-point', '-b', '32'], 'float32'],
        [['-e', 'signed-integer', '-b', '32'], 'pcm32'],
      ] as const) {
        sox([...args], `sox-${encoding}.wav`);
        const audio = await readWavFile(join(dir, `sox-${encoding}.wav`), { strict: true });
        expect(audio.encoding).toBe(encoding);
        expectExact(audio, pcm);
      }
    });

    it('8-bit without dither reads back within one 8-bit step', async () => {
      run('sox', ['-D', source(), '-b', '8', join(dir, 'sox-u8.wav')]);
      const audio = await readWavFile(join(dir, 'sox-u8.wav'), { strict: true });
      expect(audio.encoding).toBe('pcm8');
      expect(maxAbsError(audio.samples, asFloat(pcm))).toBeLessThanOrEqual(1 / 128);
    });

    for (const [name, law] of [
      ['u-law', 'mulaw'],
      ['a-law', 'alaw'],
    ] as const) {
      it(`${name} reads back as G.711 of the source`, async () => {
        sox(['-e', name], `sox-${law}.wav`);
        expectG711(await readWavFile(join(dir, `sox-${law}.wav`), { strict: true }), pcm, law);
      });
    }

    it('a WAV piped to stdout (sizes near 2^31) reads whole, flagged truncated', () => {
      // Raw input from a pipe: sox cannot know the length, so it writes placeholder sizes.
      const raw = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
      const result = spawnSync(
        'sox',
        ['-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '2', '-', '-t', 'wav', '-'],
        {
          input: raw,
          maxBuffer: 64 << 20,
        },
      );
      expect(result.status).toBe(0);
      const piped = result.stdout;
      expect(piped.readUInt32LE(4)).toBeGreaterThan(0x7f000000);
      const audio = readWav(piped);
      expect(audio.truncated).toBe(true);
      expectExact(audio, pcm);
    });
  });
});
