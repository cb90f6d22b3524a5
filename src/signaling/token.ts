import { createHmac, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock/index.js';
import { invalidOption, VoxwireError } from '../errors.js';
import { PARTICIPANT_ROLES, type ParticipantRole } from './protocol.js';
import { isObject } from './validate.js';

/** What a room token grants. */
export interface RoomTokenClaims {
  /** The one room the token admits to. */
  room: string;
  /** Role in the room (default `speaker`). */
  role?: ParticipantRole;
  /** Display name of the participant, 1–64 characters. */
  name: string;
  /** Lifetime from now, ms (default 3 600 000). Ignored when `exp` is given. */
  ttlMs?: number;
  /** Absolute expiry, Unix seconds. */
  exp?: number;
}

/** The verified content of a token. */
export interface RoomGrant {
  /** The room admitted to. */
  room: string;
  /** Role in that room. */
  role: ParticipantRole;
  /** Display name. */
  name: string;
  /** Expiry, Unix seconds (absent for grants from a custom `authorize` hook that set none). */
  exp?: number;
}

const PREFIX = 'vx1';

/**
 * Unix time in ms on `clock`'s time base: `clock.unixTimeMs()` when the clock has wall time
 * (`RealClock`), else the process's time origin plus `clock.now()` (a `VirtualClock`), so tokens
 * made and checked on the same clock agree.
 */
export function clockUnixMs(clock: Clock): number {
  return clock.unixTimeMs?.() ?? performance.timeOrigin + clock.now();
}

/**
 * Signs a room token: `vx1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "vx1." + payload))>`.
 * The payload holds `room`, `role`, `name`, `iat` and `exp` (Unix seconds).
 * @param secret - HMAC key, at least 16 bytes.
 * @param claims - See {@link RoomTokenClaims}.
 * @param clock - Time base of `iat`/`exp` (see {@link clockUnixMs}).
 * @throws VoxwireError `ERR_INVALID_OPTION` on a short secret or an invalid claim.
 */
export function createRoomToken(secret: string | Uint8Array, claims: RoomTokenClaims, clock: Clock): string {
  checkSecret(secret);
  const role = claims.role ?? 'speaker';
  if (!PARTICIPANT_ROLES.includes(role)) invalidOption('claims.role', role, `one of ${PARTICIPANT_ROLES}`);
  if (typeof claims.room !== 'string' || claims.room.length === 0 || claims.room.length > 128) {
    invalidOption('claims.room', claims.room, 'a string of 1–128 characters');
  }
  if (typeof claims.name !== 'string' || claims.name.length === 0 || claims.name.length > 64) {
    invalidOption('claims.name', claims.name, 'a string of 1–64 characters');
  }
  const ttlMs = claims.ttlMs ?? 3_600_000;
  if (!(ttlMs > 0) || !Number.isFinite(ttlMs))
    invalidOption('claims.ttlMs', ttlMs, 'a positive number of ms');
  const iat = Math.floor(clockUnixMs(clock) / 1000);
  const exp = claims.exp ?? Math.floor((clockUnixMs(clock) + ttlMs) / 1000);
  const payload = Buffer.from(
    JSON.stringify({ room: claims.room, role, name: claims.name, iat, exp }),
  ).toString('base64url');
  return `${PREFIX}.${payload}.${sign(secret, payload)}`;
}

/**
 * Checks a room token's signature, shape and expiry.
 * @param secret - The HMAC key the token was signed with.
 * @param token - The token text.
 * @param clock - Time base for `exp`.
 * @returns The grant.
 * @throws VoxwireError `ERR_UNAUTHORIZED` when the token is malformed or forged (message starts
 *   `token-invalid`) or expired (`token-expired`).
 */
export function verifyRoomToken(secret: string | Uint8Array, token: string, clock: Clock): RoomGrant {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX)
    throw unauthorized('token-invalid', 'token is not a vx1 token');
  const [, payload, signature] = parts;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized('token-invalid', 'token signature does not match');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw unauthorized('token-invalid', 'token payload is not JSON');
  }
  if (
    !isObject(claims) ||
    typeof claims.room !== 'string' ||
    typeof claims.name !== 'string' ||
    typeof claims.exp !== 'number' ||
    !PARTICIPANT_ROLES.includes(claims.role as ParticipantRole)
  ) {
    throw unauthorized('token-invalid', 'token claims lack room, name, role or exp');
  }
  if (clockUnixMs(clock) >= claims.exp * 1000) throw unauthorized('token-expired', 'token has expired');
  return { room: claims.room, name: claims.name, role: claims.role as ParticipantRole, exp: claims.exp };
}

function sign(secret: string | Uint8Array, payload: string): string {
  return createHmac('sha256', secret).update(`${PREFIX}.${payload}`).digest('base64url');
}

/** @internal Throws unless the secret is at least 16 bytes. */
export function checkSecret(secret: unknown): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : (secret as Uint8Array)?.byteLength;
  if (!(bytes >= 16)) invalidOption('secret', '(hidden)', 'a string or bytes of at least 16 bytes');
}

function unauthorized(reason: string, message: string): VoxwireError {
  return new VoxwireError('ERR_UNAUTHORIZED', `${reason}: ${message}`);
}
