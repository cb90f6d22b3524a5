import { afterEach, describe, expect, it } from 'vitest';
import {
  type ParticipantInfo,
  SignalingClient,
  type SignalingClientState,
} from '../../src/signaling/index.js';
import { prng } from '../helpers/random.js';
import { type Fixture, type RawClient, rawJoin, startServer, until } from './harness.js';

let fx: Fixture | undefined;
const clients: SignalingClient[] = [];
const raws: RawClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await fx?.close();
  fx = undefined;
});

function client(f: Fixture, name: string, seed: number): SignalingClient {
  const c = new SignalingClient({
    url: f.url,
    room: 'r1',
    token: f.token({ name }),
    clock: f.clock,
    random: prng(seed),
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 },
  });
  clients.push(c);
  return c;
}

describe('SignalingServer heartbeats', () => {
  it('drops a connection that stops answering pings, and its member after the grace period', async () => {
    fx = await startServer({ heartbeatIntervalMs: 1000, resumeGraceMs: 5000 });
    const { raw: good } = await rawJoin(fx.url, fx.token({ name: 'good' }));
    const { raw: silent, joined } = await rawJoin(fx.url, fx.token({ name: 'silent' }));
    raws.push(good, silent);
    await good.nextOf('participant-joined');
    silent.ws.pause(); // Its socket stops reading, so no pong goes back.

    let pings = 0;
    good.ws.on('ping', () => pings++);
    fx.clock.advance(1000); // Ping #1 to both.
    await until(() => pings === 1, 'ping at the good client');
    await good.sync(); // The good client's pong is in before its ping message.
    fx.clock.advance(1000); // The silent one missed its pong: terminated; the good one pinged again.
    await until(() => fx!.server.stats().connections === 1, 'silent connection dropped');
    expect(fx.server.stats().heartbeatTimeouts).toBe(1);
    await until(() => pings === 2, 'second ping');
    await good.sync();
    // Still a member within the grace period, then gone with reason timeout.
    expect(fx.server.room('r1')?.get(joined.self.id)?.connected).toBe(false);
    // Step through the grace period a heartbeat at a time, so the good client keeps answering.
    for (let beat = 3; beat <= 7; beat++) {
      fx.clock.advance(1000);
      await until(() => pings === beat, `ping ${beat}`);
      await good.sync();
    }
    const left = await good.nextOf('participant-left');
    expect(left).toEqual({ type: 'participant-left', participantId: joined.self.id, reason: 'timeout' });
    expect(good.closeCode).toBeUndefined();
  });

  it('closes a connection that never joins', async () => {
    fx = await startServer({ joinTimeoutMs: 3000 });
    const { RawClient } = await import('./harness.js');
    const idle = await new RawClient(fx.url).opened();
    raws.push(idle);
    fx.clock.advance(3000);
    expect(await idle.nextOf('error')).toMatchObject({ reason: 'join-timeout', fatal: true });
    expect(await idle.closed()).toBe(1008);
  });
});

