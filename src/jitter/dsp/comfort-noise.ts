import { VoxwireError } from '../../errors.js';
import type { BackgroundNoiseEstimator } from './background-noise.js';
import { AllPoleFilter, MAX_LPC_ORDER, reflectionToLpc } from './lpc.js';
import { checkSampleRate } from './pitch.js';
import { NoiseSource } from './random.js';

/** Decoded RFC 3389 comfort-noise parameters; reusable (decode into it). */
export interface CnParameters {
  /** Noise level, dBov (0 to −127). */
  levelDbov: number;
  /** Model order (count of valid entries in `reflectionCoefficients`), 0–16. */
  order: number;
  /** Reflection coefficients, −1…1; room for {@link MAX_LPC_ORDER}. */
  reflectionCoefficients: Float32Array;
}

/** A fresh {@link CnParameters} with room for the maximum order. */
export function createCnParameters(): CnParameters {
  return { levelDbov: -127, order: 0, reflectionCoefficients: new Float32Array(MAX_LPC_ORDER) };
}

/**
 * Encodes an RFC 3389 comfort-noise payload: byte 0 is the noise level in −dBov (0–127, most
 * significant bit 0), then one byte per reflection coefficient, quantised uniformly as
 * round(k·128) + 127 clamped to 0–255 (decoded as (byte − 127)/128, the libwebrtc reading).
 * @param levelDbov - Noise level, dBov; clamped to 0…−127 (NaN reads as −127).
 * @param reflectionCoefficients - Model coefficients, −1…1 each; `order` of them are written.
 * @param out - Optional buffer of at least order+1 bytes; a new one is made otherwise.
 * @returns The payload (a view of `out` when given).
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when order exceeds 16 or `out` is too small.
 */
export function encodeCnPayload(
  levelDbov: number,
  reflectionCoefficients: ArrayLike<number>,
  order = reflectionCoefficients.length,
  out?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(order) || order < 0 || order > MAX_LPC_ORDER || order > reflectionCoefficients.length)
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `CN model order ${order} must be 0–${MAX_LPC_ORDER}`);
  const payload = out ?? new Uint8Array(order + 1);
  if (payload.length < order + 1)
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `CN payload buffer needs ${order + 1} bytes`);
  const level = Number.isFinite(levelDbov) ? Math.round(-levelDbov) : 127;
  payload[0] = Math.min(127, Math.max(0, level));
  for (let i = 0; i < order; i++) {
    const k = reflectionCoefficients[i];
    const q = Number.isFinite(k) ? Math.round(k * 128) + 127 : 127;
    payload[i + 1] = Math.min(255, Math.max(0, q));
  }
  return out ? payload.subarray(0, order + 1) : payload;
}

/**
 * Decodes an RFC 3389 comfort-noise payload into `into`. Coefficients beyond 16 are dropped (the RFC
 * lets a decoder lower the order). The unused most significant bit of the level byte is ignored.
 * @returns `into`.
 * @throws VoxwireError `ERR_CODEC_MALFORMED` for an empty payload.
 */
export function decodeCnPayload(
  payload: Uint8Array,
  into: CnParameters = createCnParameters(),
): CnParameters {
  if (payload.length < 1) throw new VoxwireError('ERR_CODEC_MALFORMED', 'CN payload is empty');
  into.levelDbov = -(payload[0] & 0x7f);
  into.order = Math.min(payload.length - 1, MAX_LPC_ORDER, into.reflectionCoefficients.length);
  for (let i = 0; i < into.order; i++) into.reflectionCoefficients[i] = (payload[i + 1] - 127) / 128;
  return into;
}

/**
 * Comfort-noise generator: seeded white noise through the all-pole filter of the reflection
 * coefficients, scaled so the output mean square matches the level. Parameter changes glide over
 * about 20 ms so updates do not click. Allocation-free per call.
 */
export class ComfortNoiseGenerator {
  /** Sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Samples generated so far. */
  generatedSamples = 0;
  readonly #noise: NoiseSource;
  readonly #filter = new AllPoleFilter();
  readonly #a = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #scratch = new Float64Array(MAX_LPC_ORDER + 1);
  readonly #kBuf = new Float64Array(MAX_LPC_ORDER);
  #targetGain = 0;
  #gain = 0;
  readonly #glide: number;

  /**
   * @param sampleRateHz - 8000, 16000 or 48000.
   * @param seed - Seed of the noise; equal seeds give equal output.
   * @throws VoxwireError `ERR_INVALID_OPTION` for another rate.
   */
  constructor(sampleRateHz: number, seed = 1) {
    checkSampleRate(sampleRateHz);
    this.sampleRateHz = sampleRateHz;
    this.#noise = new NoiseSource(seed);
    this.#glide = 1 - Math.exp(-1 / (0.005 * sampleRateHz));
    this.#a[0] = 1;
    this.#filter.setCoefficients(this.#a, 0);
  }

  /**
   * Sets the noise to produce.
   * @param levelDbov - Mean-square level, dBov (−127 or less is silence).
   * @param reflectionCoefficients - Spectral shape, −1…1 each (|k| ≥ 1 is clipped to keep the filter stable).
   * @param order - Count of coefficients to use (0: white).
   */
  setParameters(levelDbov: number, reflectionCoefficients: ArrayLike<number>, order: number): void {
    order = Math.max(0, Math.min(order, MAX_LPC_ORDER, reflectionCoefficients.length));
    const k = this.#scratch;
    let gainSquare = 1;
    const kk = this.#kBuf;
    for (let i = 0; i < order; i++) {
      const v = Math.max(-0.999, Math.min(0.999, reflectionCoefficients[i] || 0));
      kk[i] = v;
      gainSquare *= 1 - v * v;
    }
    reflectionToLpc(kk, order, this.#a, k);
    this.#filter.setCoefficients(this.#a, order);
    const energy = levelDbov > -127 ? 10 ** (levelDbov / 10) : 0;
    // White input of variance σ² through 1/A(z) yields σ²/Π(1−k²): scale the excitation down by that.
    this.#targetGain = Math.sqrt(energy * gainSquare);
  }

  /** Sets the parameters from a decoded CN payload. */
  setFromCn(params: CnParameters): void {
    this.setParameters(params.levelDbov, params.reflectionCoefficients, params.order);
  }

  /** Sets the parameters from a background-noise estimate (silence when it has none). */
  setFromEstimate(estimate: BackgroundNoiseEstimator): void {
    this.setParameters(estimate.levelDbov, estimate.reflectionCoefficients, estimate.lpcOrder);
  }

  /** Fills out[offset .. offset+length) with comfort noise. */
  generate(out: Float32Array, offset = 0, length = out.length - offset): void {
    const end = Math.min(out.length, offset + length);
    const glide = this.#glide;
    for (let i = offset; i < end; i++) {
      this.#gain += glide * (this.#targetGain - this.#gain);
      out[i] = this.#filter.step(this.#noise.gaussian() * this.#gain);
    }
    this.generatedSamples += Math.max(0, end - offset);
  }

  /** Jumps to the target level at once (use before the first frame of a new noise period). */
  settle(): void {
    this.#gain = this.#targetGain;
  }
}
