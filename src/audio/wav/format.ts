/**
 * WAV format vocabulary shared by the reader and the writers: sample encodings, the `fmt ` fields a
 * file is described by, format tags and the WAVE_FORMAT_EXTENSIBLE sub-format GUID.
 */

/**
 * How samples are stored in a WAV `data` chunk:
 * - `pcm8`: unsigned 8-bit PCM (128 is silence);
 * - `pcm16`, `pcm24`, `pcm32`: signed little-endian PCM in 2, 3 or 4 bytes;
 * - `float32`, `float64`: IEEE float, full scale at ±1.0;
 * - `mulaw`, `alaw`: 8-bit G.711 codes (format tags 7 and 6).
 */
export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64' | 'mulaw' | 'alaw';

/** Every encoding, in a stable order (the writers accept all of them). */
export const WAV_ENCODINGS: readonly WavEncoding[] = [
  'pcm8',
  'pcm16',
  'pcm24',
  'pcm32',
  'float32',
  'float64',
  'mulaw',
  'alaw',
];

/** The `fmt ` description of a WAV file, as the reader resolved it. */
export interface WavFormat {
  /** Sample encoding of the `data` chunk. */
  encoding: WavEncoding;
  /** Frames per second, in Hz (> 0). */
  sampleRateHz: number;
  /** Interleaved channels per frame (≥ 1). */
  channels: number;
  /** Bits each sample occupies in the file (the container: 8, 16, 24, 32 or 64). */
  bitsPerSample: number;
  /**
   * Bits that carry signal (≤ `bitsPerSample`): a 20-bit recording stored in 24-bit containers says
   * 20. Samples are left-justified, so they decode at the container's scale either way.
   */
  validBitsPerSample: number;
  /** Bytes per frame (`channels · bitsPerSample / 8`). */
  blockAlignBytes: number;
  /** Format tag of the samples: 1 PCM, 3 IEEE float, 6 A-law, 7 μ-law (the sub-format's, when extensible). */
  formatTag: number;
  /** True when the file used WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE). */
  extensible: boolean;
  /** Speaker-position mask of an extensible file (0 when absent or unspecified). */
  channelMask: number;
}

/** Format tags (`wFormatTag`) voxwire reads and writes. */
export const WAV_FORMAT_TAG = {
  pcm: 0x0001,
  float: 0x0003,
  alaw: 0x0006,
  mulaw: 0x0007,
  extensible: 0xfffe,
} as const;

/** Names of format tags seen in the wild that voxwire does not decode, for error messages. */
const KNOWN_UNSUPPORTED_TAGS: Readonly<Record<number, string>> = {
  2: 'Microsoft ADPCM',
  17: 'IMA ADPCM',
  34: 'DSP Group TrueSpeech',
  49: 'GSM 6.10',
  64: 'G.721 ADPCM',
  80: 'MPEG audio',
  85: 'MPEG Layer 3',
  100: 'G.726 ADPCM',
  101: 'G.722 ADPCM',
  146: 'Dolby AC-3 SPDIF',
  353: 'Windows Media Audio',
  5648: 'AAC',
  61868: 'FLAC',
};

/** `0x0002 (Microsoft ADPCM)` style label of a format tag for messages. */
export function describeFormatTag(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(4, '0')}`;
  const name = KNOWN_UNSUPPORTED_TAGS[tag];
  return name === undefined ? hex : `${hex} (${name})`;
}

/**
 * Bytes 4–15 of every KSDATAFORMAT_SUBTYPE GUID that wraps a classic format tag
 * (`XXXXXXXX-0000-0010-8000-00AA00389B71`, stored little-endian); bytes 0–3 hold the tag.
 */
export const SUBFORMAT_GUID_TAIL: readonly number[] = [
  0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

/** Bytes one sample of `encoding` occupies. */
export function bytesPerSample(encoding: WavEncoding): number {
  switch (encoding) {
    case 'pcm8':
    case 'mulaw':
    case 'alaw':
      return 1;
    case 'pcm16':
      return 2;
    case 'pcm24':
      return 3;
    case 'pcm32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

/** The classic format tag that stores `encoding`. */
export function formatTagOf(encoding: WavEncoding): number {
  switch (encoding) {
    case 'float32':
    case 'float64':
      return WAV_FORMAT_TAG.float;
    case 'mulaw':
      return WAV_FORMAT_TAG.mulaw;
    case 'alaw':
      return WAV_FORMAT_TAG.alaw;
    default:
      return WAV_FORMAT_TAG.pcm;
  }
}

/**
 * Default speaker mask for `channels` (the Windows/ffmpeg layouts: mono FC, stereo FL FR, quad,
 * 5.0, 5.1, 6.1, 7.1); 0 ("no assignment") for other counts.
 */
export function defaultChannelMask(channels: number): number {
  const masks: Readonly<Record<number, number>> = {
    1: 0x4,
    2: 0x3,
    3: 0x7,
    4: 0x33,
    5: 0x37,
    6: 0x3f,
    7: 0x13f,
    8: 0x63f,
  };
  return masks[channels] ?? 0;
}
