import { RealFft } from './fft.js';

/**
 * Partitioned-block frequency-domain adaptive filter (the MDF of Soo & Pang with the step-size control
 * of Valin, "On adjusting the learning rate in frequency domain echo cancellation with double-talk",
 * 2007, as in speexdsp). Two paths: a background filter adapts every block; a foreground filter, used
 * for the output, takes the background's weights only when the background measurably cancels more,
 * and the background falls back to the foreground when it diverges (double talk, path change).
 *
 * Works on blocks of `blockSize` samples (a power of two) in int16 scale; allocation-free per block.
 * @internal
 */
export class MdfFilter {
  /** Samples per block. */
  readonly blockSize: number;
  /** Number of partitions (tail = partitions × blockSize samples). */
  readonly partitions: number;
  /** Estimated ratio of residual echo power to echo-estimate power (0..1), the "leak". */
  leak = 0;
  /** True once the filter has adapted enough to trust its estimates. */
  adapted = false;
  /** Smoothed foreground error energy and mic energy over far-active blocks (for ERLE estimates). */
  erleNum = 0;
  erleDen = 0;

  private readonly fft: RealFft;
  private readonly bins: number;
  private readonly xTime: Float32Array;
  private readonly xRe: Float32Array[];
  private readonly xIm: Float32Array[];
  private readonly wRe: Float32Array[];
  private readonly wIm: Float32Array[];
  private readonly fgRe: Float32Array[];
  private readonly fgIm: Float32Array[];
  private head = 0;
  private readonly accRe: Float32Array;
  private readonly accIm: Float32Array;
  private readonly time: Float32Array;
  private readonly eBg: Float32Array;
  private readonly yBg: Float32Array;
  private readonly eRe: Float32Array;
  private readonly eIm: Float32Array;
  private readonly power: Float32Array;
  private readonly step: Float32Array;
  private readonly eh: Float32Array;
  private readonly yh: Float32Array;
  private readonly prop: Float32Array;
  private readonly scale2: number;
  private pey = 1;
  private pyy = 1;
  private sumAdapt = 0;
  private davg1 = 0;
  private davg2 = 0;
  private dvar1 = 0;
  private dvar2 = 0;
  private cursor = 0;

  /**
   * @param blockSize - Samples per block (power of two, ≥ 16).
   * @param partitions - Filter partitions (≥ 1).
   * @param blockSeconds - Block duration in seconds (sets smoothing constants).
   */
  constructor(blockSize: number, partitions: number, blockSeconds: number) {
    this.blockSize = blockSize;
    this.partitions = partitions;
    const n = 2 * blockSize;
    this.fft = new RealFft(n);
    this.bins = blockSize + 1;
    this.scale2 = n * n;
    this.blockSeconds = blockSeconds;
    const spectra = () => Array.from({ length: partitions }, () => new Float32Array(this.bins));
    this.xRe = spectra();
    this.xIm = spectra();
    this.wRe = spectra();
    this.wIm = spectra();
    this.fgRe = spectra();
    this.fgIm = spectra();
    this.xTime = new Float32Array(n);
    this.time = new Float32Array(n);
    this.accRe = new Float32Array(this.bins);
    this.accIm = new Float32Array(this.bins);
    this.eBg = new Float32Array(blockSize);
    this.yBg = new Float32Array(blockSize);
    this.eRe = new Float32Array(this.bins);
    this.eIm = new Float32Array(this.bins);
    this.power = new Float32Array(this.bins);
    this.step = new Float32Array(this.bins);
    this.eh = new Float32Array(this.bins);
    this.yh = new Float32Array(this.bins);
    this.prop = new Float32Array(partitions);
    this.reset();
  }

  private readonly blockSeconds: number;

  /** Forgets the echo path and all statistics. */
  reset(): void {
    for (let k = 0; k < this.partitions; k++) {
      this.xRe[k].fill(0);
      this.xIm[k].fill(0);
      this.wRe[k].fill(0);
      this.wIm[k].fill(0);
      this.fgRe[k].fill(0);
      this.fgIm[k].fill(0);
    }
    this.xTime.fill(0);
    this.power.fill(0);
    this.step.fill(0);
    this.eh.fill(0);
    this.yh.fill(0);
    this.eRe.fill(0);
    this.eIm.fill(0);
    const decay = Math.exp(-2.4 / this.partitions);
    let sum = 0;
    for (let k = 0; k < this.partitions; k++) {
      this.prop[k] = k === 0 ? 0.7 : this.prop[k - 1] * decay;
      sum += this.prop[k];
    }
    for (let k = 0; k < this.partitions; k++) this.prop[k] = (0.8 * this.prop[k]) / sum;
    this.pey = 1;
    this.pyy = 1;
    this.leak = 0;
    this.adapted = false;
    this.sumAdapt = 0;
    this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
    this.erleNum = this.erleDen = 0;
  }

  /** Re-adapts from the current weights: forgets the convergence state, keeps the weights. */
  restartAdaptation(): void {
    this.adapted = false;
    this.sumAdapt = 0;
  }

