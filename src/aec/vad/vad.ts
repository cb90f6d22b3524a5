/**
 * Voice activity detector: per 10 ms block, the level of four speech bands above a noise floor tracked
 * by minimum statistics; a block is speech when the mean SNR of its two best bands passes the mode's threshold; a
 * hangover bridges pauses. Frames of 20 and 30 ms are judged block by block (speech if any block is).
 */
import { SafeEventEmitter } from '../../events.js';
import { BandEnergies } from './bands.js';
import { NoiseFloor, toDb } from './noise-floor.js';
import { type ResolvedVadOptions, resolveVadOptions, type VadMode, type VadOptions } from './options.js';

/** Events of {@link Vad}. */
export interface VadEvents {
  /** `speaking` went from false to true; the argument is the count of frames processed so far. */
  speechStart: (frameIndex: number) => void;
  /** `speaking` went from true to false (after the hangover); the argument is the frame count. */
  speechEnd: (frameIndex: number) => void;
  /** A `speechStart`/`speechEnd` listener threw; the exception is reported here instead of thrown. */
  error: (error: unknown) => void;
}

/**
 * Mean band SNR (dB above the floor) a block needs to count as speech, per mode. Rises with the mode,
 * so a higher mode never marks more blocks as speech than a lower one on the same input.
 */
const THRESHOLD_DB = [3.5, 5, 7, 10] as const;

/** Offset added to the minimum to reach the mean noise level (the minimum sits below the mean), dB. */
const MIN_BIAS_DB = 2;

/** Blocks quieter than this over the whole band are never speech (about 10 LSB RMS), dBFS. */
const ABSOLUTE_FLOOR_DB = -70;

/**
 * Voice activity detector with modes 0–3 (quality … very aggressive, as webrtcvad), for 10/20/30 ms
 * mono Int16 frames at 8/16/32/48 kHz. Robust to stationary noise: the noise floor is re-learned
 * continuously (about 1.6 s window). No timers; allocation-free per frame.
 */
export class Vad extends SafeEventEmitter<VadEvents> {
  /** Resolved options. */
  readonly options: Readonly<ResolvedVadOptions>;
  /** Frames of the wrong length that were ignored (counted and dropped, never thrown). */
  droppedFrames = 0;
  /** True while speech is active (including the hangover). */
  speaking = false;
  /** Mean band SNR of the last 10 ms block, dB (a soft score for callers that want one). */
  lastScoreDb = 0;
  readonly #bands: BandEnergies;
  readonly #floor: NoiseFloor;
  readonly #blockSamples: number;
  readonly #thresholdDb: number;
  readonly #hangoverBlocks: number;
  #hangoverLeft = 0;
  readonly #previous = new Float64Array(4);
  #frames = 0;

  /**
   * @param options - See {@link VadOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown mode, rate or frame duration, or a
   *   hangover outside 0–2000 ms.
   */
  constructor(options: VadOptions) {
    super();
    this.options = resolveVadOptions(options);
    const { sampleRateHz, mode, hangoverMs } = this.options;
    this.#blockSamples = sampleRateHz / 100;
    this.#bands = new BandEnergies(sampleRateHz);
    this.#floor = new NoiseFloor(this.#bands.bandCount);
    this.#thresholdDb = THRESHOLD_DB[mode as VadMode];
    this.#hangoverBlocks = Math.round(hangoverMs / 10);
  }

  /**
   * Judges one frame and updates `speaking`, emitting `speechStart`/`speechEnd` on a change.
   * @param frame - `sampleRateHz · frameMs / 1000` mono samples. A frame of another length is
   *   counted in {@link droppedFrames} and leaves the state unchanged.
   * @returns `speaking` after this frame (speech or within the hangover).
   */
  process(frame: Int16Array): boolean {
    if (!(frame instanceof Int16Array) || frame.length !== this.options.samplesPerFrame) {
      this.droppedFrames++;
      return this.speaking;
    }
    let speech = false;
    for (let offset = 0; offset < frame.length; offset += this.#blockSamples) {
      if (this.#block(frame, offset)) speech = true;
    }
    this.#frames++;
    const was = this.speaking;
    this.speaking = speech || this.#hangoverLeft > 0;
    if (this.speaking !== was) {
      if (this.speaking) this.safeEmit('speechStart', this.#frames);
      else this.safeEmit('speechEnd', this.#frames);
    }
    return this.speaking;
  }

  /** Forgets the noise floor, the hangover and `speaking` (no event is emitted). */
  reset(): void {
    this.#bands.reset();
    this.#floor.reset();
    this.#hangoverLeft = 0;
    this.#previous.fill(0);
    this.#frames = 0;
    this.speaking = false;
    this.lastScoreDb = 0;
  }

  /** One 10 ms block: true when the block itself is speech; runs the hangover counter. */
  #block(frame: Int16Array, offset: number): boolean {
    const bands = this.#bands;
    bands.analyse(frame, offset, this.#blockSamples);
    this.#floor.update(bands.energy);
    const floor = this.#floor.floorDb;
    // Mean of the two best bands: speech need not lift every band (white noise buries the top one).
    let first = 0;
    let second = 0;
    for (let b = 0; b < bands.bandCount; b++) {
      // Two-block average for the decision: halves the noise's level variance, speech spans > 20 ms.
      const e = bands.energy[b];
      const snr = toDb(0.5 * (e + this.#previous[b])) - floor[b] - MIN_BIAS_DB;
      this.#previous[b] = e;
      if (snr > first) {
        second = first;
        first = snr;
      } else if (snr > second) second = snr;
    }
    const score = (first + second) / 2;
    this.lastScoreDb = score;
    const speech = score > this.#thresholdDb && toDb(bands.fullBand) > ABSOLUTE_FLOOR_DB;
    if (speech) this.#hangoverLeft = this.#hangoverBlocks;
    else if (this.#hangoverLeft > 0) this.#hangoverLeft--;
    return speech;
  }
}
