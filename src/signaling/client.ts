import { WebSocket } from 'ws';
import { type Clock, type ClockTimer, RealClock } from '../clock/index.js';
import { invalidOption, VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { type BackoffOptions, backoffDelayMs, type ResolvedBackoff, resolveBackoff } from './backoff.js';
import { parseServerMessage } from './parse-server.js';
import type {
  ClientMessage,
  IceCandidateInit,
  JoinedMessage,
  LeaveReason,
  ParticipantInfo,
  ServerMessage,
  ServerRelayMessage,
} from './protocol.js';

/** Connection state of a {@link SignalingClient}. */
export type SignalingClientState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed';

/** Options of {@link SignalingClient}. */
export interface SignalingClientOptions {
  /** Server URL, `ws://` or `wss://`. */
  url: string;
  /** Room to join. */
  room: string;
  /** Room token (see `createRoomToken`) or whatever the server's `authorize` hook accepts. */
  token: string;
  /** Time source for back-off and the dead-server watchdog (default `RealClock`). */
  clock?: Clock;
  /** Uniform [0, 1) source for back-off jitter (default `Math.random`). */
  random?: () => number;
  /** Reconnect with back-off after a lost connection (default true); false disables. */
  reconnect?: boolean | BackoffOptions;
}

/** Events of {@link SignalingClient}. */
export interface SignalingClientEvents {
  /** The connection state changed. */
  state: (state: SignalingClientState) => void;
  /** Joined (or re-joined) the room; `resumed`: same id and membership as before the drop. */
  joined: (self: ParticipantInfo, participants: ParticipantInfo[], resumed: boolean) => void;
  /** Another participant arrived. */
  'participant-joined': (participant: ParticipantInfo) => void;
  /** Another participant left for good. */
  'participant-left': (participantId: string, reason: LeaveReason) => void;
  /** Another participant changed its muted/speaking flags. */
  'participant-updated': (participant: ParticipantInfo) => void;
  /** An offer, answer or candidate relayed from another participant (or the server's SFU). */
  signal: (message: ServerRelayMessage) => void;
  /** Lost the connection; the next attempt follows in `delayMs`. */
  reconnecting: (attempt: number, delayMs: number) => void;
  /** An `error` from the server, or a fatal condition (as `VoxwireError` with the server's code). */
  error: (error: VoxwireError & { reason?: string }) => void;
}

/**
 * The Node client of the voxwire signaling protocol: joins a room with a token, tracks presence,
 * sends and receives offers/answers/candidates, reconnects with exponential back-off and jitter,
 * and resumes its session (same participant id, no leave/join seen by others) within the server's
 * grace period.
 * @throws VoxwireError `ERR_INVALID_OPTION` from the constructor on a bad option.
 */
export class SignalingClient extends SafeEventEmitter<SignalingClientEvents> {
  readonly #url: string;
  readonly #room: string;
  readonly #token: string;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #backoff: ResolvedBackoff | undefined;
  readonly #participants = new Map<string, ParticipantInfo>();
  #ws: WebSocket | undefined;
  #state: SignalingClientState = 'idle';
  #self: ParticipantInfo | undefined;
  #resumeToken: string | undefined;
  #attempt = 0;
  #retry: ClockTimer | undefined;
  #watchdog: ClockTimer | undefined;
  #watchdogMs = 0;
  #pending: { resolve: (self: ParticipantInfo) => void; reject: (error: unknown) => void } | undefined;
  /** Server frames this client could not parse (counted, ignored). */
  unparsedMessages = 0;

  /** @param options - See {@link SignalingClientOptions}. */
  constructor(options: SignalingClientOptions) {
    super();
    if (!/^wss?:\/\//.test(options.url)) invalidOption('url', options.url, 'a ws:// or wss:// URL');
    if (typeof options.room !== 'string' || options.room.length === 0)
      invalidOption('room', options.room, 'a name');
    if (typeof options.token !== 'string') invalidOption('token', options.token, 'a string');
    this.#url = options.url;
    this.#room = options.room;
    this.#token = options.token;
    this.#clock = options.clock ?? new RealClock();
    this.#random = options.random ?? Math.random;
    const reconnect = options.reconnect ?? true;
    this.#backoff = reconnect === false ? undefined : resolveBackoff(reconnect === true ? {} : reconnect);
  }

  /** Current state. */
  get state(): SignalingClientState {
    return this.#state;
  }

  /** This participant as the room sees it, once joined. */
  get self(): ParticipantInfo | undefined {
    return this.#self;
  }

  /** The other participants, by id. */
  get participants(): ReadonlyMap<string, ParticipantInfo> {
    return this.#participants;
  }

  /**
   * Connects and joins.
   * @returns This participant once joined.
   * @throws VoxwireError `ERR_UNAUTHORIZED` / `ERR_ROOM_FULL` when the server refuses the join,
   *   `ERR_SIGNALING` when the connection fails and reconnecting is off, `ERR_INVALID_STATE` when
   *   already started or closed.
   */
  connect(): Promise<ParticipantInfo> {
    if (this.#state !== 'idle')
      return Promise.reject(new VoxwireError('ERR_INVALID_STATE', `connect() in ${this.#state}`));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#open();
    });
  }

  /** Sends an SDP offer to a participant. Returns false when not joined (nothing is sent). */
  sendOffer(to: string, sdp: string): boolean {
    return this.#send({ type: 'offer', to, sdp });
  }

  /** Sends an SDP answer to a participant. Returns false when not joined. */
  sendAnswer(to: string, sdp: string): boolean {
    return this.#send({ type: 'answer', to, sdp });
  }

  /** Sends an ICE candidate (`null`: end of candidates). Returns false when not joined. */
  sendCandidate(to: string, candidate: IceCandidateInit | null): boolean {
    return this.#send({ type: 'candidate', to, candidate });
  }

  /** Publishes this participant's muted/speaking flags. Returns false when not joined. */
  setState(flags: { muted?: boolean; speaking?: boolean }): boolean {
    return this.#send({ type: 'state', ...flags });
  }

  /** Asks the server to remove a participant (admins only). Returns false when not joined. */
  kick(participantId: string): boolean {
    return this.#send({ type: 'kick', target: participantId });
  }

  /** Leaves the room (others see `left`) and closes; no reconnect follows. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const ws = this.#ws;
    if (ws !== undefined && this.#state === 'joined') this.#sendRaw(ws, { type: 'leave' });
    const closed =
      ws === undefined || ws.readyState === WebSocket.CLOSED
        ? undefined
        : new Promise<void>((resolve) => ws.once('close', () => resolve()));
    this.#finish(new VoxwireError('ERR_INVALID_STATE', 'client closed before joining'));
    if (closed === undefined) return;
    if (ws!.readyState === WebSocket.CONNECTING) ws!.terminate();
    this.#clock.setTimeout(() => ws!.terminate(), 2000);
    await closed;
  }

  #open(): void {
    this.#setState(this.#self === undefined ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.on('open', () => {
      this.#kick();
      this.#sendRaw(ws, { type: 'join', room: this.#room, token: this.#token, resume: this.#resumeToken });
    });
    ws.on('ping', () => this.#kick());
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.#kick();
      const msg = isBinary ? undefined : parseServerMessage(data.toString('utf8'));
      if (msg === undefined) this.unparsedMessages++;
      else this.#onMessage(msg);
    });
    ws.on('error', () => {}); // 'close' follows.
    ws.on('close', () => this.#onClose(ws));
  }

  #onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'joined':
        this.#onJoined(msg);
        return;
      case 'participant-joined':
      case 'participant-updated':
        if (msg.participant.id === this.#self?.id) {
          this.#self = msg.participant;
          return;
        }
        this.#participants.set(msg.participant.id, msg.participant);
        this.safeEmit(msg.type, msg.participant);
        return;
      case 'participant-left':
        if (this.#participants.delete(msg.participantId))
          this.safeEmit('participant-left', msg.participantId, msg.reason);
        return;
      case 'offer':
      case 'answer':
      case 'candidate':
        this.safeEmit('signal', msg);
        return;
      case 'bye':
        // The server ended this session (shutdown, kick): a resume would only be refused.
        if (msg.reason === 'kicked') this.#finish(new VoxwireError('ERR_SIGNALING', 'kicked from the room'));
        this.#resumeToken = undefined;
        return;
      case 'error': {
        const error = Object.assign(new VoxwireError(msg.code, `${msg.reason}: ${msg.message}`), {
          reason: msg.reason,
        });
        if (msg.fatal || msg.reason === 'resume-failed') {
          if (msg.reason === 'resume-failed') this.#resumeToken = undefined;
          if (msg.fatal) this.#finish(error);
        }
        this.safeEmit('error', error);
        return;
      }
      case 'pong':
        return;
    }
  }

  #onJoined(msg: JoinedMessage): void {
    const before = new Map(this.#participants);
    const wasJoined = this.#self !== undefined;
    this.#self = msg.self;
    this.#resumeToken = msg.resumeToken;
    this.#attempt = 0;
    this.#watchdogMs = msg.heartbeatIntervalMs * 2 + 1000;
    this.#kick();
    this.#participants.clear();
    for (const p of msg.participants) this.#participants.set(p.id, p);
    this.#setState('joined');
    this.safeEmit('joined', msg.self, msg.participants, msg.resumed);
    if (wasJoined) {
      // Reconcile presence missed while away, so listeners see a consistent stream of events.
      for (const id of before.keys())
        if (!this.#participants.has(id)) this.safeEmit('participant-left', id, 'closed');
      for (const p of msg.participants) {
        const old = before.get(p.id);
        if (old === undefined) this.safeEmit('participant-joined', p);
        else if (old.muted !== p.muted || old.speaking !== p.speaking)
          this.safeEmit('participant-updated', p);
      }
    }
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(msg.self);
  }

  #onClose(ws: WebSocket): void {
    if (ws !== this.#ws) return;
    this.#watchdog?.cancel();
    this.#ws = undefined;
    if (this.#state === 'closed') return;
    const backoff = this.#backoff;
    if (backoff === undefined || this.#attempt >= backoff.maxAttempts) {
      this.#finish(new VoxwireError('ERR_SIGNALING', `connection to ${this.#url} lost`));
      return;
    }
    const delayMs = backoffDelayMs(backoff, this.#attempt, this.#random);
    this.#attempt++;
    this.#setState('reconnecting');
    this.safeEmit('reconnecting', this.#attempt, delayMs);
    this.#retry = this.#clock.setTimeout(() => {
      if (this.#state !== 'closed') this.#open();
    }, delayMs);
  }

  /** Re-arms the dead-server watchdog: the server pings every heartbeat interval. */
  #kick(): void {
    if (this.#watchdogMs === 0) return;
    this.#watchdog?.cancel();
    const ws = this.#ws;
    this.#watchdog = this.#clock.setTimeout(() => ws?.terminate(), this.#watchdogMs);
  }

  #finish(error: unknown): void {
    this.#retry?.cancel();
    this.#watchdog?.cancel();
    this.#setState('closed');
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
    if (this.#ws !== undefined && this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000);
  }

  #send(msg: ClientMessage): boolean {
    if (this.#state !== 'joined' || this.#ws === undefined) return false;
    return this.#sendRaw(this.#ws, msg);
  }

  #sendRaw(ws: WebSocket, msg: ClientMessage): boolean {
    if (ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  #setState(state: SignalingClientState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.safeEmit('state', state);
  }
}