describe('SignalingClient reconnect and resume', () => {
  it('resumes within the grace period: same id, no leave/join seen by others', async () => {
    fx = await startServer({ resumeGraceMs: 10_000 });
    const a = client(fx, 'alice', 1);
    const b = client(fx, 'bob', 2);
    const selfA = await a.connect();
    const selfB = await b.connect();
    await until(() => a.participants.size === 1, 'presence');
    const seenByB: string[] = [];
    b.on('participant-left', (id) => seenByB.push(`left ${id}`));
    b.on('participant-joined', (p) => seenByB.push(`joined ${p.id}`));
    const states: SignalingClientState[] = [];
    a.on('state', (s) => states.push(s));
    const delays: number[] = [];
    a.on('reconnecting', (_attempt, delayMs) => delays.push(delayMs));
    const rejoined = new Promise<[ParticipantInfo, boolean]>((resolve) =>
      a.once('joined', (self, _others, resumed) => resolve([self, resumed])),
    );

    expect(fx.server.dropConnection(selfA.id)).toBe(true);
    await until(() => delays.length === 1, 'reconnect scheduled');
    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(a.sendOffer(selfB.id, 'lost')).toBe(false); // Not joined: nothing sent.
    fx.clock.advance(delays[0]);
    const [self, resumed] = await rejoined;
    expect(resumed).toBe(true);
    expect(self.id).toBe(selfA.id);
    expect(states).toEqual(['reconnecting', 'joined']);

    const offers: string[] = [];
    b.on('signal', (m) => offers.push(`${m.type} ${m.type === 'candidate' ? '' : m.sdp} from ${m.from}`));
    a.sendOffer(selfB.id, 'after-resume');
    await until(() => offers.length === 1, 'offer after resume');
    expect(offers[0]).toBe(`offer after-resume from ${selfA.id}`);
    expect(seenByB).toEqual([]);
    expect(fx.server.room('r1')?.size).toBe(2);
  });

  it('rejoins as a new participant after the grace period, with back-off growing between failures', async () => {
    fx = await startServer({ resumeGraceMs: 1000 });
    const a = client(fx, 'alice', 3);
    const b = client(fx, 'bob', 4);
    const selfA = await a.connect();
    await b.connect();
    const seenByB: string[] = [];
    b.on('participant-left', (id, reason) => seenByB.push(`left ${id} ${reason}`));
    b.on('participant-joined', (p) => seenByB.push(`joined ${p.name}`));
    const delays: number[] = [];
    a.on('reconnecting', (_attempt, delayMs) => delays.push(delayMs));
    fx.server.dropConnection(selfA.id);
    await until(() => delays.length === 1, 'reconnect scheduled');
    fx.clock.advance(1000); // Grace over before the retry lands.
    const rejoined = new Promise<[ParticipantInfo, boolean]>((resolve) =>
      a.once('joined', (self, _others, resumed) => resolve([self, resumed])),
    );
    fx.clock.advance(delays[0]);
    const [self, resumed] = await rejoined;
    expect(resumed).toBe(false);
    expect(self.id).not.toBe(selfA.id);
    await until(() => seenByB.length === 2, 'leave and join at b');
    expect(seenByB).toEqual([`left ${selfA.id} timeout`, 'joined alice']);
  });

  it('backs off exponentially with jitter while the server is away', async () => {
    fx = await startServer();
    const a = client(fx, 'alice', 5);
    await a.connect();
    const delays: number[] = [];
    a.on('reconnecting', (_attempt, delayMs) => delays.push(delayMs));
    await fx.server.close(); // Graceful: a bye, then the port is gone.
    for (let attempt = 0; attempt < 5; attempt++) {
      await until(() => delays.length === attempt + 1, `attempt ${attempt}`);
      fx.clock.advance(delays[attempt]);
    }
    const bases = [100, 200, 400, 800, 1000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(bases[i] / 2);
      expect(d).toBeLessThanOrEqual(bases[i]);
    });
    expect(new Set(delays.map((d, i) => d / bases[i])).size).toBe(5); // Jittered, not in step.
    expect(a.state).toBe('reconnecting');
  });

  it('takes a session over from a half-open connection that still holds it', async () => {
    fx = await startServer();
    const { raw: first, joined } = await rawJoin(fx.url, fx.token({ name: 'alice' }));
    const { raw: watcher } = await rawJoin(fx.url, fx.token({ name: 'bob' }));
    const { RawClient } = await import('./harness.js');
    const second = await new RawClient(fx.url).opened();
    raws.push(first, watcher, second);
    second.send({ type: 'join', room: 'r1', resume: joined.resumeToken });
    const again = await second.nextOf('joined');
    expect(again).toMatchObject({ resumed: true, self: { id: joined.self.id, name: 'alice' } });
    expect(again.resumeToken).not.toBe(joined.resumeToken); // Rotated: each works once.
    expect(await first.closed()).toBe(1006);
    await watcher.sync();
    expect(watcher.messages.filter((m) => m.type === 'participant-left')).toEqual([]);
    // The old resume token is spent.
    const third = await new RawClient(fx.url).opened();
    raws.push(third);
    third.send({ type: 'join', room: 'r1', resume: joined.resumeToken });
    expect(await third.nextOf('error')).toMatchObject({ code: 'ERR_UNAUTHORIZED', reason: 'resume-failed' });
  });

  it('drops a connection on which the server went silent, then reconnects', async () => {
    const { WebSocketServer } = await import('ws');
    const { VirtualClock } = await import('../../src/clock/index.js');
    // A fake server that admits and then never pings: a dead peer behind a live TCP connection.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    let connections = 0;
    wss.on('connection', (ws) => {
      connections++;
      ws.on('message', () => {
        const self = { id: 'p1', name: 'n', role: 'speaker', muted: false, speaking: false };
        ws.send(
          JSON.stringify({
            type: 'joined',
            protocol: 1,
            room: 'r1',
            self,
            participants: [],
            resumeToken: 'rt',
            resumed: connections > 1,
            heartbeatIntervalMs: 1000,
            resumeGraceMs: 5000,
          }),
        );
      });
    });
    const port = (wss.address() as { port: number }).port;
    const clock = new VirtualClock();
    const c = new SignalingClient({
      url: `ws://127.0.0.1:${port}`,
      room: 'r1',
      token: 't',
      clock,
      random: prng(9),
      reconnect: { initialDelayMs: 10, jitter: 0 },
    });
    clients.push(c);
    await c.connect();
    const delays: number[] = [];
    c.on('reconnecting', (_n, delayMs) => delays.push(delayMs));
    clock.advance(2999); // 2 × interval + 1 s without a ping is the limit.
    expect(delays).toEqual([]);
    clock.advance(1);
    await until(() => delays.length === 1, 'watchdog drop');
    clock.advance(10);
    await until(() => connections === 2 && c.state === 'joined', 'reconnected');
    await c.close();
    await new Promise((resolve) => wss.close(resolve));
  });
});
