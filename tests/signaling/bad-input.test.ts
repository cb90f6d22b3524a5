import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/signaling/index.js';
import { type Fixture, RawClient, rawJoin, startServer, until } from './harness.js';

type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

let fx: Fixture;
let alice: RawClient;
let bob: RawClient;
let bobId: string;
let aliceId: string;

// Two well-behaved members watch every abuse: after each, they must have seen nothing and still talk.
beforeEach(async () => {
  fx = await startServer({ maxMessageBytes: 4096, roomCapacity: 3, messagesPerSecond: 20, messageBurst: 30 });
  const a = await rawJoin(fx.url, fx.token({ name: 'alice' }));
  alice = a.raw;
  aliceId = a.joined.self.id;
  const b = await rawJoin(fx.url, fx.token({ name: 'bob' }));
  bob = b.raw;
  bobId = b.joined.self.id;
  await alice.nextOf('participant-joined');
});

afterEach(async () => {
  // Unaffected: nothing new arrived at alice or bob, and they still relay to each other.
  const aliceSeen = alice.messages.length;
  const bobSeen = bob.messages.length;
  alice.send({ type: 'offer', to: bobId, sdp: 'still-working' });
  expect(await bob.nextOf('offer')).toEqual({ type: 'offer', from: aliceId, sdp: 'still-working' });
  expect(bob.messages.length).toBe(bobSeen + 1);
  expect(alice.messages.length).toBe(aliceSeen);
  alice.ws.terminate();
  bob.ws.terminate();
  await fx.close();
});

async function answerTo(raw: RawClient, payload: unknown): Promise<ErrorMessage> {
  raw.send(payload);
  return raw.nextOf('error');
}

async function stranger(): Promise<RawClient> {
  return new RawClient(fx.url).opened();
}

