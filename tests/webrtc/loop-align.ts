/**
 * Aligns a recording against a reference that the sender played in a loop (Chromium's fake
 * microphone repeats its WAV): the lag is found by FFT cross-correlation on a 3:1 decimated signal,
 * refined at full rate, and the correlation is taken against the looped reference.
 */
import FFT from 'fft.js';

function decimate3(x: Float32Array): Float32Array {
  const out = new Float32Array(Math.floor(x.length / 3));
  for (let i = 0; i < out.length; i++) out[i] = (x[3 * i] + x[3 * i + 1] + x[3 * i + 2]) / 3;
  return out;
}

function correlationAt(ref: Float32Array, rec: Float32Array, lag: number): number {
  const n = ref.length;
  let dot = 0;
  let er = 0;
  let ed = 0;
  for (let i = 0; i < rec.length; i++) {
    const r = ref[(((i + lag) % n) + n) % n];
    dot += r * rec[i];
    er += r * r;
    ed += rec[i] * rec[i];
  }
  return er > 0 && ed > 0 ? dot / Math.sqrt(er * ed) : 0;
}

/**
 * @param ref - The looped reference, one period.
 * @param rec - The recording (any length), same sample rate.
 * @returns `lag`: the reference sample that the recording's first sample matches; `correlation` there.
 */
export function loopAlignedCorrelation(
  ref: Float32Array,
  rec: Float32Array,
): { lag: number; correlation: number } {
  const r = decimate3(ref);
  const d = decimate3(rec);
  let size = 1;
  while (size < r.length + 2 * d.length) size *= 2;
  const fft = new FFT(size);
  const a = fft.createComplexArray();
  for (let i = 0; i < r.length + d.length; i++) a[2 * i] = r[i % r.length];
  const b = fft.createComplexArray();
  for (let i = 0; i < d.length; i++) b[2 * i] = d[i];
  const fa = fft.createComplexArray();
  const fb = fft.createComplexArray();
  fft.transform(fa, a);
  fft.transform(fb, b);
  const prod = fft.createComplexArray();
  for (let k = 0; k < size; k++) {
    const [ar, ai, br, bi] = [fa[2 * k], fa[2 * k + 1], fb[2 * k], -fb[2 * k + 1]];
    prod[2 * k] = ar * br - ai * bi;
    prod[2 * k + 1] = ar * bi + ai * br;
  }
  const xc = fft.createComplexArray();
  fft.inverseTransform(xc, prod);
  let coarse = 0;
  for (let k = 1; k < r.length; k++) if (xc[2 * k] > xc[2 * coarse]) coarse = k;
  let best = { lag: 3 * coarse, correlation: -1 };
  for (let lag = 3 * coarse - 6; lag <= 3 * coarse + 6; lag++) {
    const c = correlationAt(ref, rec, lag);
    if (c > best.correlation) best = { lag, correlation: c };
  }
  return best;
}

/**
 * Aligns each `segmentSamples` window of `rec` on its own (a jitter buffer that stretches or a
 * capture that restarts its loop moves the alignment during a call) and averages the correlations
 * and the median of windows that carry signal (RMS above −50 dBFS). The median is what a listener
 * judges: one window that straddles a time-stretch of the peer's jitter buffer scores low however
 * well the rest of the call is heard.
 */
export function segmentedLoopCorrelation(
  ref: Float32Array,
  rec: Float32Array,
  segmentSamples: number,
): { mean: number; median: number; segments: number[] } {
  const segments: number[] = [];
  for (let start = 0; start + segmentSamples <= rec.length; start += segmentSamples) {
    const part = rec.subarray(start, start + segmentSamples);
    let energy = 0;
    for (const v of part) energy += v * v;
    if (Math.sqrt(energy / part.length) < 0.00316) continue;
    segments.push(loopAlignedCorrelation(ref, part).correlation);
  }
  const mean = segments.length ? segments.reduce((s, c) => s + c, 0) / segments.length : 0;
  const sorted = [...segments].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  const median =
    sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
  return { mean, median, segments };
}
