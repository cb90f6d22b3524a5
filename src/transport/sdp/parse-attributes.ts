import {
  checkAddress,
  DIRECTIONS,
  fail,
  fields,
  type Mutable,
  parseAddressType,
  parseInteger,
  quote,
  TOKEN,
} from './lex.js';
import type {
  SdpAttribute,
  SdpDirection,
  SdpExtmap,
  SdpFmtp,
  SdpMedia,
  SdpRtcp,
  SdpRtpMap,
  SdpSsrcAttribute,
} from './types.js';

/**
 * Splits fmtp parameters (`minptime=10;useinbandfec=1`) into a map: items split on `;`, trimmed,
 * `key=value` at the first `=`; items without `=` are skipped.
 * @param raw - The parameters after the payload type.
 * @returns A new map, keys and values as written.
 */
export function parseFmtpParameters(raw: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const item of raw.split(';')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    if (key !== '') parameters.set(key, item.slice(eq + 1).trim());
  }
  return parameters;
}

function splitAttribute(value: string, lineNo: number): { name: string; rest: string | undefined } {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!TOKEN.test(name)) fail(lineNo, `attribute name ${quote(name)} is not a token`);
  return { name, rest: colon < 0 ? undefined : value.slice(colon + 1) };
}

/** @internal Parses a session-level `a=` value into `session`. */
export function parseSessionAttribute(
  value: string,
  lineNo: number,
  session: { attributes: SdpAttribute[]; direction: SdpDirection | undefined },
): void {
  const { name, rest } = splitAttribute(value, lineNo);
  if (rest === undefined && DIRECTIONS.has(name) && session.direction === undefined) {
    session.direction = name as SdpDirection;
    return;
  }
  session.attributes.push(rest === undefined ? { name } : { name, value: rest });
}

/** @internal Parses a media-level `a=` value into `media`. */
export function parseMediaAttribute(value: string, lineNo: number, media: Mutable<SdpMedia>): void {
  const { name, rest } = splitAttribute(value, lineNo);
  const keepRaw = (): void => {
    media.attributes.push(rest === undefined ? { name } : { name, value: rest });
  };
  if (rest === undefined) {
    if (DIRECTIONS.has(name) && media.direction === undefined) media.direction = name as SdpDirection;
    else if (name === 'rtcp-mux' && !media.rtcpMux) media.rtcpMux = true;
    else keepRaw();
    return;
  }
  switch (name) {
    case 'rtpmap':
      media.rtpMaps.push(parseRtpMap(rest, lineNo));
      return;
    case 'fmtp':
      media.fmtps.push(parseFmtp(rest, lineNo));
      return;
    case 'ptime':
    case 'maxptime': {
      const ms = Number(rest.trim());
      if (!/^\d+(\.\d+)?$/.test(rest.trim()) || !(ms > 0) || ms > 100_000) {
        fail(lineNo, `"a=${name}" must be a positive number of ms, found ${quote(rest)}`);
      }
      if (name === 'ptime' && media.ptimeMs === undefined) media.ptimeMs = ms;
      else if (name === 'maxptime' && media.maxptimeMs === undefined) media.maxptimeMs = ms;
      else keepRaw();
      return;
    }
    case 'rtcp': {
      const rtcp = parseRtcp(rest, lineNo);
      if (media.rtcp === undefined) media.rtcp = rtcp;
      else keepRaw();
      return;
    }
    case 'extmap':
      media.extmaps.push(parseExtmap(rest, lineNo));
      return;
    case 'mid':
      if (media.mid === undefined && rest.trim() !== '') media.mid = rest.trim();
      else keepRaw();
      return;
    case 'ssrc':
      media.ssrcs.push(parseSsrc(rest, lineNo));
      return;
    default:
      keepRaw();
  }
}

function parseRtpMap(rest: string, lineNo: number): SdpRtpMap {
  const f = fields(rest);
  const payloadType = f.length === 2 ? parseInteger(f[0], 0, 127) : undefined;
  const parts = f.length === 2 ? f[1].split('/') : [];
  const clockRateHz = parts.length >= 2 ? parseInteger(parts[1], 1, 10_000_000) : undefined;
  const channels = parts.length === 3 ? parseInteger(parts[2], 1, 255) : undefined;
  if (
    payloadType === undefined ||
    parts.length < 2 ||
    parts.length > 3 ||
    !TOKEN.test(parts[0]) ||
    clockRateHz === undefined ||
    (parts.length === 3 && channels === undefined)
  ) {
    fail(lineNo, `"a=rtpmap" must be "<pt 0–127> <name>/<clock Hz>[/<channels>]", found ${quote(rest)}`);
  }
  return channels === undefined
    ? { payloadType, encodingName: parts[0], clockRateHz }
    : { payloadType, encodingName: parts[0], clockRateHz, channels };
}

function parseFmtp(rest: string, lineNo: number): SdpFmtp {
  const match = /^(\d+)(?:[ \t]+(.*))?$/.exec(rest);
  const payloadType = match ? parseInteger(match[1], 0, 127) : undefined;
  if (match === null || payloadType === undefined) {
    fail(lineNo, `"a=fmtp" must be "<pt 0–127> <parameters>", found ${quote(rest)}`);
  }
  const raw = (match[2] ?? '').trim();
  return { payloadType, raw, parameters: parseFmtpParameters(raw) };
}

function parseRtcp(rest: string, lineNo: number): SdpRtcp {
  const f = fields(rest);
  const port = f.length > 0 ? parseInteger(f[0], 0, 65535) : undefined;
  if (port === undefined || (f.length !== 1 && f.length !== 4)) {
    fail(lineNo, `"a=rtcp" must be "<port 0–65535> [IN IP4|IP6 <address>]", found ${quote(rest)}`);
  }
  if (f.length === 1) return { port };
  const addressType = parseAddressType(f[2], lineNo, '"a=rtcp"');
  checkAddress(f[3], addressType, lineNo, '"a=rtcp"');
  return { port, netType: f[1], addressType, address: f[3] };
}

function parseExtmap(rest: string, lineNo: number): SdpExtmap {
  const f = fields(rest);
  const [idText, directionText, extra] = (f[0] ?? '').split('/');
  const id = parseInteger(idText, 1, 4351);
  if (f.length < 2 || id === undefined || (id > 255 && id < 4096) || extra !== undefined) {
    fail(lineNo, `"a=extmap" must be "<id 1–255>[/<direction>] <uri> [<attributes>]", found ${quote(rest)}`);
  }
  if (directionText !== undefined && !DIRECTIONS.has(directionText)) {
    fail(lineNo, `"a=extmap": direction ${quote(directionText)} is not sendrecv/sendonly/recvonly/inactive`);
  }
  const attributes = f.slice(2).join(' ');
  return {
    id,
    ...(directionText !== undefined ? { direction: directionText as SdpDirection } : {}),
    uri: f[1],
    ...(attributes !== '' ? { attributes } : {}),
  };
}

function parseSsrc(rest: string, lineNo: number): SdpSsrcAttribute {
  const match = /^(\d+)[ \t]+([^:\s]+)(?::(.*))?$/.exec(rest.trim());
  const ssrc = match ? parseInteger(match[1], 0, 0xffffffff) : undefined;
  if (match === null || ssrc === undefined || !TOKEN.test(match[2])) {
    fail(lineNo, `"a=ssrc" must be "<ssrc 0–4294967295> <attribute>[:<value>]", found ${quote(rest)}`);
  }
  return match[3] === undefined
    ? { ssrc, attribute: match[2] }
    : { ssrc, attribute: match[2], value: match[3] };
}
