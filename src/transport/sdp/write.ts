import { VoxwireError } from '../../errors.js';
import type {
  SdpAttribute,
  SdpConnection,
  SdpMedia,
  SdpRawLine,
  SdpRtcp,
  SessionDescription,
} from './types.js';

// RFC 8866 §5 line order: v o s i u e p c b t r z k a m (media: m i c b k a).
const RANK: Readonly<Record<string, number>> = { i: 1, u: 2, e: 3, p: 4, c: 5, b: 6, t: 7, z: 8, k: 9 };
const OTHER_RANK = 10;

/** @internal Position of a raw line type in RFC 8866 order (the parser sorts raw lines by it). */
export function lineRank(type: string): number {
  return RANK[type] ?? OTHER_RANK;
}

/**
 * Writes a description as canonical SDP: CRLF line ends (also after the last line), lines in RFC
 * 8866 order, typed attributes in a fixed order (`mid`, `rtpmap` each followed by its `fmtp`, `ptime`,
 * `maxptime`, direction, `rtcp`, `rtcp-mux`, `extmap`) followed by the raw ones in their order,
 * then `ssrc`. `fmtp.parameters` is ignored: `fmtp.raw` is written. Parsing the result with
 * {@link parseSdp} gives an equal description.
 *
 * @param description - What to write; not modified.
 * @returns The SDP text.
 * @throws VoxwireError `ERR_INVALID_ARGUMENT` when a value would break the syntax: a CR, LF or NUL
 *   in any text, a space in a token, a port outside 0–65535, a payload type outside 0–127, or no
 *   media section.
 */
export function writeSdp(description: SessionDescription): string {
  const out: string[] = [];
  const line = (type: string, value: string): void => {
    if (/[\r\n\0]/.test(value)) invalid(`"${type}=" value ${JSON.stringify(value)} contains CR, LF or NUL`);
    out.push(`${type}=${value}`);
  };
  const attribute = (a: SdpAttribute): void => {
    if (!/^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(a.name))
      invalid(`attribute name ${JSON.stringify(a.name)} is not a token`);
    line('a', a.value === undefined ? a.name : `${a.name}:${a.value}`);
  };
  const others = (rows: readonly SdpRawLine[], from: number, to: number): void => {
    for (const row of rows) {
      const rank = lineRank(row.type);
      if (!/^[a-z]$/.test(row.type))
        invalid(`raw line type ${JSON.stringify(row.type)} is not one letter a–z`);
      if (rank >= from && rank <= to) line(row.type, row.value);
    }
  };

  if (description.media.length === 0) invalid('a session description needs at least one media section');
  const o = description.origin;
  for (const field of [o.username, o.sessionId, o.sessionVersion, o.netType, o.address])
    token(field, 'o= field');
  line('v', '0');
  line('o', `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addressType} ${o.address}`);
  line('s', description.sessionName === '' ? '-' : description.sessionName);
  others(description.otherLines, 1, 4);
  if (description.connection) line('c', connection(description.connection));
  others(description.otherLines, 5, 5);
  for (const b of description.bandwidths)
    line('b', `${b.type}:${integer(b.value, 0, Number.MAX_SAFE_INTEGER, 'bandwidth')}`);
  const timing =
    description.timing.length > 0 ? description.timing : [{ startTime: 0, stopTime: 0, repeats: [] }];
  for (const t of timing) {
    line(
      't',
      `${integer(t.startTime, 0, Number.MAX_SAFE_INTEGER, 'start time')} ${integer(t.stopTime, 0, Number.MAX_SAFE_INTEGER, 'stop time')}`,
    );
    for (const r of t.repeats) line('r', r);
  }
  others(description.otherLines, 8, OTHER_RANK);
  if (description.direction) line('a', description.direction);
  for (const a of description.attributes) attribute(a);

  for (const m of description.media) writeMedia(m, line, attribute, others);
  return `${out.join('\r\n')}\r\n`;
}

