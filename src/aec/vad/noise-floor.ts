/**
 * Noise floor per band by minimum statistics (Martin 2001, simplified): the minimum of the smoothed
 * band level over a sliding window of about 1.6 s, kept as a ring of sub-window minima so the window
 * slides without storing every block. Independent of the speech decision, so a wrong decision cannot
 * lock the floor onto speech, and every mode sees the same floor.
 */

/** Sub-windows in the ring; window = SUB_WINDOWS × blocksPerSubWindow blocks. */
const SUB_WINDOWS = 8;

/** Per-band noise floor in dB (full scale 1.0 = 0 dB). @internal */
export class NoiseFloor {
  /** Current floor per band, dB. */
  readonly floorDb: Float64Array;
  readonly #bands: number;
  readonly #blocksPerSub: number;
  readonly #smoothing: number;
  /** Smoothed level per band, linear mean square. */
  readonly #smoothed: Float64Array;
  /** Ring of minima, SUB_WINDOWS × bands, dB. */
  readonly #ring: Float64Array;
  /** Minimum of the sub-window being filled, per band, dB. */
  readonly #current: Float64Array;
  #slot = 0;
  #filled = 0;
  #blocks = 0;
  #started = false;

  /**
   * @param bands - Number of bands.
   * @param blocksPerSubWindow - 10 ms blocks per sub-window (20 → 1.6 s window).
   * @param smoothing - One-pole smoothing of the level before the minimum search, 0–1.
   */
  constructor(bands: number, blocksPerSubWindow = 20, smoothing = 0.7) {
    this.#bands = bands;
    this.#blocksPerSub = blocksPerSubWindow;
    this.#smoothing = smoothing;
    this.floorDb = new Float64Array(bands);
    this.#smoothed = new Float64Array(bands);
    this.#ring = new Float64Array(SUB_WINDOWS * bands);
    this.#current = new Float64Array(bands).fill(Number.POSITIVE_INFINITY);
  }

  /** Feeds one block's band mean squares and updates {@link floorDb}. */
  update(energy: Float64Array): void {
    const n = this.#bands;
    const a = this.#smoothing;
    for (let b = 0; b < n; b++) {
      const e = energy[b];
      this.#smoothed[b] = this.#started ? a * this.#smoothed[b] + (1 - a) * e : e;
      const db = toDb(this.#smoothed[b]);
      if (db < this.#current[b]) this.#current[b] = db;
    }
    this.#started = true;
    this.#blocks++;
    if (this.#blocks === this.#blocksPerSub) {
      const base = this.#slot * n;
      for (let b = 0; b < n; b++) {
        this.#ring[base + b] = this.#current[b];
        this.#current[b] = Number.POSITIVE_INFINITY;
      }
      this.#slot = (this.#slot + 1) % SUB_WINDOWS;
      if (this.#filled < SUB_WINDOWS) this.#filled++;
      this.#blocks = 0;
    }
    for (let b = 0; b < n; b++) {
      let min = this.#current[b];
      for (let s = 0; s < this.#filled; s++) {
        const v = this.#ring[s * n + b];
        if (v < min) min = v;
      }
      this.floorDb[b] = min;
    }
  }

  /** Forgets the floor. */
  reset(): void {
    this.#smoothed.fill(0);
    this.#ring.fill(0);
    this.#current.fill(Number.POSITIVE_INFINITY);
    this.floorDb.fill(0);
    this.#slot = 0;
    this.#filled = 0;
    this.#blocks = 0;
    this.#started = false;
  }
}

/** Mean square to dB with a floor at −120 dB (digital silence). */
export function toDb(meanSquare: number): number {
  return meanSquare > 1e-12 ? 10 * Math.log10(meanSquare) : -120;
}
