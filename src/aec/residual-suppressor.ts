import { RealFft } from './fft.js';

/**
 * Scale of the far-end-based residual estimate. The learnt gain is a lower envelope (it must not
 * follow near-end speech up), so it sits well below the mean echo gain; 64 was measured on
 * tests/aec/material.ts: 16 leaves the soft-clip case below 25 dB, 160 costs 2–4 dB of near end in
 * double talk right after a path change.
 */
const FAR_OVERDRIVE = 64;

/**
 * Residual echo suppression after the linear filter, with comfort noise. Works on a 50 % overlapped
 * sqrt-Hann STFT (window 2·blockSize, hop blockSize, so output lags input by blockSize samples). The
 * residual echo per bin is the larger of two estimates, held with a decay for the reverberant tail:
 * the linear echo estimate's power times the filter's leak, and (as WebRTC AEC3 does) the far end's
 * reverberant power times a learnt echo-path gain times the share of echo the filter still leaves,
 * which covers a filter that has not (re)converged yet and a loudspeaker's non-linear residual. The
 * gain is a spectral subtraction with a floor. Comfort
 * noise refills what the gain removed of the tracked background noise, so the line never goes dead.
 * @internal
 */
export class ResidualSuppressor {
  /** Minimum gain (−40 dB, as speexdsp's echo suppression). */
  static readonly GAIN_FLOOR = 0.01;
  private readonly blockSize: number;
  private readonly fft: RealFft;
  private readonly window: Float32Array;
  private readonly eHist: Float32Array;
  private readonly yHist: Float32Array;
  private readonly frame: Float32Array;
  private readonly eRe: Float32Array;
  private readonly eIm: Float32Array;
  private readonly yRe: Float32Array;
  private readonly yIm: Float32Array;
  private readonly xHist: Float32Array;
  private readonly xRe: Float32Array;
  private readonly xIm: Float32Array;
  /** Far-end power per bin with a reverberant decay, mic power, and the learnt echo-path power gain. */
  private readonly farPower: Float32Array;
  private readonly micPower: Float32Array;
  private readonly echoGain: Float32Array;
  private readonly farDecay: number;
  private readonly gainRise: number;
  private readonly farActive: number;
  private readonly echo: Float32Array;
  private readonly noise: Float32Array;
  private readonly smoothed: Float32Array;
  private readonly overlap: Float32Array;
  private readonly noiseRise: number;
  private seed = 0x9e3779b9;
  /** Comfort noise on or off. */
  comfortNoise: boolean;
  /** Mean gain of the last block (1 = nothing suppressed). */
  lastMeanGain = 1;

  /**
   * @param blockSize - Hop in samples (power of two).
   * @param blockSeconds - Hop duration in seconds.
   * @param comfortNoise - Whether to add comfort noise.
   */
  constructor(blockSize: number, blockSeconds: number, comfortNoise: boolean) {
    this.blockSize = blockSize;
    const n = 2 * blockSize;
    const bins = blockSize + 1;
    this.fft = new RealFft(n);
    this.window = new Float32Array(n);
    for (let i = 0; i < n; i++) this.window[i] = Math.sin((Math.PI * (i + 0.5)) / n);
    this.eHist = new Float32Array(n);
    this.yHist = new Float32Array(n);
    this.frame = new Float32Array(n);
    this.eRe = new Float32Array(bins);
    this.eIm = new Float32Array(bins);
    this.yRe = new Float32Array(bins);
    this.yIm = new Float32Array(bins);
    this.echo = new Float32Array(bins);
    this.noise = new Float32Array(bins);
    this.smoothed = new Float32Array(bins);
    this.overlap = new Float32Array(blockSize);
    this.xHist = new Float32Array(n);
    this.xRe = new Float32Array(bins);
    this.xIm = new Float32Array(bins);
    this.farPower = new Float32Array(bins);
    this.micPower = new Float32Array(bins);
    this.echoGain = new Float32Array(bins);
    // Far-end envelope decays 60 dB in 250 ms (a typical room's reverberation); gain rises 3 dB/s.
    this.farDecay = 10 ** ((-60 * blockSeconds) / 0.25 / 10);
    this.gainRise = 10 ** ((3 * blockSeconds) / 10);
    // About −70 dBFS per bin of a window.
    this.farActive = 1e-7 * 32768 * 32768 * blockSize;
    // Noise floor may rise by 6 dB per second.
    this.noiseRise = 10 ** ((6 * blockSeconds) / 10);
    this.comfortNoise = comfortNoise;
    this.reset();
  }

