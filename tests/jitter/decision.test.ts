import { describe, expect, it } from 'vitest';
import {
  bandLowMarginSamples,
  type DecisionInput,
  decide,
  stretchLimits,
} from '../../src/jitter/decision.js';

const base: DecisionInput = {
  started: true,
  futureSamples: 0,
  frameSamples: 80,
  bufferLevelSamples: 480,
  targetLevelSamples: 480,
  delaySamples: 480,
  targetDelaySamples: 480,
  packetSamples: 160,
  next: 'on-time',
  leapSamples: 0,
  silenceGap: false,
  comfortNoise: false,
  lastOperation: 'normal',
  generatedSamples: 0,
  maxWaitSamples: 800,
  timeStretchAllowed: true,
};

describe('decide', () => {
  it('waits in silence before the stream starts', () => {
    expect(decide({ ...base, started: false })).toBe('silence');
  });

  it('plays normally at target and when a frame is already decoded', () => {
    expect(decide(base)).toBe('normal');
    expect(decide({ ...base, next: 'none', futureSamples: 80 })).toBe('normal');
  });

  it('expands when nothing is there, merges when audio returns', () => {
    expect(decide({ ...base, next: 'none' })).toBe('expand');
    expect(decide({ ...base, lastOperation: 'expand' })).toBe('merge');
  });

  it('keeps expanding over a loss until the gap is covered or the wait runs out', () => {
    const lost = { ...base, next: 'future' as const, leapSamples: 160, bufferLevelSamples: 200 };
    expect(decide(lost)).toBe('expand');
    expect(decide({ ...lost, lastOperation: 'expand', generatedSamples: 80 })).toBe('expand');
    expect(decide({ ...lost, lastOperation: 'expand', generatedSamples: 160 })).toBe('merge');
    expect(decide({ ...lost, leapSamples: 8000, lastOperation: 'expand', generatedSamples: 800 })).toBe(
      'merge',
    );
  });

  it('after the wait runs out, keeps the schedule for a packet the network delay explains', () => {
    // Seven packets lost, the next came early: 240 samples before its turn, less than the delay.
    const burst = {
      ...base,
      next: 'future' as const,
      lastOperation: 'expand' as const,
      bufferLevelSamples: 200,
    };
    const early = { ...burst, leapSamples: 1120, generatedSamples: 880 };
    expect(decide(early)).toBe('expand');
    expect(decide({ ...early, generatedSamples: 1120 })).toBe('merge');
    // A gap longer than any delay explains is a timestamp jump: jumped once the wait ran out.
    expect(decide({ ...burst, leapSamples: 880 + 480 + 81, generatedSamples: 880 })).toBe('merge');
    expect(decide({ ...burst, leapSamples: 880 + 480 + 81, generatedSamples: 720 })).toBe('expand');
    // The jumped packets pull the delay estimate up; the target decides.
    expect(decide({ ...burst, leapSamples: 880 + 480 + 81, generatedSamples: 880, delaySamples: 4000 })).toBe(
      'merge',
    );
  });

  it('accelerates above the delay band and stretches below it, with hysteresis', () => {
    const { low, high } = stretchLimits(480, 8000);
    expect(low).toBe(480);
    expect(high).toBe(520);
    expect(decide({ ...base, delaySamples: high + 1 })).toBe('accelerate');
    expect(decide({ ...base, delaySamples: high })).toBe('normal');
    expect(decide({ ...base, delaySamples: low - 1 })).toBe('preemptive-expand');
    expect(decide({ ...base, delaySamples: low })).toBe('normal');
    // The buffer level does not steer time-stretching: it swings with every arrival.
    expect(decide({ ...base, bufferLevelSamples: 2000 })).toBe('normal');
    expect(decide({ ...base, delaySamples: 2000, timeStretchAllowed: false })).toBe('normal');
  });

  it('reaches below the target by 8 % of it, at most half a pull, not while the owner stalls', () => {
    // 8 kHz: target 200 samples (25 ms) -> 16; target 800 (100 ms) -> capped at 40 (5 ms).
    expect(bandLowMarginSamples(200, 8000, false)).toBeCloseTo(16, 9);
    expect(bandLowMarginSamples(800, 8000, false)).toBe(40);
    expect(bandLowMarginSamples(480, 8000, true)).toBe(0);
    expect(bandLowMarginSamples(0, 8000, false)).toBe(0);
    const { low, high } = stretchLimits(480, 8000, 40);
    expect(low).toBe(440);
    expect(high).toBe(520);
    const margin = { ...base, lowMarginSamples: 40 };
    // Between the low edge and the target: no stretch (without the margin: preemptive expand).
    expect(decide({ ...margin, delaySamples: 450 })).toBe('normal');
    expect(decide({ ...base, delaySamples: 450 })).toBe('preemptive-expand');
    expect(decide({ ...margin, delaySamples: 439 })).toBe('preemptive-expand');
  });

  it('ends a concealment early rather than stall the timeline by most of a pull', () => {
    const lost = {
      ...base,
      next: 'future' as const,
      leapSamples: 160,
      lastOperation: 'expand' as const,
      bufferLevelSamples: 200,
    };
    // 20 samples of the gap left, 80 to conceal this pull: merge (skip 20) rather than stall 60.
    expect(decide({ ...lost, generatedSamples: 140 })).toBe('merge');
    // 60 left: concealing 80 stalls 20, merging skips 60; merge only when the delay is above target.
    expect(decide({ ...lost, generatedSamples: 100 })).toBe('expand');
    expect(decide({ ...lost, generatedSamples: 100, delaySamples: 520 })).toBe('merge');
  });

  it('treats a gap in a continuing sequence as sender silence, not loss', () => {
    const dtx = {
      ...base,
      next: 'future' as const,
      leapSamples: 8000,
      silenceGap: true,
      bufferLevelSamples: 160,
    };
    expect(decide({ ...dtx, comfortNoise: true })).toBe('comfort-noise');
    expect(decide({ ...dtx, comfortNoise: true, bufferLevelSamples: 480 })).toBe('normal');
    expect(decide({ ...base, next: 'none', comfortNoise: true })).toBe('comfort-noise');
  });

  it('is pure: equal inputs give equal outputs', () => {
    const input = { ...base, bufferLevelSamples: 1000 };
    expect(decide(input)).toBe(decide({ ...input }));
  });
});
