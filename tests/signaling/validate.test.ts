import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/index.js';
import { backoffDelayMs, parseClientMessage, TokenBucket } from '../../src/signaling/index.js';
import { prng } from '../helpers/random.js';

const MAX = 4096;

function reason(text: string): string {
  const r = parseClientMessage(text, MAX);
  return r.ok ? 'ok' : r.reason;
}

describe('parseClientMessage', () => {
  it('accepts every documented message type', () => {
    const good = [
      { type: 'join', room: 'r1', token: 't' },
      { type: 'join', room: 'a.b:c-d_e', resume: 'x', id: 'j1' },
      { type: 'leave' },
      { type: 'ping' },
      { type: 'offer', to: 'p', sdp: 'v=0' },
      { type: 'answer', to: 'p', sdp: 'v=0' },
      { type: 'candidate', to: 'p', candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: 0 } },
      { type: 'candidate', to: 'p', candidate: null },
      { type: 'state', muted: true },
      { type: 'kick', target: 'p' },
    ];
    for (const m of good)
      expect(parseClientMessage(JSON.stringify(m), MAX)).toEqual({ ok: true, message: m });
  });

  it('names the defect of every bad message and never throws', () => {
    expect(reason('')).toBe('malformed-json');
    expect(reason('{"type":')).toBe('malformed-json');
    expect(reason('null')).toBe('invalid-message');
    expect(reason('"join"')).toBe('invalid-message');
    expect(reason('{}')).toBe('invalid-message');
    expect(reason('{"type":"nope"}')).toBe('unknown-type');
    expect(reason('{"type":"join","room":"r"}')).toBe('invalid-message');
    expect(reason('{"type":"join","room":"r","token":"t","extra":1}')).toBe('invalid-message');
    expect(reason(`{"type":"join","room":"${'r'.repeat(129)}","token":"t"}`)).toBe('invalid-message');
    expect(reason('{"type":"offer","to":"","sdp":"x"}')).toBe('invalid-message');
    expect(reason('{"type":"candidate","to":"p","candidate":{"candidate":"c","sdpMLineIndex":-1}}')).toBe(
      'invalid-message',
    );
    expect(reason('{"type":"state"}')).toBe('invalid-message');
    expect(reason(JSON.stringify({ type: 'offer', to: 'p', sdp: 'x'.repeat(MAX) }))).toBe('too-large');
    // Random bytes: always a result, never an exception.
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 64)).map(() => Math.floor(random() * 256));
      expect(parseClientMessage(bytes, MAX).ok).toBe(false);
    }
  });
});

describe('TokenBucket and back-off', () => {
  it('allows a burst then the sustained rate on the injected clock', () => {
    const clock = new VirtualClock();
    const bucket = new TokenBucket(clock, 10, 5);
    let passed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take()) passed++;
    expect(passed).toBe(5);
    clock.advance(1000);
    passed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take()) passed++;
    expect(passed).toBe(5); // Capped at the burst size.
    clock.advance(300);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('grows delays by the factor up to the cap, jitter taking off at most its fraction', () => {
    const b = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5, maxAttempts: 10 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(b, n, () => 0))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelayMs(b, 2, () => 0.999999)).toBeCloseTo(200, 2);
  });
});
