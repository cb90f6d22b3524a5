/**
 * Whole calls: two VoiceSessions through NetworkEmulators on a VirtualClock (simulateCall), with
 * recorded speech each way. Deterministic (seeded network and SSRCs).
 */
import { describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { simulateCall } from '../../src/session/simulate.js';
import { mediaPath } from '../helpers/peers.js';
import { windowedCorrelation } from '../session/heard.js';

const speechA = mediaPath('speech-a-8k.wav');
const speechB = mediaPath('speech-b-8k.wav');
const sentA = async () => wavToInt16(await readWavFile(speechA));

describe('simulated calls', () => {
  it('carries G.711 both ways at 5 % loss and 30 ms jitter, with sensible stats and MOS', async () => {
    const call = await simulateCall({ a: speechA, b: speechB, codec: 'pcmu', lossRate: 0.05, jitterMs: 30 });
    expect(windowedCorrelation(await sentA(), call.b.heard, call.b.sampleRateHz)).toBeGreaterThan(0.8);
    const sentB = wavToInt16(await readWavFile(speechB));
    expect(windowedCorrelation(sentB, call.a.heard, call.a.sampleRateHz)).toBeGreaterThan(0.8);
    const s = call.b.finalStats;
    const expected = (s.inbound?.packetsReceived ?? 0) + (s.inbound?.packetsLost ?? 0);
    expect((s.inbound?.packetsLost ?? 0) / expected).toBeGreaterThan(0.02);
    expect((s.inbound?.packetsLost ?? 0) / expected).toBeLessThan(0.09);
    expect(s.inbound?.jitter).toBeGreaterThan(0.005);
    expect(s.remoteInbound?.roundTripTime).toBeGreaterThan(0.005);
    expect(s.remoteInbound?.roundTripTime).toBeLessThan(0.2);
    expect(s.playout.concealmentEvents).toBeGreaterThan(5);
    expect(s.mos.mos).toBeGreaterThan(3.3);
    expect(s.mos.mos).toBeLessThan(4.3);
    expect(call.b.statsTimeline.length).toBe(Math.floor(call.durationMs / 1000));
  });

  it('scores a clean network above a lossy one, and RED recovers most of the loss', async () => {
    const clean = await simulateCall({ a: speechA, b: speechB, codec: 'pcmu' });
    const lossy = await simulateCall({ a: speechA, b: speechB, codec: 'pcmu', lossRate: 0.05, jitterMs: 30 });
    const red = await simulateCall({
      a: speechA,
      b: speechB,
      codec: 'pcmu',
      lossRate: 0.05,
      jitterMs: 30,
      red: true,
    });
    // 0.983 before the playout trimmed phase in quiet pulls (a 2.5 % resample moves the lag inside some
    // 100 ms windows, which a one-lag window scores and a listener does not hear), 0.979 after.
    expect(windowedCorrelation(await sentA(), clean.b.heard, 8000)).toBeGreaterThan(0.975);
    expect(clean.b.finalStats.mos.mos).toBeGreaterThan(4.2);
    expect(clean.b.finalStats.mos.mos).toBeGreaterThan(lossy.b.finalStats.mos.mos + 0.2);
    const concealed = (c: typeof red) => c.b.finalStats.playout.concealedSamples;
    expect(concealed(red)).toBeLessThan(concealed(lossy) / 3);
    expect(red.b.finalStats.mos.mos).toBeGreaterThan(lossy.b.finalStats.mos.mos);
  });

  it('carries Opus at 5 % loss and 30 ms jitter', async () => {
    const call = await simulateCall({ a: speechA, b: speechB, codec: 'opus', lossRate: 0.05, jitterMs: 30 });
    expect(call.b.sampleRateHz).toBe(48000);
    expect(windowedCorrelation(await sentA(), call.b.heard, call.b.sampleRateHz)).toBeGreaterThan(0.8);
    const s = call.b.finalStats;
    expect(s.mos.mos).toBeGreaterThan(3);
    expect(s.mos.mos).toBeLessThan(4.2);
    expect(s.outbound.packetsSent).toBeGreaterThan(350);
  }, 60_000);

  it('stays intelligible at 20 % loss, much better with RED, and the measure tells talkers apart', async () => {
    const plain = await simulateCall({ a: speechA, b: speechB, codec: 'pcmu', lossRate: 0.2, jitterMs: 30 });
    const red = await simulateCall({
      a: speechA,
      b: speechB,
      codec: 'pcmu',
      lossRate: 0.2,
      jitterMs: 30,
      red: true,
    });
    const sent = await sentA();
    expect(windowedCorrelation(sent, plain.b.heard, 8000)).toBeGreaterThan(0.75);
    expect(windowedCorrelation(sent, red.b.heard, 8000)).toBeGreaterThan(0.95);
    // Side A heard B's speech, not its own: the measure must say so.
    expect(windowedCorrelation(sent, plain.a.heard, 8000)).toBeLessThan(0.4);
    expect(plain.b.finalStats.mos.mos).toBeLessThan(3);
    expect(red.b.finalStats.mos.mos).toBeGreaterThan(plain.b.finalStats.mos.mos + 1);
  });

  it('is deterministic for a seed', async () => {
    const run = () =>
      simulateCall({ a: speechA, b: speechB, codec: 'pcmu', lossRate: 0.1, jitterMs: 20, seed: 3 });
    const [x, y] = [await run(), await run()];
    expect(Buffer.from(x.b.heard.buffer).equals(Buffer.from(y.b.heard.buffer))).toBe(true);
  });
});
