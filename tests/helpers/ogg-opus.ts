/**
 * A minimal Ogg Opus reader and writer for interop tests (RFC 3533 Ogg framing, RFC 7845 Opus in
 * Ogg): pages with CRC-32, lacing, granule positions, OpusHead and OpusTags. One logical stream;
 * plain errors on anything unexpected. Written from the RFCs, independent of src/codec.
 */

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const HEADER_BYTES = 27;
const FLAG_CONTINUED = 0x01;
const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

/** CRC-32 of Ogg pages: polynomial 0x04C11DB7, initial 0, not reflected, no final XOR. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg CRC-32 of `bytes` (the page with its checksum field zeroed). */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++)
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]) & 0xff]) >>> 0;
  return crc;
}

/** The OpusHead identification header (RFC 7845 §5.1). */
export interface OpusHead {
  channels: number;
  /** Samples at 48 kHz to drop from the start of the decoded stream. */
  preSkip: number;
  /** Rate of the encoder's input, Hz (informative only). */
  inputSampleRateHz: number;
  /** Gain to apply on output, Q7.8 dB. */
  outputGainQ8: number;
  mappingFamily: number;
}

/** A parsed Ogg Opus stream. */
export interface OggOpus {
  head: OpusHead;
  vendor: string;
  comments: string[];
  /** Audio packets in order. */
  packets: Uint8Array[];
  /** Granule position (48 kHz samples incl. pre-skip) of the last page: end of the decodable audio. */
  finalGranule: bigint;
  /** Number of pages read (headers included). */
  pageCount: number;
  /** Pages that begin with the rest of a packet from the page before (continued flag set). */
  continuedPageCount: number;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1); -1 when malformed. */
export function opusPacketSamples48k(packet: Uint8Array): number {
  if (packet.length < 1) return -1;
  const config = packet[0] >> 3;
  let frame: number;
  if (config < 12)
    frame = [480, 960, 1920, 2880][config & 3]; // SILK 10/20/40/60 ms
  else if (config < 16)
    frame = config & 1 ? 960 : 480; // hybrid 10/20 ms
  else frame = [120, 240, 480, 960][config & 3]; // CELT 2.5/5/10/20 ms
  const code = packet[0] & 3;
  if (code === 0) return frame;
  if (code === 1 || code === 2) return 2 * frame;
  if (packet.length < 2) return -1;
  return (packet[1] & 0x3f) * frame;
}

/**
 * Reads an Ogg Opus file: checks every page's capture pattern, version and CRC, reassembles the
 * packets from the lacing values and parses OpusHead and OpusTags.
 * @throws Error for a bad page, a CRC mismatch, or missing/invalid Opus headers.
 */
