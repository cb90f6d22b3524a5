import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { startTicker, type Ticker } from '../clock/index.js';
import { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { Connection } from './connection.js';
import { handleJoin, type JoinContext } from './join.js';
import { handleMemberMessage, type MemberOps } from './member-messages.js';
import { CLOSE_CODES, type ClientMessage, type LeaveReason } from './protocol.js';
import { TokenBucket } from './rate-limit.js';
import type { Participant, ParticipantState, Room } from './room.js';
import {
  type ResolvedServerOptions,
  resolveServerOptions,
  type SignalingServerOptions,
} from './server-options.js';
import { parseClientMessage } from './validate.js';

/** Events of {@link SignalingServer}. */
export interface SignalingServerEvents {
  /** A participant joined a room (`resumed`: it came back within its grace period). */
  join: (room: Room, participant: Participant, resumed: boolean) => void;
  /** A participant left a room for good. */
  leave: (room: Room, participant: Participant, reason: LeaveReason) => void;
  /** A client message was refused (for logs and metrics). */
  rejected: (reason: string, remoteAddress: string | undefined) => void;
  /** A room hook threw, or the underlying server failed. */
  error: (error: unknown) => void;
}

/** Counters of a {@link SignalingServer}. */
export interface SignalingServerStats {
  /** Open WebSockets, joined or not. */
  connections: number;
  /** Rooms with at least one member. */
  rooms: number;
  /** Members of all rooms, including those within their resume grace. */
  participants: number;
  /** Frames received. */
  messagesReceived: number;
  /** Frames answered with an error (invalid, unauthorised, unknown target …). */
  messagesRejected: number;
  /** Messages dropped by the per-connection rate limit. */
  messagesRateLimited: number;
  /** Connections terminated for missing a heartbeat pong. */
  heartbeatTimeouts: number;
}

/**
 * The voxwire WebSocket signaling server: rooms, presence, relay of offers/answers/candidates,
 * token authorisation, rate limits, heartbeats and session resume (protocol in docs/signaling.md).
 * Listens on 127.0.0.1 by default, or attaches to an existing `http.Server`.
 * @throws VoxwireError `ERR_INVALID_OPTION` from the constructor on a bad option.
 */
export class SignalingServer extends SafeEventEmitter<SignalingServerEvents> {
  readonly #o: ResolvedServerOptions;
  readonly #wss: WebSocketServer;
  readonly #http: HttpServer;
  readonly #ownsHttp: boolean;
  readonly #connections = new Set<Connection>();
  readonly #rooms = new Map<string, Room>();
  readonly #members = new Map<ParticipantState, Connection>();
  readonly #counters = {
    messagesReceived: 0,
    messagesRejected: 0,
    messagesRateLimited: 0,
    heartbeatTimeouts: 0,
  };
  readonly #join: JoinContext;
  readonly #ops: MemberOps = {
    remove: (room, member, reason) => this.#remove(room, member, reason),
    connectionOf: (member) => this.#members.get(member),
    reject: (reason, conn) => this.#rejected(reason, conn),
    callHook: (call) => this.#callHook(call),
  };
  #ticker: Ticker | undefined;
  #closed = false;

  /** @param options - See {@link SignalingServerOptions}. */
  constructor(options: SignalingServerOptions) {
    super();
    this.#o = resolveServerOptions(options);
    this.#ownsHttp = this.#o.server === undefined;
    this.#http = this.#o.server ?? createServer((_req, res) => res.writeHead(426).end('WebSocket only\n'));
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#o.maxMessageBytes * 4 });
    this.#http.on('upgrade', this.#onUpgrade);
    this.#wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.#onConnection(ws, req));
    this.#ticker = startTicker(this.#o.clock, this.#o.heartbeatIntervalMs, () => this.#heartbeat());
    this.#join = {
      options: this.#o,
      rooms: this.#rooms,
      members: this.#members,
      newId: () => randomBytes(9).toString('base64url'),
      newResumeToken: () => randomBytes(24).toString('base64url'),
      onJoined: (room, member, resumed) => {
        if (!resumed) this.#callHook(() => room.hook?.onJoin?.(member));
        this.safeEmit('join', room, member, resumed);
      },
      reject: (reason, conn) => this.#rejected(reason, conn),
      evict: (conn) => {
        conn.participant = undefined;
        conn.room = undefined;
        conn.ws.terminate();
      },
      hookFor: (room) => {
        try {
          return this.#o.createRoomHook?.(room);
        } catch (error) {
          this.safeEmit('error', error);
          return undefined;
        }
      },
    };
  }

  /**
   * Starts listening (when not attached to a given `http.Server`).
   * @returns The bound address.
   * @throws VoxwireError `ERR_TRANSPORT` when the port cannot be bound.
   */
  async listen(): Promise<AddressInfo> {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'listen() after close()');
    if (this.#ownsHttp && !this.#http.listening) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) =>
          reject(
            new VoxwireError('ERR_TRANSPORT', `cannot listen on ${this.#o.host}:${this.#o.port}`, {
              cause: error,
            }),
          );
        this.#http.once('error', onError);
        this.#http.listen(this.#o.port, this.#o.host, () => {
          this.#http.off('error', onError);
          resolve();
        });
      });
    }
    return this.address!;
  }

  /** The bound address, once listening (undefined before). */
  get address(): AddressInfo | undefined {
    const address = this.#http.address();
    return address !== null && typeof address === 'object' ? address : undefined;
  }

  /** `ws://host:port/path` of this server once listening. */
  get url(): string | undefined {
    const a = this.address;
    if (a === undefined) return undefined;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `ws://${host}:${a.port}${this.#ownsHttp ? '/' : this.#o.path}`;
  }

  /** The room with that name, if it has members. */
  room(name: string): Room | undefined {
    return this.#rooms.get(name);
  }

  /** Current counters. */
  stats(): SignalingServerStats {
    let participants = 0;
    for (const room of this.#rooms.values()) participants += room.size;
    return { connections: this.#connections.size, rooms: this.#rooms.size, participants, ...this.#counters };
  }

  /**
   * Drops a participant's socket as a network failure would: the participant stays in its room for
   * the resume grace period. For operations and tests.
   * @returns False when no connection carries that participant.
   */
  dropConnection(participantId: string): boolean {
    for (const [member, conn] of this.#members) {
      if (member.info.id === participantId) {
        conn.ws.terminate();
        return true;
      }
    }
    return false;
  }

  /**
   * Graceful shutdown: every client gets `bye` (`server-shutdown`) and a 1001 close; rooms are
   * dropped without `participant-left` broadcasts; an owned HTTP server stops listening.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#ticker?.stop();
    this.#http.off('upgrade', this.#onUpgrade);
    const closing = [...this.#connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.ws.once('close', () => resolve());
          conn.send({ type: 'bye', reason: 'server-shutdown' });
          conn.ws.close(CLOSE_CODES.goingAway, 'server-shutdown');
          // A peer that never answers the close frame must not hold shutdown.
          this.#o.clock.setTimeout(() => conn.ws.terminate(), 2000);
        }),
    );
    for (const room of this.#rooms.values()) {
      for (const member of room.participants) (member as ParticipantState).graceTimer?.cancel();
      this.#callHook(() => room.hook?.onClose?.());
    }
    this.#rooms.clear();
    this.#members.clear();
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    if (this.#ownsHttp && this.#http.listening) await new Promise<void>((r) => this.#http.close(() => r()));
  }

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (!this.#ownsHttp && new URL(req.url ?? '/', 'http://x').pathname !== this.#o.path) return;
    if (this.#closed) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#wss.emit('connection', ws, req));
  };

  #onConnection(ws: WebSocket, req: IncomingMessage): void {
    const o = this.#o;
    const conn = new Connection(
      ws,
      new TokenBucket(o.clock, o.messagesPerSecond, o.messageBurst),
      req.socket.remoteAddress,
    );
    this.#connections.add(conn);
    conn.joinTimer = o.clock.setTimeout(() => {
      if (conn.participant === undefined)
        conn.error('ERR_SIGNALING', 'join-timeout', 'no join in time', undefined, true);
    }, o.joinTimeoutMs);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#onMessage(conn, data, isBinary));
    ws.on('close', () => this.#onClose(conn));
    ws.on('error', () => {}); // 'close' follows every socket error.
  }

  #onMessage(conn: Connection, data: Buffer, isBinary: boolean): void {
    conn.alive = true;
    this.#counters.messagesReceived++;
    if (!conn.bucket.take()) {
      this.#counters.messagesRateLimited++;
      // One error per run of drops: answering every dropped message would amplify the flood.
      if (conn.rateDrops++ === 0)
        conn.error('ERR_SIGNALING', 'rate-limited', 'too many messages; slow down', undefined);
      if (conn.rateDrops > this.#o.messageBurst * 10)
        conn.error('ERR_SIGNALING', 'rate-limited', 'flood', undefined, true);
      return;
    }
    conn.rateDrops = 0;
    if (isBinary) {
      this.#rejected('binary-frame', conn);
      conn.error('ERR_SIGNALING', 'binary-frame', 'binary frames are not part of the protocol', undefined);
      return;
    }
    const parsed = parseClientMessage(data, this.#o.maxMessageBytes);
    if (!parsed.ok) {
      this.#rejected(parsed.reason, conn);
      conn.error('ERR_SIGNALING', parsed.reason, parsed.message, parsed.ref);
      return;
    }
    this.#dispatch(conn, parsed.message);
  }

  #dispatch(conn: Connection, msg: ClientMessage): void {
    if (msg.type === 'ping') {
      conn.send({ type: 'pong' });
      return;
    }
    if (msg.type === 'join') {
      void handleJoin(this.#join, conn, msg).catch((error) => this.safeEmit('error', error));
      return;
    }
    const member = conn.participant;
    const room = conn.room;
    if (member === undefined || room === undefined) {
      this.#rejected('not-joined', conn);
      conn.error('ERR_SIGNALING', 'not-joined', `${msg.type} before join`, msg.id);
      return;
    }
    handleMemberMessage(this.#ops, conn, member, room, msg);
  }

  #onClose(conn: Connection): void {
    this.#connections.delete(conn);
    conn.joinTimer?.cancel();
    const member = conn.participant;
    const room = conn.room;
    if (member === undefined || room === undefined || this.#closed) return;
    this.#members.delete(member);
    member.send = undefined;
    conn.participant = undefined;
    if (this.#o.resumeGraceMs === 0) {
      this.#remove(room, member, 'closed');
      return;
    }
    member.graceTimer = this.#o.clock.setTimeout(
      () => this.#remove(room, member, 'timeout'),
      this.#o.resumeGraceMs,
    );
  }

  #remove(room: Room, member: ParticipantState, reason: LeaveReason): void {
    member.graceTimer?.cancel();
    const conn = this.#members.get(member);
    if (conn !== undefined) conn.participant = undefined;
    this.#members.delete(member);
    member.send = undefined;
    if (!room.remove(member.info.id)) return;
    room.broadcast({ type: 'participant-left', participantId: member.info.id, reason });
    this.#callHook(() => room.hook?.onLeave?.(member, reason));
    this.safeEmit('leave', room, member, reason);
    if (room.size === 0) {
      this.#rooms.delete(room.id);
      this.#callHook(() => room.hook?.onClose?.());
    }
  }

  #heartbeat(): void {
    for (const conn of this.#connections) {
      if (!conn.alive) {
        this.#counters.heartbeatTimeouts++;
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      if (conn.open) conn.ws.ping();
    }
  }

  #rejected(reason: string, conn: Connection): void {
    this.#counters.messagesRejected++;
    this.safeEmit('rejected', reason, conn.remoteAddress);
  }

  #callHook(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.safeEmit('error', error);
    }
  }
}
