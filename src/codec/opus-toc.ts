/**
 * Opus packet framing (RFC 6716 §3.1–3.2): the TOC byte and the code 0–3 frame packing, read
 * without decoding. Tells a packet's duration, mode, bandwidth and frame count, and rejects a packet
 * that breaks the framing rules R1–R7 so that the decoder never sees it.
 */
import { VoxwireError } from '../errors.js';

/** Opus coding mode of a packet (RFC 6716 §3.1, Table 2). */
export type OpusMode = 'silk' | 'hybrid' | 'celt';

/** Audio bandwidth of a packet (RFC 6716 Table 1): 4, 6, 8, 12 or 20 kHz of audio. */
export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

/** What the framing of one Opus packet says, read without decoding it. */
export interface OpusPacketInfo {
  /** TOC configuration number, 0–31. */
  readonly config: number;
  /** Coding mode. */
  readonly mode: OpusMode;
  /** Audio bandwidth. */
  readonly bandwidth: OpusBandwidth;
  /** True when the TOC `s` bit marks the frames as stereo. */
  readonly stereo: boolean;
  /** Frame packing code, 0–3. */
  readonly code: 0 | 1 | 2 | 3;
  /** Frames in the packet, 1–48. */
  readonly frameCount: number;
  /** Duration of one frame, samples per channel at 48 kHz (120, 240, 480, 960, 1920 or 2880). */
  readonly samplesPerFrame: number;
  /** Duration of the packet, samples per channel at 48 kHz (120–5760). */
  readonly samplesPerChannel: number;
  /** Size of each frame, bytes (0 means the frame is missing: DTX or lost, to be concealed). */
  readonly frameBytes: readonly number[];
  /** Padding bytes (code 3 only; 0 otherwise), counting the padding-length bytes themselves. */
  readonly paddingBytes: number;
}

/** Longest packet Opus allows: 120 ms, samples per channel at 48 kHz. */
export const OPUS_MAX_PACKET_SAMPLES = 5760;
/** Longest frame Opus allows, bytes (RFC 6716 R2). */
const MAX_FRAME_BYTES = 1275;

const BANDWIDTHS: readonly OpusBandwidth[] = [
  'narrowband',
  'mediumband',
  'wideband',
  'superwideband',
  'fullband',
];

/** Frame duration of a TOC config, samples per channel at 48 kHz (RFC 6716 Table 2). */
export function opusConfigSamplesPerFrame(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3];
  if (config < 16) return (config & 1) === 0 ? 480 : 960;
  return [120, 240, 480, 960][config & 3];
}

function configMode(config: number): OpusMode {
  return config < 12 ? 'silk' : config < 16 ? 'hybrid' : 'celt';
}

function configBandwidth(config: number): OpusBandwidth {
  if (config < 12) return BANDWIDTHS[config >> 2];
  if (config < 16) return config < 14 ? 'superwideband' : 'fullband';
  const band = (config - 16) >> 2; // CELT has no mediumband: NB, WB, SWB, FB
  return BANDWIDTHS[band === 0 ? 0 : band + 1];
}

/** Why a packet is invalid; index into REASONS. @internal */
const REASONS = [
  '',
  'the packet is empty',
  'a frame is longer than 1275 bytes',
  'code 1 needs an even number of bytes after the TOC',
  'code 2 has no frame length byte',
  'a frame length runs past the end of the packet',
  'code 3 has no frame count byte',
  'code 3 frame count is 0',
  'code 3 packet is longer than 120 ms',
  'code 3 padding runs past the end of the packet',
  'code 3 CBR bytes do not divide evenly among the frames',
] as const;

// Scratch for frame sizes; the largest count is 48 frames (48 × 2.5 ms = 120 ms).
const scratchSizes = new Int32Array(48);
let scratchPadding = 0;

/**
 * Frame layout of the last packet {@link measureOpusPacket} accepted: frame count, and each frame's
 * byte offset and size (frames are contiguous from `dataOffset`). Overwritten by the next call.
 * @internal
 */
export const opusFrameLayout = { count: 0, dataOffset: 0, sizes: scratchSizes };

function setLayout(count: number, dataOffset: number): void {
  opusFrameLayout.count = count;
  opusFrameLayout.dataOffset = dataOffset;
}

/**
 * Reads a frame length (RFC 6716 §3.2.1): one byte 0–251, or two bytes `4·b1 + b0` for b0 ≥ 252.
 * Returns the length, and the bytes used in bits 16+; -1 when the bytes run out.
 */
function readLength(data: Uint8Array, at: number): number {
  if (at >= data.length) return -1;
  const b0 = data[at];
  if (b0 < 252) return b0 | (1 << 16);
  if (at + 1 >= data.length) return -1;
  return (4 * data[at + 1] + b0) | (2 << 16);
}

/**
 * Validates the framing of `data` and returns the packet's duration in samples per channel at
 * 48 kHz, or the negated index of the failure reason. Allocation-free; fills the scratch frame sizes.
 * @internal
 */
