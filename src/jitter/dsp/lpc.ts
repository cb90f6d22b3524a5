/**
 * Linear prediction helpers shared by expand and comfort noise: autocorrelation, Levinson–Durbin
 * (giving both direct-form and reflection coefficients) and an all-pole synthesis filter.
 *
 * Convention: A(z) = 1 + a[1] z^-1 + … + a[p] z^-p, the prediction error is e[n] = Σ a[i] x[n-i]
 * with a[0] = 1, and the reflection coefficient k[m] equals a[m] of the order-m solution. The same
 * convention as libwebrtc's SPL and its RFC 3389 CNG, so CN payloads interoperate.
 */

/** Highest LPC order the dsp module supports (RFC 3389 leaves it open; libwebrtc uses 12). */
export const MAX_LPC_ORDER = 16;

/**
 * Autocorrelation r[0..order] of x[start .. start+length), with a 1.0001 white-noise correction
 * on r[0] (keeps Levinson well conditioned on pure tones) and a Gaussian lag window.
 * @param out - Receives order+1 values.
 */
export function autocorrelation(
  x: ArrayLike<number>,
  start: number,
  length: number,
  order: number,
  out: Float64Array,
): void {
  for (let lag = 0; lag <= order; lag++) {
    let sum = 0;
    for (let i = start + lag; i < start + length; i++) sum += x[i] * x[i - lag];
    out[lag] = sum;
  }
  out[0] *= 1.0001;
  // Lag window (60 Hz bandwidth at 8 kHz scale): widens formant peaks so noise does not whistle.
  for (let lag = 1; lag <= order; lag++) out[lag] *= Math.exp(-0.5 * (0.0471 * lag) ** 2);
}

/**
 * Levinson–Durbin recursion.
 * @param r - Autocorrelation, order+1 values.
 * @param a - Receives a[0..order] (a[0] = 1).
 * @param k - Receives reflection coefficients k[0..order-1] (k[m-1] is the order-m coefficient).
 * @param scratch - At least order+1 values of working space.
 * @returns The normalised prediction error energy E/r[0] in (0, 1]; 1 when r[0] is 0.
 */
export function levinson(
  r: Float64Array,
  order: number,
  a: Float64Array,
  k: Float64Array,
  scratch: Float64Array,
): number {
  a.fill(0, 0, order + 1);
  a[0] = 1;
  k.fill(0, 0, order);
  if (!(r[0] > 0)) return 1;
  let error = r[0];
  for (let m = 1; m <= order; m++) {
    let acc = r[m];
    for (let i = 1; i < m; i++) acc += a[i] * r[m - i];
    let km = -acc / error;
    if (!(Math.abs(km) < 0.9999)) km = km > 0 ? 0.9999 : -0.9999;
    k[m - 1] = km;
    for (let i = 0; i < m; i++) scratch[i] = a[i];
    for (let i = 1; i < m; i++) a[i] = scratch[i] + km * scratch[m - i];
    a[m] = km;
    error *= 1 - km * km;
  }
  return error / r[0];
}

/**
 * Step-up recursion: reflection coefficients k[0..order-1] to direct form a[0..order].
 * @param scratch - At least order+1 values of working space.
 */
export function reflectionToLpc(
  k: ArrayLike<number>,
  order: number,
  a: Float64Array,
  scratch: Float64Array,
): void {
  a.fill(0, 0, order + 1);
  a[0] = 1;
  for (let m = 1; m <= order; m++) {
    const km = k[m - 1];
    for (let i = 0; i < m; i++) scratch[i] = a[i];
    for (let i = 1; i < m; i++) a[i] = scratch[i] + km * scratch[m - i];
    a[m] = km;
  }
}

/**
 * All-pole synthesis filter 1/A(z) with persistent state, so a noise signal continues across
 * calls without a seam. Allocation-free after construction.
 */
export class AllPoleFilter {
  readonly #a = new Float64Array(MAX_LPC_ORDER + 1);
  /** Past outputs, most recent first. */
  readonly #memory = new Float64Array(MAX_LPC_ORDER);
  #order = 0;

  /** Sets the coefficients a[0..order] (a[0] must be 1). Keeps the filter memory. */
  setCoefficients(a: ArrayLike<number>, order: number): void {
    this.#order = Math.min(order, MAX_LPC_ORDER);
    for (let i = 0; i <= this.#order; i++) this.#a[i] = a[i];
  }

  /** Loads the memory from the samples just before `end` in `x`, times `scale` (zeros where x has none). */
  setState(x: ArrayLike<number>, end: number, scale = 1): void {
    for (let i = 0; i < MAX_LPC_ORDER; i++) this.#memory[i] = end - 1 - i >= 0 ? x[end - 1 - i] * scale : 0;
  }

  /** Clears the memory. */
  reset(): void {
    this.#memory.fill(0);
  }

  /** Filters one excitation sample and returns the output sample. */
  step(excitation: number): number {
    const a = this.#a;
    const mem = this.#memory;
    let y = excitation;
    for (let i = 1; i <= this.#order; i++) y -= a[i] * mem[i - 1];
    for (let i = this.#order - 1; i > 0; i--) mem[i] = mem[i - 1];
    mem[0] = y;
    return y;
  }
}
