/** Shared fixtures of the signaling tests: a server on 127.0.0.1 driven by a VirtualClock, raw clients. */
import { WebSocket } from 'ws';
import { RealClock, VirtualClock } from '../../src/clock/index.js';
import {
  createRoomToken,
  type RoomTokenClaims,
  type ServerMessage,
  SignalingServer,
  type SignalingServerOptions,
} from '../../src/signaling/index.js';

export const SECRET = 'test-secret-0123456789abcdef';

const real = new RealClock();

/** Waits (real time, polling) until `predicate` holds; fails after `limitMs`. */
export async function until(predicate: () => boolean, what = 'condition', limitMs = 5000): Promise<void> {
  const start = real.now();
  while (!predicate()) {
    if (real.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => real.setTimeout(resolve, 2));
  }
}

/** A started server plus its clock and a token factory. */
export interface Fixture {
  server: SignalingServer;
  clock: VirtualClock;
  url: string;
  token(claims: Partial<RoomTokenClaims>, secret?: string): string;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 with a VirtualClock. */
export async function startServer(options: Partial<SignalingServerOptions> = {}): Promise<Fixture> {
  const clock = new VirtualClock(1_000_000);
  const server = new SignalingServer({ secret: SECRET, clock, ...options });
  await server.listen();
  return {
    server,
    clock,
    url: server.url!,
    token: (claims, secret = SECRET) => createRoomToken(secret, { room: 'r1', name: 'p', ...claims }, clock),
    close: () => server.close(),
  };
}

/** A bare WebSocket speaking the protocol by hand, recording every server message. */
export class RawClient {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  #read = 0;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => this.messages.push(JSON.parse(String(data))));
    this.ws.on('close', (code) => {
      this.closeCode = code;
    });
    this.ws.on('error', () => {});
  }

  async opened(): Promise<this> {
    if (this.ws.readyState !== WebSocket.OPEN) await new Promise((resolve) => this.ws.once('open', resolve));
    return this;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** The next unread message (in order), waiting for it. */
  async next(): Promise<ServerMessage> {
    await until(() => this.messages.length > this.#read, 'a server message');
    return this.messages[this.#read++];
  }

  /** Skips to the next message of `type`. */
  async nextOf<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const msg = await this.next();
      if (msg.type === type) return msg as Extract<ServerMessage, { type: T }>;
    }
  }

  async closed(): Promise<number> {
    await until(() => this.closeCode !== undefined, 'socket close');
    return this.closeCode!;
  }

  /** Round trip through the server: when it returns, the server has handled everything sent before. */
  async sync(): Promise<void> {
    const before = this.messages.filter((m) => m.type === 'pong').length;
    this.send({ type: 'ping' });
    await until(() => this.messages.filter((m) => m.type === 'pong').length > before, 'pong');
  }
}

/** Opens a raw client and joins with `token`; resolves with the `joined` message. */
export async function rawJoin(
  url: string,
  token: string,
  room = 'r1',
): Promise<{ raw: RawClient; joined: Extract<ServerMessage, { type: 'joined' }> }> {
  const raw = await new RawClient(url).opened();
  raw.send({ type: 'join', room, token });
  const msg = await raw.next();
  if (msg.type !== 'joined') throw new Error(`join refused: ${JSON.stringify(msg)}`);
  return { raw, joined: msg };
}
