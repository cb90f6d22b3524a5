/**
 * Runs a capture chain below the session rate: decimates the reference and the capture (src/audio
 * Resampler) and interpolates the processed frame back. Measured at 48 kHz (bench/suites/processor.ts):
 * the chain at 16 kHz keeps the same ERLE, keeps near-end speech better in double talk and costs less
 * CPU; the band above 8 kHz is dropped.
 */
import { Resampler, type ResamplerFilterConfig } from '../audio/index.js';

/**
 * Filter of the two decimators (reference and capture): passband to 0.9 of the inner Nyquist, 90 dB,
 * transition straddling Nyquist (8–8.8 kHz folds into 7.2–8 kHz, which the passband leaves out). Half
 * the taps of the Resampler's default (100 dB, stopband from Nyquist), whose three filters were 45 % of
 * the 48 kHz chain's CPU; ERLE and near-end SNR over 8 rooms moved by less than their spread (docs).
 */
export const RATE_ADAPTER_DOWN_FILTER: ResamplerFilterConfig = Object.freeze({
  passbandEdge: 0.9,
  stopbandEdge: 1.1,
  stopbandAttenuationDb: 90,
});
/** Filter of the interpolator back to the session rate (images above 8.8 kHz at least 80 dB down). */
export const RATE_ADAPTER_UP_FILTER: ResamplerFilterConfig = Object.freeze({
  passbandEdge: 0.9,
  stopbandEdge: 1.1,
  stopbandAttenuationDb: 80,
});

/** Int16 10 ms frames between a session rate and a lower processing rate; allocation-free per frame. */
export class RateAdapter {
  /** Session rate, Hz. */
  readonly outerRateHz: number;
  /** Processing rate, Hz. */
  readonly innerRateHz: number;
  /** Delay added to the capture path (down and up filters), samples at the session rate. */
  readonly delaySamples: number;
  readonly #downReference: Resampler;
  readonly #downCapture: Resampler;
  readonly #up: Resampler;

  /**
   * @param outerRateHz - Session rate in Hz (a multiple of `innerRateHz`).
   * @param innerRateHz - Processing rate in Hz.
   * @param downFilter - Decimators' filter tuning (default {@link RATE_ADAPTER_DOWN_FILTER}).
   * @param upFilter - Interpolator's filter tuning (default {@link RATE_ADAPTER_UP_FILTER}).
   */
  constructor(
    outerRateHz: number,
    innerRateHz: number,
    downFilter: ResamplerFilterConfig = RATE_ADAPTER_DOWN_FILTER,
    upFilter: ResamplerFilterConfig = RATE_ADAPTER_UP_FILTER,
  ) {
    this.outerRateHz = outerRateHz;
    this.innerRateHz = innerRateHz;
    this.#downReference = new Resampler({
      inputRateHz: outerRateHz,
      outputRateHz: innerRateHz,
      filter: downFilter,
    });
    this.#downCapture = new Resampler({
      inputRateHz: outerRateHz,
      outputRateHz: innerRateHz,
      filter: downFilter,
    });
    this.#up = new Resampler({ inputRateHz: innerRateHz, outputRateHz: outerRateHz, filter: upFilter });
    this.delaySamples = (this.#downCapture.delaySamples * outerRateHz) / innerRateHz + this.#up.delaySamples;
  }

  /** Decimates one reference frame into `out` (`innerRateHz / 100` samples). */
  downReference(frame: Int16Array, out: Int16Array): void {
    this.#downReference.processInt16(frame, out);
  }

  /** Decimates one capture frame into `out` (`innerRateHz / 100` samples). */
  downCapture(frame: Int16Array, out: Int16Array): void {
    this.#downCapture.processInt16(frame, out);
  }

  /** Interpolates one processed frame back to the session rate into `out`. */
  up(frame: Int16Array, out: Int16Array): void {
    this.#up.processInt16(frame, out);
  }

  /** Forgets the filter histories. */
  reset(): void {
    this.#downReference.reset();
    this.#downCapture.reset();
    this.#up.reset();
  }
}
