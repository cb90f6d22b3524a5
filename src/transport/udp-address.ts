import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { invalidOption, VoxwireError } from '../errors.js';

/**
 * A UDP address: `'host:port'` (`'[v6]:port'` for IPv6, e.g. `'[::1]:5004'`) or `{ address, port }`
 * (IPv6 without brackets there).
 */
export type UdpAddress =
  | string
  | {
      /** Host name or IP literal (IPv6 without brackets). */
      readonly address: string;
      /** UDP port, 0–65535 (0 = any free port where binding). */
      readonly port: number;
    };

/** A resolved UDP endpoint. */
export interface UdpEndpoint {
  /** IP address, without brackets. */
  readonly address: string;
  /** Port, 0–65535. */
  readonly port: number;
  /** Address family. */
  readonly family: 'IPv4' | 'IPv6';
}

/** An address as parsed from options, before any name lookup. @internal */
export interface ParsedAddress {
  host: string;
  port: number;
  /** 4, 6, or 0 for a host name. */
  family: 0 | 4 | 6;
}

/** `host:port`, with brackets around an IPv6 host. @internal */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;

/** The RTCP address by the RFC 3551 convention: the RTP port + 1. @internal */
export function rtcpDefault(remote: ParsedAddress): ParsedAddress {
  if (remote.port >= 65535)
    invalidOption('remote', remote.port, 'port must be < 65535 without rtcpMux (RTCP goes to port + 1)');
  return { host: remote.host, port: remote.port + 1, family: remote.family };
}

/** Rejects an address whose IP family differs from the socket's. @internal */
export function checkFamily(name: string, address: ParsedAddress, family: 0 | 4 | 6): void {
  if (family !== 0 && address.family !== 0 && address.family !== family) {
    invalidOption(name, address.host, `is IPv${address.family} but the local socket is IPv${family}`);
  }
}

/** @internal Parses `'host:port'`, `'[v6]:port'` or `{ address, port }`; ports from `minPort` to 65535. */
export function parseUdpAddress(name: string, value: UdpAddress, minPort: number): ParsedAddress {
  let host: string;
  let port: number;
  if (typeof value === 'string') {
    const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
    const plain = /^([^:[\]]+):(\d{1,5})$/.exec(value);
    const match = bracketed ?? plain;
    if (match === null) {
      invalidOption(name, value, 'must be "host:port" or "[ipv6]:port" (brackets required around IPv6)');
    }
    host = match[1];
    port = Number(match[2]);
    if (bracketed !== null && isIP(host) !== 6)
      invalidOption(name, value, 'brackets must hold an IPv6 address');
  } else if (typeof value === 'object' && value !== null) {
    host = value.address;
    port = value.port;
    if (typeof host !== 'string') invalidOption(`${name}.address`, host, 'must be a string');
  } else {
    invalidOption(name, value, 'must be "host:port" or { address, port }');
  }
  if (!Number.isInteger(port) || port < minPort || port > 65535) {
    invalidOption(name, value, `port must be an integer in ${minPort}–65535`);
  }
  const family = isIP(host);
  if (family === 0 && !HOST_NAME.test(host))
    invalidOption(name, value, 'host is neither an IP address nor a host name');
  return { host, port, family: family as 0 | 4 | 6 };
}

/** Looks a parsed address up (literals answer at once). @internal */
export async function resolveEndpoint(
  name: string,
  address: ParsedAddress,
  family: 0 | 4 | 6,
): Promise<UdpEndpoint> {
  if (address.family !== 0) {
    return { address: address.host, port: address.port, family: address.family === 6 ? 'IPv6' : 'IPv4' };
  }
  const resolved = await new Promise<{ address: string; family: number }>((resolve, reject) => {
    dnsLookup(address.host, { family }, (error, ip, ipFamily) => {
      if (error) {
        reject(
          new VoxwireError('ERR_TRANSPORT', `cannot resolve ${name} "${address.host}": ${error.message}`, {
            cause: error,
          }),
        );
      } else resolve({ address: ip, family: ipFamily });
    });
  });
  return { address: resolved.address, port: address.port, family: resolved.family === 6 ? 'IPv6' : 'IPv4' };
}

/** @internal dgram looks every destination up; answering IP literals synchronously keeps `send` synchronous. */
export function literalFirstLookup(
  hostname: string,
  options: LookupOneOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
}
