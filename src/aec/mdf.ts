import { RealFft } from './fft.js';

/** Far-active blocks (net of good ones) with more error than microphone energy that mean a path change. */
const MISMATCH_BLOCKS = 6;

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
  private readonly xReAll: Float32Array;
  private readonly xImAll: Float32Array;
  private readonly wReAll: Float32Array;
  private readonly wImAll: Float32Array;
  private readonly fgReAll: Float32Array;
  private readonly fgImAll: Float32Array;
  private head = 0;
  private readonly accRe: Float32Array;
  private readonly accIm: Float32Array;
  private readonly bgRe: Float32Array;
  private readonly bgIm: Float32Array;
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
  private readonly shareRise: number;
  /** Squared weight norm per partition (+1), from the last gradient step. */
  private readonly norms: Float32Array;
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
    // One buffer per quantity (partition k at k·bins) so convolveBoth can run bins-outer.
    const flat = () => new Float32Array(partitions * this.bins);
    this.xReAll = flat();
    this.xImAll = flat();
    this.wReAll = flat();
    this.wImAll = flat();
    this.fgReAll = flat();
    this.fgImAll = flat();
    const views = (all: Float32Array) =>
      Array.from({ length: partitions }, (_, k) => all.subarray(k * this.bins, (k + 1) * this.bins));
    this.xRe = views(this.xReAll);
    this.xIm = views(this.xImAll);
    this.wRe = views(this.wReAll);
    this.wIm = views(this.wImAll);
    this.fgRe = views(this.fgReAll);
    this.fgIm = views(this.fgImAll);
    this.xTime = new Float32Array(n);
    this.time = new Float32Array(n);
    this.accRe = new Float32Array(this.bins);
    this.accIm = new Float32Array(this.bins);
    this.bgRe = new Float32Array(this.bins);
    this.bgIm = new Float32Array(this.bins);
    this.eBg = new Float32Array(blockSize);
    this.yBg = new Float32Array(blockSize);
    this.eRe = new Float32Array(this.bins);
    this.eIm = new Float32Array(this.bins);
    this.power = new Float32Array(this.bins);
    this.step = new Float32Array(this.bins);
    this.eh = new Float32Array(this.bins);
    this.yh = new Float32Array(this.bins);
    this.prop = new Float32Array(partitions);
    this.shareRise = 10 ** ((6 * blockSeconds) / 10);
    this.norms = new Float32Array(partitions);
    this.reset();
  }

  private readonly blockSeconds: number;

  /** Forgets the echo path and all statistics. */
  reset(): void {
    this.forgetPath();
    for (let k = 0; k < this.partitions; k++) {
      this.xRe[k].fill(0);
      this.xIm[k].fill(0);
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
    this.leak = 0;
    this.erleNum = this.erleDen = 0;
    this.pathChanges = 0;
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

    // Both filters' outputs in one pass over the far-end spectra (background kept in bgRe/bgIm).
    this.convolveBoth();
    fft.inverse(accRe, accIm, time);
    let sff = 0;
    for (let i = 0; i < b; i++) {
      echoOut[i] = time[b + i];
      errOut[i] = near[i] - time[b + i];
      sff += errOut[i] * errOut[i];
    }
    fft.inverse(this.bgRe, this.bgIm, time);
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

    if (this.detectPathChange(sxx, sff, near)) {
      // The output is worse than the microphone: the echo path changed. Start again from zero at
      // the fast initial rate; the output is the microphone until the filter has re-learnt.
      this.forgetPath();
      for (let i = 0; i < b; i++) {
        errOut[i] = near[i];
        echoOut[i] = 0;
        this.eBg[i] = near[i];
        this.yBg[i] = 0;
      }
      see = sff = 1;
      for (let i = 0; i < b; i++) see += near[i] * near[i];
      sff = see;
      syy = 0;
      sey = 0;
    } else {
      this.twoPath(see, sff, dbf, errOut, echoOut);
    }
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
  private mismatch = 0;
  /** Path changes detected since construction or {@link reset}. */
  pathChanges = 0;
  /** Lower envelope of error/microphone energy over far-active blocks (1 = nothing cancelled). */
  residualShare = 1;

  /**
   * True when, over several far-active blocks, the foreground error has more energy than the
   * microphone: a converged filter never adds echo, so its path no longer matches the room. Double
   * talk cannot trigger it (near-end speech is in both the microphone and the error).
   */
  private detectPathChange(sxx: number, sff: number, near: Float32Array): boolean {
    const b = this.blockSize;
    if (sxx <= b * 1000) return false;
    let sdd = 0;
    for (let i = 0; i < b; i++) sdd += near[i] * near[i];
    // Share of echo left by the filter: falls at once, rises slowly (6 dB/s) so that double talk,
    // which also raises the error, does not make the suppressor eat the near end.
    const share = (sff + 1) / (sdd + 1);
    if (share < this.residualShare) this.residualShare = 0.7 * this.residualShare + 0.3 * share;
    else this.residualShare = Math.min(1, this.residualShare * this.shareRise);
    if (sff > 1.25 * sdd + b * 1000) this.mismatch++;
    else if (this.mismatch > 0) this.mismatch--;
    if (this.mismatch < MISMATCH_BLOCKS) return false;
    this.pathChanges++;
    return true;
  }

  /** Zero weights and convergence state, keeping the far-end history and power estimates. */
  private forgetPath(): void {
    for (let k = 0; k < this.partitions; k++) {
      this.wRe[k].fill(0);
      this.wIm[k].fill(0);
      this.fgRe[k].fill(0);
      this.fgIm[k].fill(0);
    }
    this.mismatch = 0;
    this.residualShare = 1;
    this.pey = 1;
    this.pyy = 1;
    this.leak = 1;
    this.adapted = false;
    this.sumAdapt = 0;
    this.davg1 = this.davg2 = this.dvar1 = this.dvar2 = 0;
    this.resetBackground = false;
  }

  /**
   * acc = Σ fg_k·X_(head+k) and bg = Σ w_k·X_(head+k), bins outer: the four sums stay in registers
   * instead of four arrays read and written once per partition.
   */
  private convolveBoth(): void {
    const { partitions: m, bins, accRe, accIm, bgRe, bgIm, head } = this;
    const { xReAll: xr, xImAll: xi, fgReAll: fr, fgImAll: fi, wReAll: wr, wImAll: wi } = this;
    // Partition k reads far-end slot head + k (mod m): the slots from head on, then those before it.
    const split = (m - head) * bins;
    const wrap = head * bins;
    for (let f = 0; f < bins; f++) {
      let ar = 0;
      let ai = 0;
      let br = 0;
      let bi = 0;
      let p = f;
      for (let x = wrap + f; p < split; p += bins, x += bins) {
        const a = xr[x];
        const b = xi[x];
        ar += fr[p] * a - fi[p] * b;
        ai += fr[p] * b + fi[p] * a;
        br += wr[p] * a - wi[p] * b;
        bi += wr[p] * b + wi[p] * a;
      }
      for (let x = f; p < m * bins; p += bins, x += bins) {
        const a = xr[x];
        const b = xi[x];
        ar += fr[p] * a - fi[p] * b;
        ai += fr[p] * b + fi[p] * a;
        br += wr[p] * a - wi[p] * b;
        bi += wr[p] * b + wi[p] * a;
      }
      accRe[f] = ar;
      accIm[f] = ai;
      bgRe[f] = br;
      bgIm[f] = bi;
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

  /**
   * Gradient step on every partition, the time-domain constraint on a rotating subset, and the
   * weight norms the next block's proportionate step uses (computed in the same pass).
   */
  private adapt(): void {
    const { partitions: m, bins, step, eRe, eIm, prop, xRe, xIm, head, fft, time, blockSize: b } = this;
    const norms = this.norms;
    for (let k = 0; k < m; k++) {
      const j = head + k < m ? head + k : head + k - m;
      const wr = this.wRe[k];
      const wi = this.wIm[k];
      const br = xRe[j];
      const bi = xIm[j];
      const p = prop[k];
      let t = 1;
      for (let f = 0; f < bins; f++) {
        const s = p * step[f];
        const er = eRe[f];
        const ei = eIm[f];
        const xr = br[f];
        const xi = bi[f];
        // conj(X)·E
        const nr = wr[f] + s * (xr * er + xi * ei);
        const ni = wi[f] + s * (xr * ei - xi * er);
        wr[f] = nr;
        wi[f] = ni;
        t += nr * nr + ni * ni;
      }
      norms[k] = t;
    }
    // One partition in 16 per block (at least 2): 1 in 8 cost 2 ms/s more at 16 kHz for no ERLE gain.
    const constrainCount = Math.max(2, Math.ceil(m / 16));
    for (let c = 0; c < constrainCount; c++) {
      const k = (this.cursor + c) % m;
      fft.inverse(this.wRe[k], this.wIm[k], time);
      time.fill(0, b);
      fft.forward(time, this.wRe[k], this.wIm[k]);
    }
    this.cursor = (this.cursor + constrainCount) % m;
    if (this.adapted) this.adjustProp();
  }

  /** Proportionate step per partition: partitions holding more of the echo path adapt faster. */
  private adjustProp(): void {
    const { partitions: m, prop, norms } = this;
    let maxSum = 1;
    let propSum = 1;
    for (let k = 0; k < m; k++) {
      const t = Math.sqrt(norms[k]);
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
