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
  const scores = loudWindowStarts(b, win, windows).map(
    (start) => bestMatch(a, b.subarray(start, start + win)).correlation,
  );
  scores.sort((x, y) => x - y);
  return scores.length === 0 ? 0 : scores[Math.floor(scores.length / 2)];
}

/** Starts of up to `windows` windows of `win` samples spread over the loud ones of `x` (4 kHz). */
function loudWindowStarts(x: Float64Array, win: number, windows: number): number[] {
  const loud: number[] = [];
  for (let start = 0; start + win <= x.length; start += win) {
    let e = 0;
    for (let i = 0; i < win; i++) e += x[start + i] * x[start + i];
    if (e >= win * 300 * 300) loud.push(start);
  }
  const n = Math.min(windows, loud.length);
  return Array.from({ length: n }, (_, k) => loud[Math.floor((k * loud.length) / n)]);
}

/** What {@link mixFit} found. */
export interface MixFit {
  /** Median over the windows of the energy share of `heard` that the talkers explain together (0–1). */
  explained: number;
  /** Per talker: mean over the windows of the energy share its own part explains (0–1). */
  shares: number[];
}

/**
 * For a recording of several talkers mixed (each at an unknown delay, which may drift): takes
 * `windows` loud 250 ms windows of `heard`, finds for each talker the best-matching 250 ms of what it
 * said, and fits the window as a weighted sum of those (least squares). A talker missing from the mix
 * gets a share near 0; a clean mix is explained nearly whole.
 */
export function mixFit(said: Int16Array[], heard: Int16Array, sampleRateHz: number, windows = 12): MixFit {
  const step = Math.max(1, Math.round(sampleRateHz / 4000));
  const talkers = said.map((x) => decimate(x, step));
  const b = decimate(heard, step);
  const win = Math.round(sampleRateHz / step / 4);
  const starts = loudWindowStarts(b, win, windows);
  const n = starts.length;
  const explained: number[] = [];
  const shares = said.map(() => 0);
  for (const start of starts) {
    const h = b.subarray(start, start + win);
    const parts = talkers.map((a) => {
      const { at } = bestMatch(a, h);
      return a.subarray(at, at + win);
    });
    // Normal equations of h ≈ Σ g_i · parts_i.
    const m = parts.length;
    const gram = parts.map((p) => parts.map((q) => dot(p, q)));
    const rhs = parts.map((p) => dot(p, h));
    const g = solve(gram, rhs);
    const eh = dot(h, h);
    let fit = 0;
    for (let i = 0; i < m; i++) {
      // Each talker's term of the explained energy (they sum to it); an anti-phase weight counts 0.
      fit += g[i] * rhs[i];
      shares[i] += Math.max(0, (g[i] * rhs[i]) / eh) / n;
    }
    explained.push(Math.max(0, Math.min(1, fit / eh)));
  }
  explained.sort((x, y) => x - y);
  return { explained: n === 0 ? 0 : explained[Math.floor(n / 2)], shares };
}

/** Where in `a` the stretch most like `h` starts, and its normalised correlation (≥ 0). */
function bestMatch(a: Float64Array, h: Float64Array): { at: number; correlation: number } {
  const win = h.length;
  const eh = dot(h, h);
  let correlation = 0;
  let at = 0;
  for (let lag = 0; lag + win <= a.length; lag++) {
    let d = 0;
    let ea = 0;
    for (let i = 0; i < win; i++) {
      const x = a[lag + i];
      d += x * h[i];
      ea += x * x;
    }
    if (ea > 0 && d / Math.sqrt(ea * eh) > correlation) {
      correlation = d / Math.sqrt(ea * eh);
      at = lag;
    }
  }
  return { at, correlation };
}

function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** Gaussian elimination with partial pivoting; a singular system gives zeros. */
function solve(a: number[][], b: number[]): number[] {
  const m = b.length;
  const A = a.map((row, i) => [...row, b[i]]);
  const tiny = 1e-9 * Math.max(...a.map((row, i) => Math.abs(row[i])));
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (!(Math.abs(A[p][c]) > tiny)) return b.map(() => 0);
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= m; k++) A[r][k] -= f * A[c][k];
    }
  }
  return A.map((row, i) => row[m] / row[i]);
}
