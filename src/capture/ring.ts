import { invalidOption } from '../errors.js';

/**
 * A FIFO of interleaved Int16 samples between a bursty producer (a device process, a Node stream)
 * and the steady 10 ms reader. Reading starts once `targetFill` samples are buffered and starts over
 * (priming again) after an underrun, so a slow device clock shows as rare counted underruns rather
 * than a frame-by-frame stutter. When a write would overflow, the oldest samples are dropped down to
 * the target fill. A standing excess (the lowest fill over `trimWindowReads` reads stayed above
 * target plus one read) is dropped down to the target too, so a fast device clock or a start-up
 * backlog does not become permanent latency; bursts, whose fill dips between them, are not trimmed.
 * Drops are counted in `overrunSamples`. Allocation-free after construction.
 */
export class PcmRing {
  readonly #data: Int16Array;
  readonly #targetFill: number;
  readonly #channels: number;
  #readAt = 0;
  #length = 0;
  #primed = false;
  readonly #trimWindowReads: number;
  #windowReads = 0;
  #windowMinFill = Number.POSITIVE_INFINITY;
  #reading = false;
  /** Samples per channel dropped by overflow so far. */
  overrunSamples = 0;

  /**
   * @param capacitySamples - Samples (all channels) held at most; a multiple of `channels`.
   * @param targetFillSamples - Samples (all channels) buffered before reading starts; < capacity.
   * @param channels - Interleaved channels (overflow drops whole frames).
   * @param trimWindowReads - Reads over which the lowest fill is watched for a standing excess (default
   *   100, one second of 10 ms reads); 0 turns latency trimming (standing excess and start-up
   *   backlog) off, for streams that may run ahead of real time.
   * @throws VoxwireError `ERR_INVALID_OPTION` when the sizes are not consistent.
   */
  constructor(capacitySamples: number, targetFillSamples: number, channels: number, trimWindowReads = 100) {
    if (!Number.isInteger(capacitySamples) || capacitySamples <= 0 || capacitySamples % channels !== 0) {
      invalidOption('capacitySamples', capacitySamples, `a positive multiple of ${channels}`);
    }
    if (
      !Number.isInteger(targetFillSamples) ||
      targetFillSamples < 0 ||
      targetFillSamples >= capacitySamples
    ) {
      invalidOption('targetFillSamples', targetFillSamples, `an integer from 0 to ${capacitySamples - 1}`);
    }
    this.#data = new Int16Array(capacitySamples);
    this.#targetFill = targetFillSamples - (targetFillSamples % channels);
    this.#channels = channels;
    this.#trimWindowReads = Math.max(0, Math.floor(trimWindowReads));
  }

  /** Samples (all channels) buffered now. */
  get length(): number {
    return this.#length;
  }

  /** True once the target fill was reached (until the next underrun). */
  get primed(): boolean {
    return this.#primed;
  }

  /** Appends `samples` (whole frames), dropping the oldest on overflow. */
  write(samples: Int16Array): void {
    const data = this.#data;
    const capacity = data.length;
    let input = samples;
    if (input.length > capacity) input = input.subarray(input.length - capacity);
    if (this.#length + input.length > capacity) {
      // Keep the newest samples, leaving the target fill once this write is in.
      const keep = Math.min(this.#length, Math.max(0, this.#targetFill - input.length));
      const dropped = this.#length - keep;
      this.#readAt = (this.#readAt + dropped) % capacity;
      this.#length = keep;
      this.overrunSamples += dropped / this.#channels;
    }
    this.overrunSamples += (samples.length - input.length) / this.#channels;
    let writeAt = (this.#readAt + this.#length) % capacity;
    let offset = 0;
    while (offset < input.length) {
      const n = Math.min(input.length - offset, capacity - writeAt);
      data.set(input.subarray(offset, offset + n), writeAt);
      offset += n;
      writeAt = (writeAt + n) % capacity;
    }
    this.#length += input.length;
    if (this.#length >= this.#targetFill && this.#length > 0) this.#primed = true;
  }

  /**
   * Copies `out.length` samples out when primed and available.
   * @returns True when copied; false on underrun (then it primes again); null while priming.
   */
  read(out: Int16Array): boolean | null {
    if (!this.#primed) return null;
    if (this.#length < out.length) {
      this.#primed = false;
      this.#reading = false;
      this.#windowReads = 0;
      this.#windowMinFill = Number.POSITIVE_INFINITY;
      return false;
    }
    if (this.#trimWindowReads > 0 && !this.#reading) {
      // A backlog present before the reader began (device started early) is pure latency.
      this.#reading = true;
      this.#dropTo(this.#targetFill);
    }
    this.#trimStandingExcess(out.length);
    const data = this.#data;
    const capacity = data.length;
    let offset = 0;
    while (offset < out.length) {
      const n = Math.min(out.length - offset, capacity - this.#readAt);
      out.set(data.subarray(this.#readAt, this.#readAt + n), offset);
      offset += n;
      this.#readAt = (this.#readAt + n) % capacity;
    }
    this.#length -= out.length;
    return true;
  }

  #trimStandingExcess(readLength: number): void {
    if (this.#trimWindowReads === 0) return;
    if (this.#length < this.#windowMinFill) this.#windowMinFill = this.#length;
    if (++this.#windowReads < this.#trimWindowReads) return;
    // Slack keeps ordinary jitter from being trimmed (each trim is an audible skip).
    const slack = Math.max(2 * readLength, this.#targetFill >> 1);
    const excess = this.#windowMinFill - this.#targetFill - slack;
    this.#windowReads = 0;
    this.#windowMinFill = Number.POSITIVE_INFINITY;
    if (excess > 0) this.#dropTo(this.#length - excess - slack);
  }

  /** Drops the oldest samples until `fill` remain (whole frames; none when already at or below). */
  #dropTo(fill: number): void {
    let drop = this.#length - Math.max(0, fill);
    drop -= drop % this.#channels;
    if (drop <= 0) return;
    this.#readAt = (this.#readAt + drop) % this.#data.length;
    this.#length -= drop;
    this.overrunSamples += drop / this.#channels;
  }

  /** Empties the ring and unprimes it (counters kept). */
  clear(): void {
    this.#readAt = 0;
    this.#length = 0;
    this.#primed = false;
    this.#reading = false;
    this.#windowReads = 0;
    this.#windowMinFill = Number.POSITIVE_INFINITY;
  }

  /** Copies out whatever is left (for draining at end of stream): up to `out.length` samples, the rest silence. */
  drainInto(out: Int16Array): number {
    const n = Math.min(out.length, this.#length);
    this.#primed = true;
    if (n === out.length) {
      this.read(out);
      return n;
    }
    const tail = out.subarray(0, n);
    this.read(tail);
    out.fill(0, n);
    return n;
  }
}
