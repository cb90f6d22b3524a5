import type { Clock, ClockTimer } from '../../clock/index.js';
import type { DatagramChannel } from '../types.js';
import { LossProcess, sampleDelayMs } from './impairments.js';
import type { ResolvedNetworkConditions } from './options.js';
import type { SeededRandom } from './random.js';
import type { NetworkTraceEntry } from './trace.js';

/** Counters of one emulated direction. Every packet sent is eventually delivered, lost or in flight. */
export interface NetworkPathStats {
  /** Datagrams that entered the path. */
  sent: number;
  /** Datagrams that left the path, duplicates included. */
  delivered: number;
  /** Datagrams lost, all causes. */
  lost: number;
  /** Lost by the Bernoulli model, or by Gilbert–Elliott in its Good state. */
  lostRandom: number;
  /** Lost by Gilbert–Elliott in its Bad state. */
  lostBurst: number;
  /** Dropped by the full drop-tail queue in front of the bandwidth cap. */
  lostQueue: number;
  /** Lost because the replayed trace says so. */
  lostTrace: number;
  /** Extra copies delivered. */
  duplicated: number;
  /** Datagrams delivered after a datagram that was sent later than them. */
  reordered: number;
  /** Datagrams scheduled but not yet delivered (discarded if the path closes). */
  inFlight: number;
  /** Time the last accepted datagram waited in the bandwidth queue, ms. */
  queueDelayMs: number;
}

/** Receives a datagram leaving a path. `data` is valid only during the call. @internal */
export type PathDeliver = (data: Uint8Array, channel: DatagramChannel, from: string | undefined) => void;

interface Packet {
  bytes: Uint8Array;
  length: number;
  channel: DatagramChannel;
  from: string | undefined;
  sendSeq: number;
  dueMs: number;
  order: number;
  holdLeft: number;
  holdTimer: ClockTimer | undefined;
}

/** Pooled buffers cover ordinary datagrams; larger ones get their own. */
const POOLED_CAPACITY = 2048;
/** Tolerance on due times: `now + (due − now)` may round by an ulp. */
const EPSILON_MS = 1e-9;

/**
 * One direction of an emulated network: decides each datagram's fate when it enters (loss, queue,
 * delay, reordering), holds a copy, and hands it to `deliver` when the {@link Clock} reaches its
 * arrival time. One clock timer is armed at a time, for the earliest arrival. @internal
 */
