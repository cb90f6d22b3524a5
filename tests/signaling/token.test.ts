import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { createRoomToken, verifyRoomToken } from '../../src/signaling/index.js';

const SECRET = 'k'.repeat(32);

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isVoxwireError(error)) return `${error.code} ${error.message}`;
    throw error;
  }
  throw new Error('did not throw');
}

describe('room tokens', () => {
  it('round-trips the claims and expires after ttlMs', () => {
    const clock = new VirtualClock();
    const token = createRoomToken(
      SECRET,
      { room: 'r1', name: 'ann', role: 'listener', ttlMs: 60_000 },
      clock,
    );
    expect(token).toMatch(/^vx1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyRoomToken(SECRET, token, clock)).toMatchObject({
      room: 'r1',
      name: 'ann',
      role: 'listener',
    });
    clock.advance(59_000);
    expect(verifyRoomToken(SECRET, token, clock).room).toBe('r1');
    clock.advance(1_000);
    expect(failure(() => verifyRoomToken(SECRET, token, clock))).toMatch(/^ERR_UNAUTHORIZED token-expired/);
  });

  it('rejects forged, altered and malformed tokens', () => {
    const clock = new VirtualClock();
    const token = createRoomToken(SECRET, { room: 'r1', name: 'ann' }, clock);
    const [prefix, payload, sig] = token.split('.');
    const altered = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('"speaker"', '"admin"'),
    ).toString('base64url');
    for (const bad of [
      createRoomToken('z'.repeat(32), { room: 'r1', name: 'ann' }, clock),
      `${prefix}.${altered}.${sig}`,
      `${prefix}.${payload}.${sig.slice(0, -1)}`,
      `vx2.${payload}.${sig}`,
      'not-a-token',
      '',
    ]) {
      expect(failure(() => verifyRoomToken(SECRET, bad, clock))).toMatch(/^ERR_UNAUTHORIZED token-invalid/);
    }
  });

  it('validates secret and claims when creating', () => {
    const clock = new VirtualClock();
    expect(failure(() => createRoomToken('short', { room: 'r', name: 'n' }, clock))).toMatch(
      /ERR_INVALID_OPTION/,
    );
    expect(failure(() => createRoomToken(SECRET, { room: '', name: 'n' }, clock))).toMatch(/claims\.room/);
    expect(
      failure(() => createRoomToken(SECRET, { room: 'r', name: 'n', role: 'god' as 'admin' }, clock)),
    ).toMatch(/claims\.role/);
  });
});
