import { invalidOption, VoxwireError } from '../../errors.js';
import { parseRedInto, type RedParseFailure, type RedScratch, redFailureMessage } from './format.js';

/** A frame out of a RED packet: the primary, or one rebuilt from redundancy. */
export interface RedFrame {
  /** Payload type of the frame's codec, 0–127. */
  readonly payloadType: number;
  /** The encoded frame: a view into the RED packet's payload (no copy). */
  readonly payload: Uint8Array;
  /** RTP sequence number the frame had (or would have had) on its own, 0–65535. */
  readonly sequenceNumber: number;
  /** RTP timestamp of the frame: the packet's timestamp minus the block's offset, mod 2^32. */
  readonly timestamp: number;
  /** True when rebuilt from redundancy for a packet that never arrived. */
  readonly recovered: boolean;
}

type MutableFrame = { -readonly [K in keyof RedFrame]: RedFrame[K] };

/** Result of {@link RedRecovery.push}; the object and its frames are reused by the next push. */
export type RedRecoveryResult =
  | {
      /** The packet was usable. */
      readonly ok: true;
      /** Frames to decode, oldest first: recovered ones, then the primary. */
      readonly frames: readonly RedFrame[];
    }
  | {
      /** The packet was rejected (and counted). */
      readonly ok: false;
      /** Why, as a stable code. */
      readonly reason: RedParseFailure;
      /** Why, in words. */
      readonly message: string;
    };

/** Options of {@link RedRecovery}. */
export interface RedRecoveryOptions {
  /**
   * How many sequence numbers behind the newest one a lost packet may still be recovered or a
   * duplicate recognised, 16–4096. Default 512.
   */
  windowPackets?: number;
}

/** Counters of a {@link RedRecovery}. */
export interface RedRecoveryStats {
  /** RED packets pushed, malformed included. */
  packetsReceived: number;
  /** Packets whose RED payload was malformed (nothing delivered from them). */
  malformedPackets: number;
  /** Packets whose primary had already been delivered (a network duplicate, or rebuilt earlier). */
  duplicatePackets: number;
  /** Frames rebuilt from redundancy for lost packets. */
  recoveredFrames: number;
  /** Times the sequence jumped further back than the window and the state restarted. */
  restarts: number;
}

/**
 * RFC 2198 receiver: takes RED packets (payload, sequence number, timestamp) and returns, in
 * sequence order, the frames to hand to the jitter buffer: for every lost packet that a redundant
 * block covers, the rebuilt frame (the k-th newest redundant block is packet `seq − k`, timestamp
 * `ts − offset`), then the primary. Each sequence number is delivered once: a primary that was
 * already delivered or rebuilt is a duplicate, and packets before the first one seen are never
 * rebuilt. Allocates nothing per packet except the payload views.
 */
export class RedRecovery {
  /** Counters since construction or {@link RedRecovery.reset}. */
  readonly stats: RedRecoveryStats = {
    packetsReceived: 0,
    malformedPackets: 0,
    duplicatePackets: 0,
    recoveredFrames: 0,
    restarts: 0,
  };
  private readonly window: number;
  private readonly size: number; // ring size, a power of two ≥ window
  private readonly delivered: Uint8Array;
  private started = false;
  private highest = 0;
  private readonly scratch: RedScratch = { payloadTypes: [], offsets: [], starts: [], lengths: [] };
  private readonly frames: MutableFrame[] = [];
  private readonly pool: MutableFrame[] = [];
  private readonly okResult: { ok: true; frames: readonly RedFrame[] };

  /**
   * @param options - See {@link RedRecoveryOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad `windowPackets`.
   */
  constructor(options: RedRecoveryOptions = {}) {
    const window = options.windowPackets ?? 512;
    if (!Number.isInteger(window) || window < 16 || window > 4096) {
      invalidOption('windowPackets', window, 'an integer 16–4096');
    }
    this.window = window;
    let size = 16;
    while (size < window + 1) size *= 2;
    this.size = size;
    this.delivered = new Uint8Array(size);
    this.okResult = { ok: true, frames: this.frames };
  }

