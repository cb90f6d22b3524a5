/**
 * Sub-band energies of a 10 ms block: a small bank of second-order band-pass filters (RBJ, constant
 * 0 dB peak) over the speech bands. Filter state runs across blocks so the bands see a continuous
 * signal; allocation-free per block.
 */

/** Band edges in Hz: pitch/F1, F1/F2, F2, upper formants and fricatives. */
export const VAD_BANDS_HZ: readonly (readonly [number, number])[] = [
  [150, 500],
  [500, 1000],
  [1000, 2000],
  [2000, 3800],
];

/** Per-band mean-square of a block, computed with running biquad state. @internal */
export class BandEnergies {
  readonly bandCount = VAD_BANDS_HZ.length;
  /** Mean square per band of the last block (full scale 1.0). */
  readonly energy: Float64Array;
  /** Mean square of the whole last block (full scale 1.0). */
  fullBand = 0;
  readonly #b0: Float64Array;
  readonly #a1: Float64Array;
  readonly #a2: Float64Array;
  /** Direct form II transposed state: two values per band. */
  readonly #s1: Float64Array;
  readonly #s2: Float64Array;

  /** @param sampleRateHz - Rate of the samples passed to {@link analyse}. */
  constructor(sampleRateHz: number) {
    const n = this.bandCount;
    this.energy = new Float64Array(n);
    this.#b0 = new Float64Array(n);
    this.#a1 = new Float64Array(n);
    this.#a2 = new Float64Array(n);
    this.#s1 = new Float64Array(n);
    this.#s2 = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      const [lo, hi] = VAD_BANDS_HZ[b];
      const centre = Math.sqrt(lo * hi);
      const q = centre / (hi - lo);
      const w = (2 * Math.PI * centre) / sampleRateHz;
      const alpha = Math.sin(w) / (2 * q);
      const a0 = 1 + alpha;
      // Band-pass with b1 = 0 and b2 = −b0.
      this.#b0[b] = alpha / a0;
      this.#a1[b] = (-2 * Math.cos(w)) / a0;
      this.#a2[b] = (1 - alpha) / a0;
    }
  }

  /** Runs `count` samples from `offset` of `block` (Int16, full scale 32768) through the bank. */
  analyse(block: Int16Array, offset: number, count: number): void {
    const scale = 1 / 32768;
    let full = 0;
    for (let i = 0; i < count; i++) {
      const x = block[offset + i] * scale;
      full += x * x;
    }
    this.fullBand = full / count;
    for (let b = 0; b < this.bandCount; b++) {
      const b0 = this.#b0[b];
      const a1 = this.#a1[b];
      const a2 = this.#a2[b];
      let s1 = this.#s1[b];
      let s2 = this.#s2[b];
      let sum = 0;
      for (let i = 0; i < count; i++) {
        const x = block[offset + i] * scale;
        const y = b0 * x + s1;
        s1 = -a1 * y + s2;
        s2 = -b0 * x - a2 * y;
        sum += y * y;
      }
      // Flush denormals and any non-finite state so one bad block cannot poison the filters.
      this.#s1[b] = Number.isFinite(s1) && Math.abs(s1) > 1e-30 ? s1 : 0;
      this.#s2[b] = Number.isFinite(s2) && Math.abs(s2) > 1e-30 ? s2 : 0;
      this.energy[b] = sum / count;
    }
  }

  /** Clears the filter state. */
  reset(): void {
    this.#s1.fill(0);
    this.#s2.fill(0);
    this.energy.fill(0);
    this.fullBand = 0;
  }
}