describe('SignalingServer bad input', () => {
  it('answers malformed JSON, oversize, unknown type and schema errors without closing', async () => {
    const s = await stranger();
    expect(await answerTo(s, '{"type": "join", ')).toMatchObject({
      code: 'ERR_SIGNALING',
      reason: 'malformed-json',
    });
    const big = JSON.stringify({ type: 'ping', pad: 'x'.repeat(5000) });
    expect(await answerTo(s, big)).toMatchObject({
      code: 'ERR_SIGNALING',
      reason: 'too-large',
      fatal: false,
    });
    expect(await answerTo(s, { type: 'teleport', id: 'q7' })).toMatchObject({
      code: 'ERR_SIGNALING',
      reason: 'unknown-type',
      ref: 'q7',
    });
    expect(await answerTo(s, [1, 2])).toMatchObject({ reason: 'invalid-message' });
    const bad = await answerTo(s, { type: 'join', room: 'r 1', token: 't' });
    expect(bad).toMatchObject({ reason: 'invalid-message' });
    expect(bad.message).toMatch(/room/);
    expect(await answerTo(s, { type: 'state', muted: 'yes' })).toMatchObject({ reason: 'invalid-message' });
    expect(await answerTo(s, { type: 'offer', to: bobId, sdp: 'x' })).toMatchObject({ reason: 'not-joined' });
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await s.nextOf('error')).toMatchObject({ reason: 'binary-frame' });
    await s.sync(); // Still open and served.
    expect(s.closeCode).toBeUndefined();
    expect(fx.server.stats().messagesRejected).toBe(8);
  });

  it('closes the socket beyond the hard frame limit (4x maxMessageBytes)', async () => {
    const s = await stranger();
    s.send('x'.repeat(4096 * 4 + 1));
    expect(await s.closed()).toBe(1009);
  });

  it('refuses a forged token, an expired token and a token for another room (fatal, 1008)', async () => {
    const forged = await stranger();
    const e1 = await answerTo(forged, {
      type: 'join',
      room: 'r1',
      token: fx.token({}, 'another-secret-0123456789'),
    });
    expect(e1).toMatchObject({ code: 'ERR_UNAUTHORIZED', reason: 'token-invalid', fatal: true });
    expect(await forged.closed()).toBe(1008);

    const garbage = await stranger();
    expect(await answerTo(garbage, { type: 'join', room: 'r1', token: 'vx1.e30.AAAA' })).toMatchObject({
      reason: 'token-invalid',
    });

    const expiredToken = fx.token({ name: 'late', ttlMs: 1000 });
    fx.clock.advance(2000);
    const late = await stranger();
    const e2 = await answerTo(late, { type: 'join', room: 'r1', token: expiredToken });
    expect(e2).toMatchObject({ code: 'ERR_UNAUTHORIZED', reason: 'token-expired', fatal: true });
    expect(await late.closed()).toBe(1008);

    const lost = await stranger();
    const e3 = await answerTo(lost, { type: 'join', room: 'r1', token: fx.token({ room: 'r2' }) });
    expect(e3).toMatchObject({ code: 'ERR_UNAUTHORIZED', reason: 'wrong-room' });
    expect(fx.server.room('r1')?.size).toBe(2);
    expect(fx.server.room('r2')).toBeUndefined();
  });

  it('rate-limits a flood with one error, then serves again after the bucket refills', async () => {
    const { raw: flooder } = await rawJoin(fx.url, fx.token({ name: 'flood' }));
    await alice.nextOf('participant-joined');
    await bob.nextOf('participant-joined');
    for (let i = 0; i < 100; i++) flooder.send({ type: 'ping' });
    flooder.send({ type: 'offer', to: bobId, sdp: 'dropped' });
    // Burst of 30, one already spent on join: 29 pongs, then one error for the whole run of drops.
    await until(() => fx.server.stats().messagesRateLimited === 100 + 1 - 29, 'flood handled');
    const before = flooder.messages.length;
    fx.clock.advance(1000); // 20 tokens back.
    await flooder.sync();
    const pongs = flooder.messages.filter((m) => m.type === 'pong').length;
    const errors = flooder.messages.filter((m): m is ErrorMessage => m.type === 'error');
    expect(pongs).toBe(29 + 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_SIGNALING', reason: 'rate-limited', fatal: false });
    expect(before).toBeGreaterThan(0);
    expect(fx.server.stats().messagesRateLimited).toBe(100 + 1 - 29);
    expect(bob.messages.some((m) => m.type === 'offer')).toBe(false);
    flooder.send({ type: 'leave' });
    await alice.nextOf('participant-left');
    await bob.nextOf('participant-left');
  });

  it('refuses a join beyond room capacity with ERR_ROOM_FULL', async () => {
    const { raw: carol } = await rawJoin(fx.url, fx.token({ name: 'carol' }));
    await alice.nextOf('participant-joined');
    await bob.nextOf('participant-joined');
    const dave = await stranger();
    const e = await answerTo(dave, { type: 'join', room: 'r1', token: fx.token({ name: 'dave' }) });
    expect(e).toMatchObject({ code: 'ERR_ROOM_FULL', reason: 'room-full', fatal: true });
    expect(await dave.closed()).toBe(1008);
    carol.send({ type: 'leave' });
    await alice.nextOf('participant-left');
    await bob.nextOf('participant-left');
  });

  it('refuses relays to unknown participants, listener speaking and non-admin kicks', async () => {
    expect(await answerTo(alice, { type: 'offer', to: 'nobody', sdp: 'x', id: 'o1' })).toMatchObject({
      reason: 'unknown-participant',
      ref: 'o1',
    });
    expect(await answerTo(alice, { type: 'answer', to: aliceId, sdp: 'x' })).toMatchObject({
      reason: 'unknown-participant',
    });
    expect(await answerTo(alice, { type: 'kick', target: bobId })).toMatchObject({
      code: 'ERR_UNAUTHORIZED',
      reason: 'role-forbidden',
    });
    expect(await answerTo(alice, { type: 'join', room: 'r1', token: fx.token({}) })).toMatchObject({
      reason: 'already-joined',
    });
  });
});