export function measureOpusPacket(data: Uint8Array): number {
  const n = data.length;
  scratchPadding = 0;
  if (n === 0) return -1;
  const toc = data[0];
  const perFrame = opusConfigSamplesPerFrame(toc >> 3);
  switch (toc & 3) {
    case 0:
      if (n - 1 > MAX_FRAME_BYTES) return -2;
      scratchSizes[0] = n - 1;
      setLayout(1, 1);
      return perFrame;
    case 1:
      if (((n - 1) & 1) !== 0) return -3;
      if ((n - 1) >> 1 > MAX_FRAME_BYTES) return -2;
      scratchSizes[0] = scratchSizes[1] = (n - 1) >> 1;
      setLayout(2, 1);
      return 2 * perFrame;
    case 2: {
      if (n < 2) return -4;
      const coded = readLength(data, 1);
      if (coded < 0) return -4;
      const first = coded & 0xffff;
      const second = n - 1 - (coded >> 16) - first;
      if (second < 0) return -5;
      if (first > MAX_FRAME_BYTES || second > MAX_FRAME_BYTES) return -2;
      scratchSizes[0] = first;
      scratchSizes[1] = second;
      setLayout(2, 1 + (coded >> 16));
      return 2 * perFrame;
    }
    default:
      return measureCode3(data, perFrame);
  }
}

function measureCode3(data: Uint8Array, perFrame: number): number {
  const n = data.length;
  if (n < 2) return -6;
  const count = data[1] & 0x3f;
  const vbr = (data[1] & 0x80) !== 0;
  if (count === 0) return -7;
  if (count * perFrame > OPUS_MAX_PACKET_SAMPLES) return -8;
  let at = 2;
  let padding = 0;
  if ((data[1] & 0x40) !== 0) {
    // Padding length: each 255 adds 254 and continues (RFC 6716 §3.2.5).
    let more = true;
    while (more) {
      if (at >= n) return -9;
      const b = data[at++];
      padding += b === 255 ? 254 : b;
      more = b === 255;
    }
  }
  scratchPadding = at - 2 + padding;
  let remaining = n - at - padding;
  if (remaining < 0) return -9;
  if (vbr) {
    for (let i = 0; i < count - 1; i++) {
      const coded = readLength(data, at);
      if (coded < 0) return -5;
      const used = coded >> 16;
      const size = coded & 0xffff;
      at += used;
      remaining -= used + size;
      if (remaining < 0) return -5;
      if (size > MAX_FRAME_BYTES) return -2;
      scratchSizes[i] = size;
    }
    if (remaining > MAX_FRAME_BYTES) return -2;
    scratchSizes[count - 1] = remaining;
  } else {
    if (remaining % count !== 0) return -10;
    const size = remaining / count;
    if (size > MAX_FRAME_BYTES) return -2;
    for (let i = 0; i < count; i++) scratchSizes[i] = size;
  }
  setLayout(count, at);
  return count * perFrame;
}

/** The message for a negative result of {@link measureOpusPacket}. @internal */
export function opusPacketProblem(result: number): string {
  return REASONS[-result] ?? 'the packet is invalid';
}

/**
 * Parses the framing of an Opus packet (RFC 6716 §3.1–3.2) without decoding it.
 * @param payload - One Opus packet (an RTP payload).
 * @returns What the TOC and frame packing say: duration at 48 kHz, frame count and sizes, mode,
 *   bandwidth, stereo flag.
 * @throws VoxwireError `ERR_CODEC_MALFORMED` for an empty packet, a code 1 packet of odd length,
 *   a code 2 or 3 packet truncated in its lengths or padding, a code 3 frame count of 0 or over
 *   120 ms in all, CBR bytes that do not divide among the frames, or a frame over 1275 bytes.
 */
export function parseOpusPacket(payload: Uint8Array): OpusPacketInfo {
  const samples = measureOpusPacket(payload);
  if (samples < 0) {
    throw new VoxwireError('ERR_CODEC_MALFORMED', `opus packet: ${opusPacketProblem(samples)}`);
  }
  const toc = payload[0];
  const config = toc >> 3;
  const samplesPerFrame = opusConfigSamplesPerFrame(config);
  const frameCount = samples / samplesPerFrame;
  return Object.freeze({
    config,
    mode: configMode(config),
    bandwidth: configBandwidth(config),
    stereo: (toc & 4) !== 0,
    code: (toc & 3) as 0 | 1 | 2 | 3,
    frameCount,
    samplesPerFrame,
    samplesPerChannel: samples,
    frameBytes: Object.freeze(Array.from(scratchSizes.subarray(0, frameCount))),
    paddingBytes: scratchPadding,
  });
}

/**
 * Duration of an Opus packet without decoding it, for a jitter buffer that must know how much audio
 * a packet holds. Never throws and allocates nothing.
 * @param payload - One Opus packet.
 * @param sampleRateHz - Rate to express the duration at (8000, 12000, 16000, 24000 or 48000). Default 48000.
 * @returns Samples per channel at `sampleRateHz`, or -1 when the packet's framing is invalid.
 */
export function opusPacketDuration(payload: Uint8Array, sampleRateHz = 48000): number {
  const samples = measureOpusPacket(payload);
  return samples < 0 ? -1 : (samples * sampleRateHz) / 48000;
}
