import { VoxwireError } from '../../errors.js';

/**
 * RFC 2198 RED payload format: redundant block headers of 4 bytes
 * (`F=1 | block PT:7 | timestamp offset:14 | block length:10`), then the 1-byte primary header
 * (`F=0 | PT:7`), then the block data in header order, the primary's last.
 */

/** Largest redundant block RFC 2198 can describe (10-bit length), bytes. */
export const RED_MAX_BLOCK_BYTES = 1023;

/** Largest timestamp offset RFC 2198 can describe (14 bits), RTP timestamp units. */
export const RED_MAX_TIMESTAMP_OFFSET = 16383;

/** A redundant block to put into a RED payload. */
export interface RedRedundancy {
  /** The older encoding. Blocks over {@link RED_MAX_BLOCK_BYTES} are dropped (never truncated). */
  readonly payload: Uint8Array;
  /** Primary timestamp minus this block's timestamp, RTP units; over 16383 drops the block. */
  readonly timestampOffset: number;
  /** Payload type of the block, 0–127. */
  readonly payloadType: number;
}

/** One block of a parsed RED payload. */
export interface RedBlock {
  /** Payload type of the block, 0–127. */
  readonly payloadType: number;
  /** Primary timestamp minus this block's, RTP units; 0 for the primary. */
  readonly timestampOffset: number;
  /** A view into the parsed payload (no copy): valid as long as that buffer is. */
  readonly payload: Uint8Array;
}

/** Why a RED payload was rejected. */
export type RedParseFailure = 'empty' | 'truncated-header' | 'block-past-end';

/** Result of {@link parseRed}: the blocks, or why the payload is malformed (count it, do not throw). */
export type RedParseResult =
  | {
      /** The payload parsed. */
      readonly ok: true;
      /** Redundant blocks oldest first, the primary last. */
      readonly blocks: RedBlock[];
    }
  | {
      /** The payload was rejected. */
      readonly ok: false;
      /** Why, as a stable code. */
      readonly reason: RedParseFailure;
      /** Why, in words. */
      readonly message: string;
    };

/** True when a redundant block of `payloadBytes` at `timestampOffset` can be written. */
export function redBlockFits(payloadBytes: number, timestampOffset: number): boolean {
  return payloadBytes <= RED_MAX_BLOCK_BYTES && timestampOffset <= RED_MAX_TIMESTAMP_OFFSET;
}

/**
 * Size of the RED payload {@link encodeRed} writes for these blocks, bytes (blocks that do not
 * fit are not counted, as they are not written).
 */
export function redEncodedLength(primary: Uint8Array, redundancies: readonly RedRedundancy[]): number {
  let length = 1 + primary.length;
  for (const r of redundancies)
    if (redBlockFits(r.payload.length, r.timestampOffset)) length += 4 + r.payload.length;
  return length;
}

/**
 * Encodes a RED payload (RFC 2198). Redundant blocks are written in the order given (put the oldest
 * first, as RFC 2198 senders do); a block over {@link RED_MAX_BLOCK_BYTES} or with an offset over
 * {@link RED_MAX_TIMESTAMP_OFFSET} is dropped whole, because a truncated encoding is useless to the
 * decoder. Allocates only when `out` is not given.
 *
 * @param primary - The current encoding (any length).
 * @param redundancies - Older encodings with their offsets and payload types.
 * @param primaryPayloadType - Payload type of `primary`, 0–127.
 * @param out - Optional destination of at least {@link redEncodedLength} bytes.
 * @returns The payload: a view of `out` when given, else a new array.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a payload type outside 0–127, a negative or
 *   non-integer offset, or an `out` that is too small.
 */
export function encodeRed(
  primary: Uint8Array,
  redundancies: readonly RedRedundancy[],
  primaryPayloadType: number,
  out?: Uint8Array,
): Uint8Array {
  checkPayloadType(primaryPayloadType);
  for (const r of redundancies) {
    checkPayloadType(r.payloadType);
    if (!Number.isInteger(r.timestampOffset) || r.timestampOffset < 0) {
      invalid(`RED timestamp offset ${r.timestampOffset} is not a non-negative integer`);
    }
  }
  const length = redEncodedLength(primary, redundancies);
  const dst = out ?? new Uint8Array(length);
  if (dst.length < length) invalid(`RED output buffer holds ${dst.length} bytes, ${length} needed`);
  // Block data starts after all headers (4 per written redundant block + 1 for the primary).
  let header = 0;
  let cursor = 1;
  for (const r of redundancies) if (redBlockFits(r.payload.length, r.timestampOffset)) cursor += 4;
  for (const r of redundancies) {
    const n = r.payload.length;
    if (!redBlockFits(n, r.timestampOffset)) continue;
    writeRedundantHeader(dst, header, r.payloadType, r.timestampOffset, n);
    header += 4;
    dst.set(r.payload, cursor);
    cursor += n;
  }
  dst[header] = primaryPayloadType & 0x7f;
  dst.set(primary, cursor);
  return dst.subarray(0, length);
}

