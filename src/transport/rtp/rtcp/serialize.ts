import { VoxwireError } from '../../../errors.js';
import type { ReceptionReport, RtcpPacket } from './types.js';

/** RFC 3550 §6 compound RTCP serialization. */

const utf8 = new TextEncoder();
const EMPTY = new Uint8Array(0);

function invalid(problem: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', problem);
}

function checkU32(name: string, v: number): void {
  if (v >>> 0 !== v) invalid(`RTCP ${name} ${v} is not a uint32`);
}

function checkCount(what: string, n: number): void {
  if (n > 31) invalid(`RTCP ${what}: ${n} given, at most 31 fit one packet`);
}

function checkWords(what: string, data: Uint8Array): void {
  if (data.length & 3) invalid(`RTCP ${what} of ${data.length} bytes is not a multiple of 4`);
}

function encodeText(what: string, text: string, texts: Uint8Array[]): number {
  const bytes = utf8.encode(text);
  if (bytes.length > 255) invalid(`RTCP ${what} is ${bytes.length} UTF-8 bytes; at most 255 fit`);
  texts.push(bytes);
  return bytes.length;
}

function checkReport(r: ReceptionReport): void {
  checkU32('report SSRC', r.ssrc);
  const f = r.fractionLost;
  if (!(f >= 0 && f <= 255 && (f | 0) === f)) invalid(`RTCP fractionLost ${f} is not an integer 0–255`);
  const c = r.cumulativeLost;
  if (!(c >= -0x800000 && c <= 0x7fffff && (c | 0) === c)) {
    invalid(`RTCP cumulativeLost ${c} is not a signed 24-bit integer`);
  }
  checkU32('highestSequence', r.highestSequence);
  checkU32('jitter', r.jitter);
  checkU32('lastSr', r.lastSr);
  checkU32('delaySinceLastSr', r.delaySinceLastSr);
}

/** Validates one packet, appends its encoded texts, and returns its size in bytes. */
function measure(p: RtcpPacket, texts: Uint8Array[]): number {
  switch (p.type) {
    case 'sr':
    case 'rr': {
      checkCount('report blocks', p.reports.length);
      checkU32('SSRC', p.ssrc);
      for (const r of p.reports) checkReport(r);
      const ext = p.profileExtension ?? EMPTY;
      checkWords('profile extension', ext);
      if (p.type === 'sr') {
        checkU32('NTP seconds', p.ntpTimestamp.seconds);
        checkU32('NTP fraction', p.ntpTimestamp.fraction);
        checkU32('rtpTimestamp', p.rtpTimestamp);
        checkU32('packetCount', p.packetCount);
        checkU32('octetCount', p.octetCount);
      }
      return (p.type === 'sr' ? 28 : 8) + 24 * p.reports.length + ext.length;
    }
    case 'sdes': {
      checkCount('SDES chunks', p.chunks.length);
      let size = 4;
      for (const chunk of p.chunks) {
        checkU32('SDES SSRC', chunk.ssrc);
        let bytes = 4;
        for (const item of chunk.items) {
          const t = item.type;
          if (!(t >= 1 && t <= 255 && (t | 0) === t)) invalid(`SDES item type ${t} is not an integer 1–255`);
          bytes += 2 + encodeText(`SDES item ${t}`, item.text, texts);
        }
        size += (bytes + 4) & ~3; // at least one null octet, then word alignment
      }
      return size;
    }
    case 'bye': {
      checkCount('BYE sources', p.ssrcs.length);
      for (const s of p.ssrcs) checkU32('BYE SSRC', s);
      let size = 4 + 4 * p.ssrcs.length;
      if (p.reason !== undefined) size += (1 + encodeText('BYE reason', p.reason, texts) + 3) & ~3;
      return size;
    }
    case 'app': {
      const st = p.subtype;
      if (!(st >= 0 && st <= 31 && (st | 0) === st)) invalid(`APP subtype ${st} is not an integer 0–31`);
      checkU32('APP SSRC', p.ssrc);
      if (!/^[\x20-\x7e]{4}$/.test(p.name))
        invalid(`APP name ${JSON.stringify(p.name)} is not 4 ASCII chars`);
      checkWords('APP data', p.data);
      return 12 + p.data.length;
    }
    case 'unknown': {
      const pt = p.packetType;
      const st = p.subtype;
      if (!(pt >= 0 && pt <= 255 && (pt | 0) === pt)) invalid(`RTCP packet type ${pt} is not 0–255`);
      if (!(st >= 0 && st <= 31 && (st | 0) === st)) invalid(`RTCP subtype ${st} is not an integer 0–31`);
      checkWords('packet body', p.data);
      return 4 + p.data.length;
    }
  }
}

function writeU32(d: Uint8Array, at: number, v: number): void {
  d[at] = v >>> 24;
  d[at + 1] = (v >>> 16) & 0xff;
  d[at + 2] = (v >>> 8) & 0xff;
  d[at + 3] = v & 0xff;
}

