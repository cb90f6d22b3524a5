import { invalidOption, VoxwireError } from '../errors.js';
import { MdfFilter } from './mdf.js';
import { ReferenceBuffer } from './reference-buffer.js';
import { ResidualSuppressor } from './residual-suppressor.js';

/** Options of {@link EchoCanceller}. */
export interface EchoCancellerOptions {
  /** Sample rate of both far end and microphone: 8000, 16000, 32000 or 48000 Hz. */
  sampleRateHz: number;
  /** Echo tail the linear filter covers, in ms (20–1000, default 250). */
  tailMs?: number;
  /** Residual echo suppression after the linear filter (default true). */
  residualSuppression?: boolean;
  /** Comfort noise where residual suppression removed background noise (default true). */
  comfortNoise?: boolean;
}

/** Figures of {@link EchoCanceller.getStats}. */
export interface EchoCancellerStats {
  /** Echo return loss enhancement of the whole canceller over recent far-active audio, in dB. */
  erleDb: number;
  /** True once the linear filter has adapted to the echo path. */
  converged: boolean;
  /** True while near-end speech is detected on top of the echo. */
  doubleTalk: boolean;
  /** Bulk delay in ms currently applied to the far end (see {@link EchoCanceller.setDelayMs}). */
  delayMs: number;
  /** Far-end samples that were needed but had not arrived (read as silence), since reset. */
  missingReferenceSamples: number;
}

/** Largest bulk delay accepted by {@link EchoCanceller.setDelayMs}, in ms. */
export const MAX_AEC_DELAY_MS = 1000;

const BLOCK_BY_RATE: Record<number, number> = { 8000: 64, 16000: 128, 32000: 256, 48000: 512 };
const PREEMPHASIS = 0.9;

/**
 * Acoustic echo canceller: a two-path partitioned-block frequency-domain adaptive filter (MDF) with
 * leak-based step control and an echo-path-change detector (restarts the filter when its output has
 * more energy than the microphone), followed by residual echo suppression with comfort noise. Every
 * rate is processed full band with blocks of about 8–10.7 ms (64/128/256/512 samples at
 * 8/16/32/48 kHz): twice round 1's block halves the filter's cost per sample (measured 33 → 15 ms of
 * CPU per second of audio at 16 kHz) and gained 3–5 dB of linear ERLE.
 *
 * Far-end sample i (counted from construction or {@link reset}) pairs with microphone sample
 * i + delay, so reference and capture may arrive in uneven bursts; a far-end sample that has not
 * arrived when needed reads as silence and is counted in `missingReferenceSamples`.
 * Output lags input by {@link latencySamples}. Allocation-free per frame.
 */
export class EchoCanceller {
  /** Sample rate in Hz. */
  readonly sampleRateHz: number;
  /** Samples per 10 ms frame. */
  readonly samplesPerFrame: number;
  /** Samples the output lags the microphone input. */
  readonly latencySamples: number;
  private readonly block: number;
  private readonly mdf: MdfFilter;
  private readonly res: ResidualSuppressor | null;
  private readonly reference: ReferenceBuffer;
  private readonly farFrame: Float32Array;
  private readonly nearPending: Float32Array;
  private readonly farPending: Float32Array;
  private pendingCount = 0;
  private readonly outPending: Float32Array;
  private outCount = 0;
  private readonly initialOut: number;
  private readonly nearBlock: Float32Array;
  private readonly farBlock: Float32Array;
  private readonly rawFar: Float32Array;
  private readonly errBlock: Float32Array;
  private readonly echoBlock: Float32Array;
  private readonly resBlock: Float32Array;
  private nearPos = 0;
  private delaySamples = 0;
  private delayMs = 0;
  private farMem = 0;
  private nearMem = 0;
  private errMem = 0;
  private echoMem = 0;
  private dcIn = 0;
  private dcOut = 0;
  private micPower = 0;
  private outPower = 0;
  private doubleTalk = false;

  /**
   * @param options - See {@link EchoCancellerOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
   */
  constructor(options: EchoCancellerOptions) {
    const rate = options?.sampleRateHz;
    const block = BLOCK_BY_RATE[rate];
    if (block === undefined) invalidOption('sampleRateHz', rate, 'allowed: 8000, 16000, 32000, 48000');
    const tailMs = options.tailMs ?? 250;
    if (typeof tailMs !== 'number' || !(tailMs >= 20 && tailMs <= 1000)) {
      invalidOption('tailMs', tailMs, 'allowed: 20..1000 ms');
    }
    for (const key of ['residualSuppression', 'comfortNoise'] as const) {
      const v = options[key];
      if (v !== undefined && typeof v !== 'boolean') invalidOption(key, v, 'allowed: true or false');
    }
    this.sampleRateHz = rate;
    this.block = block;
    this.samplesPerFrame = rate / 100;
    const blockSeconds = block / rate;
    this.mdf = new MdfFilter(block, Math.ceil((tailMs * rate) / 1000 / block), blockSeconds);
    this.res =
      options.residualSuppression === false
        ? null
        : new ResidualSuppressor(block, blockSeconds, options.comfortNoise ?? true);
    const f = this.samplesPerFrame;
    this.initialOut = block - gcd(f, block);
    this.latencySamples = this.initialOut + (this.res ? block : 0);
    this.reference = new ReferenceBuffer(Math.ceil((rate * (MAX_AEC_DELAY_MS + 2000)) / 1000));
    this.farFrame = new Float32Array(f);
    this.nearPending = new Float32Array(f + block);
    this.farPending = new Float32Array(f + block);
    this.outPending = new Float32Array(f + 2 * block);
    this.nearBlock = new Float32Array(block);
    this.farBlock = new Float32Array(block);
    this.rawFar = new Float32Array(block);
    this.errBlock = new Float32Array(block);
    this.echoBlock = new Float32Array(block);
    this.resBlock = new Float32Array(block);
    this.reset();
  }

