import { invalidOption, VoxwireError } from '../../errors.js';
import { checkSampleRate, normalisedCorrelation, PitchEstimator } from './pitch.js';

/** Tuning of {@link TimeStretch}. */
export interface TimeStretchOptions {
  /** Normalised correlation between adjacent periods needed to stretch loud audio, 0–1. Default 0.9 (NetEQ's). */
  correlationThreshold?: number;
  /** Mean-square level below which audio is stretched whatever its periodicity, dBFS. Default −50. */
  quietLevelDbfs?: number;
}

/**
 * What a time-stretch should aim for besides a seamless splice (see {@link TimeStretch.accelerate}).
 * All in samples. The owner may reuse one object for every call.
 *
 * Audio is pulled in frames; the next packet boundary sits `phaseSamples` into a frame, so that
 * packet is due `phaseSamples` before its audio plays. A stretch of `L` samples moves the boundary
 * to `phase' = (phase ∓ L) mod frame` and the packet's deadline by `±L − phase' + phase`. Among the
 * seamless lengths the stretch takes the one whose deadline change is nearest `wantedSamples`, with
 * the resulting phase (audio held for nothing) as an equal extra cost. Removals stay at most one pitch
 * period or half a frame, whichever is longer (longer splices are heard as skips); insertions at most
 * what completes the frame plus a period.
 */
export interface StretchAlignment {
  /** Position of the next packet boundary in its frame before the stretch, 0 … frameSamples − 1. */
  phaseSamples: number;
  /** Frame (pull) length. */
  frameSamples: number;
  /** Wanted change of the packet deadline (negative: earlier, accelerate; positive: later). */
  wantedSamples: number;
}

/**
 * Time-stretching by pitch-synchronous overlap-add (NetEQ's Accelerate and PreemptiveExpand): removes
 * or inserts exactly one pitch period, cross-fading the two periods involved, when the input is
 * periodic enough (so pitch is kept and there is no seam) or quiet enough (where nothing audible can
 * go wrong); otherwise it declines and copies the input. Inputs of 20–30 ms are typical (the period
 * found is at most half the input). Allocation-free per call after construction.
 */
export class TimeStretch {
  /** Sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Samples removed by {@link accelerate} so far (W3C `removedSamplesForAcceleration`). */
  removedSamplesForAcceleration = 0;
  /** Samples inserted by {@link preemptiveExpand} so far (W3C `insertedSamplesForDeceleration`). */
  insertedSamplesForDeceleration = 0;
  /** Normalised correlation of the two periods seen by the last call. */
  lastCorrelation = 0;
  readonly #pitch: PitchEstimator;
  readonly #threshold: number;
  #quietEnergy: number;

  /**
   * @param sampleRateHz - 8000, 16000 or 48000.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad rate or option.
   */
  constructor(sampleRateHz: number, options: TimeStretchOptions = {}) {
    checkSampleRate(sampleRateHz);
    const threshold = options.correlationThreshold ?? 0.9;
    if (!(threshold >= 0 && threshold <= 1)) invalidOption('correlationThreshold', threshold, 'must be 0–1');
    const quiet = options.quietLevelDbfs ?? -50;
    if (!(quiet <= 0 && quiet >= -120)) invalidOption('quietLevelDbfs', quiet, 'must be −120–0 dBFS');
    this.sampleRateHz = sampleRateHz;
    this.#pitch = new PitchEstimator(sampleRateHz);
    this.#threshold = threshold;
    this.#quietEnergy = 10 ** (quiet / 10);
  }

  /**
   * Raises the quiet threshold to `factor` × a background-noise mean square (NetEQ stretches audio
   * within 6 dB of the noise floor), never below the configured quiet level.
   */
  setBackgroundEnergy(meanSquare: number, factor = 4): void {
    const configured = this.#quietEnergy;
    if (Number.isFinite(meanSquare) && meanSquare > 0)
      this.#quietEnergy = Math.max(configured, meanSquare * factor);
  }

  /**
   * Removes one pitch period from input[0 .. inputLength).
   * @param out - Receives inputLength − removed samples; must hold inputLength.
   * @returns Samples removed (the period), or 0 when declined (out then holds a copy of the input).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is shorter than the input.
   */
  accelerate(
    input: Float32Array,
    out: Float32Array,
    inputLength = input.length,
    align?: StretchAlignment,
  ): number {
    checkOut(out, inputLength);
    const period = this.#aligned(input, inputLength, this.#period(input, inputLength), -1, align);
    if (period === 0) {
      for (let i = 0; i < inputLength; i++) out[i] = input[i];
      return 0;
    }
    // out = x[0..P) faded into x[P..2P), then x[2P..): one period shorter, seamless at both ends.
    for (let i = 0; i < period; i++) {
      const w = (i + 0.5) / period;
      out[i] = (1 - w) * input[i] + w * input[period + i];
    }
    for (let i = 2 * period; i < inputLength; i++) out[i - period] = input[i];
    this.removedSamplesForAcceleration += period;
    return period;
  }

