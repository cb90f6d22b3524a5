/**
 * Audio level per RFC 6464 (client-to-mixer audio level header extension): the RMS of a frame in
 * dBov, where 0 dBov is the RMS of a full-scale square wave, i.e. full scale itself (32768 for Int16,
 * 1.0 for Float32). The RFC's range is 0 to −127 dBov; digital silence is −127. This is the same
 * measure as libwebrtc's `RmsLevel`.
 */
import { VoxwireError } from '../errors.js';
import type { PcmSamples } from './pcm.js';

/** The lowest level RFC 6464 can carry, in dBov; also the level of digital silence. */
export const MIN_LEVEL_DBOV = -127;

/**
 * RMS level of a frame in dBov, clamped to [−127, 0]. An empty frame, digital silence and a frame
 * whose samples are not finite numbers all give −127.
 * @param frame - Samples of any rate and channel layout (interleaved channels are pooled). Int16 is
 *   full scale at 32768, Float32 at 1.0.
 * @returns The level in dBov (a fractional number; round with {@link audioLevelFromDbov} for RTP).
 */
export function rmsDbov(frame: PcmSamples): number {
  const n = frame.length;
  if (n === 0) return MIN_LEVEL_DBOV;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += frame[i] * frame[i];
  const fullScale = frame instanceof Int16Array ? 32768 : 1;
  const meanSquare = sumSquares / (n * fullScale * fullScale);
  if (!(meanSquare > 0) || !Number.isFinite(meanSquare)) return MIN_LEVEL_DBOV;
  const dbov = 10 * Math.log10(meanSquare);
  return Math.max(MIN_LEVEL_DBOV, Math.min(0, dbov));
}

/**
 * The 7-bit level value of the RFC 6464 header extension: −dBov rounded to the nearest integer,
 * 0 (loudest) to 127 (silence). Levels above 0 dBov give 0 and below −127 dBov give 127.
 * @param dbov - Level in dBov, as returned by {@link rmsDbov}.
 * @returns An integer 0–127.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `dbov` is NaN.
 */
export function audioLevelFromDbov(dbov: number): number {
  if (Number.isNaN(dbov)) throw new VoxwireError('ERR_INVALID_ARGUMENT', 'audioLevelFromDbov: dbov is NaN');
  return Math.max(0, Math.min(127, Math.round(-dbov))); // Math.max(0, −0) is +0
}

/**
 * The RFC 6464 level value (0–127, −dBov) of a frame: `audioLevelFromDbov(rmsDbov(frame))`.
 * @param frame - Int16 (full scale 32768) or Float32 (full scale 1.0) samples.
 * @returns An integer 0–127; 127 for silence.
 */
export function audioLevel(frame: PcmSamples): number {
  return audioLevelFromDbov(rmsDbov(frame));
}