  /**
   * Stores far-end audio as played (any length, any burst pattern), int16 mono at `sampleRateHz`.
   * The array is copied, not retained.
   */
  pushReference(far: Int16Array): void {
    this.reference.push(far);
  }

  /**
   * Cancels echo in one 10 ms microphone frame.
   * @param near - Exactly `samplesPerFrame` int16 samples.
   * @param out - Optional destination of the same length (may be `near` itself).
   * @returns The echo-cancelled frame (`out` when given), {@link latencySamples} behind `near`.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `near` or `out` has the wrong length.
   */
  process(near: Int16Array, out?: Int16Array): Int16Array {
    const f = this.samplesPerFrame;
    if (!(near instanceof Int16Array) || near.length !== f) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `near frame must be an Int16Array of ${f} samples`);
    }
    const result = out ?? new Int16Array(f);
    if (result.length !== f) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `out frame must hold ${f} samples`);
    }
    this.reference.read(this.nearPos - this.delaySamples, this.farFrame);
    this.nearPos += f;
    const p = this.pendingCount;
    for (let i = 0; i < f; i++) this.nearPending[p + i] = near[i];
    this.farPending.set(this.farFrame, p);
    this.pendingCount += f;
    let offset = 0;
    while (this.pendingCount - offset >= this.block) {
      this.processBlock(offset);
      offset += this.block;
    }
    this.nearPending.copyWithin(0, offset, this.pendingCount);
    this.farPending.copyWithin(0, offset, this.pendingCount);
    this.pendingCount -= offset;
    for (let i = 0; i < f; i++) {
      const v = Math.round(this.outPending[i]);
      result[i] = Math.max(-32768, Math.min(32767, v));
    }
    this.outPending.copyWithin(0, f, this.outCount);
    this.outCount -= f;
    return result;
  }

  /** Current figures; see {@link EchoCancellerStats}. */
  getStats(): EchoCancellerStats {
    return {
      erleDb: this.outPower > 0 ? 10 * Math.log10((this.micPower + 1) / (this.outPower + 1)) : 0,
      converged: this.mdf.adapted,
      doubleTalk: this.doubleTalk,
      delayMs: this.delayMs,
      missingReferenceSamples: this.reference.missingSamples,
    };
  }

  /**
   * Sets the bulk delay of the microphone behind the far end: far sample i then pairs with
   * microphone sample i + delay. Takes effect on the next frame.
   * @param delayMs - 0..{@link MAX_AEC_DELAY_MS} ms (rounded to whole samples).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when out of range or not a number.
   */
  setDelayMs(delayMs: number): void {
    if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs <= MAX_AEC_DELAY_MS)) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `delayMs ${delayMs} is outside 0..${MAX_AEC_DELAY_MS}`);
    }
    this.delayMs = delayMs;
    this.delaySamples = Math.round((delayMs * this.sampleRateHz) / 1000);
  }

  /** Forgets the echo path, buffered audio and statistics; the bulk delay is kept. */
  reset(): void {
    this.mdf.reset();
    this.res?.reset();
    this.reference.reset();
    this.nearPos = 0;
    this.pendingCount = 0;
    this.outPending.fill(0);
    this.outCount = this.initialOut;
    this.farMem = this.nearMem = this.errMem = this.echoMem = 0;
    this.dcIn = this.dcOut = 0;
    this.micPower = this.outPower = 0;
    this.doubleTalk = false;
  }

  private processBlock(offset: number): void {
    const { block: b, nearBlock, farBlock, errBlock, echoBlock } = this;
    let micEnergy = 0;
    let farEnergy = 0;
    for (let i = 0; i < b; i++) {
      const x = this.farPending[offset + i];
      this.rawFar[i] = x;
      farBlock[i] = x - PREEMPHASIS * this.farMem;
      this.farMem = x;
      farEnergy += x * x;
      // DC notch, then pre-emphasis (whitens speech so high bands converge too).
      const d = this.nearPending[offset + i];
      micEnergy += d * d;
      const dc = d - this.dcIn + 0.982 * this.dcOut;
      this.dcIn = d;
      this.dcOut = dc;
      nearBlock[i] = dc - PREEMPHASIS * this.nearMem;
      this.nearMem = dc;
    }
    this.mdf.process(farBlock, nearBlock, errBlock, echoBlock);
    let errEnergy = 0;
    let echoEnergy = 0;
    for (let i = 0; i < b; i++) {
      this.errMem = errBlock[i] + PREEMPHASIS * this.errMem;
      errBlock[i] = this.errMem;
      this.echoMem = echoBlock[i] + PREEMPHASIS * this.echoMem;
      echoBlock[i] = this.echoMem;
      errEnergy += errBlock[i] * errBlock[i];
      echoEnergy += echoBlock[i] * echoBlock[i];
    }
    const result = this.res ? this.resBlock : errBlock;
    if (this.res)
      this.res.process(
        errBlock,
        echoBlock,
        this.rawFar,
        this.mdf.leak,
        this.mdf.residualShare,
        this.resBlock,
      );
    let outEnergy = 0;
    for (let i = 0; i < b; i++) outEnergy += result[i] * result[i];
    this.outPending.set(result, this.outCount);
    this.outCount += b;
    const farActive = farEnergy > b * 1e4;
    if (farActive) {
      this.micPower = 0.97 * this.micPower + 0.03 * micEnergy;
      this.outPower = 0.97 * this.outPower + 0.03 * outEnergy;
    }
    this.doubleTalk = farActive && this.mdf.adapted && errEnergy > 4 * (this.mdf.leak * echoEnergy + b * 1e3);
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
