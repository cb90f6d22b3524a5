import { RealFft } from './fft.js';

/**
 * Residual echo suppression after the linear filter, with comfort noise. Works on a 50 % overlapped
 * sqrt-Hann STFT (window 2·blockSize, hop blockSize, so output lags input by blockSize samples). The
 * residual echo per bin is the linear echo estimate's power times the filter's leak estimate, held
 * with a decay for the reverberant tail; the gain is a spectral subtraction with a floor. Comfort
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
    this.lastMeanGain = 1;
  }

  /**
   * Suppresses one block.
   * @param err - `blockSize` samples of the linear filter's output.
   * @param echoEstimate - `blockSize` samples of the linear echo estimate.
   * @param leak - Residual-to-estimate power ratio from the linear filter (0..1).
   * @param out - Receives `blockSize` samples, `blockSize` samples behind `err`.
   */
  process(err: Float32Array, echoEstimate: Float32Array, leak: number, out: Float32Array): void {
    const { blockSize: b, window, frame, fft, eRe, eIm, yRe, yIm, echo, noise, smoothed } = this;
    const n = 2 * b;
    this.eHist.copyWithin(0, b);
    this.eHist.set(err, b);
    this.yHist.copyWithin(0, b);
    this.yHist.set(echoEstimate, b);
    for (let i = 0; i < n; i++) frame[i] = this.eHist[i] * window[i];
    fft.forward(frame, eRe, eIm);
    for (let i = 0; i < n; i++) frame[i] = this.yHist[i] * window[i];
    fft.forward(frame, yRe, yIm);
    // A poorly converged filter (large leak) underestimates its residual: count it fully.
    const leakGain = leak > 0.5 ? 1 : 2 * leak;
    let gainSum = 0;
    for (let f = 0; f <= b; f++) {
      const p = eRe[f] * eRe[f] + eIm[f] * eIm[f];
      const residual = leakGain * (yRe[f] * yRe[f] + yIm[f] * yIm[f]);
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
