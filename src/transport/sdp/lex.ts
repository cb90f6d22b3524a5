import { isIPv4, isIPv6 } from 'node:net';
import { VoxwireError } from '../../errors.js';
import type { SdpAddressType } from './types.js';

/**
 * Small lexical helpers shared by the SDP parsers. Internal: not exported from the package.
 */

/** @internal RFC 8866 token characters (attribute names, bandwidth types, encoding names). */
export const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const DIGITS = /^\d+$/;
/** @internal The four direction attribute names. */
export const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** @internal A writable copy of a description type, for building one. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** @internal Throws `ERR_SDP_MALFORMED` naming the 1-based line (0: no line). */
export function fail(lineNo: number, problem: string): never {
  const where = lineNo > 0 ? `line ${lineNo}: ` : '';
  throw new VoxwireError('ERR_SDP_MALFORMED', `SDP ${where}${problem}`);
}

/** @internal Quotes input for an error message, cut at 80 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** @internal Splits a value on spaces and tabs. */
export function fields(value: string): string[] {
  const trimmed = value.trim();
  return trimmed === '' ? [] : trimmed.split(/[ \t]+/);
}

/** @internal A decimal integer in [min, max], or undefined (no signs, no exponents). */
export function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!DIGITS.test(text) || text.length > 16) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** @internal `IP4` or `IP6`, else throws. */
export function parseAddressType(text: string, lineNo: number, what: string): SdpAddressType {
  if (text !== 'IP4' && text !== 'IP6')
    fail(lineNo, `${what}: address type must be IP4 or IP6, found ${quote(text)}`);
  return text;
}

/** @internal Throws unless `address` is a valid literal of its type or a host name. */
export function checkAddress(
  address: string,
  addressType: SdpAddressType,
  lineNo: number,
  what: string,
): void {
  const ok =
    addressType === 'IP4'
      ? /^[\d.]+$/.test(address)
        ? isIPv4(address)
        : HOSTNAME.test(address)
      : address.includes(':')
        ? isIPv6(address)
        : HOSTNAME.test(address);
  if (!ok) fail(lineNo, `${what}: ${quote(address)} is not a valid ${addressType} address or host name`);
}
