/**
 * Opus against ffmpeg, through Ogg Opus files (RFC 7845) read and written by tests/helpers/ogg-opus:
 * ffmpeg (libopus, or its native encoder when libopus is absent) encodes speech → voxwire decodes;
 * voxwire encodes → ffmpeg decodes. Pre-skip and end trimming are honoured on both sides, so the
 * decoded speech must line up with the source to within a few samples, not just correlate.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createOpusCodec } from '../../src/codec/opus.js';
import { opusPacketSamples48k, readOggOpus, writeOggOpus } from '../helpers/ogg-opus.js';
import { mediaPath, peerAvailable } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';
import { pcm16Samples, readWav, s16leBytes, s16leSamples } from '../helpers/wav-lite.js';

/** Runs ffmpeg with `input` on stdin and returns its stdout. */
function ffmpeg(args: string[], input?: Uint8Array): Uint8Array {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    input,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  expect(result.status, result.stderr?.toString()).toBe(0);
  return new Uint8Array(result.stdout);
}

/** The Opus encoder ffmpeg has: libopus when built in, else its native (CELT-only, experimental) one. */
function ffmpegOpusEncoder(): string[] {
  const list = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' }).stdout ?? '';
  return /\blibopus\b/.test(list) ? ['-c:a', 'libopus'] : ['-c:a', 'opus', '-strict', '-2'];
}

/** Channel `channel` of interleaved `pcm`. */
function channelOf(pcm: Int16Array, channels: number, channel: number): Int16Array {
  const out = new Int16Array(Math.floor(pcm.length / channels));
  for (let i = 0; i < out.length; i++) out[i] = pcm[i * channels + channel];
  return out;
}

/** Interleaves equal-length mono signals (the shorter ones padded with zeros). */
function interleave(signals: Int16Array[]): Int16Array {
  const length = Math.max(...signals.map((s) => s.length));
  const out = new Int16Array(length * signals.length);
  signals.forEach((signal, c) => {
    for (let i = 0; i < signal.length; i++) out[i * signals.length + c] = signal[i];
  });
  return out;
}

interface Case {
  name: string;
  sampleRateHz: number;
  /** One mono source per channel. */
  sources: () => Int16Array[];
  bitrateBps: number;
}

const CASES: Case[] = [
  {
    name: '48 kHz mono',
    sampleRateHz: 48000,
    sources: () => [pcm16Samples(readWav(mediaPath('speech-a-48k.wav')))],
    bitrateBps: 32000,
  },
  {
    name: '16 kHz mono',
    sampleRateHz: 16000,
    sources: () => [pcm16Samples(readWav(mediaPath('speech-a-16k.wav')))],
    bitrateBps: 24000,
  },
  {
    name: '48 kHz stereo (two voices)',
    sampleRateHz: 48000,
    sources: () => [
      pcm16Samples(readWav(mediaPath('speech-a-48k.wav'))),
      pcm16Samples(readWav(mediaPath('speech-b-48k.wav'))),
    ],
    bitrateBps: 64000,
  },
];

/** Lag tolerance, samples at the case's rate: pre-skip handled means the audio lines up. */
const MAX_LAG = 4;
const MIN_CORRELATION = 0.9;

const run = peerAvailable('ffmpeg');

