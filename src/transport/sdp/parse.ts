import {
  checkAddress,
  fail,
  fields,
  type Mutable,
  parseAddressType,
  parseInteger,
  quote,
  TOKEN,
} from './lex.js';
import { parseMediaAttribute, parseSessionAttribute } from './parse-attributes.js';
import {
  SDP_MAX_LENGTH,
  type SdpAttribute,
  type SdpBandwidth,
  type SdpConnection,
  type SdpDirection,
  type SdpMedia,
  type SdpOrigin,
  type SdpRawLine,
  type SdpTiming,
  type SessionDescription,
} from './types.js';
import { lineRank } from './write.js';

/**
 * Parses an SDP body into a {@link SessionDescription}.
 *
 * Tolerates CRLF, LF or CR line ends, trailing whitespace, blank lines, a missing final newline,
 * unknown line types and unknown attributes (kept raw). Static RTP payload types need no
 * `a=rtpmap` (see {@link mediaCodecs}). A repeated single-valued attribute (`ptime`, `mid`, …) keeps
 * the first one typed and the rest in `attributes`.
 *
 * @param sdp - The SDP text, at most {@link SDP_MAX_LENGTH} characters.
 * @returns A new description (the caller owns it).
 * @throws VoxwireError `ERR_SDP_MALFORMED` naming the 1-based line number and the problem: too
 *   long, first line not `v=0`, a line not of the form `x=…`, a malformed `o=`, `c=`, `b=`, `t=`,
 *   `m=`, `a=rtpmap`, `a=fmtp`, `a=ptime`, `a=rtcp`, `a=extmap` or `a=ssrc`, a port out of range,
 *   a session-only line inside a media section, no `o=` line, or no `m=` line.
 */
export function parseSdp(sdp: string): SessionDescription {
  if (typeof sdp !== 'string') fail(0, 'SDP must be a string');
  if (sdp.length > SDP_MAX_LENGTH) {
    fail(0, `SDP is ${sdp.length} characters, more than the limit of ${SDP_MAX_LENGTH}`);
  }
  const lines = sdp.split(/\r\n|\n|\r/);
  let origin: SdpOrigin | undefined;
  let sessionName: string | undefined;
  const session = {
    bandwidths: [] as SdpBandwidth[],
    timing: [] as SdpTiming[],
    attributes: [] as SdpAttribute[],
    otherLines: [] as SdpRawLine[],
    connection: undefined as SdpConnection | undefined,
    direction: undefined as SdpDirection | undefined,
  };
  const media: Mutable<SdpMedia>[] = [];
  let current: Mutable<SdpMedia> | undefined;
  let sawVersion = false;

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = lines[index].replace(/[ \t]+$/, '');
    if (line.length === 0) continue;
    if (line.length < 2 || line[1] !== '=' || !/^[a-z]$/.test(line[0])) {
      fail(lineNo, `line is not of the form "<letter>=<value>": ${quote(line)}`);
    }
    if (line.includes('\0')) fail(lineNo, 'line contains a NUL character');
    const type = line[0];
    const value = line.slice(2);
    if (!sawVersion) {
      if (type !== 'v' || value !== '0') fail(lineNo, `first line must be "v=0", found ${quote(line)}`);
      sawVersion = true;
      continue;
    }
    if (type === 'm') {
      current = parseMediaLine(value, lineNo);
      media.push(current);
      continue;
    }
    if (current === undefined) {
      switch (type) {
        case 'v':
          fail(lineNo, 'a second "v=" line');
          break;
        case 'o':
          if (origin !== undefined) fail(lineNo, 'a second "o=" line');
          origin = parseOrigin(value, lineNo);
          break;
        case 's':
          if (sessionName !== undefined) fail(lineNo, 'a second "s=" line');
          sessionName = value.trim() === '' ? '-' : value;
          break;
        case 'c':
          if (session.connection === undefined) session.connection = parseConnection(value, lineNo);
          else session.otherLines.push({ type, value });
          break;
        case 'b':
          session.bandwidths.push(parseBandwidth(value, lineNo));
          break;
        case 't':
          session.timing.push(parseTiming(value, lineNo));
          break;
        case 'r': {
          const last = session.timing.at(-1);
          if (last === undefined) fail(lineNo, '"r=" line before any "t=" line');
          (last.repeats as string[]).push(value);
          break;
        }
        case 'a':
          parseSessionAttribute(value, lineNo, session);
          break;
        default:
          session.otherLines.push({ type, value });
      }
      continue;
    }
    switch (type) {
      case 'v':
      case 'o':
      case 's':
      case 't':
      case 'r':
      case 'z':
        fail(lineNo, `"${type}=" line is not allowed inside a media section`);
        break;
      case 'c':
        if (current.connection === undefined) current.connection = parseConnection(value, lineNo);
        else current.otherLines.push({ type, value });
        break;
      case 'b':
        current.bandwidths.push(parseBandwidth(value, lineNo));
        break;
      case 'a':
        parseMediaAttribute(value, lineNo, current);
        break;
      default:
        current.otherLines.push({ type, value });
    }
  }
  if (!sawVersion) fail(1, 'empty SDP: first line must be "v=0"');
  if (origin === undefined) fail(lines.length, 'no "o=" line');
  if (media.length === 0) fail(lines.length, 'no "m=" line');
  // Raw lines in RFC order (stable), the order the writer emits, so parse∘write is the identity.
  const byRank = (a: SdpRawLine, b: SdpRawLine): number => lineRank(a.type) - lineRank(b.type);
  session.otherLines.sort(byRank);
  for (const m of media) m.otherLines.sort(byRank);
  if (session.timing.length === 0) session.timing.push({ startTime: 0, stopTime: 0, repeats: [] });
  return {
    origin,
    sessionName: sessionName ?? '-',
    ...(session.connection ? { connection: session.connection } : {}),
    bandwidths: session.bandwidths,
    timing: session.timing,
    ...(session.direction ? { direction: session.direction } : {}),
    attributes: session.attributes,
    otherLines: session.otherLines,
    media,
  };
}

