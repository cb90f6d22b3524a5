import { VoxwireError } from '../../../errors.js';
import type { ReceptionReport, RtcpPacket, SdesChunk, SdesItem } from './types.js';

/**
 * RFC 3550 §6 compound RTCP parsing. Every packet's length field must land exactly inside the
 * datagram; report blocks, SDES items and BYE reasons must fit their packet. A compound whose first
 * packet is not SR/RR is accepted: RFC 5506 reduced-size RTCP (e.g. a lone feedback packet) allows it.
 * Padding is accepted on any packet whose count is consistent (RFC 3550 wants it on the last only;
 * each packet's length covers its own padding, so nothing is ambiguous).
 */

const utf8 = new TextDecoder('utf-8');

/** Internal failure signal; not an Error, so throwing it captures no stack (cheap for bad input). */
class Malformed {
  constructor(readonly message: string) {}
}

/** A parse failure inside this module; converted to a VoxwireError (or undefined) at the surface. */
function fail(problem: string): never {
  throw new Malformed(problem);
}

function u32(d: Uint8Array, at: number): number {
  return ((d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) >>> 0;
}

function parseReports(d: Uint8Array, at: number, count: number): ReceptionReport[] {
  const reports: ReceptionReport[] = new Array(count);
  for (let i = 0; i < count; i++, at += 24) {
    reports[i] = {
      ssrc: u32(d, at),
      fractionLost: d[at + 4],
      cumulativeLost: ((d[at + 5] << 24) | (d[at + 6] << 16) | (d[at + 7] << 8)) >> 8,
      highestSequence: u32(d, at + 8),
      jitter: u32(d, at + 12),
      lastSr: u32(d, at + 16),
      delaySinceLastSr: u32(d, at + 20),
    };
  }
  return reports;
}

function parseSdes(d: Uint8Array, start: number, end: number, count: number): SdesChunk[] {
  const chunks: SdesChunk[] = [];
  let at = start + 4;
  for (let c = 0; c < count; c++) {
    if (at + 4 > end) fail(`SDES chunk ${c} of ${count} runs past the end of its packet`);
    const ssrc = u32(d, at);
    at += 4;
    const items: SdesItem[] = [];
    while (true) {
      if (at >= end) {
        // werift 0.25 writes its (last) chunk without the null terminator: nothing is ambiguous
        // when the packet ends there, so accept it.
        if (c === count - 1) break;
        fail(`SDES chunk ${c} of ${count} has no terminating null octet`);
      }
      const type = d[at];
      if (type === 0) break;
      if (at + 2 > end) fail(`SDES item of type ${type} has no length byte`);
      const length = d[at + 1];
      if (at + 2 + length > end) fail(`SDES item of type ${type} (${length} bytes) runs past its packet`);
      items.push({ type, text: utf8.decode(d.subarray(at + 2, at + 2 + length)) });
      at += 2 + length;
    }
    // Skip the null octet(s) up to the next 32-bit boundary (chunks are word-aligned).
    // A body shortened by RTCP padding may end before that boundary.
    at = Math.min(start + ((at - start + 4) & ~3), end);
    chunks.push({ ssrc, items });
  }
  return chunks;
}

function parseOne(d: Uint8Array, start: number, end: number): RtcpPacket {
  const count = d[start] & 0x1f;
  const packetType = d[start + 1];
  const body = end - start;
  switch (packetType) {
    case 200: {
      const reportsAt = start + 28;
      if (reportsAt + count * 24 > end) {
        fail(`SR with ${count} report blocks needs ${28 + count * 24} bytes, has ${body}`);
      }
      const afterReports = reportsAt + count * 24;
      return {
        type: 'sr',
        ssrc: u32(d, start + 4),
        ntpTimestamp: { seconds: u32(d, start + 8), fraction: u32(d, start + 12) },
        rtpTimestamp: u32(d, start + 16),
        packetCount: u32(d, start + 20),
        octetCount: u32(d, start + 24),
        reports: parseReports(d, reportsAt, count),
        profileExtension: afterReports < end ? d.subarray(afterReports, end) : undefined,
      };
    }
    case 201: {
      const reportsAt = start + 8;
      if (reportsAt + count * 24 > end) {
        fail(`RR with ${count} report blocks needs ${8 + count * 24} bytes, has ${body}`);
      }
      const afterReports = reportsAt + count * 24;
      return {
        type: 'rr',
        ssrc: u32(d, start + 4),
        reports: parseReports(d, reportsAt, count),
        profileExtension: afterReports < end ? d.subarray(afterReports, end) : undefined,
      };
    }
    case 202:
      return { type: 'sdes', chunks: parseSdes(d, start, end, count) };
    case 203: {
      const reasonAt = start + 4 + count * 4;
      if (reasonAt > end) fail(`BYE with ${count} sources needs ${4 + count * 4} bytes, has ${body}`);
      const ssrcs: number[] = new Array(count);
      for (let i = 0; i < count; i++) ssrcs[i] = u32(d, start + 4 + i * 4);
      if (reasonAt >= end) return { type: 'bye', ssrcs };
      const length = d[reasonAt];
      if (reasonAt + 1 + length > end) fail(`BYE reason of ${length} bytes runs past its packet`);
      return { type: 'bye', ssrcs, reason: utf8.decode(d.subarray(reasonAt + 1, reasonAt + 1 + length)) };
    }
    case 204: {
      if (body < 12) fail(`APP packet of ${body} bytes is shorter than 12`);
      return {
        type: 'app',
        subtype: count,
        ssrc: u32(d, start + 4),
        name: String.fromCharCode(d[start + 8], d[start + 9], d[start + 10], d[start + 11]),
        data: d.subarray(start + 12, end),
      };
    }
    default:
      return { type: 'unknown', packetType, subtype: count, data: d.subarray(start + 4, end) };
  }
}

function parseCompound(d: Uint8Array): RtcpPacket[] {
  const size = d.length;
  if (size < 4) fail(`datagram of ${size} bytes is shorter than an RTCP header`);
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < size) {
    if (size - at < 4) fail(`${size - at} trailing bytes are shorter than an RTCP header`);
    const b0 = d[at];
    if (b0 >>> 6 !== 2) fail(`RTCP version ${b0 >>> 6} is not 2 (packet ${packets.length})`);
    const packetBytes = (((d[at + 2] << 8) | d[at + 3]) + 1) * 4;
    if (at + packetBytes > size) {
      fail(`length field says ${packetBytes} bytes but ${size - at} remain (packet ${packets.length})`);
    }
    let end = at + packetBytes;
    if (b0 & 0x20) {
      const padding = d[end - 1];
      if (padding === 0) fail(`padding bit set but the padding count is 0 (packet ${packets.length})`);
      if (padding > packetBytes - 4) {
        fail(`padding count ${padding} exceeds the ${packetBytes - 4}-byte body (packet ${packets.length})`);
      }
      end -= padding;
    }
    packets.push(parseOne(d, at, end));
    at += packetBytes;
  }
  return packets;
}

/**
 * Parses a compound RTCP datagram (RFC 3550 §6.1) into its packets, in order. Opaque fields
 * (`data`, `profileExtension`) are views into `data`; SDES and BYE texts are decoded as UTF-8.
 *
 * @throws VoxwireError `ERR_RTCP_MALFORMED` naming the problem: shorter than 4 bytes, version not
 *   2, a length field past the end, padding count 0 or larger than the body, report blocks / SDES
 *   chunks or items / BYE sources or reason past their packet, APP shorter than 12 bytes.
 */
export function parseRtcpCompound(data: Uint8Array): RtcpPacket[] {
  try {
    return parseCompound(data);
  } catch (error) {
    if (error instanceof Malformed) {
      throw new VoxwireError('ERR_RTCP_MALFORMED', `malformed RTCP: ${error.message}`);
    }
    throw error;
  }
}

/** Like {@link parseRtcpCompound} but returns undefined for malformed input. Never throws. */
export function tryParseRtcpCompound(data: Uint8Array): RtcpPacket[] | undefined {
  try {
    return parseCompound(data);
  } catch (error) {
    if (error instanceof Malformed) return undefined;
    throw error;
  }
}