  /**
   * Inserts one pitch period into input[0 .. inputLength).
   * @param out - Receives inputLength + inserted samples; must hold 1.5 × inputLength (the most a
   *   period can add).
   * @returns Samples inserted, or 0 when declined (out then holds a copy of the input).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is too short.
   */
  preemptiveExpand(
    input: Float32Array,
    out: Float32Array,
    inputLength = input.length,
    align?: StretchAlignment,
  ): number {
    checkOut(out, inputLength + Math.floor(inputLength / 2));
    const period = this.#aligned(input, inputLength, this.#period(input, inputLength), 1, align);
    if (period === 0) {
      for (let i = 0; i < inputLength; i++) out[i] = input[i];
      return 0;
    }
    // out = x[0..P), then x[P..2P) faded into x[0..P) (the repeat), then x[P..): seamless at both joins.
    for (let i = 0; i < period; i++) out[i] = input[i];
    for (let i = 0; i < period; i++) {
      const w = (i + 0.5) / period;
      out[period + i] = (1 - w) * input[period + i] + w * input[i];
    }
    for (let i = period; i < inputLength; i++) out[period + i] = input[i];
    this.insertedSamplesForDeceleration += period;
    return period;
  }

  /**
   * Among the lengths that stretch without a seam (multiples of the period that still correlate,
   * or any length in quiet audio), the one that best meets `align` (see {@link StretchAlignment}).
   */
  #aligned(input: Float32Array, n: number, period: number, sign: number, align?: StretchAlignment): number {
    if (period === 0 || align === undefined || !(align.frameSamples > 0)) return period;
    const quiet = this.lastCorrelation < this.#threshold;
    // At most one period or half a pull removed (longer splices are heard as a skip); inserting may
    // reach the first multiple of the period that completes the pull (what moves a deadline).
    const most =
      sign < 0 ? Math.floor(align.frameSamples / 2) : align.frameSamples - align.phaseSamples + period - 1;
    const limit = Math.min(Math.floor(n / 2), Math.max(period, most));
    let best = period;
    let bestCost = alignmentCost(align, sign * period);
    const first = quiet ? this.#pitch.minLagSamples : 2 * period;
    const step = quiet ? 1 : period;
    for (let lag = first; lag <= limit; lag += step) {
      const cost = alignmentCost(align, sign * lag);
      if (cost < bestCost && (quiet || normalisedCorrelation(input, 0, lag, lag) >= this.#threshold)) {
        best = lag;
        bestCost = cost;
      }
    }
    return best;
  }

  /** The period to remove or insert, or 0 to decline. */
  #period(input: Float32Array, n: number): number {
    this.lastCorrelation = 0;
    if (n > input.length || n < 2 * this.#pitch.minLagSamples) return 0;
    const lag = this.#pitch.estimate(input, 0, n, Math.floor(n / 2));
    let energy = 0;
    const span = lag > 0 ? 2 * lag : n;
    for (let i = 0; i < span; i++) energy += input[i] * input[i];
    energy /= span;
    const quiet = energy <= this.#quietEnergy;
    if (lag === 0) return quiet ? Math.min(this.#pitch.minLagSamples * 2, Math.floor(n / 2)) : 0;
    const c = normalisedCorrelation(input, 0, lag, lag);
    this.lastCorrelation = c;
    return c >= this.#threshold || quiet ? lag : 0;
  }
}

/** Cost of growing the future by `delta` samples against `a`: deadline miss plus resulting phase. */
function alignmentCost(a: StretchAlignment, delta: number): number {
  const shift = deadlineShift(a.phaseSamples, delta, a.frameSamples);
  return Math.abs(shift - a.wantedSamples) + (a.phaseSamples + delta - shift);
}

/**
 * How far the next packet's deadline moves, samples, when the future grows by `delta` samples with
 * the packet boundary `phase` samples into its frame: deadlines sit on frame starts, so it moves by
 * whole frames (`delta − phase' + phase`, see {@link StretchAlignment}).
 * @internal
 */
export function deadlineShift(phase: number, delta: number, frame: number): number {
  const after = (((phase + delta) % frame) + frame) % frame;
  return delta - after + phase;
}

function checkOut(out: Float32Array, needed: number): void {
  if (out.length < needed)
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `output buffer needs ${needed} samples, got ${out.length}`,
    );
}