  /**
   * Cancels one block.
   * @param far - `blockSize` far-end samples aligned with `near`.
   * @param near - `blockSize` microphone samples.
   * @param errOut - Receives near − foreground echo estimate.
   * @param echoOut - Receives the foreground echo estimate.
   */
  process(far: Float32Array, near: Float32Array, errOut: Float32Array, echoOut: Float32Array): void {
    const { blockSize: b, partitions: m, fft, time, accRe, accIm } = this;
    this.xTime.copyWithin(0, b);
    this.xTime.set(far, b);
    this.head = (this.head + m - 1) % m;
    const h = this.head;
    fft.forward(this.xTime, this.xRe[h], this.xIm[h]);

    let sxx = 0;
    for (let i = 0; i < b; i++) sxx += far[i] * far[i];

    // Foreground output.
    this.convolve(this.fgRe, this.fgIm);
    fft.inverse(accRe, accIm, time);
    let sff = 0;
    for (let i = 0; i < b; i++) {
      echoOut[i] = time[b + i];
      errOut[i] = near[i] - time[b + i];
      sff += errOut[i] * errOut[i];
    }
    // Background output.
    this.convolve(this.wRe, this.wIm);
    fft.inverse(accRe, accIm, time);
    let see = 0;
    let syy = 0;
    let sey = 0;
    let dbf = 0;
    for (let i = 0; i < b; i++) {
      const y = time[b + i];
      const e = near[i] - y;
      this.yBg[i] = y;
      this.eBg[i] = e;
      see += e * e;
      syy += y * y;
      sey += e * y;
      const d = e - errOut[i];
      dbf += d * d;
    }
    see += 1;
    sff += 1;
    dbf += 10;

    this.twoPath(see, sff, dbf, errOut, echoOut);
    if (this.resetBackground) {
      see = sff;
      for (let i = 0; i < b; i++) {
        this.eBg[i] = errOut[i];
        this.yBg[i] = echoOut[i];
      }
      syy = 0;
      sey = 0;
      for (let i = 0; i < b; i++) {
        syy += this.yBg[i] * this.yBg[i];
        sey += this.eBg[i] * this.yBg[i];
      }
    }

    // ERLE bookkeeping over far-active blocks.
    if (sxx > b * 1000) {
      let sdd = 0;
      for (let i = 0; i < b; i++) sdd += near[i] * near[i];
      this.erleNum = 0.95 * this.erleNum + 0.05 * sdd;
      this.erleDen = 0.95 * this.erleDen + 0.05 * sff;
    }

    // Error spectrum and echo-estimate power spectrum (zero-padded blocks).
    time.fill(0, 0, b);
    time.set(this.eBg, b);
    fft.forward(time, this.eRe, this.eIm);
    time.set(this.yBg, b);
    fft.forward(time, accRe, accIm);
    this.updateStep(sxx, see, syy, sey);
    this.adapt();
  }

  private resetBackground = false;

  private convolve(wRe: Float32Array[], wIm: Float32Array[]): void {
    const { partitions: m, bins, accRe, accIm, xRe, xIm, head } = this;
    accRe.fill(0);
    accIm.fill(0);
    for (let k = 0; k < m; k++) {
      const j = (head + k) % m;
      const ar = wRe[k];
      const ai = wIm[k];
      const br = xRe[j];
      const bi = xIm[j];
      for (let f = 0; f < bins; f++) {
        accRe[f] += ar[f] * br[f] - ai[f] * bi[f];
        accIm[f] += ar[f] * bi[f] + ai[f] * br[f];
      }
    }
  }

  /** Foreground/background decision (speexdsp's thresholds). */
  private twoPath(see: number, sff: number, dbf: number, errOut: Float32Array, echoOut: Float32Array): void {
    const diff = sff - see;
    this.davg1 = 0.6 * this.davg1 + 0.4 * diff;
    this.dvar1 = 0.36 * this.dvar1 + 0.16 * sff * dbf;
    this.davg2 = 0.85 * this.davg2 + 0.15 * diff;
    this.dvar2 = 0.7225 * this.dvar2 + 0.0225 * sff * dbf;
    this.resetBackground = false;
    let update = false;
    if (diff * Math.abs(diff) > sff * dbf) update = true;
    else if (this.davg1 * Math.abs(this.davg1) > 0.5 * this.dvar1) update = true;
    else if (this.davg2 * Math.abs(this.davg2) > 0.25 * this.dvar2) update = true;
    if (update) {
      this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
      for (let k = 0; k < this.partitions; k++) {
        this.fgRe[k].set(this.wRe[k]);
        this.fgIm[k].set(this.wIm[k]);
      }
      errOut.set(this.eBg);
      echoOut.set(this.yBg);
      return;
    }
    if (
      -4 * diff * Math.abs(diff) > sff * dbf ||
      -4 * this.davg1 * Math.abs(this.davg1) > this.dvar1 ||
      -4 * this.davg2 * Math.abs(this.davg2) > this.dvar2
    ) {
      this.resetBackground = true;
      for (let k = 0; k < this.partitions; k++) {
        this.wRe[k].set(this.fgRe[k]);
        this.wIm[k].set(this.fgIm[k]);
      }
      this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
    }
  }

