import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/transport/network-emulator/random.js';
import { SourceState } from '../../../src/transport/rtp/source-state.js';

/** Feeds sequence numbers with a 20 ms / 160-unit cadence and returns the classifications. */
function feed(state: SourceState, seqs: number[], startMs = 0): string[] {
  return seqs.map((seq, i) => state.update(seq & 0xffff, (seq * 160) >>> 0, startMs + i * 20));
}

describe('SourceState sequence validation (RFC 3550 A.1)', () => {
  it('holds a new source on probation for MIN_SEQUENTIAL packets', () => {
    const s = new SourceState(1, 8000);
    expect(feed(s, [10])).toEqual(['probation']);
    expect(s.valid).toBe(false);
    expect(s.packetsExpected).toBe(0);
    expect(feed(s, [11])).toEqual(['valid']);
    expect(s.valid).toBe(true);
    expect(s.packetsReceived).toBe(1);
    expect(s.packetsExpected).toBe(1);
    expect(s.packetsLost).toBe(0);
  });

  it('restarts probation when the first packets are not in sequence', () => {
    const s = new SourceState(1, 8000);
    expect(feed(s, [10, 20, 30, 31, 32])).toEqual(['probation', 'probation', 'probation', 'valid', 'valid']);
    expect(s.packetsReceived).toBe(2);
    expect(s.packetsLost).toBe(0);
  });

  it('passes probation across the 65535 → 0 step', () => {
    const s = new SourceState(1, 8000);
    expect(feed(s, [65535, 65536])).toEqual(['probation', 'valid']);
    expect(s.extendedHighestSequence).toBe(0);
  });

  it('counts sequence cycles across wrap-around', () => {
    const s = new SourceState(1, 8000);
    const seqs = Array.from({ length: 200 }, (_, i) => 65400 + i);
    feed(s, seqs);
    // The first packet was probation; 199 counted, max = 65599 → cycles 1, seq 63.
    expect(s.extendedHighestSequence).toBe(65536 + 63);
    expect(s.packetsReceived).toBe(199);
    expect(s.packetsLost).toBe(0);
    // Three wraps.
    const t = new SourceState(2, 8000);
    feed(
      t,
      Array.from({ length: 3 * 65536 + 10 }, (_, i) => i + 5),
    );
    expect(t.extendedHighestSequence).toBe(3 * 65536 + 14);
    expect(t.packetsLost).toBe(0);
  });

  it('counts gaps below MAX_DROPOUT as loss', () => {
    const s = new SourceState(1, 8000);
    feed(s, [100, 101, 2000]);
    expect(s.packetsExpected).toBe(1900);
    expect(s.packetsReceived).toBe(2);
    expect(s.packetsLost).toBe(1898);
  });

  it('counts reordered packets without moving the highest sequence', () => {
    const s = new SourceState(1, 8000);
    expect(feed(s, [1, 2, 3, 5, 4, 6])).toEqual(['probation', 'valid', 'valid', 'valid', 'valid', 'valid']);
    expect(s.extendedHighestSequence).toBe(6);
    expect(s.packetsLost).toBe(0);
    // A late packet from before a wrap does not add a cycle.
    const w = new SourceState(2, 8000);
    feed(w, [65534, 65535, 0, 1, 65533 + 65536]);
    expect(w.extendedHighestSequence).toBe(65536 + 1);
  });

  it('counts duplicates as received, so loss goes negative (RFC A.3)', () => {
    const s = new SourceState(1, 8000);
    feed(s, [1, 2, 3, 3, 4, 4]);
    expect(s.packetsReceived).toBe(5);
    expect(s.packetsExpected).toBe(3);
    expect(s.packetsLost).toBe(-2);
  });

  it('ignores one very large jump and restarts after two sequential packets (bad_seq)', () => {
    const s = new SourceState(1, 8000);
    feed(s, [100, 101, 102]);
    expect(s.update(40000, 0, 100)).toBe('jump');
    expect(s.update(50000, 0, 120)).toBe('jump');
    expect(s.packetsReceived).toBe(2);
    expect(s.extendedHighestSequence).toBe(102);
    expect(s.update(50001, 0, 140)).toBe('valid');
    // init_seq: a fresh count from the restart packet.
    expect(s.packetsReceived).toBe(1);
    expect(s.packetsExpected).toBe(1);
    expect(s.update(50002, 160, 160)).toBe('valid');
    expect(s.packetsLost).toBe(0);
    expect(s.extendedHighestSequence).toBe(50002);
  });

  it('treats a backward step beyond MAX_MISORDER as a jump', () => {
    const s = new SourceState(1, 8000);
    feed(s, [1000, 1001]);
    expect(s.update(1001 - 101, 0, 50)).toBe('jump');
    expect(s.update(1001 - 100, 0, 60)).toBe('valid');
  });

  it('clamps cumulative loss to signed 24 bits', () => {
    const s = new SourceState(1, 8000);
    let seq = 0;
    feed(s, [0, 1]);
    seq = 1;
    for (let i = 0; i < 3000; i++) {
      seq = (seq + 2999) & 0xffff;
      s.update(seq, 0, i);
    }
    expect(s.packetsExpected - s.packetsReceived).toBeGreaterThan(0x7fffff);
    expect(s.packetsLost).toBe(0x7fffff);
    expect(s.takeReport(0).cumulativeLost).toBe(0x7fffff);
  });
});