describe.skipIf(!run).each(CASES)('Opus $name vs ffmpeg', (testCase) => {
  const { sampleRateHz, bitrateBps } = testCase;
  const ratio = 48000 / sampleRateHz;

  it('decodes ffmpeg-encoded Ogg Opus: pre-skip, end trim and correlation ≥ 0.9 per channel', () => {
    const sources = testCase.sources();
    const channels = sources.length;
    const input = interleave(sources);
    const frames = input.length / channels;
    const ogg = ffmpeg(
      [
        ...['-f', 's16le', '-ar', String(sampleRateHz), '-ac', String(channels), '-i', 'pipe:0'],
        ...ffmpegOpusEncoder(),
        ...['-b:a', String(bitrateBps), '-f', 'ogg', 'pipe:1'],
      ],
      s16leBytes(input),
    );
    const stream = readOggOpus(ogg);
    expect(stream.head.channels).toBe(channels);
    expect(stream.head.inputSampleRateHz).toBe(sampleRateHz);
    expect(stream.head.preSkip).toBeGreaterThan(0);
    // The end granule says how much audio there is: the source length, at 48 kHz.
    expect(Number(stream.finalGranule) - stream.head.preSkip).toBe(frames * ratio);

    const codec = createOpusCodec({ sampleRateHz, channels });
    try {
      const parts = stream.packets.map((packet) => codec.decode(packet).slice());
      expect(parts.reduce((n, p) => n + p.length / channels, 0)).toBe(
        stream.packets.reduce((n, p) => n + opusPacketSamples48k(p) / ratio, 0),
      );
      const decoded = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const part of parts) {
        decoded.set(part, at);
        at += part.length;
      }
      const skip = (stream.head.preSkip / ratio) * channels;
      const audio = decoded.subarray(skip, skip + frames * channels);
      expect(audio.length).toBe(frames * channels);
      for (let c = 0; c < channels; c++) {
        const { lag, correlation } = alignedCorrelation(sources[c], channelOf(audio, channels, c), 480);
        expect(Math.abs(lag)).toBeLessThanOrEqual(MAX_LAG);
        expect(correlation).toBeGreaterThanOrEqual(MIN_CORRELATION);
      }
    } finally {
      codec.close();
    }
  });

  it('encodes Ogg Opus that ffmpeg decodes: length, alignment and correlation ≥ 0.9 per channel', () => {
    const sources = testCase.sources();
    const channels = sources.length;
    const input = interleave(sources);
    const frames = input.length / channels;
    const codec = createOpusCodec({ sampleRateHz, channels, bitrateBps, frameDurationMs: 20 });
    const packets: Uint8Array[] = [];
    let lookahead: number;
    try {
      lookahead = codec.readEncoderSettings().lookaheadSamples;
      const frameSamples = (sampleRateHz / 50) * channels;
      const padded = new Int16Array(
        Math.ceil((input.length + lookahead * channels) / frameSamples) * frameSamples,
      );
      padded.set(input);
      for (let at = 0; at < padded.length; at += frameSamples) {
        packets.push(codec.encode(padded.subarray(at, at + frameSamples)).slice());
      }
    } finally {
      codec.close();
    }
    const ogg = writeOggOpus({
      channels,
      preSkip: lookahead * ratio,
      inputSampleRateHz: sampleRateHz,
      packets,
      samples48k: frames * ratio,
    });
    // Our writer's pages pass our own reader (CRC, lacing, headers) before ffmpeg sees them.
    const reread = readOggOpus(ogg);
    expect(reread.packets).toEqual(packets);
    expect(reread.head.preSkip).toBe(lookahead * ratio);

    const decoded = s16leSamples(
      ffmpeg(
        ['-i', 'pipe:0', '-f', 's16le', '-ar', String(sampleRateHz), '-ac', String(channels), 'pipe:1'],
        ogg,
      ),
    );
    // ffmpeg drops the pre-skip and trims at the end granule: exactly the source's length comes out.
    expect(decoded.length).toBe(frames * channels);
    for (let c = 0; c < channels; c++) {
      const { lag, correlation } = alignedCorrelation(sources[c], channelOf(decoded, channels, c), 480);
      expect(Math.abs(lag)).toBeLessThanOrEqual(MAX_LAG);
      expect(correlation).toBeGreaterThanOrEqual(MIN_CORRELATION);
    }
  });
});

describe.skipIf(!run)('Ogg Opus test helper against ffmpeg', () => {
  it('rejects a page whose CRC does not match (one flipped bit in ffmpeg output)', () => {
    const ogg = ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=f=440:d=0.5:r=48000',
      ...ffmpegOpusEncoder(),
      '-f',
      'ogg',
      'pipe:1',
    ]);
    expect(readOggOpus(ogg).packets.length).toBeGreaterThan(20);
    const broken = ogg.slice();
    broken[broken.length - 10] ^= 0x10; // inside the last page's audio
    expect(() => readOggOpus(broken)).toThrow(/CRC mismatch/);
  });

  it('writes packets that span pages (continued flag) and ffmpeg reassembles them', () => {
    const sources = [
      pcm16Samples(readWav(mediaPath('speech-c-48k.wav'))),
      pcm16Samples(readWav(mediaPath('speech-b-48k.wav'))),
    ];
    const input = interleave(sources);
    const frames = input.length / 2;
    // 256 kbit/s stereo: 640-byte packets of three lacing values each, so 255-value pages split them.
    const codec = createOpusCodec({
      channels: 2,
      bitrateBps: 256000,
      frameDurationMs: 20,
      application: 'audio',
    });
    const packets: Uint8Array[] = [];
    let lookahead: number;
    try {
      lookahead = codec.readEncoderSettings().lookaheadSamples;
      const padded = new Int16Array(Math.ceil((input.length + lookahead * 2) / 1920) * 1920);
      padded.set(input);
      for (let at = 0; at < padded.length; at += 1920) {
        packets.push(codec.encode(padded.subarray(at, at + 1920)).slice());
      }
    } finally {
      codec.close();
    }
    expect(packets.some((packet) => packet.length > 255 && packet.length % 255 !== 0)).toBe(true);
    const ogg = writeOggOpus({
      channels: 2,
      preSkip: lookahead,
      inputSampleRateHz: 48000,
      packets,
      samples48k: frames,
      packetsPerPage: packets.length, // one group: only the 255-segment limit splits pages
    });
    const reread = readOggOpus(ogg);
    expect(reread.pageCount).toBeGreaterThan(3);
    expect(reread.continuedPageCount).toBeGreaterThan(0);
    expect(reread.packets).toEqual(packets);

    const decoded = s16leSamples(ffmpeg(['-i', 'pipe:0', '-f', 's16le', '-ac', '2', 'pipe:1'], ogg));
    expect(decoded.length).toBe(frames * 2);
    for (let c = 0; c < 2; c++) {
      const { lag, correlation } = alignedCorrelation(sources[c], channelOf(decoded, 2, c), 480);
      expect(Math.abs(lag)).toBeLessThanOrEqual(MAX_LAG);
      expect(correlation).toBeGreaterThanOrEqual(MIN_CORRELATION);
    }
  });
});
