import { describe, expect, it } from 'vitest';
import { codecImpairment, eModelRating, mosFromR } from '../../src/session/e-model.js';

describe('G.107 E-model', () => {
  it('gives R = 93.2 and MOS 4.41 for the default parameters', () => {
    const { r, mos } = eModelRating();
    expect(r).toBeCloseTo(93.2, 1);
    expect(mos).toBeCloseTo(4.41, 2);
  });

  it('maps R to MOS as G.107 Annex B', () => {
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(50)).toBeCloseTo(2.575, 3);
    expect(mosFromR(80)).toBeCloseTo(4.024, 3);
    expect(mosFromR(60)).toBeCloseTo(3.1, 3);
  });

  it('has no absolute-delay impairment up to 100 ms and a growing one after', () => {
    const at = (ms: number) => eModelRating({ meanOneWayDelayMs: ms }).r;
    expect(at(0)).toBeGreaterThan(at(100));
    expect(at(100) - at(150)).toBeLessThan(at(150) - at(300));
    expect(at(150)).toBeGreaterThan(88);
    expect(at(400)).toBeLessThan(70);
  });

  it('computes Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl)', () => {
    const g711 = codecImpairment('pcmu');
    const random = eModelRating({ ie: g711.ie, bpl: g711.bpl, packetLossPercent: 2 });
    expect(random.ieEff).toBeCloseTo((95 * 2) / (2 + 25.1), 6);
    const bursty = eModelRating({ ie: g711.ie, bpl: g711.bpl, packetLossPercent: 2, burstRatio: 2 });
    expect(bursty.ieEff).toBeCloseTo((95 * 2) / (1 + 25.1), 6);
    expect(bursty.r).toBeLessThan(random.r);
  });

  it('rates Opus below G.711 at no loss and knows unknown codecs as G.711', () => {
    const opus = codecImpairment('OPUS');
    expect(opus.ie).toBeGreaterThan(0);
    expect(codecImpairment('my-plugin')).toEqual(codecImpairment('pcma'));
  });

  it('clamps nonsense input instead of throwing', () => {
    const r = eModelRating({ meanOneWayDelayMs: Number.NaN, packetLossPercent: 500, burstRatio: 0 });
    expect(r.r).toBeGreaterThanOrEqual(0);
    expect(r.mos).toBeGreaterThanOrEqual(1);
    expect(Number.isFinite(r.mos)).toBe(true);
  });
});
