/** An RTP packet handed to the playout: the fields it needs, not the whole RTP header. */
export interface PlayoutPacket {
  /** RTP sequence number, 0–65535 (wraps). */
  readonly sequenceNumber: number;
  /** RTP timestamp in clock-rate units, 0–2^32−1 (wraps). */
  readonly timestamp: number;
  /** Synchronisation source; a change resets the playout. */
  readonly ssrc: number;
  /** RTP payload type, 0–127. */
  readonly payloadType: number;
  /** The payload; copied on insert, the caller may reuse it. */
  readonly payload: Uint8Array;
  /** RTP marker bit: for audio, the first packet of a talkspurt (after DTX). */
  readonly marker?: boolean;
}

/** A packet as held in the buffer, with unwrapped numbers. @internal */
export interface BufferedPacket {
  /** Sequence number unwrapped past 16 bits. */
  sequence: number;
  /** Timestamp unwrapped past 32 bits, clock-rate units. */
  timestamp: number;
  payloadType: number;
  payload: Uint8Array;
  marker: boolean;
  /** Playout tick (10 ms pulls) at insertion. */
  insertTick: number;
}

/** What {@link PacketBuffer.insert} did. @internal */
export type InsertResult = 'inserted' | 'duplicate' | 'flushed';

/**
 * Encoded packets waiting for their turn, ordered by (unwrapped) timestamp then sequence number.
 * Duplicates (same timestamp and sequence) are refused; a full buffer is flushed before the new
 * packet goes in, as NetEQ does. Mostly in-order insertion keeps the ordered insert cheap.
 * @internal
 */
export class PacketBuffer {
  readonly #packets: BufferedPacket[] = [];
  readonly #capacity: number;

  /** @param capacity - Packets held at most. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Packets held. */
  get size(): number {
    return this.#packets.length;
  }

  /**
   * Inserts in order. Returns `'duplicate'` (nothing inserted) for a packet already held, and
   * `'flushed'` when the buffer was full and emptied first (the flushed count is in the return of
   * {@link flush} semantics: the caller reads {@link lastFlushed}).
   */
  insert(packet: BufferedPacket): InsertResult {
    const list = this.#packets;
    let i = list.length;
    while (i > 0 && before(packet, list[i - 1])) i--;
    const prev = list[i - 1];
    if (prev !== undefined && prev.timestamp === packet.timestamp && prev.sequence === packet.sequence) {
      return 'duplicate';
    }
    let result: InsertResult = 'inserted';
    this.lastFlushed = 0;
    if (list.length >= this.#capacity) {
      this.lastFlushed = this.flush();
      i = 0;
      result = 'flushed';
    }
    list.splice(i, 0, packet);
    return result;
  }

  /** Packets removed by the flush of the last {@link insert} that returned `'flushed'`. */
  lastFlushed = 0;

  /** The packet with the smallest timestamp, without removing it. */
  peek(): BufferedPacket | undefined {
    return this.#packets[0];
  }

  /** Removes and returns the packet with the smallest timestamp. */
  pop(): BufferedPacket | undefined {
    return this.#packets.shift();
  }

  /** Removes packets whose timestamp is below `timestamp`; returns how many. */
  discardOlderThan(timestamp: number): number {
    let n = 0;
    while (n < this.#packets.length && this.#packets[n].timestamp < timestamp) n++;
    if (n > 0) this.#packets.splice(0, n);
    return n;
  }

  /** Empties the buffer; returns how many packets it held. */
  flush(): number {
    const n = this.#packets.length;
    this.#packets.length = 0;
    return n;
  }

  /** Newest timestamp held, or undefined when empty. */
  get newestTimestamp(): number | undefined {
    return this.#packets[this.#packets.length - 1]?.timestamp;
  }
}

function before(a: BufferedPacket, b: BufferedPacket): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.sequence < b.sequence);
}

/**
 * Unwraps a wrapping counter (16-bit sequence numbers, 32-bit timestamps) into a monotonic number
 * line by taking each value nearest to the previous one. @internal
 */
export class Unwrapper {
  readonly #modulus: number;
  #last: number | undefined;

  /** @param bits - Width of the wrapping counter (16 or 32). */
  constructor(bits: number) {
    this.#modulus = 2 ** bits;
  }

  /** Maps `value` (0 ≤ value < 2^bits) next to the previous result. */
  unwrap(value: number): number {
    const last = this.#last;
    if (last === undefined) {
      // Start high enough that a little reordering before the first packet stays positive.
      this.#last = value + this.#modulus;
      return this.#last;
    }
    const m = this.#modulus;
    let diff = (value - (last % m) + m) % m;
    if (diff >= m / 2) diff -= m;
    const result = last + diff;
    if (diff > 0) this.#last = result;
    return result;
  }

  /** Forgets the reference (a new stream). */
  reset(): void {
    this.#last = undefined;
  }
}
