import { VoxwireError } from '../../errors.js';
import {
  EMPTY_EXTENSIONS,
  extensionBlockSize,
  isRfc8285Profile,
  parseExtensionElements,
  type RtpHeaderExtension,
  writeExtensionBlock,
} from './header-extensions.js';

/**
 * RFC 3550 §5.1 RTP fixed header, CSRC list, header extension block and padding: a parser that
 * makes views (no copies) and a serializer that writes into a caller's buffer.
 */

/** Length of the RTP fixed header, bytes. */
export const RTP_HEADER_BYTES = 12;

/** The RTP header fields a sender sets; {@link RtpPacket} adds what a parser finds. */
export interface RtpHeader {
  /** M bit; for audio, the first packet of a talkspurt (RFC 3551 §4.1). */
  marker: boolean;
  /** Payload type, 0–127. */
  payloadType: number;
  /** Sequence number, 0–65535 (wraps). */
  sequenceNumber: number;
  /** RTP timestamp, uint32, in the payload's clock units (e.g. 48000 Hz for Opus). */
  timestamp: number;
  /** Synchronization source, uint32. */
  ssrc: number;
  /** Contributing sources, at most 15 uint32 values. */
  csrcs: readonly number[];
  /**
   * Padding bytes at the end of the packet, counting the final count byte: 0 or undefined for
   * none, else 1–255 (serialize writes zeros then the count). Parsed packets set it to
   * {@link RtpPacket.paddingLength}.
   */
  padding?: number;
  /** RFC 8285 header extensions. Serialize picks the one-byte form when every element fits it. */
  extensions?: readonly RtpHeaderExtension[];
  /**
   * Raw extension block profile ("defined by profile", 16 bits). Serialize writes
   * {@link RtpHeader.extensionData} under it when `extensions` is empty.
   */
  extensionProfile?: number;
  /** Raw extension block body (after its 4-byte header), a multiple of 4 bytes. */
  extensionData?: Uint8Array;
}

/** A parsed RTP packet. Every Uint8Array is a view into the parsed buffer: valid as long as it is. */
export interface RtpPacket extends RtpHeader {
  /** The payload without header, extensions or padding (view, no copy). */
  payload: Uint8Array;
  /** Padding bytes removed from the end (0 when the P bit is clear). */
  paddingLength: number;
  padding: number;
  /** Parsed RFC 8285 elements; empty when there is no block or its profile is not RFC 8285. */
  extensions: readonly RtpHeaderExtension[];
  /** Extension block profile, or undefined when the X bit is clear. */
  extensionProfile: number | undefined;
  /**
   * Extension block body (view) when its profile is not RFC 8285 (those are in `extensions`);
   * undefined otherwise.
   */
  extensionData: Uint8Array | undefined;
}

const NO_CSRCS: readonly number[] = Object.freeze([]);
const EMPTY_BYTES = new Uint8Array(0);

/** A blank packet object to pass as a reusable `target` to {@link parseRtpPacket}. */
export function createRtpPacket(): RtpPacket {
  return {
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrcs: NO_CSRCS,
    padding: 0,
    extensions: EMPTY_EXTENSIONS,
    extensionProfile: undefined,
    extensionData: undefined,
    payload: EMPTY_BYTES,
    paddingLength: 0,
  };
}

/**
 * Fills `p` from `d`; returns undefined on success or a sentence naming the problem.
 * Reads nothing out of range for any input.
 */