export class EmulatedPath {
  readonly #clock: Clock;
  readonly #random: SeededRandom;
  readonly #deliver: PathDeliver;
  readonly #loss = new LossProcess();
  #conditions: ResolvedNetworkConditions;
  readonly #stats: NetworkPathStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    lostRandom: 0,
    lostBurst: 0,
    lostQueue: 0,
    lostTrace: 0,
    duplicated: 0,
    reordered: 0,
    inFlight: 0,
    queueDelayMs: 0,
  };
  readonly #heap: Packet[] = [];
  readonly #held: Packet[] = [];
  readonly #free: Packet[] = [];
  #nextSendSeq = 0;
  #nextOrder = 0;
  #maxDeliveredSendSeq = -1;
  #lastDueMs = Number.NEGATIVE_INFINITY;
  #linkFreeAtMs = Number.NEGATIVE_INFINITY;
  #traceStartMs = 0;
  #tracePackets = 0;
  #timer: ClockTimer | undefined;
  #armedDueMs = Number.POSITIVE_INFINITY;
  #pumping = false;
  #closed = false;
  #scratch = new Uint8Array(POOLED_CAPACITY);
  readonly #fire = (): void => this.#pump();

  constructor(
    clock: Clock,
    random: SeededRandom,
    conditions: ResolvedNetworkConditions,
    deliver: PathDeliver,
  ) {
    this.#clock = clock;
    this.#random = random;
    this.#deliver = deliver;
    this.#conditions = conditions;
    this.#traceStartMs = clock.now();
  }

  /** Replaces the conditions; packets in flight keep their schedule, a trace restarts at row 0. */
  setConditions(conditions: ResolvedNetworkConditions): void {
    this.#conditions = conditions;
    this.#traceStartMs = this.#clock.now();
    this.#tracePackets = 0;
  }

  /** A snapshot of the counters. */
  getStats(): NetworkPathStats {
    return { ...this.#stats };
  }

  /** Takes one datagram in; copies it, so the caller may reuse `data` at once. */
  push(data: Uint8Array, channel: DatagramChannel, from: string | undefined): void {
    if (this.#closed) return;
    const stats = this.#stats;
    const conditions = this.#conditions;
    stats.sent++;
    const sendSeq = this.#nextSendSeq++;
    if (conditions.transparent && stats.inFlight === 0) {
      // Nothing to emulate and nothing ahead of it: pass straight through.
      this.#maxDeliveredSendSeq = sendSeq;
      stats.delivered++;
      this.#deliver(data, channel, from);
      return;
    }
    const nowMs = this.#clock.now();
    const random = this.#random;
    const entry = conditions.trace === undefined ? undefined : this.#traceEntry(nowMs);
    let delayMs: number;
    if (entry !== undefined) {
      if (entry.lost) {
        stats.lostTrace++;
        stats.lost++;
        return;
      }
      delayMs = entry.delayMs;
    } else {
      const verdict = this.#loss.next(conditions, random);
      if (verdict !== 'kept') {
        if (verdict === 'random') stats.lostRandom++;
        else stats.lostBurst++;
        stats.lost++;
        return;
      }
      delayMs = sampleDelayMs(conditions, random);
    }
    let departMs = nowMs;
    const bandwidthBps = conditions.bandwidthBps;
    if (bandwidthBps > 0) {
      const sizeBytes = data.length + conditions.overheadBytes;
      const backlogBytes =
        this.#linkFreeAtMs > nowMs ? ((this.#linkFreeAtMs - nowMs) * bandwidthBps) / 8000 : 0;
      if (backlogBytes + sizeBytes > conditions.queueLimitBytes + EPSILON_MS) {
        stats.lostQueue++;
        stats.lost++;
        return;
      }
      const startMs = Math.max(this.#linkFreeAtMs, nowMs);
      stats.queueDelayMs = startMs - nowMs;
      this.#linkFreeAtMs = startMs + (sizeBytes * 8000) / bandwidthBps;
      departMs = this.#linkFreeAtMs;
    }
    let dueMs = departMs + delayMs;
    // A trace's delays are replayed exactly, whatever order they imply.
    if (entry === undefined && conditions.preserveOrder && dueMs < this.#lastDueMs) dueMs = this.#lastDueMs;
    if (dueMs > this.#lastDueMs) this.#lastDueMs = dueMs;

    const packet = this.#acquire(data, channel, from, sendSeq, dueMs);
    stats.inFlight++;
    if (conditions.reorderProbability > 0 && random.next() < conditions.reorderProbability) {
      packet.holdLeft = conditions.reorderGapPackets;
      packet.holdTimer = this.#clock.setTimeout(
        () => this.#releaseHeld(packet, this.#clock.now()),
        dueMs + conditions.reorderMaxHoldMs - nowMs,
      );
      this.#held.push(packet);
      return;
    }
    this.#schedule(packet);
    // Held packets wait for `gapPackets` later packets, then arrive right behind the last of them.
    for (let i = 0; i < this.#held.length; ) {
      const held = this.#held[i];
      if (--held.holdLeft <= 0) this.#releaseHeld(held, dueMs);
      else i++;
    }
  }

  /** Cancels every timer and discards what is in flight. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const held of this.#held) held.holdTimer?.cancel();
    this.#held.length = 0;
    this.#heap.length = 0;
  }

  #traceEntry(nowMs: number): NetworkTraceEntry | undefined {
    const conditions = this.#conditions;
    const trace = conditions.trace!;
    const entries = trace.entries;
    const loop = conditions.traceEnd === 'loop';
    if (trace.kind === 'index') {
      const n = this.#tracePackets++;
      if (n < entries.length) return entries[n];
      return loop ? entries[n % entries.length] : undefined;
    }
    let tMs = nowMs - this.#traceStartMs;
    // The last row lasts as long as the interval before it; a single row lasts forever.
    const last = entries.length - 1;
    const endMs = last === 0 ? Number.POSITIVE_INFINITY : 2 * entries[last].key - entries[last - 1].key;
    if (tMs >= endMs) {
      if (!loop) return undefined;
      tMs %= endMs;
    }
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (entries[mid].key <= tMs) lo = mid;
      else hi = mid - 1;
    }
    return entries[lo];
  }

  #releaseHeld(packet: Packet, dueMs: number): void {
    const index = this.#held.indexOf(packet);
    if (index < 0) return;
    this.#held.splice(index, 1);
    packet.holdTimer?.cancel();
    packet.holdTimer = undefined;
    if (dueMs > packet.dueMs) packet.dueMs = dueMs;
    this.#schedule(packet);
  }

  #acquire(
    data: Uint8Array,
    channel: DatagramChannel,
    from: string | undefined,
    sendSeq: number,
    dueMs: number,
  ): Packet {
    const length = data.length;
    let packet: Packet | undefined = length <= POOLED_CAPACITY ? this.#free.pop() : undefined;
    if (packet === undefined) {
      packet = {
        bytes: new Uint8Array(Math.max(length, POOLED_CAPACITY)),
        length: 0,
        channel,
        from,
        sendSeq,
        dueMs,
        order: 0,
        holdLeft: 0,
        holdTimer: undefined,
      };
    }
    packet.bytes.set(data);
    packet.length = length;
    packet.channel = channel;
    packet.from = from;
    packet.sendSeq = sendSeq;
    packet.dueMs = dueMs;
    packet.holdLeft = 0;
    return packet;
  }

  #schedule(packet: Packet): void {
    packet.order = this.#nextOrder++;
    heapPush(this.#heap, packet);
    if (!this.#pumping && packet.dueMs < this.#armedDueMs) this.#arm();
  }

  #arm(): void {
    const next = this.#heap[0];
    if (next === undefined || this.#closed) return;
    this.#timer?.cancel();
    this.#armedDueMs = next.dueMs;
    this.#timer = this.#clock.setTimeout(this.#fire, next.dueMs - this.#clock.now());
  }

  #pump(): void {
    this.#timer = undefined;
    this.#armedDueMs = Number.POSITIVE_INFINITY;
    this.#pumping = true;
    const heap = this.#heap;
    const stats = this.#stats;
    try {
      for (;;) {
        const packet = heap[0];
        if (packet === undefined || this.#closed || packet.dueMs > this.#clock.now() + EPSILON_MS) break;
        heapPop(heap);
        stats.inFlight--;
        if (packet.sendSeq < this.#maxDeliveredSendSeq) stats.reordered++;
        else this.#maxDeliveredSendSeq = packet.sendSeq;
        const duplicate =
          this.#conditions.duplicateRate > 0 && this.#random.next() < this.#conditions.duplicateRate;
        if (duplicate) {
          // The listener may modify the first copy in place (it owns it during the call).
          if (this.#scratch.length < packet.length) this.#scratch = new Uint8Array(packet.length);
          this.#scratch.set(packet.bytes.subarray(0, packet.length));
        }
        stats.delivered++;
        this.#deliver(packet.bytes.subarray(0, packet.length), packet.channel, packet.from);
        if (duplicate && !this.#closed) {
          stats.duplicated++;
          stats.delivered++;
          this.#deliver(this.#scratch.subarray(0, packet.length), packet.channel, packet.from);
        }
        if (packet.bytes.length === POOLED_CAPACITY) this.#free.push(packet);
      }
    } finally {
      this.#pumping = false;
      this.#arm();
    }
  }
}

function earlier(a: Packet, b: Packet): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}

function heapPush(heap: Packet[], packet: Packet): void {
  heap.push(packet);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!earlier(heap[i], heap[parent])) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function heapPop(heap: Packet[]): void {
  const last = heap.pop()!;
  if (heap.length === 0) return;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && earlier(heap[left], heap[smallest])) smallest = left;
    if (right < heap.length && earlier(heap[right], heap[smallest])) smallest = right;
    if (smallest === i) break;
    [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
    i = smallest;
  }
}
