/**
 * Noise power spectrum estimate that follows changing noise: minima-controlled recursive averaging
 * (MCRA, Cohen & Berdugo 2002). The smoothed periodogram's minimum over a sliding window (Martin's
 * sub-window search) tells speech from noise per bin; bins judged noise-only pull the estimate
 * towards the current periodogram within a few frames, bins with speech hold it. A rise of the noise
 * floor is followed once the window (0.8 s) has slid past it; a fall is followed at once.
 * @internal
 */
export class NoiseEstimator {
  /** Noise power per bin (same scale as the periodogram given to `update`). */
  readonly noisePower: Float32Array;
  /** Speech presence probability per bin, 0–1. */
  readonly speechPresence: Float32Array;
  private readonly bins: number;
  private readonly smoothed: Float32Array;
  private readonly minimum: Float32Array;
  private readonly subMinimum: Float32Array;
  /** Minimum of each completed sub-window, `subWindows` rows of `bins`. */
  private readonly subMinima: Float32Array;
  private readonly subWindows: number;
  private readonly subWindowFrames: number;
  private frameInSub = 0;
  private subIndex = 0;
  private frames = 0;

  /**
   * @param bins - Spectrum bins per frame.
   * @param frameRateHz - Frames per second (100 for 10 ms hops).
   */
  constructor(bins: number, frameRateHz = 100) {
    this.bins = bins;
    this.noisePower = new Float32Array(bins);
    this.speechPresence = new Float32Array(bins);
    this.smoothed = new Float32Array(bins);
    this.minimum = new Float32Array(bins);
    this.subMinimum = new Float32Array(bins);
    this.subWindows = 5;
    this.subWindowFrames = Math.max(1, Math.round((0.8 * frameRateHz) / this.subWindows));
    this.subMinima = new Float32Array(this.subWindows * bins);
  }

  /** Forgets all state; the next frame re-initialises the estimate. */
  reset(): void {
    this.noisePower.fill(0);
    this.speechPresence.fill(0);
    this.frames = 0;
    this.frameInSub = 0;
    this.subIndex = 0;
  }

  /**
   * Takes one frame's periodogram |Y(k)|² and updates the noise estimate.
   * @param power - `bins` values, read only.
   */
  update(power: Float32Array): void {
    const { bins, smoothed, minimum, subMinimum, noisePower, speechPresence } = this;
    const first = this.frames === 0;
    this.frames++;
    for (let k = 0; k < bins; k++) {
      // Three-bin frequency smoothing, then first-order time smoothing.
      const lo = k > 0 ? power[k - 1] : power[k];
      const hi = k < bins - 1 ? power[k + 1] : power[k];
      const local = 0.25 * lo + 0.5 * power[k] + 0.25 * hi;
      const s = first ? local : 0.7 * smoothed[k] + 0.3 * local;
      smoothed[k] = s;
      if (first) {
        minimum[k] = s;
        subMinimum[k] = s;
        for (let u = 0; u < this.subWindows; u++) this.subMinima[u * bins + k] = s;
        noisePower[k] = power[k];
        continue;
      }
      if (s < minimum[k]) minimum[k] = s;
      if (s < subMinimum[k]) subMinimum[k] = s;
      // Speech where the smoothed power stands well above the window's minimum.
      const present = s > 5 * minimum[k] ? 1 : 0;
      const p = 0.8 * speechPresence[k] + 0.2 * present;
      speechPresence[k] = p;
      // The first half second learns fast, so a call that starts in noise is not held in speech.
      // A bin judged speech leaves the estimate alone: at high SNR even a small leak of speech power
      // would dwarf the noise. Recently-speech bins (p) update slowly.
      if (present) continue;
      const alphaD = this.frames < 50 ? 0.7 : 0.9;
      const alpha = alphaD + (1 - alphaD) * p;
      noisePower[k] = alpha * noisePower[k] + (1 - alpha) * power[k];
    }
    if (first) return;
    if (++this.frameInSub >= this.subWindowFrames) this.closeSubWindow();
  }

  /** Stores the finished sub-window's minimum and recomputes the window minimum without the oldest. */
  private closeSubWindow(): void {
    const { bins, subMinima, subMinimum, minimum, smoothed } = this;
    const row = this.subIndex * bins;
    for (let k = 0; k < bins; k++) subMinima[row + k] = subMinimum[k];
    this.subIndex = (this.subIndex + 1) % this.subWindows;
    for (let k = 0; k < bins; k++) {
      let m = subMinima[k];
      for (let u = 1; u < this.subWindows; u++) {
        const v = subMinima[u * bins + k];
        if (v < m) m = v;
      }
      minimum[k] = m;
      subMinimum[k] = smoothed[k];
    }
    this.frameInSub = 0;
  }
}
