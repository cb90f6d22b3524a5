import { describe, expect, it } from 'vitest';
import { type DecisionInput, decide, stretchLimits } from '../../src/jitter/decision.js';

const base: DecisionInput = {
  started: true,
  futureSamples: 0,
  frameSamples: 80,
  bufferLevelSamples: 480,
  targetLevelSamples: 480,
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

  it('accelerates above the band and stretches below it, with hysteresis', () => {
    const { low, high } = stretchLimits(480, 160, 8000);
    expect(low).toBe(360);
    expect(high).toBe(520);
    expect(decide({ ...base, bufferLevelSamples: high })).toBe('accelerate');
    expect(decide({ ...base, bufferLevelSamples: high - 1 })).toBe('normal');
    expect(decide({ ...base, bufferLevelSamples: low - 1 })).toBe('preemptive-expand');
    expect(decide({ ...base, bufferLevelSamples: low })).toBe('normal');
    expect(decide({ ...base, bufferLevelSamples: 2000, timeStretchAllowed: false })).toBe('normal');
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
