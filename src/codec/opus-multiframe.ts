/**
 * Long Opus frames within the WASM stack of the `opusscript` build. Its libopus runs on a 64 KiB
 * stack with nothing checking for overflow; measured, encoding more than 1920 interleaved samples at
 * once (40 ms stereo or 60 ms mono at 48 kHz) and decoding more than 7680 (120 ms stereo) overflow
 * it into libopus' static tables. Such frames are encoded as 20 ms frames joined into one code 3
 * packet (RFC 6716 §3.2.5, as libopus itself does for CELT) and such packets decoded frame by frame.
 * @internal
 */
import { VoxwireError } from '../errors.js';
import { type OpusEngine, opusErrorName } from './opus-native.js';
import { measureOpusPacket, opusFrameLayout } from './opus-toc.js';

/** Most interleaved samples one libopus encode call may take here. */
export const MAX_ENCODE_INTERLEAVED = 1920;
/** Most interleaved samples one libopus decode call may produce here. */
export const MAX_DECODE_INTERLEAVED = 7680;

const OPUS_AUTO = -1000;
const FORCE_MODE = 11002;
const SET_BANDWIDTH = 4008;
const FORCE_CHANNELS = 4022;

/** libopus mode and bandwidth constants of a TOC config. */
function modeAndBandwidth(config: number): [mode: number, bandwidth: number] {
  if (config < 12) return [1000, 1101 + (config >> 2)];
  if (config < 16) return [1001, config < 14 ? 1104 : 1105];
  const band = (config - 16) >> 2;
  return [1002, band === 0 ? 1101 : 1102 + band];
}

/**
 * Encodes `pcm` as `count` frames of `subSamples` samples per channel and joins them into one
 * code 3 VBR packet in `out`. After the first frame, mode, bandwidth and channels are forced to the
 * first frame's so that every frame shares its TOC; they are released afterwards.
 * @returns Bytes written to `out`; 0 when DTX left every frame empty (1-byte packets).
 */
export function encodeMultiframe(
  engine: OpusEngine,
  pcm: Int16Array,
  channels: number,
  subSamples: number,
  out: Uint8Array,
  frames: Uint8Array,
  dtx: boolean,
): number {
  const count = pcm.length / (subSamples * channels);
  const sizes = [0, 0, 0];
  let toc = -1;
  let total = 0;
  let allEmpty = true;
  try {
    for (let i = 0; i < count; i++) {
      const part = pcm.subarray(i * subSamples * channels, (i + 1) * subSamples * channels);
      const length = engine.encode(part, subSamples);
      if (length < 0) {
        throw new VoxwireError('ERR_CODEC_FAILURE', `opus encode: libopus failed: ${opusErrorName(length)}`);
      }
      const packet = engine.packetBytes(length);
      if ((packet[0] & 3) !== 0) {
        throw new VoxwireError('ERR_CODEC_FAILURE', 'opus encode: libopus returned a multi-frame packet');
      }
      if (i === 0) {
        toc = packet[0];
        const [mode, bandwidth] = modeAndBandwidth(toc >> 3);
        engine.setEncoderCtl(FORCE_MODE, mode);
        engine.setEncoderCtl(SET_BANDWIDTH, bandwidth);
        engine.setEncoderCtl(FORCE_CHANNELS, (toc & 4) !== 0 ? 2 : 1);
      } else if (packet[0] !== toc) {
        throw new VoxwireError(
          'ERR_CODEC_FAILURE',
          'opus encode: libopus changed configuration within a packet',
        );
      }
      sizes[i] = length - 1;
      if (length > 2) allEmpty = false;
      frames.set(packet.subarray(1), total);
      total += length - 1;
    }
  } finally {
    engine.setEncoderCtl(FORCE_MODE, OPUS_AUTO);
    engine.setEncoderCtl(SET_BANDWIDTH, OPUS_AUTO);
    engine.setEncoderCtl(FORCE_CHANNELS, OPUS_AUTO);
  }
  if (dtx && allEmpty) return 0;
  let at = 0;
  const need = 2 + 2 * (count - 1) + total;
  if (out.length < need) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `opus encode: out holds ${out.length} bytes, up to ${need} needed`,
    );
  }
  out[at++] = (toc & ~3) | 3;
  out[at++] = 0x80 | count; // VBR, no padding
  for (let i = 0; i < count - 1; i++) {
    const size = sizes[i];
    if (size < 252) out[at++] = size;
    else {
      out[at++] = 252 + (size & 3);
      out[at++] = (size - 252 - (size & 3)) >> 2;
    }
  }
  out.set(frames.subarray(0, total), at);
  return at + total;
}

/**
 * Decodes a packet one frame at a time (each re-framed as a code 0 packet in `scratch`), for packets
 * longer than one decode call may safely produce. The packet must already be validated.
 * @returns Samples per channel decoded (left in the engine after each frame is copied by `sink`).
 */
export function decodeFrameByFrame(
  engine: OpusEngine,
  packet: Uint8Array,
  scratch: Uint8Array,
  sink: (samplesPerChannel: number, offsetPerChannel: number) => void,
): number {
  measureOpusPacket(packet);
  const frames = opusFrameLayout.count;
  let at = opusFrameLayout.dataOffset;
  let produced = 0;
  scratch[0] = packet[0] & ~3;
  for (let i = 0; i < frames; i++) {
    const size = opusFrameLayout.sizes[i];
    scratch.set(packet.subarray(at, at + size), 1);
    at += size;
    const samples = engine.decode(scratch.subarray(0, size + 1));
    if (samples < 0) return samples;
    sink(samples, produced);
    produced += samples;
  }
  return produced;
}