function parseInto(d: Uint8Array, p: RtpPacket): string | undefined {
  const size = d.length;
  if (size < RTP_HEADER_BYTES) return `packet of ${size} bytes is shorter than the 12-byte RTP header`;
  const b0 = d[0];
  if (b0 >>> 6 !== 2) return `RTP version ${b0 >>> 6} is not 2`;
  const csrcCount = b0 & 0x0f;
  let at = RTP_HEADER_BYTES + csrcCount * 4;
  if (at > size) return `CSRC count ${csrcCount} runs past the end of a ${size}-byte packet`;
  let csrcs = NO_CSRCS;
  if (csrcCount > 0) {
    const list: number[] = new Array(csrcCount);
    for (let i = 0, o = RTP_HEADER_BYTES; i < csrcCount; i++, o += 4) {
      list[i] = ((d[o] << 24) | (d[o + 1] << 16) | (d[o + 2] << 8) | d[o + 3]) >>> 0;
    }
    csrcs = list;
  }
  let extensions = EMPTY_EXTENSIONS;
  let extensionProfile: number | undefined;
  let extensionData: Uint8Array | undefined;
  if (b0 & 0x10) {
    if (at + 4 > size) return 'extension header runs past the end of the packet';
    extensionProfile = (d[at] << 8) | d[at + 1];
    const end = at + 4 + ((d[at + 2] << 8) | d[at + 3]) * 4;
    if (end > size) return `extension block of ${end - at - 4} bytes runs past the end of the packet`;
    if (isRfc8285Profile(extensionProfile)) {
      const parsed = parseExtensionElements(d, at + 4, end, extensionProfile);
      if (typeof parsed === 'string') return parsed;
      extensions = parsed;
    } else {
      extensionData = d.subarray(at + 4, end);
    }
    at = end;
  }
  let paddingLength = 0;
  if (b0 & 0x20) {
    paddingLength = d[size - 1];
    if (paddingLength === 0) return 'padding bit set but the padding count is 0';
    if (paddingLength > size - at) {
      return `padding count ${paddingLength} exceeds the ${size - at} bytes after the header`;
    }
  }
  const b1 = d[1];
  p.marker = (b1 & 0x80) !== 0;
  p.payloadType = b1 & 0x7f;
  p.sequenceNumber = (d[2] << 8) | d[3];
  p.timestamp = ((d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7]) >>> 0;
  p.ssrc = ((d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11]) >>> 0;
  p.csrcs = csrcs;
  p.padding = paddingLength;
  p.extensions = extensions;
  p.extensionProfile = extensionProfile;
  p.extensionData = extensionData;
  p.payload = d.subarray(at, size - paddingLength);
  p.paddingLength = paddingLength;
  return undefined;
}

/**
 * Parses an RTP packet (RFC 3550 §5.1, RFC 8285 extensions). Nothing is copied: `payload`,
 * extension data and `extensionData` are views into `data`.
 *
 * @param data - One datagram.
 * @param target - Optional object to fill instead of allocating one (hot paths); on a throw it is
 *   left unchanged.
 * @returns `target` when given, else a new packet.
 * @throws VoxwireError `ERR_RTP_MALFORMED` naming the problem: shorter than 12 bytes, version not
 *   2, CSRC list or extension block past the end, bad RFC 8285 element lengths, padding count 0 or
 *   larger than what follows the header.
 */
export function parseRtpPacket(data: Uint8Array, target?: RtpPacket): RtpPacket {
  const p = target ?? createRtpPacket();
  const problem = parseInto(data, p);
  if (problem !== undefined) throw new VoxwireError('ERR_RTP_MALFORMED', `malformed RTP: ${problem}`);
  return p;
}

/**
 * Like {@link parseRtpPacket} but returns undefined for a malformed packet instead of throwing, for
 * hot paths that count drops. Never throws.
 */
export function tryParseRtpPacket(data: Uint8Array, target?: RtpPacket): RtpPacket | undefined {
  const p = target ?? createRtpPacket();
  return parseInto(data, p) === undefined ? p : undefined;
}

/**
 * Bytes {@link serializeRtpPacket} writes for this header and a payload of `payloadLength` bytes.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for extensions that cannot be written.
 */
export function rtpPacketSize(header: RtpHeader, payloadLength: number): number {
  let size = RTP_HEADER_BYTES + header.csrcs.length * 4 + payloadLength + (header.padding ?? 0);
  const ext = header.extensions;
  if (ext !== undefined && ext.length > 0) size += extensionBlockSize(ext);
  else if (header.extensionData !== undefined) size += 4 + header.extensionData.length;
  return size;
}

/**
 * Writes an RTP packet: fixed header, CSRCs, extension block (RFC 8285 elements, or the raw
 * `extensionData` when there are none), payload and padding.
 *
 * @param header - The fields to write.
 * @param payload - Payload bytes (copied into the packet).
 * @param out - Optional destination of at least {@link rtpPacketSize} bytes; allocates when absent.
 * @returns The packet: `out` itself when it has exactly the size, a view of it when larger. Without
 *   `out`, a view into a shared pool slab (as `Buffer.allocUnsafe` does, because allocating an
 *   ArrayBuffer per packet costs more than writing it): its bytes are the caller's, but its
 *   `.buffer` holds other packets too, so use the view, never `.buffer` alone.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a field out of range (payload type 0–127,
 *   sequence 0–65535, timestamp/SSRC/CSRC uint32, ≤ 15 CSRCs, padding 0–255, raw extension data not
 *   a multiple of 4 or over 262140 bytes, extension id/length) or an `out` that is too small.
 */
