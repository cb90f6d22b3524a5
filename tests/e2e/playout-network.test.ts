/**
 * The playout behind a NetworkEmulator on a VirtualClock: each network misbehaviour, clock drift
 * over an hour, and delay adaptation. Deterministic (seeded emulator, virtual time).
 */
import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { simulateCall } from '../jitter/harness.js';

const codec = createPcmuCodec();
const arrivedOf = (r: ReturnType<typeof simulateCall>): number =>
  r.packets.filter((p) => p.arrivalMs !== undefined).length;

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('playout through an emulated network', () => {
  it('absorbs jitter with reordering and duplicates', () => {
    const r = simulateCall({
      codec,
      durationMs: 60_000,
      conditions: {
        delayMs: 30,
        jitterMs: 15,
        preserveOrder: false,
        duplicateRate: 0.05,
        reorder: { probability: 0.05, gapPackets: 2 },
      },
    });
    const s = r.playout.getStats();
    expect(s.packetsDuplicated).toBeGreaterThan(100);
    expect((s.packetsDiscarded + s.packetsLateConcealed) / arrivedOf(r)).toBeLessThan(0.02);
    expect(s.concealedSamples / s.totalSamplesReceived).toBeLessThan(0.03);
    expect(s.resets).toBe(0);
  });

  it('conceals a burst of 120 lost packets, mutes, then plays again', () => {
    const r = simulateCall({
      codec,
      durationMs: 20_000,
      conditions: { delayMs: 30, jitterMs: 5 },
      schedule: [
        { atMs: 10_000, conditions: { delayMs: 30, jitterMs: 5, loss: { model: 'bernoulli', rate: 1 } } },
        { atMs: 12_400, conditions: { delayMs: 30, jitterMs: 5 } },
      ],
    });
    const s = r.playout.getStats();
    expect(r.packets.length - arrivedOf(r)).toBeGreaterThanOrEqual(119);
    expect(s.concealedSamples).toBeGreaterThan(110 * 160);
    expect(s.silentConcealedSamples).toBeGreaterThan(80 * 160);
    expect(s.packetsDiscarded).toBe(0);
    expect(s.jitterBufferEmittedCount).toBeGreaterThan(850 * 160);
  });

  it('plays across sequence and timestamp wrap-around', () => {
    const r = simulateCall({
      codec,
      durationMs: 20_000,
      conditions: { delayMs: 30, jitterMs: 10 },
      rewrite: (p) => ({
        ...p,
        sequenceNumber: (p.sequenceNumber + 64_000) & 0xffff,
        timestamp: (p.timestamp + 0xffffffff - 50_000) >>> 0,
      }),
    });
    const s = r.playout.getStats();
    expect(s.resets).toBe(0);
    expect(s.packetsDiscarded).toBe(0);
    expect(s.concealedSamples / s.totalSamplesReceived).toBeLessThan(0.01);
  });

  it('resets on an SSRC change and on a timestamp jump, and keeps playing', () => {
    const r = simulateCall({
      codec,
      durationMs: 30_000,
      conditions: { delayMs: 30, jitterMs: 5 },
      rewrite: (p, i) => ({
        ...p,
        ssrc: i < 500 ? p.ssrc : p.ssrc + 1,
        timestamp: (i < 1000 ? p.timestamp : p.timestamp + 0x40000000) >>> 0,
      }),
    });
    const s = r.playout.getStats();
    expect(s.resets).toBe(2);
    expect(r.operations.normal).toBeGreaterThan(2600);
    expect(s.concealedSamples / s.totalSamplesReceived).toBeLessThan(0.02);
  });

  it('takes a sender that stops and resumes (sequence continues) as silence, not loss', () => {
    const r = simulateCall({
      codec,
      durationMs: 30_000,
      conditions: { delayMs: 30, jitterMs: 5 },
      plan: (i) => (i >= 500 && i < 800 ? 'skip' : 'send'),
    });
    const s = r.playout.getStats();
    expect(s.packetsDiscarded).toBe(0);
    expect(s.resets).toBe(0);
    expect(s.jitterBufferEmittedCount).toBeGreaterThan(1190 * 160);
  });

  for (const driftPpm of [200, -200]) {
    it(`keeps the delay bounded over an hour with the sender clock ${driftPpm > 0 ? '+' : ''}${driftPpm} ppm off`, () => {
      const r = simulateCall({
        codec,
        durationMs: 3_600_000,
        conditions: { delayMs: 30, jitterMs: 5 },
        driftPpm,
      });
      const s = r.playout.getStats();
      const levels = r.levelTraceMs;
      const firstTen = mean(levels.slice(100, 6000));
      const lastTen = mean(levels.slice(-6000));
      expect(Math.max(...levels.slice(100))).toBeLessThan(150);
      expect(Math.abs(lastTen - firstTen)).toBeLessThan(20);
      // An hour at 200 ppm is 720 ms = 5760 samples to absorb. Accelerate takes all of it on a fast
      // sender. On a slow one the level rides the low edge of the band: the timeline grows by
      // preemptive expand and by the concealment of rare underruns (late packets, merged), which
      // accelerate partly takes back; together they must add at least half the drift.
      const stretched = s.removedSamplesForAcceleration - s.insertedSamplesForDeceleration;
      if (driftPpm > 0) expect(stretched).toBeGreaterThan(5000);
      else expect(s.concealedSamples - stretched).toBeGreaterThan(2880);
      // Late loss as a rate (the lead's bound since round 5): at most 0.3 % of the packets.
      expect(s.packetsLateConcealed + s.packetsDiscarded).toBeLessThan(0.003 * arrivedOf(r));
      expect(s.concealedSamples / s.totalSamplesReceived).toBeLessThan(0.005);
    }, 120_000);
  }

  it('raises the target when jitter grows and lowers it after it calms', () => {
    const calm = { delayMs: 30, jitterMs: 3 };
    const r = simulateCall({
      codec,
      durationMs: 240_000,
      conditions: calm,
      schedule: [
        { atMs: 30_000, conditions: { delayMs: 30, jitterMs: 80, jitterDistribution: 'uniform' } },
        { atMs: 90_000, conditions: calm },
      ],
    });
    const t = r.targetTraceMs; // one entry per 100 ms
    const before = mean(t.slice(200, 300));
    const during = mean(t.slice(700, 900));
    const after = mean(t.slice(2200, 2400));
    expect(during).toBeGreaterThan(before + 80);
    expect(after).toBeLessThan(during / 3);
    expect(after).toBeLessThan(before + 15);
  });
});
