/** Measures how well a simulated call carried speech: short-window aligned correlation. */
import { Resampler } from '../../src/audio/index.js';
import { alignedCorrelation } from '../helpers/signal.js';

/** Best normalised correlation of `ref` with `deg[lag … lag + ref.length)` over lags 0 … `maxLag` (full overlap only). */
function bestFullOverlap(ref: Int16Array, deg: Int16Array, maxLag: number): number {
  let eRef = 0;
  for (const x of ref) eRef += x * x;
  let best = 0;
  for (let lag = 0; lag <= maxLag && lag + ref.length <= deg.length; lag++) {
    let dot = 0;
    let eDeg = 0;
    for (let i = 0; i < ref.length; i++) {
      const y = deg[lag + i];
      dot += ref[i] * y;
      eDeg += y * y;
    }
    if (eDeg > 0) best = Math.max(best, dot / Math.sqrt(eRef * eDeg));
  }
  return best;
}

/**
 * Energy-weighted mean over 100 ms windows of `sent` (8 kHz) of the best correlation with `heard`
 * (resampled to 8 kHz) within ±60 ms of the call's overall lag. Windows are aligned one by one because
 * the playout time-stretches, which moves the lag during the call. Noise or the wrong talker scores
 * about 0.1–0.3.
 */
export function windowedCorrelation(sent: Int16Array, heard: Int16Array, heardRateHz: number): number {
  const h =
    heardRateHz === 8000
      ? heard
      : new Resampler({ inputRateHz: heardRateHz, outputRateHz: 8000 }).processInt16(heard);
  // Overall lag from 2 s of the call (a whole-call search costs seconds).
  const start = Math.min(8000, Math.max(0, sent.length - 16000));
  const global = alignedCorrelation(sent.subarray(start, start + 16000), h.subarray(start), 2400).lag;
  const window = 800;
  const search = 480;
  let num = 0;
  let den = 0;
  for (let s = 0; s + window <= sent.length; s += window) {
    const ref = sent.subarray(s, s + window);
    let energy = 0;
    for (const x of ref) energy += x * x;
    const from = s + global - search;
    if (energy === 0 || from < 0) continue;
    num += bestFullOverlap(ref, h.subarray(from, from + window + 2 * search), 2 * search) * energy;
    den += energy;
  }
  return den > 0 ? num / den : 0;
}
