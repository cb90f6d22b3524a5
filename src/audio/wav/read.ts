/**
 * WAV reader: walks the RIFF chunks of a whole file held in memory, resolves the `fmt ` chunk and
 * decodes the `data` chunk to interleaved Float32.
 *
 * Trust model. Chunk sizes are checked against the bytes present; the RIFF size is not, because
 * streaming writers leave a placeholder there (ffmpeg writes 0xFFFFFFFF, sox 0x7FFFF0xx) and files
 * often carry trailing tags after it. The one size that may overrun the file is the `data` chunk's,
 * since a writer that cannot seek back (a pipe, a crashed recorder) leaves its placeholder there: the
 * reader then takes the whole frames present and sets `truncated`. A `data` size of 0 counts as such
 * a placeholder only when the RIFF size is one too (0, 0xFFFFFFFF, or ending at the data chunk) and
 * bytes follow; otherwise it is a real empty chunk. `strict: true` turns all of this off.
 */
import { readFile } from 'node:fs/promises';
import { VoxwireError } from '../../errors.js';
import { float32ToInt16 } from '../pcm.js';
import { malformed, parseFmtChunk, unsupported } from './fmt.js';
import type { WavFormat } from './format.js';
import { decodeWavData } from './samples.js';

/** A WAV file's format and where its audio lies, without the samples. */
export interface WavInfo extends WavFormat {
  /** Whole frames in the file (samples per channel). */
  samplesPerChannel: number;
  /** Byte offset of the first sample in the input. */
  dataOffset: number;
  /** Bytes of audio read: `samplesPerChannel · blockAlignBytes`. */
  dataBytes: number;
  /**
   * True when the `data` chunk's declared size was not honoured: it ran past the end of the input
   * (a streaming placeholder or a recording cut short) or ended in a partial frame. The samples are
   * then the whole frames present.
   */
  truncated: boolean;
}

/** A decoded WAV file. */
export interface WavAudio extends WavInfo {
  /** Interleaved samples (frame by frame), full scale in [−1, 1); length `samplesPerChannel · channels`. */
  samples: Float32Array;
}

/** Options of {@link readWav}. */
export interface ReadWavOptions {
  /**
   * Refuse a `data` chunk whose size overruns the input or is not a whole number of frames, instead
   * of reading the whole frames present (default false: streaming writers' files are read).
   */
  strict?: boolean;
}

const UINT32_MAX = 0xffffffff;

function fourCC(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]);
}

