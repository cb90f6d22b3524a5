import { MIN_LEVEL_DBOV } from '../audio/level.js';
import { outputFor } from '../audio/out-buffer.js';
import { VoxwireError } from '../errors.js';
import { RealFft } from './fft.js';
import { NoiseEstimator } from './ns/noise-estimator.js';
import {
  type NoiseSuppressionLevel,
  type NoiseSuppressorOptions,
  type ResolvedNoiseSuppressorOptions,
  resolveNoiseSuppressorOptions,
} from './ns/options.js';

/** Figures of a {@link NoiseSuppressor}, refreshed every frame. */
export interface NoiseSuppressorStats {
  /** Estimated noise level of the input in dBov (RMS, RFC 6464 scale); −127 before the first frame. */
  noiseLevelDbov: number;
  /** Attenuation the suppressor applied, in dB: input over output energy, smoothed over ~100 ms. */
  suppressionDb: number;
  /** Mean speech presence probability over the bins of the last frame, 0–1. */
  speechProbability: number;
  /** Frames processed since construction or `reset()`. */
  frames: number;
}

const XI_MIN = 10 ** (-25 / 10);
const DD_ALPHA = 0.92;
const EPS = 1e-12;

/**
 * Single-channel spectral noise suppressor for 10 ms frames: a 50 %-overlap sqrt-Hann STFT, an MCRA
 * noise estimate that follows changing noise, and a Wiener gain on the decision-directed a priori SNR
 * (Ephraim–Malah) with a gain floor set by `level`. Output lags input by one frame (10 ms).
 * Allocation-free per frame.
 */
export class NoiseSuppressor {
  /** Resolved sample rate in Hz. */
  readonly sampleRateHz: number;
  /** Resolved aggressiveness. */
  readonly level: NoiseSuppressionLevel;
  /** Samples per 10 ms frame (`sampleRateHz / 100`). */
  readonly frameSamples: number;
  /** Output delay relative to input, in samples (one frame). */
  readonly delaySamples: number;
  private readonly options: ResolvedNoiseSuppressorOptions;
  private readonly fft: RealFft;
  private readonly bins: number;
  private readonly window: Float32Array;
  private readonly history: Float32Array;
  private readonly timeBuf: Float32Array;
  private readonly overlap: Float32Array;
  private readonly re: Float32Array;
  private readonly im: Float32Array;
  private readonly power: Float32Array;
  private readonly gain: Float32Array;
  private readonly prevSpeechPower: Float32Array;
  private readonly estimator: NoiseEstimator;
  /** Sum of the squared window: converts periodogram power to time-domain mean square. */
  private readonly powerToMeanSquare: number;
  private frames = 0;
  private noiseLevelDbov = MIN_LEVEL_DBOV;
  private suppressionDb = 0;
  private speechProbability = 0;
  private inEnergy = 0;
  private outEnergy = 0;

  /**
   * @param options - Sample rate and level; see {@link NoiseSuppressorOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unsupported rate, an unknown level or option.
   */
  constructor(options: NoiseSuppressorOptions) {
    this.options = resolveNoiseSuppressorOptions(options);
    const n = this.options.frameSamples;
    this.sampleRateHz = this.options.sampleRateHz;
    this.level = this.options.level;
    this.frameSamples = n;
    this.delaySamples = n;
    let size = 4;
    while (size < 2 * n) size <<= 1;

    this.fft = new RealFft(size);
    this.bins = size / 2 + 1;
    // Periodic sqrt-Hann over two frames: analysis × synthesis sums to 1 at 50 % overlap.
    this.window = new Float32Array(2 * n);
    let sumSquares = 0;
    for (let i = 0; i < 2 * n; i++) {
      this.window[i] = Math.sqrt(0.5 - 0.5 * Math.cos((Math.PI * i) / n));
      sumSquares += this.window[i] * this.window[i];
    }
    this.powerToMeanSquare = 1 / (size * sumSquares);
    this.history = new Float32Array(2 * n);
    this.timeBuf = new Float32Array(size);
    this.overlap = new Float32Array(n);
    this.re = new Float32Array(this.bins);
    this.im = new Float32Array(this.bins);
    this.power = new Float32Array(this.bins);
    this.gain = new Float32Array(this.bins).fill(1);
    this.prevSpeechPower = new Float32Array(this.bins);
    this.estimator = new NoiseEstimator(this.bins);
  }