describe('SourceState report blocks (RFC 3550 A.3)', () => {
  it('reports fraction lost per interval and cumulative loss', () => {
    const s = new SourceState(0x1234, 8000);
    const seqs: number[] = [];
    for (let i = 0; i <= 100; i++) if (i % 10 !== 5) seqs.push(i);
    feed(s, seqs);
    // Interval 1: expected 100 (1..100 after probation at 0), 10 lost.
    const r1 = s.takeReport(0);
    expect(r1.ssrc).toBe(0x1234);
    expect(r1.cumulativeLost).toBe(10);
    expect(r1.fractionLost).toBe(Math.floor((10 * 256) / 100));
    expect(s.fractionLost).toBeCloseTo(25 / 256, 10);
    expect(r1.highestSequence).toBe(100);
    feed(s, [101, 102, 103, 104]);
    const r2 = s.takeReport(0);
    expect(r2.fractionLost).toBe(0);
    expect(r2.cumulativeLost).toBe(10);
    // A large gap in one interval.
    feed(s, [110, 111]);
    s.takeReport(0);
    s.update(200, 0, 0);
    expect(s.takeReport(0).fractionLost).toBe(Math.floor((88 * 256) / 89));
  });

  it('reports LSR and DLSR from the last sender report', () => {
    const s = new SourceState(7, 48000);
    feed(s, [1, 2, 3]);
    expect(s.takeReport(100).lastSr).toBe(0);
    expect(s.takeReport(100).delaySinceLastSr).toBe(0);
    s.onSenderReport(0xabcd1234, 1000);
    const r = s.takeReport(1500);
    expect(r.lastSr).toBe(0xabcd1234);
    expect(r.delaySinceLastSr).toBe(32768);
  });
});

/** Independent A.8 jitter: J += (|D| − J)/16 on every packet after the first. */
function referenceJitter(sendUnits: number[], arrivalMs: number[], clockRateHz: number): number {
  let j = 0;
  for (let i = 1; i < sendUnits.length; i++) {
    const d = (arrivalMs[i] - arrivalMs[i - 1]) * (clockRateHz / 1000) - (sendUnits[i] - sendUnits[i - 1]);
    j = j + (Math.abs(d) - j) / 16;
  }
  return j;
}

describe('SourceState interarrival jitter (RFC 3550 A.8)', () => {
  it('is zero for a constant transit time, across timestamp wrap', () => {
    const s = new SourceState(1, 8000);
    const ts0 = 0xffffffff - 800;
    for (let i = 0; i < 50; i++) s.update(i, (ts0 + i * 160) >>> 0, 37 + i * 20);
    expect(s.jitterUnits).toBeCloseTo(0, 9);
  });

  it('matches an independent computation under random delays', () => {
    const rng = new SeededRandom(7);
    const rate = 48000;
    const s = new SourceState(1, rate);
    const sendUnits: number[] = [];
    const arrivals: number[] = [];
    const ts0 = 0xffff0000;
    for (let i = 0; i < 2000; i++) {
      const sent = i * 20;
      const arrival = sent + 50 + rng.next() * 30;
      sendUnits.push(i * 960);
      arrivals.push(arrival);
      s.update(i, (ts0 + i * 960) >>> 0, arrival);
    }
    const expected = referenceJitter(sendUnits, arrivals, rate);
    expect(s.jitterUnits).toBeCloseTo(expected, 6);
    expect(s.jitterMs).toBeCloseTo((expected * 1000) / rate, 9);
    // Uniform U[0,30] ms delays: E|D| = 30/3 = 10 ms; the estimator hovers around it.
    expect(s.jitterMs).toBeGreaterThan(5);
    expect(s.jitterMs).toBeLessThan(16);
    expect(s.takeReport(0).jitter).toBe(Math.floor(s.jitterUnits));
  });
});
