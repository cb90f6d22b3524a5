import { audioLevelFromDbov, rmsDbov } from '../audio/level.js';
import { outputFor } from '../audio/out-buffer.js';
import { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { DelayEstimator } from './delay-estimator.js';
import { EchoCanceller } from './echo-canceller.js';
import { NoiseSuppressor } from './noise-suppressor.js';
import {
  type AudioProcessorOptions,
  type ResolvedAudioProcessorOptions,
  resolveAudioProcessorOptions,
} from './processor-options.js';
import { RateAdapter } from './rate-adapter.js';
import { Vad } from './vad.js';

/** Events of {@link AudioProcessor}. */
export interface AudioProcessorEvents {
  /** The VAD's `speaking` went true; the argument is the count of capture frames processed. */
  speechStart: (frameIndex: number) => void;
  /** The VAD's `speaking` went false (after its hangover). */
  speechEnd: (frameIndex: number) => void;
  /** A listener threw; the exception is reported here instead of into the media loop. */
  error: (error: unknown) => void;
}

/** Figures of {@link AudioProcessor.getStats}, named after W3C `RTCAudioSourceStats` where one exists. */
export interface AudioProcessorStats {
  /** ERLE of the echo canceller in dB; undefined with AEC off. */
  echoReturnLossEnhancement: number | undefined;
  /** Bulk delay applied to the far end in ms; undefined with AEC off. */
  delayMs: number | undefined;
  /** Voice activity of the last processed frame; undefined with VAD off. */
  voiceActivityFlag: boolean | undefined;
  /** RFC 6464 level (0 loudest … 127 silence) of the last processed frame. */
  audioLevel: number;
  /** Noise level estimated by the suppressor in dBov; undefined with NS off. */
  noiseLevelDbov: number | undefined;
  /** Capture frames processed since construction or reset. */
  framesProcessed: number;
}

/**
 * The capture-side chain: echo canceller (with a bulk delay estimator that sets its delay) → noise
 * suppressor, with the voice activity detector reading the echo-cancelled signal; each switchable. Feed what the playout sends to the speaker
 * to {@link processReference} and each microphone frame to {@link processCapture}, 10 ms at a time.
 * No timers; allocation-free per frame.
 */
export class AudioProcessor extends SafeEventEmitter<AudioProcessorEvents> {
  /** Processing rate in Hz. */
  readonly sampleRateHz: number;
  /** Samples per 10 ms frame. */
  readonly frameSamples: number;
  /** Rate the stages run at, Hz (see {@link AudioProcessorOptions.processingRateHz}). */
  readonly processingRateHz: number;
  /** Delay the rate conversion adds to the capture path, samples at `sampleRateHz` (0 at full band). */
  readonly resamplingDelaySamples: number;
  /** The stages in use (null when switched off); exposed for inspection, not to be driven directly. */
  readonly ec: EchoCanceller | null;
  /** Bulk delay estimator (present with AEC). */
  readonly delayEstimator: DelayEstimator | null;
  /** Noise suppressor, or null. */
  readonly ns: NoiseSuppressor | null;
  /** Voice activity detector, or null. */
  readonly vad: Vad | null;
  /** True while the VAD reports speech (false with VAD off). */
  speaking = false;
  /** RMS level of the last processed frame in dBov (−127 for silence). */
  levelDbov = -127;
  private readonly options: ResolvedAudioProcessorOptions;
  private readonly lastReference: Int16Array;
  private readonly scratch: Int16Array;
  private readonly adapter: RateAdapter | null;
  private readonly innerCapture: Int16Array;
  private readonly innerOutput: Int16Array;
  private referenceFresh = false;
  private appliedDelayMs = -1;
  private frames = 0;

  /**
   * @param options - See {@link AudioProcessorOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option (of the chain or of a stage).
   */
  constructor(options: AudioProcessorOptions) {
    super();
    this.options = resolveAudioProcessorOptions(options);
    const o = this.options;
    this.sampleRateHz = o.sampleRateHz;
    this.frameSamples = o.sampleRateHz / 100;
    this.processingRateHz = o.processingRateHz;
    const inner = o.processingRateHz / 100;
    this.adapter =
      o.processingRateHz !== o.sampleRateHz ? new RateAdapter(o.sampleRateHz, o.processingRateHz) : null;
    this.resamplingDelaySamples = this.adapter?.delaySamples ?? 0;
    this.innerCapture = new Int16Array(inner);
    this.innerOutput = new Int16Array(inner);
    this.ec = o.aec ? new EchoCanceller(o.aec) : null;
    this.delayEstimator = o.aec ? new DelayEstimator({ sampleRateHz: o.processingRateHz }) : null;
    this.ns = o.ns ? new NoiseSuppressor(o.ns) : null;
    this.vad = o.vad ? new Vad(o.vad) : null;
    this.vad?.on('speechStart', () => this.safeEmit('speechStart', this.frames));
    this.vad?.on('speechEnd', () => this.safeEmit('speechEnd', this.frames));
    this.lastReference = new Int16Array(inner);
    this.scratch = new Int16Array(inner);
  }

  /**
   * Taps the far end: the 10 ms frame the playout sends to the loudspeaker. Ignored with AEC off.
   * @param frame - `frameSamples` Int16 samples (read only).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when the frame length is wrong.
   */
  processReference(frame: Int16Array): void {
    this.checkFrame(frame, 'processReference');
    if (!this.ec) return;
    if (this.adapter) this.adapter.downReference(frame, this.lastReference);
    else this.lastReference.set(frame);
    this.ec.pushReference(this.lastReference);
    this.referenceFresh = true;
  }

  /**
   * Processes one 10 ms microphone frame through the enabled stages.
   * @param frame - `frameSamples` Int16 samples (read only unless it is also `out`).
   * @param out - Optional output of at least `frameSamples` samples; may be `frame`.
   * @returns The processed frame; it lags the input by the stages' latencies (AEC block + NS 10 ms).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when the frame length is wrong or `out` is short.
   */
  processCapture(frame: Int16Array, out?: Int16Array): Int16Array {
    this.checkFrame(frame, 'processCapture');
    const output = outputFor(
      out,
      this.frameSamples,
      (n) => new Int16Array(n),
      'AudioProcessor.processCapture',
    );
    let current: Int16Array = frame;
    if (this.adapter) {
      this.adapter.downCapture(frame, this.innerCapture);
      current = this.innerCapture;
    }
    const input = current;
    const stageOutput = this.adapter ? this.innerOutput : output;
    if (this.ec && this.delayEstimator) {
      // Silence stands in for a missing reference frame; the estimator does not learn from silence.
      if (!this.referenceFresh) this.lastReference.fill(0);
      this.delayEstimator.process(this.lastReference, input);
      this.referenceFresh = false;
      this.applyDelay();
      current = this.ec.process(input, this.scratch);
    }
    this.frames++;
    // The VAD judges the echo-cancelled signal before NS: its own noise floor handles stationary
    // noise, while NS's residual (fluctuating, "musical") noise makes it fire falsely (measured: 88 of
    // 200 noise-only frames flagged after NS, 0 before).
    if (this.vad) this.speaking = this.vad.process(current);
    if (this.ns) current = this.ns.process(current, stageOutput);
    if (this.adapter) this.adapter.up(current, output);
    else if (current !== output) output.set(current);
    this.levelDbov = rmsDbov(output);
    return output;
  }

  /** Current figures; a new object each call (not for the per-frame path). */
  getStats(): AudioProcessorStats {
    const ec = this.ec?.getStats();
    return {
      echoReturnLossEnhancement: ec?.erleDb,
      delayMs: ec?.delayMs,
      voiceActivityFlag: this.vad ? this.speaking : undefined,
      audioLevel: audioLevelFromDbov(this.levelDbov),
      noiseLevelDbov: this.ns?.getStats().noiseLevelDbov,
      framesProcessed: this.frames,
    };
  }

  /** Resets every stage and the chain's state (as after construction); listeners stay. */
  reset(): void {
    this.ec?.reset();
    this.delayEstimator?.reset();
    this.adapter?.reset();
    this.ns?.reset();
    this.vad?.reset();
    this.lastReference.fill(0);
    this.referenceFresh = false;
    this.appliedDelayMs = -1;
    this.speaking = false;
    this.levelDbov = -127;
    this.frames = 0;
  }

  /** Moves the canceller's bulk delay when the estimator is confident of a change of more than 2 ms. */
  private applyDelay(): void {
    const estimate = this.delayEstimator?.delayMs;
    if (estimate === undefined || !this.ec) return;
    if (this.appliedDelayMs >= 0 && Math.abs(estimate - this.appliedDelayMs) <= 2) return;
    this.ec.setDelayMs(estimate);
    this.appliedDelayMs = estimate;
  }

  private checkFrame(frame: Int16Array, what: string): void {
    if (!(frame instanceof Int16Array) || frame.length !== this.frameSamples) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `AudioProcessor.${what}: frame must be an Int16Array of ${this.frameSamples} samples (10 ms at ${this.sampleRateHz} Hz)`,
      );
    }
  }
}
