import { invalidOption } from '../errors.js';
import { type DelayManagerConfig, type ResolvedDelayConfig, resolveDelayConfig } from './options.js';

/** Weight of a new packet in the mean relative delay (about 100 packets of memory). */
const MEAN_SMOOTHING = 0.01;
/** A packet later than the target by more than this, ms, is a spike (see the quick rise in `update`). */
const SPIKE_MARGIN_MS = 20;
/** Statistics (intervals × intervalMs) before the histogram replaces the start delay, ms. */
const STARTUP_MS = 300;
/** Ring capacity of the fastest-packet window (packets); older entries fall out first. */
const WINDOW_CAPACITY = 1024;

/**
 * Estimates the jitter a stream actually shows and turns it into a target delay (NetEQ's
 * `DelayManager` with its `UnderrunOptimizer`):
 *
 * - relative delay of a packet = its transit (arrival − RTP time) minus the smallest transit in the
 *   last `windowMs`, i.e. how much later than the fastest recent packet it came;
 * - the peak relative delay of each `intervalMs` enters a histogram whose older mass decays by
 *   `forgetFactor` per entry (slow decay); a packet later than the current target enters at once,
 *   and one more than 20 ms beyond it with half the quantile's tail as weight (quick rise on spikes);
 *   the start delay holds until 300 ms of intervals were seen;
 * - target = the `quantile` of that histogram (`stallQuantile` while the owner's pulls keep stalling,
 *   see {@link DelayManager.setOwnerStalling}), clamped to `[minDelayMs, maxDelayMs]`.
 *
 * No clock: arrival times are arguments (ms, any origin). Allocation-free per packet.
 */
export class DelayManager {
  readonly #config: ResolvedDelayConfig;
  readonly #msPerTick: number;
  readonly #histogram: Float64Array;
  #entries = 0;
  #targetMs: number;
  // Monotonic deque (increasing transit) of the window, as a ring.
  readonly #dequeArrival = new Float64Array(WINDOW_CAPACITY);
  readonly #dequeTransit = new Float64Array(WINDOW_CAPACITY);
  #head = 0;
  #count = 0;
  #quantile: number;
  #intervalStartMs = Number.NaN;
  #intervalPeakMs = -1;
  #lastRelativeMs = 0;
  #meanRelativeMs = 0;

  /**
   * @param clockRateHz - RTP timestamp rate of the stream, Hz (> 0).
   * @param config - Tuning (see {@link DelayManagerConfig}) and the `minDelayMs`/`maxDelayMs` clamp
   *   (defaults 0 and 2000 ms).
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad value.
   */
  constructor(
    clockRateHz: number,
    config: DelayManagerConfig & { minDelayMs?: number; maxDelayMs?: number } = {},
  ) {
    if (!(clockRateHz > 0) || !Number.isFinite(clockRateHz)) {
      invalidOption('clockRateHz', clockRateHz, 'must be a number > 0 (Hz)');
    }
    this.#config = resolveDelayConfig(config, config.minDelayMs ?? 0, config.maxDelayMs ?? 2000);
    this.#msPerTick = 1000 / clockRateHz;
    const c = this.#config;
    this.#histogram = new Float64Array(Math.ceil(c.maxDelayMs / c.bucketMs) + 1);
    this.#targetMs = this.#clamp(c.startDelayMs);
    this.#quantile = c.quantile;
  }

