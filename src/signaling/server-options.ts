import type { Server as HttpServer } from 'node:http';
import { type Clock, RealClock } from '../clock/index.js';
import { invalidOption } from '../errors.js';
import type { Room, RoomHook } from './room.js';
import { checkSecret, type RoomGrant } from './token.js';

/** What an `authorize` hook is given. */
export interface AuthorizeRequest {
  /** The room the client asked for. */
  room: string;
  /** The token the client sent. */
  token: string;
  /** The peer's address as the socket reports it. */
  remoteAddress: string | undefined;
}

/**
 * A custom authorisation scheme: return the grant, or throw (any error becomes `ERR_UNAUTHORIZED`
 * `token-invalid`; a `VoxwireError` keeps its message). The grant's `room` must equal the
 * requested room.
 */
export type AuthorizeHook = (request: AuthorizeRequest) => RoomGrant | Promise<RoomGrant>;

/** Options of {@link SignalingServer}. One of `secret` or `authorize` is required. */
export interface SignalingServerOptions {
  /** HMAC key verifying room tokens (≥ 16 bytes); see `createRoomToken`. */
  secret?: string | Uint8Array;
  /** Custom authorisation; replaces token verification with `secret`. */
  authorize?: AuthorizeHook;
  /** Existing HTTP server to attach to (upgrades on `path`); otherwise the server listens itself. */
  server?: HttpServer;
  /** Upgrade path when attached (default `/signaling`); when listening alone every path is accepted. */
  path?: string;
  /** Listen address (default `127.0.0.1`). */
  host?: string;
  /** Listen port (default 0: any free port; read `address`). */
  port?: number;
  /** Time source for heartbeats, rate limits, grace periods and token expiry (default `RealClock`). */
  clock?: Clock;
  /** Largest message, bytes (default 65 536). Up to 4× is answered with an error; beyond, the socket closes (1009). */
  maxMessageBytes?: number;
  /** Most participants per room (default 50). */
  roomCapacity?: number;
  /** Most rooms at once (default 1000); a join creating one more is refused `ERR_ROOM_FULL`. */
  maxRooms?: number;
  /** Sustained messages per second per connection (default 20). */
  messagesPerSecond?: number;
  /** Burst of messages per connection (default 50). */
  messageBurst?: number;
  /** Ping interval, ms (default 15 000); a connection that missed one pong is dropped. */
  heartbeatIntervalMs?: number;
  /** How long a dropped participant stays in its room awaiting a resume, ms (default 15 000; 0: none). */
  resumeGraceMs?: number;
  /** Time a connection has to join, ms (default 10 000). */
  joinTimeoutMs?: number;
  /** Creates the server-side logic (an SFU) of each new room. */
  createRoomHook?: (room: Room) => RoomHook | undefined;
}

/** @internal */
export interface ResolvedServerOptions {
  secret: string | Uint8Array | undefined;
  authorize: AuthorizeHook | undefined;
  server: HttpServer | undefined;
  path: string;
  host: string;
  port: number;
  clock: Clock;
  maxMessageBytes: number;
  roomCapacity: number;
  maxRooms: number;
  messagesPerSecond: number;
  messageBurst: number;
  heartbeatIntervalMs: number;
  resumeGraceMs: number;
  joinTimeoutMs: number;
  createRoomHook: ((room: Room) => RoomHook | undefined) | undefined;
}

/** @internal Applies defaults and fails fast on a bad option. */
export function resolveServerOptions(options: SignalingServerOptions): ResolvedServerOptions {
  if (options.secret === undefined && options.authorize === undefined) {
    invalidOption('secret', undefined, 'give secret (HMAC room tokens) or an authorize hook');
  }
  if (options.secret !== undefined) checkSecret(options.secret);
  const r: ResolvedServerOptions = {
    secret: options.secret,
    authorize: options.authorize,
    server: options.server,
    path: options.path ?? '/signaling',
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    clock: options.clock ?? new RealClock(),
    maxMessageBytes: options.maxMessageBytes ?? 65_536,
    roomCapacity: options.roomCapacity ?? 50,
    maxRooms: options.maxRooms ?? 1000,
    messagesPerSecond: options.messagesPerSecond ?? 20,
    messageBurst: options.messageBurst ?? 50,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
    resumeGraceMs: options.resumeGraceMs ?? 15_000,
    joinTimeoutMs: options.joinTimeoutMs ?? 10_000,
    createRoomHook: options.createRoomHook,
  };
  if (!Number.isInteger(r.port) || r.port < 0 || r.port > 65535)
    invalidOption('port', r.port, 'an integer 0–65535');
  integer('maxMessageBytes', r.maxMessageBytes, 256, 16 * 1024 * 1024);
  integer('roomCapacity', r.roomCapacity, 1, 100_000);
  integer('maxRooms', r.maxRooms, 1, 10_000_000);
  integer('messageBurst', r.messageBurst, 1, 1_000_000);
  positive('messagesPerSecond', r.messagesPerSecond);
  positive('heartbeatIntervalMs', r.heartbeatIntervalMs);
  positive('joinTimeoutMs', r.joinTimeoutMs);
  if (!(r.resumeGraceMs >= 0) || !Number.isFinite(r.resumeGraceMs)) {
    invalidOption('resumeGraceMs', r.resumeGraceMs, 'a number of ms ≥ 0');
  }
  return r;
}

function integer(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    invalidOption(name, value, `an integer ${min}–${max}`);
}

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) invalidOption(name, value, 'a positive finite number');
}
