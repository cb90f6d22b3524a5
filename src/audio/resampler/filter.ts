/**
 * Kaiser-windowed sinc low-pass design for rational L/M resampling, laid out as a polyphase bank.
 *
 * The prototype filter runs at the virtual rate `inputRateHz · L`. Output sample n sits at virtual
 * index n·M; its phase is p = n·M mod L and it uses taps h[p + k·L] on input x[⌊n·M/L⌋ − k]. Each
 * phase's taps are stored reversed and contiguous so the inner loop is a plain forward dot product
 * over a contiguous input window. The half-length D is a multiple of M, so the group delay D/M is a
 * whole number of output samples and callers can compensate it exactly.
 */

/** A polyphase filter bank and the ratio it implements. */
export interface PolyphaseBank {
  /** Up-sampling factor L (output rate / gcd). */
  upFactor: number;
  /** Down-sampling factor M (input rate / gcd). */
  downFactor: number;
  /** Taps per phase, K (a multiple of 4). */
  tapsPerPhase: number;
  /** L·K coefficients: phase p's K taps, reversed, at [p·K, p·K + K). Shared: never write to it. */
  coefficients: Float32Array;
  /** Group delay in output samples (per channel). */
  delaySamples: number;
}

const cache = new Map<string, PolyphaseBank>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (power series). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/** Kaiser's β for a stopband attenuation in dB. */
function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

/**
 * Designs (or returns the cached) polyphase bank for a rate pair and filter tuning. Rates must differ.
 * @param passbandEdge - Passband end as a fraction of the lower rate's Nyquist frequency.
 * @param stopbandEdge - Stopband start as a fraction of the lower rate's Nyquist frequency.
 * @param stopbandAttenuationDb - Stopband attenuation in dB.
 */
export function polyphaseBank(
  inputRateHz: number,
  outputRateHz: number,
  passbandEdge: number,
  stopbandEdge: number,
  stopbandAttenuationDb: number,
): PolyphaseBank {
  const key = `${inputRateHz}:${outputRateHz}:${passbandEdge}:${stopbandEdge}:${stopbandAttenuationDb}`;
  let bank = cache.get(key);
  if (bank === undefined) {
    bank = design(inputRateHz, outputRateHz, passbandEdge, stopbandEdge, stopbandAttenuationDb);
    cache.set(key, bank);
  }
  return bank;
}

function design(
  inputRateHz: number,
  outputRateHz: number,
  passbandEdge: number,
  stopbandEdge: number,
  attenuationDb: number,
): PolyphaseBank {
  const g = gcd(inputRateHz, outputRateHz);
  const L = outputRateHz / g;
  const M = inputRateHz / g;
  const virtualRateHz = inputRateHz * L;
  const nyquistHz = Math.min(inputRateHz, outputRateHz) / 2;
  const passHz = passbandEdge * nyquistHz;
  const stopHz = stopbandEdge * nyquistHz;
  const cutoff = (passHz + stopHz) / 2 / virtualRateHz; // cycles per virtual sample
  const transition = (2 * Math.PI * (stopHz - passHz)) / virtualRateHz; // rad per virtual sample
  // Kaiser's length estimate, then round the half-length up to a multiple of M (integer delay).
  const minLength = Math.ceil((attenuationDb - 7.95) / (2.285 * transition)) + 1;
  const half = M * Math.ceil(Math.ceil((minLength - 1) / 2) / M);
  const length = 2 * half + 1;
  // Taps per phase rounded up to a multiple of 4 (zero taps) for the 4-way unrolled inner loop.
  const K = 4 * Math.ceil(Math.ceil(length / L) / 4);

  const beta = kaiserBeta(attenuationDb);
  const i0Beta = besselI0(beta);
  const h = new Float64Array(K * L);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const t = i - half;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const ratio = t / half;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - ratio * ratio))) / i0Beta;
    h[i] = sinc * window;
    sum += h[i];
  }
  // Unity DC gain after zero-stuffing by L: the taps sum to L (about 1 per phase).
  const scale = L / sum;
  const coefficients = new Float32Array(K * L);
  for (let p = 0; p < L; p++) {
    for (let j = 0; j < K; j++) coefficients[p * K + j] = h[p + (K - 1 - j) * L] * scale;
  }
  return { upFactor: L, downFactor: M, tapsPerPhase: K, coefficients, delaySamples: half / M };
}