  /**
   * Takes the target at `stallQuantile` instead of `quantile` while `stalling` (the owner's pulls keep
   * stalling and it conceals during the stalls, spending late budget of its own). The target follows
   * at once.
   */
  setOwnerStalling(stalling: boolean): void {
    const quantile = stalling ? this.#config.stallQuantile : this.#config.quantile;
    if (quantile === this.#quantile) return;
    this.#quantile = quantile;
    this.#updateTarget();
  }

  /** Current target delay, ms, within `[minDelayMs, maxDelayMs]`. */
  get targetDelayMs(): number {
    return this.#targetMs;
  }

  /**
   * Mean relative delay of recent packets, ms (exponential average over about 100 packets). The
   * buffer must hold the target minus this on average: a packet that is later than the fastest
   * one by its relative delay has waited that much less.
   */
  get meanRelativeDelayMs(): number {
    return this.#meanRelativeMs;
  }

  /** Relative delay of the last packet given to {@link update}, ms (≥ 0). */
  get lastRelativeDelayMs(): number {
    return this.#lastRelativeMs;
  }

  /**
   * Takes one packet's arrival.
   * @param rtpTimestamp - Its unwrapped RTP timestamp (clock-rate units, may exceed 2^32).
   * @param arrivalMs - When it arrived, ms.
   * @param measured - False when the arrival time is known not to be the network's (the receiver
   *   stalled and stamped it late): the packet still counts as a reference of the fastest transit,
   *   but its delay enters neither the histogram nor the mean.
   * @returns Its relative delay, ms.
   */
  update(rtpTimestamp: number, arrivalMs: number, measured = true): number {
    const transit = arrivalMs - rtpTimestamp * this.#msPerTick;
    const windowStart = arrivalMs - this.#config.windowMs;
    while (this.#count > 0 && this.#dequeArrival[this.#head] < windowStart) this.#popFront();
    // Keep the deque increasing in transit: entries slower than this one can never be the minimum again.
    while (this.#count > 0 && this.#dequeTransit[this.#backIndex()] >= transit) this.#count--;
    if (this.#count === WINDOW_CAPACITY) this.#popFront();
    const at = (this.#head + this.#count) % WINDOW_CAPACITY;
    this.#dequeArrival[at] = arrivalMs;
    this.#dequeTransit[at] = transit;
    this.#count++;
    const relative = transit - this.#dequeTransit[this.#head];
    if (!measured) return relative;
    this.#lastRelativeMs = relative;
    this.#meanRelativeMs += MEAN_SMOOTHING * (relative - this.#meanRelativeMs);

    if (Number.isNaN(this.#intervalStartMs)) this.#intervalStartMs = arrivalMs;
    if (relative > this.#intervalPeakMs) this.#intervalPeakMs = relative;
    if (relative > this.#targetMs && relative > this.#config.minDelayMs) {
      // Quick rise: a late packet counts now, not at the interval's end; one of a spike (far beyond
      // the target, not the tail the quantile leaves out) with the weight of half that tail, so two
      // of them lift the target to them.
      const spike = relative > this.#targetMs + SPIKE_MARGIN_MS;
      this.#add(relative, spike ? (1 - this.#quantile) / 2 : 0);
      this.#intervalPeakMs = -1;
    } else if (arrivalMs - this.#intervalStartMs >= this.#config.intervalMs) {
      if (this.#intervalPeakMs >= 0) this.#add(this.#intervalPeakMs);
      this.#intervalPeakMs = -1;
      this.#intervalStartMs = arrivalMs;
    }
    return relative;
  }

  /**
   * Forgets the fastest-packet window (a new stream, or a talkspurt after the sender paused), so the
   * first packet after it is the new reference. The histogram and target are kept.
   */
  restartWindow(): void {
    this.#count = 0;
    this.#head = 0;
    this.#intervalStartMs = Number.NaN;
    this.#intervalPeakMs = -1;
  }

  /** Adds one entry of at least `minWeight` of the histogram's mass (the rest decays to make room). */
  #add(relativeMs: number, minWeight = 0): void {
    const h = this.#histogram;
    const bucket = Math.min(h.length - 1, Math.max(0, Math.floor(relativeMs / this.#config.bucketMs)));
    // Start-up ramp (NetEQ's start_forget_weight 2): early entries weigh more than the steady factor.
    const steady = Math.min(this.#config.forgetFactor, 1 - minWeight);
    const forget = Math.max(0, Math.min(steady, 1 - 2 / (this.#entries + 2)));
    this.#entries++;
    let total = 0;
    for (let i = 0; i < h.length; i++) {
      h[i] *= forget;
      total += h[i];
    }
    h[bucket] += 1 - total; // keeps the mass at exactly 1 despite rounding
    this.#updateTarget();
  }

  #updateTarget(): void {
    // The start delay holds until the histogram has seen 300 ms of intervals (a few packets say little).
    if (this.#entries * this.#config.intervalMs < STARTUP_MS) return;
    const h = this.#histogram;
    let cumulative = 0;
    let index = h.length - 1;
    for (let i = 0; i < h.length; i++) {
      cumulative += h[i];
      if (cumulative >= this.#quantile) {
        index = i;
        break;
      }
    }
    this.#targetMs = this.#clamp((index + 1) * this.#config.bucketMs);
  }

  #clamp(ms: number): number {
    return Math.min(this.#config.maxDelayMs, Math.max(this.#config.minDelayMs, ms));
  }

  #popFront(): void {
    this.#head = (this.#head + 1) % WINDOW_CAPACITY;
    this.#count--;
  }

  #backIndex(): number {
    return (this.#head + this.#count - 1) % WINDOW_CAPACITY;
  }
}
