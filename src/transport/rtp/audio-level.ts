import { VoxwireError } from '../../errors.js';

/**
 * RFC 6464 client-to-mixer audio level: one byte `V:1 | level:7`, where level is the audio level
 * in −dBov (0 = loudest, 127 = silence or quieter). The level of a frame of samples is measured by
 * `audioLevel` in src/audio/level.ts.
 */

/** SDP `a=extmap` URI of the RFC 6464 extension. */
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/** Decoded RFC 6464 element. */
export interface AudioLevel {
  /** V flag: the sender's voice activity detector judged this packet to contain speech. */
  voiceActivity: boolean;
  /** Level as −dBov, integer 0–127 (0 is full scale, 127 is −127 dBov or quieter). */
  levelDbov: number;
}

/**
 * Encodes the 1-byte element value.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `levelDbov` is not an integer 0–127.
 */
export function encodeAudioLevel(level: AudioLevel): number {
  const l = level.levelDbov;
  if (!(l >= 0 && l <= 127 && (l | 0) === l)) {
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `audio level ${l} -dBov is not an integer 0–127`);
  }
  return (level.voiceActivity ? 0x80 : 0) | l;
}

/**
 * Writes the element data (1 byte) into `out` (allocating 1 byte when absent) and returns it, ready
 * to be an {@link RtpHeaderExtension}'s `data`.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` as {@link encodeAudioLevel}.
 */
export function writeAudioLevel(level: AudioLevel, out?: Uint8Array): Uint8Array {
  const d = out ?? new Uint8Array(1);
  if (d.length < 1) throw new VoxwireError('ERR_INVALID_ARGUMENT', 'audio level output buffer is empty');
  d[0] = encodeAudioLevel(level);
  return d;
}

/**
 * Decodes the element: from its data (first byte is used; RFC 6464 senders may pad) or from the
 * byte value itself.
 * @returns The level, or undefined for empty data (count and drop, never throws).
 */
export function decodeAudioLevel(data: Uint8Array | number): AudioLevel | undefined {
  let b: number;
  if (typeof data === 'number') b = data & 0xff;
  else if (data.length === 0) return undefined;
  else b = data[0];
  return { voiceActivity: (b & 0x80) !== 0, levelDbov: b & 0x7f };
}