/** @internal Writes one 4-byte redundant header at `at`. */
export function writeRedundantHeader(
  dst: Uint8Array,
  at: number,
  payloadType: number,
  timestampOffset: number,
  length: number,
): void {
  dst[at] = 0x80 | (payloadType & 0x7f);
  dst[at + 1] = (timestampOffset >>> 6) & 0xff;
  dst[at + 2] = ((timestampOffset & 0x3f) << 2) | ((length >>> 8) & 0x03);
  dst[at + 3] = length & 0xff;
}

/**
 * Scratch arrays {@link parseRedInto} fills: one entry per block, primary last.
 * @internal
 */
export interface RedScratch {
  payloadTypes: number[];
  offsets: number[];
  starts: number[];
  lengths: number[];
}

/**
 * Parses a RED payload into scratch arrays without allocating (beyond growing them).
 * @returns The block count (≥ 1), or a failure.
 * @internal
 */
export function parseRedInto(payload: Uint8Array, s: RedScratch): number | RedParseFailure {
  const size = payload.length;
  if (size === 0) return 'empty';
  let at = 0;
  let count = 0;
  let dataBytes = 0;
  while (true) {
    if (at >= size) return 'truncated-header';
    const b = payload[at];
    if ((b & 0x80) === 0) {
      s.payloadTypes[count] = b & 0x7f;
      s.offsets[count] = 0;
      s.lengths[count] = -1; // the rest, known once headers end
      count++;
      at++;
      break;
    }
    if (at + 4 > size) return 'truncated-header';
    s.payloadTypes[count] = b & 0x7f;
    s.offsets[count] = (payload[at + 1] << 6) | (payload[at + 2] >>> 2);
    const length = ((payload[at + 2] & 0x03) << 8) | payload[at + 3];
    s.lengths[count] = length;
    dataBytes += length;
    count++;
    at += 4;
  }
  if (at + dataBytes > size) return 'block-past-end';
  let cursor = at;
  for (let i = 0; i < count - 1; i++) {
    s.starts[i] = cursor;
    cursor += s.lengths[i];
  }
  s.starts[count - 1] = cursor;
  s.lengths[count - 1] = size - cursor;
  return count;
}

const FAILURE_TEXT: Readonly<Record<RedParseFailure, string>> = {
  empty: 'RED payload is empty',
  'truncated-header': 'RED payload ends inside a block header',
  'block-past-end': 'RED block lengths run past the end of the payload',
};

/** Human-readable text for a {@link RedParseFailure}. */
export function redFailureMessage(reason: RedParseFailure): string {
  return FAILURE_TEXT[reason];
}

/**
 * Parses a RED payload (RFC 2198) into its blocks, redundant ones first in header order, the
 * primary last (offset 0). Never throws and never reads out of range: a malformed payload gives
 * `{ ok: false }` for the caller to count.
 *
 * @param payload - The RTP payload of a RED packet. Not copied: block payloads are views into it.
 * @returns A new result.
 */
export function parseRed(payload: Uint8Array): RedParseResult {
  const s: RedScratch = { payloadTypes: [], offsets: [], starts: [], lengths: [] };
  const count = parseRedInto(payload, s);
  if (typeof count === 'string') return { ok: false, reason: count, message: redFailureMessage(count) };
  const blocks: RedBlock[] = [];
  for (let i = 0; i < count; i++) {
    blocks.push({
      payloadType: s.payloadTypes[i],
      timestampOffset: s.offsets[i],
      payload: payload.subarray(s.starts[i], s.starts[i] + s.lengths[i]),
    });
  }
  return { ok: true, blocks };
}

function checkPayloadType(pt: number): void {
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) invalid(`RED payload type ${pt} is not an integer 0–127`);
}

function invalid(problem: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', problem);
}
