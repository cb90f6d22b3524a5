import type { PlayoutContext } from './playout-context.js';

/** A pull at most this share of the recent mean energy (−6 dB) is quiet enough to trim. */
const QUIET_ENERGY_RATIO = 0.25;
/** Weight of one pull in the mean energy of the decoded audio played (about 0.5 s of memory). */
const ENERGY_SMOOTHING = 0.02;

/**
 * Plays this pull trimmed when that lowers the delay for free (call only for a `'normal'` pull).
 * The next packet boundary falls `phase` samples into a pull, so that packet is due `phase` before
 * its audio plays: held for nothing. A quiet pull played from `trimSamples` more audio (see
 * `FractionalTrim`) takes that away bit by bit without moving any deadline, so it costs no late
 * loss. Loud pulls are left alone: a trim there moves the waveform against the sender's during
 * voiced speech, where a listener (and a correlation) would notice a run of them. Only on decoded
 * audio that ends at a packet boundary, with the trim's look-ahead decoded.
 * @returns True when it played the pull into `out` (trimmed), false when the caller plays it.
 * @internal
 */
export function playTrimmed(c: PlayoutContext, out: Int16Array): boolean {
  const sync = c.sync;
  const trim = c.trim;
  if (c.generated !== 0 || c.comfortNoise) return false;
  const energy = meanSquare(sync.data, sync.playPos, Math.min(c.frameSamples, sync.futureSamples));
  const mean = c.playedEnergy;
  c.playedEnergy = Number.isNaN(mean) ? energy : mean + ENERGY_SMOOTHING * (energy - mean);
  if (!(energy <= QUIET_ENERGY_RATIO * mean)) return false;
  const future = sync.futureSamples;
  if (future % c.frameSamples < trim.trimSamples || future < trim.lookAheadSamples) return false;
  trim.render(sync.data, sync.playPos, out);
  sync.skip(c.frameSamples + trim.trimSamples);
  c.stats.removedSamplesForAcceleration += trim.trimSamples;
  c.level -= trim.trimSamples;
  return true;
}

function meanSquare(x: Float32Array, from: number, n: number): number {
  let sum = 0;
  for (let i = from; i < from + n; i++) sum += x[i] * x[i];
  return n > 0 ? sum / n : 0;
}
