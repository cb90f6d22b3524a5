/**
 * A minimal RIFF/WAVE reader for interop tests (PCM 16-bit, μ-law, A-law), so the tests can read the
 * shared speech material and ffmpeg's output files without depending on src/audio/wav. Not a
 * product reader: it throws plain errors on anything it does not expect.
 */
import { readFileSync } from 'node:fs';

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

function chunkId(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

/**
 * Parses a WAV file held in memory. A `data` chunk whose declared size runs past the end (as
 * streamed writers leave it) is cut at the end of the buffer.
 * @throws Error when the bytes are not RIFF/WAVE or lack a `fmt ` or `data` chunk.
 */
export function parseWav(bytes: Uint8Array): WavLite {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || chunkId(view, 0) !== 'RIFF' || chunkId(view, 8) !== 'WAVE') {
    throw new Error('wav-lite: not a RIFF/WAVE file');
  }
  let fmt: Omit<WavLite, 'data'> | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = chunkId(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      let formatTag = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real tag in the first two bytes of the sub-format GUID.
      if (formatTag === WAV_FORMAT.extensible && size >= 26) formatTag = view.getUint16(body + 24, true);
      fmt = {
        formatTag,
        channels: view.getUint16(body + 2, true),
        sampleRateHz: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (fmt === undefined) throw new Error('wav-lite: data chunk before fmt chunk');
      const end = Math.min(bytes.length, body + size);
      return { ...fmt, data: bytes.subarray(body, end) };
    }
    offset = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw new Error('wav-lite: no fmt/data chunk');
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
  const count = wav.data.length >> 1;
  const out = new Int16Array(count);
  const view = new DataView(wav.data.buffer, wav.data.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
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
