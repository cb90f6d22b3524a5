import { WebSocket } from 'ws';
import type { ClockTimer } from '../clock/index.js';
import { CLOSE_CODES, type ErrorMessage, type ServerMessage, type SignalingErrorReason } from './protocol.js';
import type { TokenBucket } from './rate-limit.js';
import type { ParticipantState, Room } from './room.js';

/** Error codes an `error` message may carry. */
export type SignalingErrorCode = ErrorMessage['code'];

/** @internal One WebSocket on the server and what it has become. */
export class Connection {
  readonly ws: WebSocket;
  readonly bucket: TokenBucket;
  readonly remoteAddress: string | undefined;
  alive = true;
  joining = false;
  /** Drops in a row by the rate limiter; one error is sent per run. */
  rateDrops = 0;
  participant: ParticipantState | undefined;
  room: Room | undefined;
  joinTimer: ClockTimer | undefined;

  constructor(ws: WebSocket, bucket: TokenBucket, remoteAddress: string | undefined) {
    this.ws = ws;
    this.bucket = bucket;
    this.remoteAddress = remoteAddress;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: ServerMessage): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  /** Sends an `error` message; a fatal one also closes the socket with 1008. */
  error(
    code: SignalingErrorCode,
    reason: SignalingErrorReason,
    message: string,
    ref: string | undefined,
    fatal = false,
  ): void {
    this.send(
      ref === undefined
        ? { type: 'error', code, reason, message, fatal }
        : { type: 'error', code, reason, message, ref, fatal },
    );
    if (fatal && this.open) this.ws.close(CLOSE_CODES.policy, reason);
  }
}
