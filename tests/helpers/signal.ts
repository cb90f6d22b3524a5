/** Signal measures used by tests: correlation after alignment, SNR, tones. */

/** A sine of `frequencyHz` at `sampleRateHz`, amplitude 0–1 of full scale, as Float32. */
export function sine(
  frequencyHz: number,
  sampleRateHz: number,
  samples: number,
  amplitude = 0.5,
): Float32Array {
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRateHz);
  return out;
}

function toNumbers(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x as ArrayLike<number>);
}

/**
 * Finds the lag (in samples, `deg` behind `ref`, within ±maxLag) that maximises the normalised
 * correlation, and returns it with that correlation.
 */
export function alignedCorrelation(
  ref: ArrayLike<number>,
  deg: ArrayLike<number>,
  maxLag: number,
): { lag: number; correlation: number } {
  const a = toNumbers(ref);
  const b = toNumbers(deg);
  let best = { lag: 0, correlation: -1 };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let dot = 0;
    let ea = 0;
    let eb = 0;
    const start = Math.max(0, -lag);
    const end = Math.min(a.length, b.length - lag);
    for (let i = start; i < end; i++) {
      const x = a[i];
      const y = b[i + lag];
      dot += x * y;
      ea += x * x;
      eb += y * y;
    }
    const c = ea > 0 && eb > 0 ? dot / Math.sqrt(ea * eb) : 0;
    if (c > best.correlation) best = { lag, correlation: c };
  }
  return best;
}

/** SNR in dB of `deg` against `ref` (same length and alignment). */
export function snrDb(ref: ArrayLike<number>, deg: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  const n = Math.min(ref.length, deg.length);
  for (let i = 0; i < n; i++) {
    signal += ref[i] * ref[i];
    const e = ref[i] - deg[i];
    noise += e * e;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1e-30));
}
