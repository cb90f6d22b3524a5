/**
 * Speech through a full session pair (simulateCall: two VoiceSessions, NetworkEmulators, VirtualClock)
 * at 0, 5 and 20 % random loss, PCMU and Opus, with and without RED: what B hears must be A's speech
 * (windowed aligned correlation), and must not be B's own. Deterministic (seeded network).
 */
import { describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { simulateCall } from '../../src/session/simulate.js';
import { mediaPath } from '../helpers/peers.js';
import { windowedCorrelation } from '../session/heard.js';

const speechA = mediaPath('speech-a-8k.wav');
const speechB = mediaPath('speech-b-8k.wav');

/** Lowest correlation accepted for each case; RED at 20 % must recover most of the loss. */
const CASES: { codec: 'pcmu' | 'opus'; lossRate: number; red: boolean; min: number }[] = [
  { codec: 'pcmu', lossRate: 0, red: false, min: 0.98 },
  { codec: 'pcmu', lossRate: 0, red: true, min: 0.98 },
  { codec: 'pcmu', lossRate: 0.05, red: false, min: 0.92 },
  { codec: 'pcmu', lossRate: 0.05, red: true, min: 0.97 },
  { codec: 'pcmu', lossRate: 0.2, red: false, min: 0.8 },
  { codec: 'pcmu', lossRate: 0.2, red: true, min: 0.93 },
  { codec: 'opus', lossRate: 0, red: false, min: 0.93 },
  { codec: 'opus', lossRate: 0, red: true, min: 0.93 },
  { codec: 'opus', lossRate: 0.05, red: false, min: 0.83 },
  { codec: 'opus', lossRate: 0.05, red: true, min: 0.9 },
  { codec: 'opus', lossRate: 0.2, red: false, min: 0.62 },
  { codec: 'opus', lossRate: 0.2, red: true, min: 0.86 },
];

describe('speech through a session pair under loss', () => {
  for (const c of CASES) {
    const name = `${c.codec} at ${c.lossRate * 100} % loss ${c.red ? 'with' : 'without'} RED`;
    it(`${name} is intelligible`, async () => {
      const sent = wavToInt16(await readWavFile(speechA));
      const call = await simulateCall({
        a: speechA,
        b: speechB,
        codec: c.codec,
        red: c.red,
        lossRate: c.lossRate,
        jitterMs: 10,
        seed: 5,
      });
      const heard = windowedCorrelation(sent, call.b.heard, call.b.sampleRateHz);
      expect(heard).toBeGreaterThan(c.min);
      // The wrong talker scores low: the measure can fail.
      expect(windowedCorrelation(sent, call.a.heard, call.a.sampleRateHz)).toBeLessThan(0.3);
      const s = call.b.finalStats;
      const expected = (s.inbound?.packetsReceived ?? 0) + (s.inbound?.packetsLost ?? 0);
      const lost = (s.inbound?.packetsLost ?? 0) / expected;
      expect(lost).toBeGreaterThanOrEqual(c.lossRate * 0.5);
      expect(lost).toBeLessThanOrEqual(c.lossRate * 1.6 + 0.01);
      if (c.red && c.lossRate > 0) {
        const plain = await simulateCall({
          a: speechA,
          b: speechB,
          codec: c.codec,
          lossRate: c.lossRate,
          jitterMs: 10,
          seed: 5,
        });
        expect(s.playout.concealedSamples).toBeLessThan(plain.b.finalStats.playout.concealedSamples / 2);
      }
    }, 60_000);
  }
});