function parseOrigin(value: string, lineNo: number): SdpOrigin {
  const f = fields(value);
  if (f.length !== 6)
    fail(lineNo, `"o=" needs 6 fields (username id version IN IP4|IP6 address), found ${f.length}`);
  const addressType = parseAddressType(f[4], lineNo, '"o="');
  checkAddress(f[5], addressType, lineNo, '"o="');
  return { username: f[0], sessionId: f[1], sessionVersion: f[2], netType: f[3], addressType, address: f[5] };
}

function parseConnection(value: string, lineNo: number): SdpConnection {
  const f = fields(value);
  if (f.length !== 3) fail(lineNo, `"c=" needs 3 fields (IN IP4|IP6 address), found ${f.length}`);
  if (f[0] !== 'IN') fail(lineNo, `"c=": network type must be IN, found ${quote(f[0])}`);
  const addressType = parseAddressType(f[1], lineNo, '"c="');
  const parts = f[2].split('/');
  const address = parts[0];
  checkAddress(address, addressType, lineNo, '"c="');
  if (parts.length > 3 || (addressType === 'IP6' && parts.length > 2)) {
    fail(lineNo, `"c=": too many "/" suffixes in ${quote(f[2])}`);
  }
  const connection: Mutable<SdpConnection> = { netType: f[0], addressType, address };
  if (parts.length >= 2) {
    if (addressType === 'IP4') {
      const ttl = parseInteger(parts[1], 0, 255);
      if (ttl === undefined) fail(lineNo, `"c=": TTL ${quote(parts[1])} is not an integer 0–255`);
      connection.ttl = ttl;
    }
    const countText = addressType === 'IP4' ? parts[2] : parts[1];
    if (countText !== undefined) {
      const count = parseInteger(countText, 1, 65535);
      if (count === undefined)
        fail(lineNo, `"c=": address count ${quote(countText)} is not an integer 1–65535`);
      connection.addressCount = count;
    }
  }
  return connection;
}

function parseBandwidth(value: string, lineNo: number): SdpBandwidth {
  const colon = value.indexOf(':');
  const type = value.slice(0, colon);
  const bw = parseInteger(value.slice(colon + 1).trim(), 0, Number.MAX_SAFE_INTEGER);
  if (colon <= 0 || !TOKEN.test(type) || bw === undefined) {
    fail(lineNo, `"b=" must be "<type>:<integer>", found ${quote(value)}`);
  }
  return { type, value: bw };
}

function parseTiming(value: string, lineNo: number): SdpTiming {
  const f = fields(value);
  const start = f.length === 2 ? parseInteger(f[0], 0, Number.MAX_SAFE_INTEGER) : undefined;
  const stop = f.length === 2 ? parseInteger(f[1], 0, Number.MAX_SAFE_INTEGER) : undefined;
  if (start === undefined || stop === undefined) {
    fail(lineNo, `"t=" must be "<start> <stop>" in integer seconds, found ${quote(value)}`);
  }
  return { startTime: start, stopTime: stop, repeats: [] };
}

function parseMediaLine(value: string, lineNo: number): Mutable<SdpMedia> {
  const f = fields(value);
  if (f.length < 4) fail(lineNo, `"m=" needs "<media> <port> <proto> <format>…", found ${quote(value)}`);
  if (!TOKEN.test(f[0])) fail(lineNo, `"m=": media type ${quote(f[0])} is not a token`);
  const [portText, countText, extra] = f[1].split('/');
  const port = parseInteger(portText, 0, 65535);
  if (port === undefined) fail(lineNo, `"m=": port ${quote(portText)} is not an integer 0–65535`);
  let portCount: number | undefined;
  if (countText !== undefined) {
    portCount = parseInteger(countText, 1, 65535);
    if (portCount === undefined || extra !== undefined) {
      fail(lineNo, `"m=": port count in ${quote(f[1])} is not an integer 1–65535`);
    }
  }
  const protocol = f[2];
  if (!/^[A-Za-z0-9/_.-]+$/.test(protocol)) fail(lineNo, `"m=": protocol ${quote(protocol)} is not valid`);
  const formats = f.slice(3);
  if (/(^|\/)RTP\//.test(protocol)) {
    for (const format of formats) {
      if (parseInteger(format, 0, 127) === undefined) {
        fail(lineNo, `"m=": RTP format ${quote(format)} is not a payload type 0–127`);
      }
    }
  }
  return {
    type: f[0],
    port,
    ...(portCount !== undefined ? { portCount } : {}),
    protocol,
    formats,
    bandwidths: [],
    rtpMaps: [],
    fmtps: [],
    rtcpMux: false,
    extmaps: [],
    ssrcs: [],
    attributes: [],
    otherLines: [],
  };
}
