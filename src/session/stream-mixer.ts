import type { PlayoutPacket } from '../jitter/packet-buffer.js';
import type { PlayoutFrame } from '../jitter/playout.js';
import { emptyPlayoutStats, type PlayoutStats } from '../jitter/stats.js';

/** What the session needs of its receive side: a `Playout`, or a {@link StreamMixer} of several. @internal */
export interface ReceivePlayout {
  insert(packet: PlayoutPacket, arrivalMs: number): void;
  pull(out: Int16Array, nowMs: number): PlayoutFrame;
  getStats(): PlayoutStats;
}

/** One mixed source: its own playout and whatever it owns (the decoder). @internal */
export interface MixedStream {
  readonly playout: ReceivePlayout;
  /** Frees what the stream owns (its decoder). */
  close(): void;
}

/** Options of {@link StreamMixer}. @internal */
export interface StreamMixerOptions {
  /** Sources played at once, ≥ 2. */
  maxStreams: number;
  /** A source silent this long (ms of the owner's clock) is dropped and its slot freed. */
  idleMs: number;
  /** Samples per 10 ms pull. */
  frameSamples: number;
  /** Makes the playout of a new source. */
  createStream(): MixedStream;
}

interface Slot {
  ssrc: number;
  stream: MixedStream;
  lastArrivalMs: number;
}

/**
 * Plays several RTP sources at once (an SFU's forwarded slots, a conference): one playout and
 * decoder per SSRC, up to `maxStreams`, summed with saturation. A source not heard for `idleMs` is
 * dropped; a new source beyond `maxStreams` takes the slot heard least recently once that one is idle,
 * else its packets are counted in `packetsDiscarded`. Stats are the streams' summed (counters of
 * dropped streams kept), `targetDelayMs` the largest. Allocation-free per pull.
 * @internal
 */
export class StreamMixer implements ReceivePlayout {
  readonly #o: StreamMixerOptions;
  readonly #slots: Slot[] = [];
  readonly #retired = emptyPlayoutStats();
  readonly #sum: Int32Array;
  readonly #scratch: Int16Array;
  readonly #frame: { pcm: Int16Array; operation: PlayoutFrame['operation'] };
  #refused = 0;

  constructor(options: StreamMixerOptions) {
    this.#o = options;
    this.#sum = new Int32Array(options.frameSamples);
    this.#scratch = new Int16Array(options.frameSamples);
    this.#frame = { pcm: this.#scratch, operation: 'normal' };
  }

  /** Sources being played. */
  get streamCount(): number {
    return this.#slots.length;
  }

  insert(packet: PlayoutPacket, arrivalMs: number): void {
    let slot = this.#slotOf(packet.ssrc);
    if (slot === undefined) {
      slot = this.#admit(packet.ssrc, arrivalMs);
      if (slot === undefined) {
        this.#refused++;
        return;
      }
    }
    slot.lastArrivalMs = arrivalMs;
    slot.stream.playout.insert(packet, arrivalMs);
  }

  pull(out: Int16Array, nowMs: number): PlayoutFrame {
    this.#dropIdle(nowMs);
    const sum = this.#sum;
    sum.fill(0);
    let operation: PlayoutFrame['operation'] = 'normal';
    for (const slot of this.#slots) {
      const frame = slot.stream.playout.pull(this.#scratch, nowMs);
      if (this.#slots.length === 1) operation = frame.operation;
      const pcm = frame.pcm;
      for (let i = 0; i < sum.length; i++) sum[i] += pcm[i];
    }
    for (let i = 0; i < sum.length; i++) {
      const x = sum[i];
      out[i] = Math.max(-32768, Math.min(32767, x));
    }
    this.#frame.pcm = out;
    this.#frame.operation = operation;
    return this.#frame;
  }

  getStats(): PlayoutStats {
    const total = { ...this.#retired };
    total.packetsDiscarded += this.#refused;
    for (const slot of this.#slots) addStats(total, slot.stream.playout.getStats());
    return total;
  }

  /** Closes every stream. */
  close(): void {
    for (const slot of this.#slots) slot.stream.close();
    this.#slots.length = 0;
  }

  /** A loop, not `find`: no closure per packet. */
  #slotOf(ssrc: number): Slot | undefined {
    for (const slot of this.#slots) if (slot.ssrc === ssrc) return slot;
    return undefined;
  }

  #admit(ssrc: number, arrivalMs: number): Slot | undefined {
    if (this.#slots.length >= this.#o.maxStreams) {
      let oldest = 0;
      for (let i = 1; i < this.#slots.length; i++) {
        if (this.#slots[i].lastArrivalMs < this.#slots[oldest].lastArrivalMs) oldest = i;
      }
      if (arrivalMs - this.#slots[oldest].lastArrivalMs < this.#o.idleMs) return undefined;
      this.#retire(oldest);
    }
    const slot = { ssrc, stream: this.#o.createStream(), lastArrivalMs: arrivalMs };
    this.#slots.push(slot);
    return slot;
  }

  #dropIdle(nowMs: number): void {
    for (let i = this.#slots.length - 1; i >= 0; i--) {
      if (nowMs - this.#slots[i].lastArrivalMs >= this.#o.idleMs) this.#retire(i);
    }
  }

  #retire(index: number): void {
    const [slot] = this.#slots.splice(index, 1);
    const stats = slot.stream.playout.getStats();
    stats.targetDelayMs = 0;
    addStats(this.#retired, stats);
    slot.stream.close();
  }
}

/** Adds `b`'s counters into `a`; the current target is the larger. */
function addStats(a: PlayoutStats, b: PlayoutStats): void {
  for (const key of Object.keys(a) as (keyof PlayoutStats)[]) {
    if (key === 'targetDelayMs') a.targetDelayMs = Math.max(a.targetDelayMs, b.targetDelayMs);
    else a[key] += b[key];
  }
}
