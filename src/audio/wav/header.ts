/** The RIFF/WAVE header the writers emit, and validation of the format they are asked for. */
import { invalidOption } from '../../errors.js';
import {
  bytesPerSample,
  defaultChannelMask,
  formatTagOf,
  SUBFORMAT_GUID_TAIL,
  WAV_ENCODINGS,
  WAV_FORMAT_TAG,
  type WavEncoding,
} from './format.js';

/** The format a WAV writer produces. */
export interface WavWriteFormat {
  /** Frames per second, in Hz: an integer from 1 to 4 294 967 295 (byte rate must fit 32 bits). */
  sampleRateHz: number;
  /** Interleaved channels per frame: an integer ≥ 1 (frame size must fit 16 bits). */
  channels: number;
  /** Sample encoding of the file. */
  encoding: WavEncoding;
  /**
   * Write WAVE_FORMAT_EXTENSIBLE. Default: as Microsoft asks, when there are more than 2 channels
   * or integer PCM is deeper than 16 bits.
   */
  extensible?: boolean;
  /** Speaker mask of an extensible file (default: the standard layout for 1–8 channels, else 0). */
  channelMask?: number;
}

/** A validated {@link WavWriteFormat} with defaults applied. */
export interface ResolvedWavWriteFormat {
  /** Sample rate, Hz. */
  sampleRateHz: number;
  /** Channel count. */
  channels: number;
  /** Sample encoding written. */
  encoding: WavEncoding;
  /** Whether the header uses WAVE_FORMAT_EXTENSIBLE. */
  extensible: boolean;
  /** Speaker position mask of the extensible header (0 when not extensible). */
  channelMask: number;
  /** Bytes per frame. */
  blockAlignBytes: number;
  /** Bytes of header before the first sample. */
  headerBytes: number;
}

/** Size value a streaming writer leaves until it can patch the real one (what ffmpeg writes). */
export const UNKNOWN_SIZE = 0xffffffff;

/**
 * Validates a write format and applies defaults.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and the allowed range.
 */
export function resolveWavWriteFormat(format: WavWriteFormat): ResolvedWavWriteFormat {
  const { sampleRateHz, channels, encoding } = format;
  if (!WAV_ENCODINGS.includes(encoding))
    invalidOption('encoding', encoding, `one of ${WAV_ENCODINGS.join(', ')}`);
  const sampleBytes = bytesPerSample(encoding);
  if (!Number.isInteger(channels) || channels < 1 || channels * sampleBytes > 0xffff) {
    invalidOption(
      'channels',
      channels,
      `an integer from 1 to ${Math.floor(0xffff / sampleBytes)} for ${encoding}`,
    );
  }
  const blockAlignBytes = channels * sampleBytes;
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1 || sampleRateHz * blockAlignBytes > 0xffffffff) {
    invalidOption('sampleRateHz', sampleRateHz, 'an integer ≥ 1 whose byte rate fits 32 bits');
  }
  const deepPcm = formatTagOf(encoding) === WAV_FORMAT_TAG.pcm && sampleBytes > 2;
  const extensible = format.extensible ?? (channels > 2 || deepPcm);
  if (typeof extensible !== 'boolean') invalidOption('extensible', extensible, 'a boolean');
  const channelMask = format.channelMask ?? defaultChannelMask(channels);
  if (!Number.isInteger(channelMask) || channelMask < 0 || channelMask > 0xffffffff) {
    invalidOption('channelMask', channelMask, 'an integer from 0 to 0xFFFFFFFF');
  }
  const fmtBytes = extensible ? 40 : encoding.startsWith('pcm') ? 16 : 18;
  const factBytes = encoding.startsWith('pcm') ? 0 : 12;
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8;
  return { sampleRateHz, channels, encoding, extensible, channelMask, blockAlignBytes, headerBytes };
}

function writeId(bytes: Uint8Array, offset: number, id: string): void {
  for (let i = 0; i < 4; i++) bytes[offset + i] = id.charCodeAt(i);
}

/**
 * Builds the header (RIFF, `fmt `, `fact` for non-PCM, and the `data` chunk header).
 * @param format - Resolved format.
 * @param dataBytes - Size of the audio in bytes, or {@link UNKNOWN_SIZE} for a streaming placeholder.
 * @param samplesPerChannel - Frame count for `fact` (ignored when `dataBytes` is unknown).
 * @param out - Optional destination of at least `format.headerBytes` bytes.
 */
export function buildWavHeader(
  format: ResolvedWavWriteFormat,
  dataBytes: number,
  samplesPerChannel: number,
  out?: Uint8Array,
): Uint8Array {
  const { encoding, channels, sampleRateHz, blockAlignBytes, headerBytes, extensible } = format;
  const bytes = out ?? new Uint8Array(headerBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const unknown = dataBytes === UNKNOWN_SIZE;
  const riffSize = unknown ? UNKNOWN_SIZE : headerBytes - 8 + dataBytes + (dataBytes & 1);
  writeId(bytes, 0, 'RIFF');
  view.setUint32(4, riffSize, true);
  writeId(bytes, 8, 'WAVE');
  writeId(bytes, 12, 'fmt ');
  const fmtBytes = extensible ? 40 : encoding.startsWith('pcm') ? 16 : 18;
  view.setUint32(16, fmtBytes, true);
  const tag = formatTagOf(encoding);
  const bits = bytesPerSample(encoding) * 8;
  view.setUint16(20, extensible ? WAV_FORMAT_TAG.extensible : tag, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * blockAlignBytes, true);
  view.setUint16(32, blockAlignBytes, true);
  view.setUint16(34, bits, true);
  let offset = 36;
  if (fmtBytes > 16) {
    view.setUint16(36, fmtBytes - 18, true); // cbSize
    offset = 38;
  }
  if (extensible) {
    view.setUint16(38, bits, true); // valid bits
    view.setUint32(40, format.channelMask, true);
    view.setUint32(44, tag, true);
    bytes.set(SUBFORMAT_GUID_TAIL, 48);
    offset = 60;
  }
  if (!encoding.startsWith('pcm')) {
    writeId(bytes, offset, 'fact');
    view.setUint32(offset + 4, 4, true);
    view.setUint32(offset + 8, unknown ? UNKNOWN_SIZE : samplesPerChannel, true);
    offset += 12;
  }
  writeId(bytes, offset, 'data');
  view.setUint32(offset + 4, dataBytes, true);
  return bytes;
}
