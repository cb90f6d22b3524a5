import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_PEER_ID, type ServerRelayMessage, SignalingClient } from '../../src/signaling/index.js';
import { type Fixture, startServer, until } from './harness.js';

let fx: Fixture | undefined;
const clients: SignalingClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fx?.close();
  fx = undefined;
});

function client(f: Fixture, name: string): SignalingClient {
  const c = new SignalingClient({
    url: f.url,
    room: 'r1',
    token: f.token({ name }),
    clock: f.clock,
    reconnect: false,
  });
  clients.push(c);
  return c;
}

describe('SignalingServer rooms', () => {
  it('joins three clients with presence and relays offer, answer and candidates by id', async () => {
    fx = await startServer();
    const a = client(fx, 'alice');
    const b = client(fx, 'bob');
    const c = client(fx, 'carol');
    const selfA = await a.connect();
    const selfB = await b.connect();
    expect([...b.participants.values()].map((p) => p.name)).toEqual(['alice']);
    const selfC = await c.connect();
    expect([...c.participants.values()].map((p) => p.name).sort()).toEqual(['alice', 'bob']);
    await until(() => a.participants.size === 2 && b.participants.size === 2, 'presence');
    expect(a.participants.get(selfC.id)?.name).toBe('carol');
    expect(new Set([selfA.id, selfB.id, selfC.id]).size).toBe(3);
    expect(fx.server.room('r1')?.size).toBe(3);

    const atB: ServerRelayMessage[] = [];
    const atA: ServerRelayMessage[] = [];
    const atC: ServerRelayMessage[] = [];
    b.on('signal', (m) => atB.push(m));
    a.on('signal', (m) => atA.push(m));
    c.on('signal', (m) => atC.push(m));
    expect(a.sendOffer(selfB.id, 'v=0 offer-from-a')).toBe(true);
    await until(() => atB.length === 1, 'offer at b');
    expect(atB[0]).toEqual({ type: 'offer', from: selfA.id, sdp: 'v=0 offer-from-a' });
    b.sendAnswer(selfA.id, 'v=0 answer-from-b');
    const cand = {
      candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    c.sendCandidate(selfA.id, cand);
    c.sendCandidate(selfA.id, null);
    await until(() => atA.length === 3, 'answer and candidates at a');
    expect(atA.find((m) => m.type === 'answer')).toEqual({
      type: 'answer',
      from: selfB.id,
      sdp: 'v=0 answer-from-b',
    });
    expect(atA.filter((m) => m.type === 'candidate')).toEqual([
      { type: 'candidate', from: selfC.id, candidate: cand },
      { type: 'candidate', from: selfC.id, candidate: null },
    ]);
    expect(atC).toEqual([]); // Relays go to the addressee only.

    c.setState({ muted: true, speaking: false });
    await until(
      () => a.participants.get(selfC.id)?.muted === true && b.participants.get(selfC.id)?.muted === true,
    );

    const left: [string, string][] = [];
    b.on('participant-left', (id, reason) => left.push([id, reason]));
    await a.close();
    await until(() => left.length === 1, 'leave at b');
    expect(left[0]).toEqual([selfA.id, 'left']);
    await until(() => c.participants.size === 1, 'leave at c');
    expect(fx.server.room('r1')?.size).toBe(2);
  });

  it('attaches to an existing http.Server on its path, leaving other upgrades alone', async () => {
    const { createServer } = await import('node:http');
    const http = createServer((_req, res) => res.end('page'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { VirtualClock } = await import('../../src/clock/index.js');
    const { createRoomToken, SignalingServer } = await import('../../src/signaling/index.js');
    const clock = new VirtualClock();
    const server = new SignalingServer({ server: http, secret: 'x'.repeat(16), clock });
    await server.listen();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/signaling$/);
    const token = createRoomToken('x'.repeat(16), { room: 'r1', name: 'n' }, clock);
    const c = new SignalingClient({ url: server.url!, room: 'r1', token, clock, reconnect: false });
    const self = await c.connect();
    expect(self.name).toBe('n');
    await c.close();
    await server.close();
    expect(http.listening).toBe(true); // The page server is the caller's to stop.
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it('routes messages for SERVER_PEER_ID to the room hook, which can answer (the SFU seam)', async () => {
    const events: string[] = [];
    fx = await startServer({
      createRoomHook: (room) => ({
        onJoin: (p) => events.push(`join ${p.info.name}`),
        onLeave: (p, reason) => events.push(`leave ${p.info.name} ${reason}`),
        onUpdate: (p) => events.push(`update ${p.info.name} muted=${p.info.muted}`),
        onSignal: (from, msg) => {
          events.push(`signal ${msg.type} from ${from.info.name}`);
          if (msg.type === 'offer')
            room.sendTo(from.info.id, { type: 'answer', from: SERVER_PEER_ID, sdp: 'sfu-answer' });
        },
        onClose: () => events.push('close'),
      }),
    });
    const a = client(fx, 'alice');
    await a.connect();
    const answers: ServerRelayMessage[] = [];
    a.on('signal', (m) => answers.push(m));
    a.sendOffer(SERVER_PEER_ID, 'offer-to-sfu');
    a.setState({ muted: true });
    await until(() => answers.length === 1, 'sfu answer');
    expect(answers[0]).toEqual({ type: 'answer', from: SERVER_PEER_ID, sdp: 'sfu-answer' });
    await a.close();
    await until(() => events.includes('close'), 'room close');
    expect(events).toEqual([
      'join alice',
      'signal offer from alice',
      'update alice muted=true',
      'leave alice left',
      'close',
    ]);
  });

  it('lets an admin kick, and refuses a listener flagging itself speaking', async () => {
    fx = await startServer();
    const f = fx;
    const mk = (name: string, role: 'admin' | 'listener') => {
      const c = new SignalingClient({
        url: f.url,
        room: 'r1',
        token: f.token({ name, role }),
        clock: f.clock,
        reconnect: false,
      });
      clients.push(c);
      return c;
    };
    const admin = mk('boss', 'admin');
    const listener = mk('ear', 'listener');
    await admin.connect();
    const ear = await listener.connect();
    const errors: string[] = [];
    listener.on('error', (e) => errors.push(`${e.code} ${e.reason}`));
    listener.setState({ speaking: true });
    await until(() => errors.length === 1, 'role error');
    expect(errors[0]).toBe('ERR_UNAUTHORIZED role-forbidden');
    const left: string[] = [];
    admin.on('participant-left', (id, reason) => left.push(`${id} ${reason}`));
    admin.kick(ear.id);
    await until(() => left.length === 1 && listener.state === 'closed', 'kick');
    expect(left[0]).toBe(`${ear.id} kicked`);
  });
});