  /** Per-bin step size from the leak estimate (robust to double talk). */
  private updateStep(sxx: number, see: number, syy: number, sey: number): void {
    const { bins, power, step, eh, yh, eRe, eIm, accRe, accIm, scale2, partitions: m, blockSize: b } = this;
    const h = this.head;
    const xr = this.xRe[h];
    const xi = this.xIm[h];
    const ss = 0.35 / m;
    const specAverage = this.blockSeconds;
    let pey = 0;
    let pyy = 0;
    for (let f = 0; f < bins; f++) {
      const xf = xr[f] * xr[f] + xi[f] * xi[f];
      power[f] = (1 - ss) * power[f] + scale2 + ss * xf;
      const rf = eRe[f] * eRe[f] + eIm[f] * eIm[f];
      const yf = accRe[f] * accRe[f] + accIm[f] * accIm[f];
      const ehj = rf - eh[f];
      const yhj = yf - yh[f];
      pey += ehj * yhj;
      pyy += yhj * yhj;
      eh[f] = (1 - specAverage) * eh[f] + specAverage * rf;
      yh[f] = (1 - specAverage) * yh[f] + specAverage * yf;
      step[f] = yf; // kept for the pass below
    }
    pyy = Math.sqrt(pyy);
    pey = pyy > 0 ? pey / pyy : 0;
    let alpha = 2 * specAverage * syy;
    if (alpha > 0.5 * specAverage * see) alpha = 0.5 * specAverage * see;
    alpha /= see;
    this.pey = (1 - alpha) * this.pey + alpha * pey;
    this.pyy = (1 - alpha) * this.pyy + alpha * pyy;
    if (this.pyy < 1) this.pyy = 1;
    if (this.pey < 0.005 * this.pyy) this.pey = 0.005 * this.pyy;
    if (this.pey > this.pyy) this.pey = this.pyy;
    const leak = this.pey / this.pyy;
    this.leak = leak;
    let rer = (0.0001 * sxx + 3 * leak * syy) / see;
    const floor = (sey * sey) / (1 + see * syy);
    if (rer < floor) rer = floor;
    if (rer > 0.5) rer = 0.5;
    if (!this.adapted && this.sumAdapt > m && leak * syy > 0.03 * syy) this.adapted = true;
    if (this.adapted) {
      for (let f = 0; f < bins; f++) {
        const e = eRe[f] * eRe[f] + eIm[f] * eIm[f] + scale2;
        let r = leak * step[f];
        if (r > 0.5 * e) r = 0.5 * e;
        r = 0.7 * r + 0.3 * rer * e;
        step[f] = r / (e * (power[f] + 10 * scale2));
      }
    } else {
      let rate = 0;
      if (sxx > b * 1000) {
        let t = 0.25 * sxx;
        if (t > 0.25 * see) t = 0.25 * see;
        rate = t / see;
      }
      for (let f = 0; f < bins; f++) step[f] = rate / (power[f] + 10 * scale2);
      this.sumAdapt += rate;
    }
  }

  /** Gradient step on every partition; the time-domain constraint on a rotating subset. */
  private adapt(): void {
    const { partitions: m, bins, step, eRe, eIm, prop, xRe, xIm, head, fft, time, blockSize: b } = this;
    if (this.adapted) this.adjustProp();
    const constrainCount = Math.max(2, Math.ceil(m / 8));
    for (let k = 0; k < m; k++) {
      const j = (head + k) % m;
      const wr = this.wRe[k];
      const wi = this.wIm[k];
      const br = xRe[j];
      const bi = xIm[j];
      const p = prop[k];
      for (let f = 0; f < bins; f++) {
        const s = p * step[f];
        // conj(X)·E
        wr[f] += s * (br[f] * eRe[f] + bi[f] * eIm[f]);
        wi[f] += s * (br[f] * eIm[f] - bi[f] * eRe[f]);
      }
    }
    for (let c = 0; c < constrainCount; c++) {
      const k = (this.cursor + c) % m;
      fft.inverse(this.wRe[k], this.wIm[k], time);
      time.fill(0, b);
      fft.forward(time, this.wRe[k], this.wIm[k]);
    }
    this.cursor = (this.cursor + constrainCount) % m;
  }

  /** Proportionate step per partition: partitions holding more of the echo path adapt faster. */
  private adjustProp(): void {
    const { partitions: m, bins, prop } = this;
    let maxSum = 1;
    let propSum = 1;
    for (let k = 0; k < m; k++) {
      let t = 1;
      const wr = this.wRe[k];
      const wi = this.wIm[k];
      for (let f = 0; f < bins; f++) t += wr[f] * wr[f] + wi[f] * wi[f];
      t = Math.sqrt(t);
      if (t > maxSum) maxSum = t;
      prop[k] = t;
    }
    for (let k = 0; k < m; k++) {
      prop[k] += 0.1 * maxSum;
      propSum += prop[k];
    }
    for (let k = 0; k < m; k++) prop[k] = (0.99 * prop[k]) / propSum;
  }
}