function writeHeader(d: Uint8Array, at: number, count: number, pt: number, bytes: number): void {
  d[at] = 0x80 | count;
  d[at + 1] = pt;
  const words = bytes / 4 - 1;
  d[at + 2] = words >>> 8;
  d[at + 3] = words & 0xff;
}

function writeReports(d: Uint8Array, at: number, reports: readonly ReceptionReport[]): number {
  for (const r of reports) {
    writeU32(d, at, r.ssrc);
    writeU32(d, at + 4, ((r.fractionLost << 24) | (r.cumulativeLost & 0xffffff)) >>> 0);
    writeU32(d, at + 8, r.highestSequence);
    writeU32(d, at + 12, r.jitter);
    writeU32(d, at + 16, r.lastSr);
    writeU32(d, at + 20, r.delaySinceLastSr);
    at += 24;
  }
  return at;
}

/** Writes `p` (already measured) at `at`; `next` walks the encoded texts. Returns the end offset. */
function write(
  d: Uint8Array,
  at: number,
  p: RtcpPacket,
  bytes: number,
  texts: Uint8Array[],
  next: { i: number },
) {
  const start = at;
  switch (p.type) {
    case 'sr':
    case 'rr': {
      writeHeader(d, at, p.reports.length, p.type === 'sr' ? 200 : 201, bytes);
      writeU32(d, at + 4, p.ssrc);
      at += 8;
      if (p.type === 'sr') {
        writeU32(d, at, p.ntpTimestamp.seconds);
        writeU32(d, at + 4, p.ntpTimestamp.fraction);
        writeU32(d, at + 8, p.rtpTimestamp);
        writeU32(d, at + 12, p.packetCount);
        writeU32(d, at + 16, p.octetCount);
        at += 20;
      }
      at = writeReports(d, at, p.reports);
      if (p.profileExtension) d.set(p.profileExtension, at);
      break;
    }
    case 'sdes': {
      writeHeader(d, at, p.chunks.length, 202, bytes);
      at += 4;
      for (const chunk of p.chunks) {
        const chunkStart = at;
        writeU32(d, at, chunk.ssrc);
        at += 4;
        for (const item of chunk.items) {
          const text = texts[next.i++];
          d[at] = item.type;
          d[at + 1] = text.length;
          d.set(text, at + 2);
          at += 2 + text.length;
        }
        const end = chunkStart + ((at - chunkStart + 4) & ~3);
        d.fill(0, at, end);
        at = end;
      }
      break;
    }
    case 'bye': {
      writeHeader(d, at, p.ssrcs.length, 203, bytes);
      at += 4;
      for (const s of p.ssrcs) {
        writeU32(d, at, s);
        at += 4;
      }
      if (p.reason !== undefined) {
        const text = texts[next.i++];
        d[at] = text.length;
        d.set(text, at + 1);
        d.fill(0, at + 1 + text.length, start + bytes);
      }
      break;
    }
    case 'app': {
      writeHeader(d, at, p.subtype, 204, bytes);
      writeU32(d, at + 4, p.ssrc);
      for (let i = 0; i < 4; i++) d[at + 8 + i] = p.name.charCodeAt(i);
      d.set(p.data, at + 12);
      break;
    }
    case 'unknown': {
      writeHeader(d, at, p.subtype, p.packetType, bytes);
      d.set(p.data, at + 4);
      break;
    }
  }
  return start + bytes;
}

/**
 * Bytes {@link serializeRtcpCompound} writes for `packets`.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` as {@link serializeRtcpCompound}.
 */
export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let size = 0;
  const texts: Uint8Array[] = [];
  for (const p of packets) size += measure(p, texts);
  return size;
}

/**
 * Writes packets back to back as one compound RTCP datagram (no padding). Order is the caller's:
 * RFC 3550 wants SR/RR first and an SDES with CNAME in every compound; RFC 5506 reduced-size RTCP
 * relaxes that, so it is not enforced here.
 *
 * @param packets - The packets, written in order.
 * @param out - Optional destination of at least {@link rtcpCompoundSize} bytes; allocates when absent.
 * @returns `out` itself when it has exactly the size, a view of it when larger, else a new array.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a field out of range (uint32 fields, more than 31
 *   reports/chunks/sources, fractionLost 0–255, cumulativeLost signed 24-bit, SDES item type 1–255,
 *   a text over 255 UTF-8 bytes, an APP name that is not 4 ASCII characters, opaque data not a
 *   multiple of 4 bytes), or an `out` that is too small.
 */
export function serializeRtcpCompound(packets: readonly RtcpPacket[], out?: Uint8Array): Uint8Array {
  const texts: Uint8Array[] = [];
  const sizes: number[] = new Array(packets.length);
  let size = 0;
  for (let i = 0; i < packets.length; i++) {
    sizes[i] = measure(packets[i], texts);
    size += sizes[i];
  }
  const d = out ?? new Uint8Array(size);
  if (d.length < size) invalid(`RTCP output buffer holds ${d.length} bytes, ${size} needed`);
  const next = { i: 0 };
  let at = 0;
  for (let i = 0; i < packets.length; i++) at = write(d, at, packets[i], sizes[i], texts, next);
  return d.length === size ? d : d.subarray(0, size);
}