/** Printable form of a chunk id for messages (hex when it is not ASCII text). */
function showId(bytes: Uint8Array, offset: number): string {
  const id = fourCC(bytes, offset);
  return /^[\x20-\x7e]{4}$/.test(id)
    ? `'${id}'`
    : `0x${[...bytes.subarray(offset, offset + 4)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Reads a WAV file's format and locates its audio without decoding it (see the module notes for
 * which sizes are trusted).
 * @param bytes - The whole file (a `Buffer` works).
 * @param options - See {@link ReadWavOptions}.
 * @returns The format, frame count and the byte range of the audio within `bytes`.
 * @throws VoxwireError `ERR_WAV_MALFORMED` when the file is not RIFF/WAVE, is truncated, a chunk
 *   overruns the file, `fmt ` or `data` is missing, `data` precedes `fmt `, or `fmt ` is
 *   inconsistent; `ERR_WAV_UNSUPPORTED` for RIFX, RF64 and encodings voxwire does not decode;
 *   `ERR_INVALID_ARGUMENT` when `bytes` is not a Uint8Array.
 */
export function readWavInfo(bytes: Uint8Array, options: ReadWavOptions = {}): WavInfo {
  if (!(bytes instanceof Uint8Array)) {
    throw new VoxwireError('ERR_INVALID_ARGUMENT', 'readWav: bytes must be a Uint8Array or Buffer');
  }
  const strict = options.strict === true;
  const length = bytes.length;
  if (length < 12) malformed(`input is ${length} bytes, too short for a RIFF header (12)`);
  const magic = fourCC(bytes, 0);
  if (magic === 'RIFX') unsupported('big-endian RIFX files');
  if (magic === 'RF64') unsupported('RF64 (64-bit size) files');
  if (magic !== 'RIFF') malformed(`input does not start with 'RIFF' (found ${showId(bytes, 0)})`);
  if (fourCC(bytes, 8) !== 'WAVE') malformed(`RIFF form type is ${showId(bytes, 8)}, not 'WAVE'`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);

  let format: WavFormat | undefined;
  let position = 12;
  while (position + 8 <= length) {
    const id = fourCC(bytes, position);
    const size = view.getUint32(position + 4, true);
    const body = position + 8;
    const remaining = length - body;
    if (id === 'data') {
      if (format === undefined) malformed(`data chunk at offset ${position} comes before the fmt chunk`);
      return locateAudio(format, riffSize, body, size, remaining, strict);
    }
    if (size > remaining) {
      malformed(
        `chunk ${showId(bytes, position)} at offset ${position} declares ${size} bytes but ${remaining} remain`,
      );
    }
    if (id === 'fmt ') {
      if (format !== undefined) malformed(`second fmt chunk at offset ${position}`);
      format = parseFmtChunk(view, body, size);
    }
    position = body + size + (size & 1); // chunks are padded to even sizes
  }
  if (format === undefined) malformed('no fmt chunk');
  malformed(
    position < length ? `no data chunk (${length - position} stray bytes at the end)` : 'no data chunk',
  );
}

function locateAudio(
  format: WavFormat,
  riffSize: number,
  body: number,
  size: number,
  remaining: number,
  strict: boolean,
): WavInfo {
  const riffIsPlaceholder = riffSize === 0 || riffSize === UINT32_MAX || riffSize + 8 <= body;
  const sizeUnknown = !strict && size === 0 && remaining > 0 && riffIsPlaceholder;
  let declared = size;
  let truncated = false;
  if (size > remaining || sizeUnknown) {
    if (strict) malformed(`data chunk declares ${size} bytes but ${remaining} remain`);
    declared = remaining;
    truncated = true;
  }
  const partial = declared % format.blockAlignBytes;
  if (partial !== 0) {
    if (strict) {
      malformed(
        `data chunk of ${declared} bytes is not a whole number of ${format.blockAlignBytes}-byte frames`,
      );
    }
    declared -= partial;
    truncated = true;
  }
  return {
    ...format,
    samplesPerChannel: declared / format.blockAlignBytes,
    dataOffset: body,
    dataBytes: declared,
    truncated,
  };
}

/**
 * Decodes a WAV file held in memory: PCM 8/16/24/32-bit (and 12/20-bit in wider containers), IEEE
 * float 32/64, μ-law, A-law, plain or WAVE_FORMAT_EXTENSIBLE, any channel count. Unknown chunks
 * (LIST, fact, bext, JUNK, …) are skipped.
 * @param bytes - The whole file (a `Buffer` works); not retained.
 * @param options - See {@link ReadWavOptions}.
 * @returns Format, frame count and interleaved Float32 samples in [−1, 1).
 * @throws VoxwireError `ERR_WAV_MALFORMED` / `ERR_WAV_UNSUPPORTED` as {@link readWavInfo} does.
 */
export function readWav(bytes: Uint8Array, options?: ReadWavOptions): WavAudio {
  const info = readWavInfo(bytes, options);
  const data = bytes.subarray(info.dataOffset, info.dataOffset + info.dataBytes);
  return { ...info, samples: decodeWavData(info.encoding, data) };
}

/**
 * Reads and decodes the WAV file at `path` (see {@link readWav}).
 * @param path - File path.
 * @param options - See {@link ReadWavOptions}.
 * @throws VoxwireError as {@link readWav}; the file system's own error (ENOENT, EACCES, …) when the
 *   file cannot be read.
 */
export async function readWavFile(path: string, options?: ReadWavOptions): Promise<WavAudio> {
  return readWav(await readFile(path), options);
}

/**
 * The samples of a decoded file as Int16 (`round(x · 32768)`, saturated): exact for 8- and 16-bit
 * PCM, μ-law and A-law files, rounded for deeper ones.
 * @param audio - A result of {@link readWav}.
 * @param out - Optional destination with at least `audio.samples.length` samples.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
 */
export function wavToInt16(audio: Pick<WavAudio, 'samples'>, out?: Int16Array): Int16Array {
  return float32ToInt16(audio.samples, out);
}
