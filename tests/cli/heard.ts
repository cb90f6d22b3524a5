/**
 * How well `heard` contains `said`, robust to the playout's time-stretching: `said` is cut into
 * 250 ms windows; each is matched against `heard` from the same position up to `maxDelayMs` later
 * (or up to `maxLeadMs` earlier, when the recording started late) (full overlap only, so a short overlap cannot fake a match), on 4 kHz averages to keep it fast.
 * Returns the median of the best normalised correlations.
 */
export function medianWindowCorrelation(
  said: Int16Array,
  heard: Int16Array,
  sampleRateHz: number,
  maxDelayMs = 500,
  maxLeadMs = 0,
): number {
  const step = Math.max(1, Math.round(sampleRateHz / 4000));
  const a = decimate(said, step);
  const b = decimate(heard, step);
  const rate = sampleRateHz / step;
  const win = Math.round(rate / 4);
  const maxLag = Math.round((rate * maxDelayMs) / 1000);
  const minLag = -Math.round((rate * maxLeadMs) / 1000);
  const scores: number[] = [];
  for (let start = 0; start + win <= a.length && start + win <= b.length; start += win) {
    let ea = 0;
    for (let i = 0; i < win; i++) ea += a[start + i] * a[start + i];
    if (ea < win * 100 * 100) continue; // silence says nothing
    let best = 0;
    for (let lag = Math.max(minLag, -start); lag <= maxLag && start + lag + win <= b.length; lag++) {
      let dot = 0;
      let eb = 0;
      for (let i = 0; i < win; i++) {
        const y = b[start + lag + i];
        dot += a[start + i] * y;
        eb += y * y;
      }
      if (eb > 0) best = Math.max(best, dot / Math.sqrt(ea * eb));
    }
    scores.push(best);
  }
  scores.sort((x, y) => x - y);
  return scores.length === 0 ? 0 : scores[Math.floor(scores.length / 2)];
}

function decimate(x: Int16Array, step: number): Float64Array {
  const out = new Float64Array(Math.floor(x.length / step));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < step; k++) sum += x[i * step + k];
    out[i] = sum / step;
  }
  return out;
}

/** `x` from 100 ms before its first sample louder than `threshold` (a late start's silence removed). */
export function fromOnset(x: Int16Array, sampleRateHz: number, threshold = 1000): Int16Array {
  let i = 0;
  while (i < x.length && Math.abs(x[i]) <= threshold) i++;
  return x.subarray(Math.max(0, i - Math.round(sampleRateHz / 10)));
}

/**
 * For recordings that start at an unknown point of what was said (a peer that joined late): takes
 * `windows` loud 250 ms windows spread over `heard` and finds each anywhere in `said`; returns the
 * median of the best normalised correlations.
 */
export function medianMatchAnywhere(
  said: Int16Array,
  heard: Int16Array,
  sampleRateHz: number,
  windows = 12,
): number {
  const step = Math.max(1, Math.round(sampleRateHz / 4000));
  const a = decimate(said, step);
  const b = decimate(heard, step);
  const win = Math.round(sampleRateHz / step / 4);
  const loud: number[] = [];
  for (let start = 0; start + win <= b.length; start += win) {
    let e = 0;
    for (let i = 0; i < win; i++) e += b[start + i] * b[start + i];
    if (e >= win * 300 * 300) loud.push(start);
  }
  const scores: number[] = [];
  for (let k = 0; k < Math.min(windows, loud.length); k++) {
    const start = loud[Math.floor((k * loud.length) / Math.min(windows, loud.length))];
    let eb = 0;
    for (let i = 0; i < win; i++) eb += b[start + i] * b[start + i];
    let best = 0;
    for (let lag = 0; lag + win <= a.length; lag++) {
      let dot = 0;
      let ea = 0;
      for (let i = 0; i < win; i++) {
        const x = a[lag + i];
        dot += x * b[start + i];
        ea += x * x;
      }
      if (ea > 0) best = Math.max(best, dot / Math.sqrt(ea * eb));
    }
    scores.push(best);
  }
  scores.sort((x, y) => x - y);
  return scores.length === 0 ? 0 : scores[Math.floor(scores.length / 2)];
}