function writeMedia(
  m: SdpMedia,
  line: (type: string, value: string) => void,
  attribute: (a: SdpAttribute) => void,
  others: (rows: readonly SdpRawLine[], from: number, to: number) => void,
): void {
  token(m.type, 'media type');
  token(m.protocol, 'protocol');
  if (m.formats.length === 0) invalid(`media section "${m.type}" has no formats`);
  for (const f of m.formats) token(f, 'format');
  const port = integer(m.port, 0, 65535, 'port');
  const count = m.portCount === undefined ? '' : `/${integer(m.portCount, 1, 65535, 'port count')}`;
  line('m', `${m.type} ${port}${count} ${m.protocol} ${m.formats.join(' ')}`);
  others(m.otherLines, 1, 4);
  if (m.connection) line('c', connection(m.connection));
  others(m.otherLines, 5, 5);
  for (const b of m.bandwidths)
    line('b', `${b.type}:${integer(b.value, 0, Number.MAX_SAFE_INTEGER, 'bandwidth')}`);
  others(m.otherLines, 6, OTHER_RANK);
  if (m.mid !== undefined) line('a', `mid:${m.mid}`);
  // Merge the two lists keeping each one's order (so parsing gives the same arrays back): an
  // fmtp goes right after its rtpmap, or wherever it stands when its payload type has none.
  const mapped = new Set(m.rtpMaps.map((r) => r.payloadType));
  const written = new Set<number>();
  let next = 0;
  const flushFmtps = (): void => {
    while (next < m.fmtps.length) {
      const f = m.fmtps[next];
      if (mapped.has(f.payloadType) && !written.has(f.payloadType)) return;
      const params = f.raw.trim() === '' ? '' : ` ${f.raw}`;
      line('a', `fmtp:${integer(f.payloadType, 0, 127, 'payload type')}${params}`);
      next++;
    }
  };
  flushFmtps();
  for (const r of m.rtpMaps) {
    token(r.encodingName, 'encoding name');
    const channels = r.channels === undefined ? '' : `/${integer(r.channels, 1, 255, 'channels')}`;
    const clock = integer(r.clockRateHz, 1, 10_000_000, 'clock rate');
    line(
      'a',
      `rtpmap:${integer(r.payloadType, 0, 127, 'payload type')} ${r.encodingName}/${clock}${channels}`,
    );
    written.add(r.payloadType);
    flushFmtps();
  }
  if (m.ptimeMs !== undefined) line('a', `ptime:${positive(m.ptimeMs, 'ptime')}`);
  if (m.maxptimeMs !== undefined) line('a', `maxptime:${positive(m.maxptimeMs, 'maxptime')}`);
  if (m.direction) line('a', m.direction);
  if (m.rtcp) line('a', `rtcp:${rtcp(m.rtcp)}`);
  if (m.rtcpMux) line('a', 'rtcp-mux');
  for (const e of m.extmaps) {
    token(e.uri, 'extmap URI');
    const direction = e.direction ? `/${e.direction}` : '';
    const extra = e.attributes ? ` ${e.attributes}` : '';
    line('a', `extmap:${integer(e.id, 1, 4351, 'extmap id')}${direction} ${e.uri}${extra}`);
  }
  for (const a of m.attributes) attribute(a);
  for (const s of m.ssrcs) {
    token(s.attribute, 'ssrc attribute');
    const value = s.value === undefined ? '' : `:${s.value}`;
    line('a', `ssrc:${integer(s.ssrc, 0, 0xffffffff, 'ssrc')} ${s.attribute}${value}`);
  }
}

function connection(c: SdpConnection): string {
  token(c.netType, 'network type');
  token(c.address, 'connection address');
  let suffix = '';
  if (c.addressType === 'IP4' && c.ttl !== undefined) suffix += `/${integer(c.ttl, 0, 255, 'TTL')}`;
  if (c.addressCount !== undefined) {
    if (c.addressType === 'IP4' && c.ttl === undefined) invalid('an IPv4 address count needs a TTL');
    suffix += `/${integer(c.addressCount, 1, 65535, 'address count')}`;
  }
  return `${c.netType} ${c.addressType} ${c.address}${suffix}`;
}

function rtcp(r: SdpRtcp): string {
  const port = integer(r.port, 0, 65535, 'RTCP port');
  if (r.address === undefined) return String(port);
  token(r.address, 'RTCP address');
  return `${port} ${r.netType ?? 'IN'} ${r.addressType ?? (r.address.includes(':') ? 'IP6' : 'IP4')} ${r.address}`;
}

function token(value: string, what: string): void {
  if (typeof value !== 'string' || value === '' || /[ \t\r\n\0]/.test(value)) {
    invalid(`${what} ${JSON.stringify(value)} must be non-empty without spaces or line breaks`);
  }
}

function integer(value: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(`${what} ${value} is not an integer ${min}–${max}`);
  }
  return value;
}

function positive(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 1e-6 || value > 100_000) {
    invalid(`${what} ${value} is not a number of ms in 0.000001–100000`);
  }
  return value;
}

function invalid(problem: string): never {
  throw new VoxwireError('ERR_INVALID_ARGUMENT', `cannot write SDP: ${problem}`);
}
