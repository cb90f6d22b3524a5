import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/chromium.js';
import { activePart, type ChromiumCallResult, runChromiumCall } from './chromium-call.js';
import { loopAlignedCorrelation, segmentedLoopCorrelation } from './loop-align.js';

/** Whole-recording and per-second aligned correlations of both directions, printed and returned. */
export function scoreCall(label: string, call: ChromiumCallResult) {
  const score = (ref: Float32Array, heard: Float32Array) => {
    const active = activePart(heard);
    return {
      whole: loopAlignedCorrelation(ref, active).correlation,
      perSecond: segmentedLoopCorrelation(ref, active, 48000).mean,
    };
  };
  const inbound = score(call.browserSpeech, call.nodeHeard);
  const outbound = score(call.nodeSpeech, call.pageHeard);
  const sent = score(call.browserSpeech, call.nodeDecodedInOrder);
  const f = (x: number) => x.toFixed(3);
  console.log(
    `${label}: chromium→node correlation whole ${f(inbound.whole)} per-second ${f(inbound.perSecond)}; ` +
      `(packets decoded in order, no jitter buffer: whole ${f(sent.whole)} per-second ${f(sent.perSecond)}); ` +
      `node→chromium whole ${f(outbound.whole)} per-second ${f(outbound.perSecond)}; ` +
      `negotiated ${JSON.stringify(call.negotiated)}; pair ${JSON.stringify(call.nodeStats.candidatePair)}; ` +
      `rtt ${call.nodeStats.remoteInbound?.roundTripTime} s`,
  );
  return { inbound, outbound, sent };
}

describe.runIf(chromiumAvailable())('WebRtcTransport with headless Chromium', () => {
  it('answers the browser, hears it and is heard by it (Opus + RED, audio level, host on 127.0.0.1)', async () => {
    const call = await runChromiumCall({ browserOffers: true, durationMs: 6000 });
    expect(call.pageLog.filter((l) => l.startsWith('error'))).toEqual([]);
    // Chromium offers Opus with RED and the RFC 6464 extension: all three are accepted.
    expect(call.negotiated).toMatchObject({ codec: 'opus', clockRateHz: 48000, red: true });
    expect(call.negotiated.audioLevelExtensionId).toBeGreaterThanOrEqual(1);
    const { outbound, sent } = scoreCall('browser offers', call);
    // What the transport delivered (every packet, decoded in order) carries the browser's speech. The
    // Playout figure (printed as chromium→node) depends on arrival timing and is reported, not asserted:
    // on a machine with load average ~16 on 2 cores it fell to 0.42–0.47 (see docs/webrtc.md).
    expect(sent.perSecond).toBeGreaterThanOrEqual(0.6);
    expect(outbound.perSecond).toBeGreaterThanOrEqual(0.6);
    expect(call.nodeStats.inbound?.packetsReceived).toBeGreaterThan(150);
    expect(call.nodeStats.inbound?.packetsLost).toBe(0);
    expect(call.nodeStats.candidatePair?.localCandidateType).toBe('host');
    // Chromium sometimes answers from this machine's own interface address, learnt as peer-reflexive.
    expect(['host', 'prflx']).toContain(call.nodeStats.candidatePair?.remoteCandidateType);
    expect(call.nodeStats.candidatePair?.localAddress.startsWith('127.0.0.1:')).toBe(true);
  }, 60_000);

  it('offers to the browser (Node offerer, Chromium answerer) and both hear each other', async () => {
    // Once failed only because the test sent the offer before the page had a peer connection.
    const call = await runChromiumCall({ browserOffers: false, durationMs: 6000 });
    expect(call.pageLog.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(call.pageLog).toContain('state connected');
    // Our offer leads with RED and offers the audio level: Chromium accepts both.
    expect(call.negotiated).toMatchObject({ codec: 'opus', clockRateHz: 48000, red: true });
    expect(call.negotiated.audioLevelExtensionId).toBeGreaterThanOrEqual(1);
    const { outbound, sent } = scoreCall('node offers', call);
    expect(sent.perSecond).toBeGreaterThanOrEqual(0.6);
    expect(outbound.perSecond).toBeGreaterThanOrEqual(0.6);
    expect(call.nodeStats.inbound?.packetsReceived).toBeGreaterThan(150);
  }, 60_000);
});