export function serializeRtpPacket(header: RtpHeader, payload: Uint8Array, out?: Uint8Array): Uint8Array {
  checkHeader(header);
  const size = rtpPacketSize(header, payload.length);
  const d = out ?? allocate(size);
  if (d.length < size) invalid(`RTP output buffer holds ${d.length} bytes, ${size} needed`);
  const csrcs = header.csrcs;
  const padding = header.padding ?? 0;
  const ext = header.extensions;
  const hasBlock = (ext !== undefined && ext.length > 0) || header.extensionData !== undefined;
  d[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (hasBlock ? 0x10 : 0) | csrcs.length;
  d[1] = (header.marker ? 0x80 : 0) | header.payloadType;
  const seq = header.sequenceNumber;
  d[2] = seq >>> 8;
  d[3] = seq & 0xff;
  writeU32(d, 4, header.timestamp);
  writeU32(d, 8, header.ssrc);
  let at = RTP_HEADER_BYTES;
  for (let i = 0; i < csrcs.length; i++, at += 4) writeU32(d, at, csrcs[i]);
  if (ext !== undefined && ext.length > 0) {
    at = writeExtensionBlock(d, at, ext);
  } else if (header.extensionData !== undefined) {
    const raw = header.extensionData;
    const profile = header.extensionProfile ?? 0;
    d[at] = (profile >>> 8) & 0xff;
    d[at + 1] = profile & 0xff;
    d[at + 2] = raw.length >>> 10;
    d[at + 3] = (raw.length >>> 2) & 0xff;
    d.set(raw, at + 4);
    at += 4 + raw.length;
  }
  d.set(payload, at);
  at += payload.length;
  if (padding > 0) {
    d.fill(0, at, at + padding - 1);
    d[at + padding - 1] = padding;
  }
  return d.length === size ? d : d.subarray(0, size);
}

function checkHeader(h: RtpHeader): void {
  const pt = h.payloadType;
  if (!(pt >= 0 && pt <= 127 && (pt | 0) === pt)) invalid(`payload type ${pt} is not an integer 0–127`);
  const seq = h.sequenceNumber;
  if (!(seq >= 0 && seq <= 0xffff && (seq | 0) === seq)) {
    invalid(`sequence number ${seq} is not an integer 0–65535`);
  }
  if (h.timestamp >>> 0 !== h.timestamp) invalid(`timestamp ${h.timestamp} is not a uint32`);
  if (h.ssrc >>> 0 !== h.ssrc) invalid(`SSRC ${h.ssrc} is not a uint32`);
  if (h.csrcs.length > 15) invalid(`${h.csrcs.length} CSRCs given; at most 15 fit`);
  for (const c of h.csrcs) if (c >>> 0 !== c) invalid(`CSRC ${c} is not a uint32`);
  const padding = h.padding ?? 0;
  if (!(padding >= 0 && padding <= 255 && (padding | 0) === padding)) {
    invalid(`padding ${padding} is not an integer 0–255`);
  }
  const raw = h.extensionData;
  if (raw !== undefined && (raw.length & 3 || raw.length > 0x3fffc)) {
    invalid(`raw extension data of ${raw.length} bytes is not a multiple of 4 up to 262140`);
  }
}

const SLAB_BYTES = 16384;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** Fresh zeroed bytes carved from a slab that is never rewritten (a full slab is replaced). */
function allocate(size: number): Uint8Array {
  if (size > SLAB_BYTES >>> 3) return new Uint8Array(size);
  if (slabUsed + size > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + size);
  slabUsed += (size + 7) & ~7;
  return view;
}

function writeU32(d: Uint8Array, at: number, v: number): void {
  d[at] = v >>> 24;
  d[at + 1] = (v >>> 16) & 0xff;
  d[at + 2] = (v >>> 8) & 0xff;
  d[at + 3] = v & 0xff;
}

function invalid(problem: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', problem);
}
