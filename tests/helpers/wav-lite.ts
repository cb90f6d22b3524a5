/**
 * WAV access for interop tests: the `fmt ` fields and the raw bytes of the `data` chunk (μ-law and
 * A-law tests need the codes as stored), read through voxwire's own WAV reader; plus raw s16le
 * conversion for ffmpeg pipes.
 */
import { readFileSync } from 'node:fs';
import { readWavInfo } from '../../src/audio/index.js';

/** WAVE format tags the tests meet. */
export const WAV_FORMAT = { pcm: 1, alaw: 6, mulaw: 7, extensible: 0xfffe } as const;

/** A parsed WAV file: the `fmt ` fields and the raw bytes of the `data` chunk. */
export interface WavLite {
  /** Format tag (1 PCM, 6 A-law, 7 μ-law); for WAVE_FORMAT_EXTENSIBLE, the sub-format's tag. */
  formatTag: number;
  channels: number;
  sampleRateHz: number;
  bitsPerSample: number;
  /** The `data` chunk, as stored (interleaved frames). */
  data: Uint8Array;
}

/** Parses a WAV file held in memory (whole frames of a streamed, over-long `data` chunk). */
export function parseWav(bytes: Uint8Array): WavLite {
  const { formatTag, channels, sampleRateHz, bitsPerSample, dataOffset, dataBytes } = readWavInfo(bytes);
  return {
    formatTag,
    channels,
    sampleRateHz,
    bitsPerSample,
    data: bytes.subarray(dataOffset, dataOffset + dataBytes),
  };
}

/** Reads and parses a WAV file (see {@link parseWav}). */
export function readWav(path: string): WavLite {
  return parseWav(new Uint8Array(readFileSync(path)));
}

/**
 * Interleaved 16-bit samples of a PCM WAV.
 * @throws Error when the file is not 16-bit PCM.
 */
export function pcm16Samples(wav: WavLite): Int16Array {
  if (wav.formatTag !== WAV_FORMAT.pcm || wav.bitsPerSample !== 16) {
    throw new Error(`wav-lite: expected 16-bit PCM, got format ${wav.formatTag}/${wav.bitsPerSample} bit`);
  }
  return s16leSamples(wav.data);
}

/** Little-endian s16 bytes as samples (ffmpeg's `-f s16le` output). */
export function s16leSamples(bytes: Uint8Array): Int16Array {
  const count = bytes.length >> 1;
  const out = new Int16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Samples as little-endian s16 bytes (ffmpeg's `-f s16le` input). */
export function s16leBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return out;
}