export function readOggOpus(bytes: Uint8Array): OggOpus {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const packets: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let finalGranule = -1n;
  let serial: number | undefined;
  let pageCount = 0;
  let continuedPageCount = 0;
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + HEADER_BYTES > bytes.length) throw new Error(`ogg: truncated page header at ${offset}`);
    for (let i = 0; i < 4; i++) {
      if (bytes[offset + i] !== CAPTURE[i]) throw new Error(`ogg: no capture pattern at ${offset}`);
    }
    if (bytes[offset + 4] !== 0) throw new Error('ogg: unknown stream structure version');
    const flags = bytes[offset + 5];
    const granule = view.getBigInt64(offset + 6, true);
    const pageSerial = view.getUint32(offset + 14, true);
    const sequence = view.getUint32(offset + 18, true);
    const storedCrc = view.getUint32(offset + 22, true);
    const segments = bytes[offset + 26];
    const lacing = bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + segments);
    const bodyLength = lacing.reduce((sum, value) => sum + value, 0);
    const end = offset + HEADER_BYTES + segments + bodyLength;
    if (end > bytes.length) throw new Error(`ogg: truncated page ${sequence}`);
    const page = bytes.slice(offset, end);
    page.fill(0, 22, 26);
    if (oggCrc32(page) !== storedCrc) throw new Error(`ogg: CRC mismatch on page ${sequence}`);
    if (serial === undefined) serial = pageSerial;
    if (pageSerial !== serial) throw new Error('ogg: more than one logical stream');
    if (sequence !== pageCount) throw new Error(`ogg: page ${pageCount} missing (got ${sequence})`);
    if ((flags & FLAG_CONTINUED) === 0 && partial.length > 0) throw new Error('ogg: unfinished packet');
    if ((flags & FLAG_CONTINUED) !== 0) {
      if (partial.length === 0) throw new Error('ogg: continued flag without a packet to continue');
      continuedPageCount++;
    }
    let at = offset + HEADER_BYTES + segments;
    for (const value of lacing) {
      partial.push(bytes.subarray(at, at + value));
      at += value;
      if (value < 255) {
        packets.push(concat(partial));
        partial = [];
      }
    }
    if (granule !== -1n) finalGranule = granule;
    pageCount++;
    offset = end;
  }
  if (packets.length < 2) throw new Error('ogg: no OpusHead/OpusTags');
  return {
    head: parseHead(packets[0]),
    ...parseTags(packets[1]),
    packets: packets.slice(2),
    finalGranule,
    pageCount,
    continuedPageCount,
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function parseHead(packet: Uint8Array): OpusHead {
  if (packet.length < 19 || ascii(packet.subarray(0, 8)) !== 'OpusHead') throw new Error('ogg: no OpusHead');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (packet[8] >> 4 !== 0) throw new Error(`ogg: unsupported OpusHead version ${packet[8]}`);
  return {
    channels: packet[9],
    preSkip: view.getUint16(10, true),
    inputSampleRateHz: view.getUint32(12, true),
    outputGainQ8: view.getInt16(16, true),
    mappingFamily: packet[18],
  };
}

function parseTags(packet: Uint8Array): { vendor: string; comments: string[] } {
  if (ascii(packet.subarray(0, 8)) !== 'OpusTags') throw new Error('ogg: no OpusTags');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const decoder = new TextDecoder();
  const vendorLength = view.getUint32(8, true);
  const vendor = decoder.decode(packet.subarray(12, 12 + vendorLength));
  let at = 12 + vendorLength;
  const count = view.getUint32(at, true);
  at += 4;
  const comments: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at, true);
    comments.push(decoder.decode(packet.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return { vendor, comments };
}

/** What {@link writeOggOpus} needs. */
export interface OggOpusInput {
  channels: number;
  /** Samples at 48 kHz the decoder must drop at the start (the encoder's lookahead). */
  preSkip: number;
  inputSampleRateHz: number;
  packets: Uint8Array[];
  /**
   * Audio samples (48 kHz, per channel) the stream really holds, to trim the padding of the last
   * frame through the final granule position. Default: everything the packets hold.
   */
  samples48k?: number;
  /** Logical stream serial number. Default 0x766f7877 ("voxw"). */
  serial?: number;
  /** Audio packets per page at most. Default 50 (1 s of 20 ms packets). */
  packetsPerPage?: number;
}

/**
 * Writes an Ogg Opus file: OpusHead (mapping family 0 or, for more than 2 channels, refused) on
 * the BOS page, OpusTags on the second page, then audio pages whose granule positions count the 48 kHz
 * samples decoded so far (the pre-skip among them); the last page has the EOS flag and the trimmed end granule.
 * @throws Error for a channel count other than 1 or 2 or a malformed packet.
 */
export function writeOggOpus(input: OggOpusInput): Uint8Array {
  if (input.channels !== 1 && input.channels !== 2)
    throw new Error('ogg: only mapping family 0 (1–2 channels)');
  const serial = input.serial ?? 0x766f7877;
  const perPage = input.packetsPerPage ?? 50;
  const pages: Uint8Array[] = [];
  const head = new Uint8Array(19);
  const headView = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'));
  head[8] = 1;
  head[9] = input.channels;
  headView.setUint16(10, input.preSkip, true);
  headView.setUint32(12, input.inputSampleRateHz, true);
  const vendor = new TextEncoder().encode('voxwire tests');
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(new TextEncoder().encode('OpusTags'));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(vendor, 12); // the comment count after it stays 0
  pages.push(...paginate([head], [0n], FLAG_BOS, serial, pages.length));
  pages.push(...paginate([tags], [0n], 0, serial, pages.length));

  const granules: bigint[] = [];
  // Granules count every decoded sample, the pre-skip ones included (RFC 7845 §4).
  let granule = 0n;
  for (const packet of input.packets) {
    const samples = opusPacketSamples48k(packet);
    if (samples < 0) throw new Error('ogg: malformed Opus packet');
    granule += BigInt(samples);
    granules.push(granule);
  }
  // RFC 7845 §4.4: an end granule below the samples decoded trims the last frame's padding.
  if (input.samples48k !== undefined && granules.length > 0) {
    const end = BigInt(input.preSkip + input.samples48k);
    if (end < granule) granules[granules.length - 1] = end;
  }
  for (let start = 0; start < input.packets.length; start += perPage) {
    const last = start + perPage >= input.packets.length;
    const group = input.packets.slice(start, start + perPage);
    pages.push(
      ...paginate(group, granules.slice(start, start + perPage), last ? FLAG_EOS : 0, serial, pages.length),
    );
  }
  return concat(pages);
}

/**
 * Lays `packets` out on as many pages as their lacing needs (255 segments a page). A page's
 * granule is that of the last packet it completes (-1 when it completes none); `flags` (BOS or EOS)
 * go on the first page for BOS and on the last for EOS.
 */
function paginate(
  packets: Uint8Array[],
  granules: bigint[],
  flags: number,
  serial: number,
  firstSequence: number,
): Uint8Array[] {
  // Each packet is laced as floor(n / 255) values of 255 and one final value n % 255 (0 allowed).
  const segments: { bytes: Uint8Array; granule: bigint | undefined }[] = [];
  packets.forEach((packet, p) => {
    for (let at = 0; ; at += 255) {
      const value = Math.min(255, packet.length - at);
      const ends = value < 255;
      segments.push({ bytes: packet.subarray(at, at + value), granule: ends ? granules[p] : undefined });
      if (ends) break;
    }
  });
  const pages: Uint8Array[] = [];
  let continued = false;
  for (let start = 0; start < segments.length; start += 255) {
    const chunk = segments.slice(start, start + 255);
    const first = start === 0;
    const last = start + 255 >= segments.length;
    let granule = -1n;
    for (const segment of chunk) if (segment.granule !== undefined) granule = segment.granule;
    const body = concat(chunk.map((segment) => segment.bytes));
    const page = new Uint8Array(HEADER_BYTES + chunk.length + body.length);
    const view = new DataView(page.buffer);
    page.set(CAPTURE);
    page[5] =
      (continued ? FLAG_CONTINUED : 0) | (first ? flags & FLAG_BOS : 0) | (last ? flags & FLAG_EOS : 0);
    view.setBigInt64(6, granule, true);
    view.setUint32(14, serial, true);
    view.setUint32(18, firstSequence + pages.length, true);
    page[26] = chunk.length;
    chunk.forEach((segment, i) => {
      page[HEADER_BYTES + i] = segment.bytes.length;
    });
    page.set(body, HEADER_BYTES + chunk.length);
    view.setUint32(22, oggCrc32(page), true);
    pages.push(page);
    continued = chunk[chunk.length - 1].granule === undefined;
  }
  return pages;
}
