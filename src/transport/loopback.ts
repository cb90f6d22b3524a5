import { type Clock, RealClock } from '../clock/index.js';
import { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import type { DatagramChannel, Transport, TransportEvents } from './types.js';

/** Options of {@link LoopbackTransport.pair}. */
export interface LoopbackOptions {
  /**
   * When given, delivery is scheduled on this clock with a 0 ms timer, so on a `VirtualClock`
   * datagrams arrive when the clock runs (`advance`, `runAll`), deterministically. Without it,
   * delivery happens on the next microtask and `arrivalMs` comes from a {@link RealClock}.
   */
  clock?: Clock;
}

/** Counters of one {@link LoopbackTransport} end. */
export interface LoopbackStats {
  /** Datagrams sent by this end. */
  packetsSent: number;
  /** Bytes sent by this end. */
  bytesSent: number;
  /** Datagrams delivered to this end's listeners. */
  packetsReceived: number;
  /** Bytes delivered to this end's listeners. */
  bytesReceived: number;
  /** Datagrams sent by this end that were dropped because the other end was closed. */
  packetsDropped: number;
}

interface Queued {
  data: Uint8Array;
  channel: DatagramChannel;
}

/**
 * One end of an in-memory datagram pipe, made in pairs by {@link LoopbackTransport.pair}: what one
 * end sends, the other emits, in order, asynchronously and without loss. Meant for tests and for
 * wrapping in a {@link NetworkEmulator}.
 */
export class LoopbackTransport extends SafeEventEmitter<TransportEvents> implements Transport {
  #peer: LoopbackTransport | undefined;
  readonly #clock: Clock;
  readonly #viaClock: boolean;
  #queue: Queued[] = [];
  #spare: Queued[] = [];
  #flushScheduled = false;
  #closed = false;
  readonly #stats: LoopbackStats = {
    packetsSent: 0,
    bytesSent: 0,
    packetsReceived: 0,
    bytesReceived: 0,
    packetsDropped: 0,
  };
  readonly #flush = (): void => this.#deliverQueued();

  private constructor(clock: Clock, viaClock: boolean) {
    super();
    this.#clock = clock;
    this.#viaClock = viaClock;
  }

  /**
   * Makes two connected ends.
   * @param options - See {@link LoopbackOptions}.
   */
  static pair(options: LoopbackOptions = {}): [LoopbackTransport, LoopbackTransport] {
    const viaClock = options.clock !== undefined;
    const clock = options.clock ?? new RealClock();
    const a = new LoopbackTransport(clock, viaClock);
    const b = new LoopbackTransport(clock, viaClock);
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Queues a copy of `data` for the other end (reuse `data` at once). When the other end is closed the
   * datagram is dropped and counted in `packetsDropped`.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'LoopbackTransport.send() after close()');
    this.#stats.packetsSent++;
    this.#stats.bytesSent += data.length;
    const peer = this.#peer!;
    if (peer.#closed) {
      this.#stats.packetsDropped++;
      return;
    }
    peer.#enqueue(data.slice(), channel);
  }

  /** A snapshot of this end's counters. */
  getStats(): LoopbackStats {
    return { ...this.#stats };
  }

  /** Closes this end (the other stays open; what it sends here is dropped). Emits `close` once. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#queue.length = 0;
      this.safeEmit('close');
    }
    return Promise.resolve();
  }

  #enqueue(data: Uint8Array, channel: DatagramChannel): void {
    this.#queue.push({ data, channel });
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    if (this.#viaClock) this.#clock.setTimeout(this.#flush, 0);
    else queueMicrotask(this.#flush);
  }

  #deliverQueued(): void {
    this.#flushScheduled = false;
    // Swap queues: what listeners send back while we deliver goes to the next flush.
    const batch = this.#queue;
    this.#queue = this.#spare;
    this.#spare = batch;
    const arrivalMs = this.#clock.now();
    for (const item of batch) {
      if (this.#closed) break;
      this.#stats.packetsReceived++;
      this.#stats.bytesReceived += item.data.length;
      this.safeEmit('datagram', { data: item.data, arrivalMs, channel: item.channel });
    }
    batch.length = 0;
  }
}
