import { describe, expect, it } from 'vitest';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { simulateCall } from './harness.js';

describe('Playout phase trimming', () => {
  it('takes away audio held for nothing on a clean link: lower delay, no concealment, seamless', () => {
    const r = simulateCall({
      codec: createPcmuCodec(),
      durationMs: 30_000,
      conditions: { delayMs: 40 },
      keepAudio: true,
    });
    const s = r.playout.getStats();
    const meanDelayMs = (s.jitterBufferDelay / s.jitterBufferEmittedCount) * 1000;
    // Without trimming the next packet starts 3.4 ms into its pull on average here and the mean delay
    // is 19.0 ms; trimmed, 15.8 ms.
    expect(meanDelayMs).toBeLessThan(17);
    expect(s.concealedSamples).toBe(0);
    expect(s.removedSamplesForAcceleration).toBeGreaterThan(0);
    // No click: the largest sample-to-sample step stays within what the source itself has.
    const maxStep = (x: Int16Array, from: number) => {
      let m = 0;
      for (let i = from + 1; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
      return m;
    };
    expect(maxStep(r.audio, 8000)).toBeLessThanOrEqual(maxStep(r.source, 0) * 1.1);
  });
});