  /** Forgets state. */
  reset(): void {
    this.eHist.fill(0);
    this.yHist.fill(0);
    this.echo.fill(0);
    this.noise.fill(1e4 * this.blockSize);
    this.smoothed.fill(0);
    this.overlap.fill(0);
    this.xHist.fill(0);
    this.farPower.fill(0);
    this.micPower.fill(0);
    this.echoGain.fill(1);
    this.lastMeanGain = 1;
  }

  /**
   * Suppresses one block.
   * @param err - `blockSize` samples of the linear filter's output.
   * @param echoEstimate - `blockSize` samples of the linear echo estimate.
   * @param far - `blockSize` far-end samples aligned with `err`.
   * @param leak - Residual-to-estimate power ratio from the linear filter (0..1).
   * @param residualShare - Share of the echo power the linear filter leaves (0..1).
   * @param out - Receives `blockSize` samples, `blockSize` samples behind `err`.
   */
  process(
    err: Float32Array,
    echoEstimate: Float32Array,
    far: Float32Array,
    leak: number,
    residualShare: number,
    out: Float32Array,
  ): void {
    const { blockSize: b, window, frame, fft, eRe, eIm, yRe, yIm, xRe, xIm, echo, noise, smoothed } = this;
    const { farPower, micPower, echoGain } = this;
    const n = 2 * b;
    this.eHist.copyWithin(0, b);
    this.eHist.set(err, b);
    this.yHist.copyWithin(0, b);
    this.yHist.set(echoEstimate, b);
    this.xHist.copyWithin(0, b);
    this.xHist.set(far, b);
    for (let i = 0; i < n; i++) frame[i] = this.eHist[i] * window[i];
    fft.forward(frame, eRe, eIm);
    for (let i = 0; i < n; i++) frame[i] = this.yHist[i] * window[i];
    fft.forward(frame, yRe, yIm);
    for (let i = 0; i < n; i++) frame[i] = this.xHist[i] * window[i];
    fft.forward(frame, xRe, xIm);
    // A poorly converged filter (large leak) underestimates its residual: count it fully.
    const leakGain = leak > 0.5 ? 1 : 2 * leak;
    let gainSum = 0;
    for (let f = 0; f <= b; f++) {
      const p = eRe[f] * eRe[f] + eIm[f] * eIm[f];
      // Echo power from the far end: its reverberant envelope times the learnt echo-path gain, a
      // lower envelope of microphone/far power (near-end speech only raises that ratio).
      const xf = xRe[f] * xRe[f] + xIm[f] * xIm[f];
      farPower[f] = Math.max(xf, this.farDecay * farPower[f]);
      const dr = eRe[f] + yRe[f];
      const di = eIm[f] + yIm[f];
      micPower[f] = 0.6 * micPower[f] + 0.4 * (dr * dr + di * di);
      if (farPower[f] > this.farActive) {
        const ratio = micPower[f] / farPower[f];
        echoGain[f] = ratio < echoGain[f] ? 0.8 * echoGain[f] + 0.2 * ratio : echoGain[f] * this.gainRise;
      }
      const fromFar = FAR_OVERDRIVE * residualShare * echoGain[f] * farPower[f];
      const residual = Math.max(leakGain * (yRe[f] * yRe[f] + yIm[f] * yIm[f]), fromFar);
      echo[f] = Math.max(0.6 * echo[f], residual);
      smoothed[f] = 0.7 * smoothed[f] + 0.3 * p;
      noise[f] = Math.min(noise[f] * this.noiseRise, Math.max(smoothed[f], 1));
      let gain = 1 - (2 * echo[f]) / (p + 1e-3);
      if (gain < ResidualSuppressor.GAIN_FLOOR) gain = ResidualSuppressor.GAIN_FLOOR;
      gainSum += gain;
      eRe[f] *= gain;
      eIm[f] *= gain;
      if (this.comfortNoise && gain < 1) {
        // Refill the removed share of the background noise with random-phase noise.
        const amplitude = Math.sqrt(Math.max(0, Math.min(noise[f], p) * (1 - gain * gain)));
        const phase = 2 * Math.PI * this.random();
        eRe[f] += amplitude * Math.cos(phase);
        eIm[f] += amplitude * Math.sin(phase);
      }
    }
    eIm[0] = 0;
    eIm[b] = 0;
    this.lastMeanGain = gainSum / (b + 1);
    fft.inverse(eRe, eIm, frame);
    for (let i = 0; i < b; i++) {
      out[i] = this.overlap[i] + frame[i] * window[i];
      this.overlap[i] = frame[b + i] * window[b + i];
    }
  }

  /** xorshift32 in [0, 1): deterministic comfort noise. */
  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 4294967296;
  }
}
