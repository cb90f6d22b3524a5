import { invalidOption, VoxwireError } from '../../errors.js';
import { RED_MAX_BLOCK_BYTES, RED_MAX_TIMESTAMP_OFFSET, writeRedundantHeader } from './format.js';

/** Options of {@link RedEncoder}. */
export interface RedEncoderOptions {
  /** How many previous frames each packet repeats, 1 or 2. Default 1. */
  distance?: number;
  /**
   * Largest RED payload to produce, bytes, 64–65000. The oldest redundancy is left out first to stay
   * under it; the primary is always sent. Default 1200 (fits a 1280-byte IPv6 minimum MTU with RTP,
   * UDP and IP headers).
   */
  maxPayloadBytes?: number;
}

interface ResolvedRedEncoderOptions {
  distance: number;
  maxPayloadBytes: number;
}

function resolveRedEncoderOptions(o: RedEncoderOptions = {}): ResolvedRedEncoderOptions {
  const distance = o.distance ?? 1;
  if (distance !== 1 && distance !== 2) invalidOption('distance', distance, '1 or 2');
  const maxPayloadBytes = o.maxPayloadBytes ?? 1200;
  if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 64 || maxPayloadBytes > 65000) {
    invalidOption('maxPayloadBytes', maxPayloadBytes, 'an integer 64–65000 bytes');
  }
  return { distance, maxPayloadBytes };
}

/** Counters of a {@link RedEncoder}. */
export interface RedEncoderStats {
  /** RED payloads produced. */
  packetsEncoded: number;
  /** Redundant blocks written. */
  redundantBlocks: number;
  /**
   * Previous frames that were not repeated: too large (> 1023 bytes), too old (offset > 16383), not
   * older than the primary, or over `maxPayloadBytes`.
   */
  skippedBlocks: number;
}

/**
 * Stateful RFC 2198 sender for audio: each call wraps the new frame (primary) with copies of the
 * previous `distance` frames (redundancy, oldest first), so that a receiver can rebuild a lost
 * packet from the next one (see {@link RedRecovery}).
 *
 * Redundancy is always the most recent previous frames without gaps, because the receiver maps the
 * k-th newest redundant block to sequence number `primary − k`: once one previous frame cannot be
 * repeated, older ones are not either. An empty primary marks a DTX gap (the codec sent nothing):
 * nothing is produced and the history is cleared, so the first packet after silence carries no
 * stale pre-silence audio. Buffers are allocated once; nothing is allocated per frame.
 */
export class RedEncoder {
  /** Counters since construction or {@link RedEncoder.reset}. */
  readonly stats: RedEncoderStats = { packetsEncoded: 0, redundantBlocks: 0, skippedBlocks: 0 };
  private readonly options: ResolvedRedEncoderOptions;
  // History ring, newest at `head`: copies of previous primaries.
  private readonly history: Uint8Array[];
  private readonly historyLength: number[];
  private readonly historyTimestamp: number[];
  private readonly historyPayloadType: number[];
  private historyCount = 0;
  private head = 0;
  private out: Uint8Array;

  /**
   * @param options - See {@link RedEncoderOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
   */
  constructor(options?: RedEncoderOptions) {
    this.options = resolveRedEncoderOptions(options);
    const d = this.options.distance;
    this.history = Array.from({ length: d }, () => new Uint8Array(RED_MAX_BLOCK_BYTES));
    this.historyLength = new Array<number>(d).fill(0);
    this.historyTimestamp = new Array<number>(d).fill(0);
    this.historyPayloadType = new Array<number>(d).fill(0);
    this.out = new Uint8Array(this.options.maxPayloadBytes);
  }

  /** How many previous frames each packet repeats. */
  get distance(): number {
    return this.options.distance;
  }

  /**
   * Wraps one encoded frame.
   * @param primary - The frame as the codec produced it; copied, the caller may reuse it. Empty
   *   means DTX (nothing to send).
   * @param rtpTimestamp - RTP timestamp of the frame, 0–2^32−1 (wraps).
   * @param payloadType - The codec's payload type, 0–127.
   * @returns The RED payload, a view into an internal buffer valid until the next call; empty for
   *   an empty primary.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a payload type or timestamp out of range.
   */
  encode(primary: Uint8Array, rtpTimestamp: number, payloadType: number): Uint8Array {
    if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `RED payload type ${payloadType} is not an integer 0–127`,
      );
    }
    if (!Number.isInteger(rtpTimestamp) || rtpTimestamp < 0 || rtpTimestamp > 0xffffffff) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `RTP timestamp ${rtpTimestamp} is not an integer 0–2^32−1`,
      );
    }
    if (primary.length === 0) {
      this.historyCount = 0;
      return this.out.subarray(0, 0);
    }
    const d = this.options.distance;
    // Choose k newest previous frames that can be repeated, stopping at the first that cannot.
    let size = 1 + primary.length;
    let k = 0;
    let lastOffset = 0;
    while (k < this.historyCount) {
      const slot = (this.head - k + d) % d;
      const length = this.historyLength[slot];
      const offset = (rtpTimestamp - this.historyTimestamp[slot]) >>> 0;
      if (length > RED_MAX_BLOCK_BYTES || offset === 0 || offset <= lastOffset) break;
      if (offset > RED_MAX_TIMESTAMP_OFFSET || size + 4 + length > this.options.maxPayloadBytes) break;
      size += 4 + length;
      lastOffset = offset;
      k++;
    }
    this.stats.skippedBlocks += this.historyCount - k;
    if (this.out.length < size) this.out = new Uint8Array(size); // primary alone over the limit
    const out = this.out;
    let header = 0;
    let cursor = 1 + 4 * k;
    for (let i = k - 1; i >= 0; i--) {
      const slot = (this.head - i + d) % d;
      const length = this.historyLength[slot];
      const offset = (rtpTimestamp - this.historyTimestamp[slot]) >>> 0;
      writeRedundantHeader(out, header, this.historyPayloadType[slot], offset, length);
      header += 4;
      out.set(this.history[slot].subarray(0, length), cursor);
      cursor += length;
    }
    out[header] = payloadType;
    out.set(primary, cursor);
    this.stats.packetsEncoded++;
    this.stats.redundantBlocks += k;
    this.remember(primary, rtpTimestamp, payloadType);
    return out.subarray(0, size);
  }

  /** Forgets the history (a new stream, a codec change); counters stay. */
  reset(): void {
    this.historyCount = 0;
  }

  private remember(primary: Uint8Array, rtpTimestamp: number, payloadType: number): void {
    const d = this.options.distance;
    this.head = (this.head + 1) % d;
    // A frame too big for a block is remembered by length only, so that it stops the chain.
    if (primary.length <= RED_MAX_BLOCK_BYTES) this.history[this.head].set(primary);
    this.historyLength[this.head] = primary.length;
    this.historyTimestamp[this.head] = rtpTimestamp;
    this.historyPayloadType[this.head] = payloadType;
    if (this.historyCount < d) this.historyCount++;
  }
}