  /**
   * Takes one RED packet.
   * @param payload - The RTP payload (RED format); block payloads in the result are views into it.
   * @param sequenceNumber - The packet's RTP sequence number, 0–65535.
   * @param timestamp - The packet's RTP timestamp, 0–2^32−1.
   * @returns The frames in sequence order (empty for a duplicate), or why the payload is
   *   malformed. Valid until the next call.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a sequence number or timestamp out of range
   *   (a caller bug, not network input).
   */
  push(payload: Uint8Array, sequenceNumber: number, timestamp: number): RedRecoveryResult {
    if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 0xffff) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `sequence number ${sequenceNumber} is not an integer 0–65535`,
      );
    }
    if (!Number.isInteger(timestamp) || timestamp < 0 || timestamp > 0xffffffff) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `RTP timestamp ${timestamp} is not an integer 0–2^32−1`);
    }
    this.stats.packetsReceived++;
    const s = this.scratch;
    const count = parseRedInto(payload, s);
    if (typeof count === 'string') {
      this.stats.malformedPackets++;
      return { ok: false, reason: count, message: redFailureMessage(count) };
    }
    this.advance(sequenceNumber);
    const frames = this.frames;
    frames.length = 0;
    const redundant = count - 1;
    let previousOffset = Number.POSITIVE_INFINITY;
    for (let i = 0; i < redundant; i++) {
      const offset = s.offsets[i];
      // Offsets must shrink towards the primary; anything else cannot be mapped to a packet.
      if (offset === 0 || offset >= previousOffset) continue;
      previousOffset = offset;
      const seq = (sequenceNumber - (redundant - i)) & 0xffff;
      if (!this.recoverable(seq)) continue;
      this.mark(seq);
      this.stats.recoveredFrames++;
      this.emit(payload, i, seq, (timestamp - offset) >>> 0, true);
    }
    if (this.isDelivered(sequenceNumber)) {
      this.stats.duplicatePackets++;
    } else {
      this.mark(sequenceNumber);
      this.emit(payload, redundant, sequenceNumber, timestamp, false);
    }
    return this.okResult;
  }

  /**
   * Records a packet of the same stream that arrived without RED (a sender may send some packets
   * plain), so that redundancy in later RED packets does not deliver it a second time.
   * @param sequenceNumber - Its RTP sequence number, 0–65535.
   * @returns False when it was already delivered (a duplicate, counted), true otherwise.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a sequence number out of range.
   */
  markDelivered(sequenceNumber: number): boolean {
    checkSequence(sequenceNumber);
    this.advance(sequenceNumber);
    if (this.isDelivered(sequenceNumber)) {
      this.stats.duplicatePackets++;
      return false;
    }
    this.mark(sequenceNumber);
    return true;
  }

  /** Forgets every sequence number seen (a new stream); counters stay. */
  reset(): void {
    this.started = false;
  }

  private emit(payload: Uint8Array, block: number, seq: number, timestamp: number, recovered: boolean): void {
    const s = this.scratch;
    const n = this.frames.length;
    let frame = this.pool[n];
    if (frame === undefined) {
      frame = { payloadType: 0, payload, sequenceNumber: 0, timestamp: 0, recovered: false };
      this.pool[n] = frame;
    }
    frame.payloadType = s.payloadTypes[block];
    frame.payload = payload.subarray(s.starts[block], s.starts[block] + s.lengths[block]);
    frame.sequenceNumber = seq;
    frame.timestamp = timestamp;
    frame.recovered = recovered;
    this.frames[n] = frame;
  }

  // Moves the newest sequence number forward, clearing ring slots that now hold new numbers.
  private advance(seq: number): void {
    if (!this.started) {
      this.start(seq);
      return;
    }
    const diff = ((seq - this.highest) << 16) >> 16;
    if (diff <= -this.window) {
      this.stats.restarts++;
      this.start(seq);
      return;
    }
    if (diff <= 0) return;
    if (diff >= this.size) {
      this.delivered.fill(0);
    } else {
      for (let k = 1; k <= diff; k++) this.delivered[(this.highest + k) & (this.size - 1)] = 0;
    }
    this.highest = seq;
  }

  // Everything before the first packet counts as delivered, so it is never "recovered".
  private start(seq: number): void {
    this.started = true;
    this.highest = seq;
    this.delivered.fill(1);
    this.delivered[seq & (this.size - 1)] = 0;
  }

  private recoverable(seq: number): boolean {
    const behind = ((this.highest - seq) << 16) >> 16;
    return behind >= 0 && behind < this.window && this.delivered[seq & (this.size - 1)] === 0;
  }

  private isDelivered(seq: number): boolean {
    const behind = ((this.highest - seq) << 16) >> 16;
    return behind >= this.window || this.delivered[seq & (this.size - 1)] === 1;
  }

  private mark(seq: number): void {
    this.delivered[seq & (this.size - 1)] = 1;
  }
}

function checkSequence(sequenceNumber: number): void {
  if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > 0xffff) {
    throw new VoxwireError(
      'ERR_INVALID_ARGUMENT',
      `sequence number ${sequenceNumber} is not an integer 0–65535`,
    );
  }
}
