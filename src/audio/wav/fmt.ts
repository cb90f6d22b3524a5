/** Parsing of the `fmt ` chunk into a {@link WavFormat}, with every consistency check the reader makes. */
import { VoxwireError } from '../../errors.js';
import {
  describeFormatTag,
  SUBFORMAT_GUID_TAIL,
  WAV_FORMAT_TAG,
  type WavEncoding,
  type WavFormat,
} from './format.js';

/** Throws `ERR_WAV_MALFORMED` with `message`. */
export function malformed(message: string): never {
  throw new VoxwireError('ERR_WAV_MALFORMED', `malformed WAV: ${message}`);
}

/** Throws `ERR_WAV_UNSUPPORTED` with `message`. */
export function unsupported(message: string): never {
  throw new VoxwireError('ERR_WAV_UNSUPPORTED', `unsupported WAV: ${message}`);
}

function guidText(view: DataView, offset: number): string {
  const hex = (start: number, end: number): string => {
    let text = '';
    for (let i = start; i < end; i++)
      text += view
        .getUint8(offset + i)
        .toString(16)
        .padStart(2, '0');
    return text;
  };
  const data1 = view.getUint32(offset, true).toString(16).padStart(8, '0');
  const data2 = view
    .getUint16(offset + 4, true)
    .toString(16)
    .padStart(4, '0');
  const data3 = view
    .getUint16(offset + 6, true)
    .toString(16)
    .padStart(4, '0');
  return `${data1}-${data2}-${data3}-${hex(8, 10)}-${hex(10, 16)}`;
}

/** Reads the sub-format tag out of an extensible GUID, or throws naming the GUID. */
function subformatTag(view: DataView, offset: number): number {
  let classic = view.getUint16(offset + 2, true) === 0;
  for (let i = 0; classic && i < SUBFORMAT_GUID_TAIL.length; i++) {
    classic = view.getUint8(offset + 4 + i) === SUBFORMAT_GUID_TAIL[i];
  }
  if (!classic) unsupported(`WAVE_FORMAT_EXTENSIBLE sub-format GUID {${guidText(view, offset)}}`);
  return view.getUint16(offset, true);
}

/** Encoding and container bits of a (tag, bits) pair, or throws `ERR_WAV_UNSUPPORTED`. */
function encodingOf(tag: number, bits: number): { encoding: WavEncoding; containerBits: number } {
  if (tag === WAV_FORMAT_TAG.pcm) {
    // Non-byte sizes (12, 20 bits) sit left-justified in whole bytes.
    const containerBits = Math.ceil(bits / 8) * 8;
    const pcm: Record<number, WavEncoding> = { 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' };
    const encoding = pcm[containerBits];
    if (encoding === undefined) unsupported(`PCM with ${bits} bits per sample (8, 16, 24 or 32 are read)`);
    return { encoding, containerBits };
  }
  if (tag === WAV_FORMAT_TAG.float) {
    if (bits === 32) return { encoding: 'float32', containerBits: 32 };
    if (bits === 64) return { encoding: 'float64', containerBits: 64 };
    unsupported(`IEEE float with ${bits} bits per sample (32 or 64 are read)`);
  }
  if (tag === WAV_FORMAT_TAG.mulaw || tag === WAV_FORMAT_TAG.alaw) {
    const name = tag === WAV_FORMAT_TAG.mulaw ? 'μ-law' : 'A-law';
    if (bits !== 8) unsupported(`${name} with ${bits} bits per sample (8 is read)`);
    return { encoding: tag === WAV_FORMAT_TAG.mulaw ? 'mulaw' : 'alaw', containerBits: 8 };
  }
  unsupported(`format tag ${describeFormatTag(tag)}; voxwire reads PCM, IEEE float, μ-law and A-law`);
}

/**
 * Parses a `fmt ` chunk body.
 * @param view - View over the whole file.
 * @param offset - Byte offset of the chunk body (after the 8-byte chunk header).
 * @param size - Body size in bytes; the caller has checked that it lies within the file.
 * @throws VoxwireError `ERR_WAV_MALFORMED` (too short, zero channels or rate, zero bits, blockAlign
 *   inconsistent with channels and bits, valid bits above the container) or `ERR_WAV_UNSUPPORTED`
 *   (format tag, GUID or bit depth voxwire does not decode).
 */
export function parseFmtChunk(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) malformed(`fmt chunk is ${size} bytes; at least 16 are needed`);
  const tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRateHz = view.getUint32(offset + 4, true);
  const blockAlignBytes = view.getUint16(offset + 12, true);
  const bits = view.getUint16(offset + 14, true);
  if (channels === 0) malformed('fmt chunk declares 0 channels');
  if (sampleRateHz === 0) malformed('fmt chunk declares a sample rate of 0 Hz');
  if (bits === 0) malformed('fmt chunk declares 0 bits per sample');

  let formatTag = tag;
  let validBits = bits;
  let channelMask = 0;
  const extensible = tag === WAV_FORMAT_TAG.extensible;
  if (extensible) {
    if (size < 40) malformed(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes; 40 are needed`);
    const extraBytes = view.getUint16(offset + 16, true);
    if (extraBytes < 22) malformed(`WAVE_FORMAT_EXTENSIBLE cbSize is ${extraBytes}; 22 are needed`);
    validBits = view.getUint16(offset + 18, true) || bits; // 0 means "all of them"
    channelMask = view.getUint32(offset + 20, true);
    formatTag = subformatTag(view, offset + 24);
  }
  const { encoding, containerBits } = encodingOf(formatTag, bits);
  if (validBits > containerBits) {
    malformed(`validBitsPerSample ${validBits} exceeds the ${containerBits}-bit sample container`);
  }
  const expectedAlign = (channels * containerBits) / 8;
  if (blockAlignBytes !== expectedAlign) {
    malformed(
      `blockAlign ${blockAlignBytes} is inconsistent with ${channels} channel(s) of ${bits} bits (expected ${expectedAlign})`,
    );
  }
  return {
    encoding,
    sampleRateHz,
    channels,
    bitsPerSample: containerBits,
    validBitsPerSample: validBits,
    blockAlignBytes,
    formatTag,
    extensible,
    channelMask,
  };
}