  /**
   * Suppresses noise in one 10 ms frame.
   * @param frame - `frameSamples` Int16 samples (read only).
   * @param out - Optional output of at least `frameSamples` samples; may be `frame` itself.
   * @returns The processed frame (`out`, or a new array), delayed by {@link delaySamples}.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `frame` is not `frameSamples` long or `out` is short.
   */
  process(frame: Int16Array, out?: Int16Array): Int16Array {
    const n = this.frameSamples;
    if (frame.length !== n) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `NoiseSuppressor.process: frame holds ${frame.length} samples; ${n} (10 ms at ${this.sampleRateHz} Hz) expected`,
      );
    }
    const output = outputFor(out, n, (len) => new Int16Array(len), 'NoiseSuppressor.process');
    const { history, window, timeBuf, re, im, power, bins } = this;
    history.copyWithin(0, n);
    let inEnergy = 0;
    for (let i = 0; i < n; i++) {
      const x = frame[i] / 32768;
      history[n + i] = x;
      inEnergy += x * x;
    }
    for (let i = 0; i < 2 * n; i++) timeBuf[i] = history[i] * window[i];
    timeBuf.fill(0, 2 * n);
    this.fft.forward(timeBuf, re, im);
    for (let k = 0; k < bins; k++) power[k] = re[k] * re[k] + im[k] * im[k];
    this.estimator.update(power);
    this.computeGains();
    for (let k = 0; k < bins; k++) {
      re[k] *= this.gain[k];
      im[k] *= this.gain[k];
    }
    this.fft.inverse(re, im, timeBuf);
    let outEnergy = 0;
    for (let i = 0; i < n; i++) {
      const y = timeBuf[i] * window[i] + this.overlap[i];
      this.overlap[i] = timeBuf[n + i] * window[n + i];
      const s = Math.round(y * 32768);
      output[i] = Math.min(32767, Math.max(-32768, s));
      outEnergy += y * y;
    }
    this.updateStats(inEnergy, outEnergy);
    return output;
  }

  /** Clears the signal history and the noise estimate (as after construction). */
  reset(): void {
    this.history.fill(0);
    this.overlap.fill(0);
    this.gain.fill(1);
    this.prevSpeechPower.fill(0);
    this.estimator.reset();
    this.frames = 0;
    this.noiseLevelDbov = MIN_LEVEL_DBOV;
    this.suppressionDb = 0;
    this.speechProbability = 0;
    this.inEnergy = 0;
    this.outEnergy = 0;
  }

  /** Current figures; a new object each call (not for the per-frame path). */
  getStats(): NoiseSuppressorStats {
    return {
      noiseLevelDbov: this.noiseLevelDbov,
      suppressionDb: this.suppressionDb,
      speechProbability: this.speechProbability,
      frames: this.frames,
    };
  }

  /** Estimated noise level of the input in dBov (RMS); −127 before the first frame. */
  get noiseLevel(): number {
    return this.noiseLevelDbov;
  }

  /** Decision-directed a priori SNR → Wiener gain, floored by the level. */
  private computeGains(): void {
    const { bins, power, gain, prevSpeechPower } = this;
    const noise = this.estimator.noisePower;
    const floor = this.options.gainFloor;
    const speechFloor = Math.sqrt(floor);
    const presence = this.estimator.speechPresence;
    for (let k = 0; k < bins; k++) {
      const lambda = noise[k] + EPS;
      const gamma = Math.min(power[k] / lambda, 1e4);
      let xi = DD_ALPHA * (prevSpeechPower[k] / lambda) + (1 - DD_ALPHA) * Math.max(gamma - 1, 0);
      if (xi < XI_MIN) xi = XI_MIN;
      // MMSE log-spectral amplitude gain: less speech distortion than Wiener at equal noise reduction.
      const v = (xi * gamma) / (1 + xi);
      let g = (xi / (1 + xi)) * lsaFactor(v);
      if (g > 1) g = 1;
      // Where speech is likely the floor rises towards half the level's depth (in dB): noise between
      // the harmonics of speech is masked anyway, and cutting it deeply costs intelligibility.
      const p = presence[k];
      const binFloor = floor * (1 - p) + speechFloor * p;
      if (g < binFloor) g = binFloor;
      gain[k] = g;
      prevSpeechPower[k] = g * g * power[k];
    }
  }

  private updateStats(inEnergy: number, outEnergy: number): void {
    this.frames++;
    const noise = this.estimator.noisePower;
    let noisePower = 0;
    let presence = 0;
    for (let k = 0; k < this.bins; k++) {
      // Bins 1..size/2−1 stand for two (positive and negative frequency).
      const twice = k === 0 || k === this.bins - 1 ? 1 : 2;
      noisePower += twice * noise[k];
      presence += this.estimator.speechPresence[k];
    }
    const meanSquare = noisePower * this.powerToMeanSquare;
    this.noiseLevelDbov =
      meanSquare > 0 ? Math.max(MIN_LEVEL_DBOV, Math.min(0, 10 * Math.log10(meanSquare))) : MIN_LEVEL_DBOV;
    this.speechProbability = presence / this.bins;
    this.inEnergy = 0.9 * this.inEnergy + inEnergy;
    this.outEnergy = 0.9 * this.outEnergy + outEnergy;
    this.suppressionDb =
      this.inEnergy > 0 ? 10 * Math.log10(this.inEnergy / Math.max(this.outEnergy, EPS)) : 0;
  }
}

/** exp(E1(v)/2) tabulated on a log grid of v (10^−4 … 20): the per-bin pow/exp/log were most of the NS's CPU. */
const LSA_LOG_MIN = -4;
const LSA_LOG_MAX = Math.log10(20);
const LSA_POINTS = 2048;
const LSA_STEP = (LSA_LOG_MAX - LSA_LOG_MIN) / (LSA_POINTS - 1);
const LSA_TABLE = Float32Array.from({ length: LSA_POINTS }, (_, i) =>
  Math.exp(0.5 * expint(10 ** (LSA_LOG_MIN + i * LSA_STEP))),
);

/** exp(E1(v)/2) by linear interpolation in log10 v (relative error < 0.1 %); exact outside the table. */
function lsaFactor(v: number): number {
  if (v >= 20) return 1;
  const x = (Math.log10(v) - LSA_LOG_MIN) / LSA_STEP;
  if (!(x >= 0)) return Math.exp(0.5 * expint(v));
  const i = Math.floor(x);
  if (i >= LSA_POINTS - 1) return LSA_TABLE[LSA_POINTS - 1];
  const f = x - i;
  return LSA_TABLE[i] + f * (LSA_TABLE[i + 1] - LSA_TABLE[i]);
}

/**
 * Exponential integral E1(x) for x > 0 (Swamee–Ohija approximation, relative error < 0.3 %); the
 * MMSE-LSA gain needs exp(E1(v)/2).
 */
function expint(x: number): number {
  if (x > 20) return 0;
  const a = Math.log((0.56146 / x + 0.65) * (1 + x));
  const b = x ** 4 * Math.exp(7.7 * x) * (2 + x) ** 3.7;
  return (a ** -7.7 + b) ** -0.13;
}
