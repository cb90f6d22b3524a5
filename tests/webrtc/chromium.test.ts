import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/chromium.js';
import { activePart, type ChromiumCallResult, runChromiumCall } from './chromium-call.js';
import { loopAlignedCorrelation, segmentedLoopCorrelation } from './loop-align.js';

/** Whole-recording and per-second aligned correlations of both directions, printed and returned. */
export function scoreCall(label: string, call: ChromiumCallResult) {
  const score = (ref: Float32Array, heard: Float32Array) => {
    const active = activePart(heard);
    const quarters = segmentedLoopCorrelation(ref, active, 12000);
    return {
      whole: loopAlignedCorrelation(ref, active).correlation,
      perSecond: segmentedLoopCorrelation(ref, active, 48000).mean,
      quarterMedian: quarters.median,
      quarters: quarters.segments,
    };
  };
  const inbound = score(call.browserSpeech, call.nodeHeard);
  const outbound = score(call.nodeSpeech, call.pageHeard);
  const sent = score(call.browserSpeech, call.nodeDecodedInOrder);
  const f = (x: number) => x.toFixed(3);
  console.log(
    `${label}: chromium→node correlation whole ${f(inbound.whole)} per-second ${f(inbound.perSecond)}; ` +
      `(packets decoded in order, no jitter buffer: whole ${f(sent.whole)} per-second ${f(sent.perSecond)}); ` +
      `node→chromium whole ${f(outbound.whole)} per-second ${f(outbound.perSecond)} ` +
      `median of 250 ms ${f(outbound.quarterMedian)} [${outbound.quarters.map(f).join(' ')}]; ` +
      `negotiated ${JSON.stringify(call.negotiated)}; pair ${JSON.stringify(call.nodeStats.candidatePair)}; ` +
      `rtt ${call.nodeStats.remoteInbound?.roundTripTime} s; chromium inbound ${JSON.stringify(call.pageInbound)}`,
  );
  return { inbound, outbound, sent };
}

/**
 * Chromium played what Node sent: its NetEQ concealed little of it, and the page's recording matches
 * the sent speech. The recording is judged by the median of 250 ms windows, each aligned on its own:
 * Chromium time-stretches toward its target delay, and a 1 s window that straddles a stretch scored
 * 0.56 on a loaded CI machine while the windows around it matched at 0.9+.
 */
function expectChromiumHeardNode(
  call: ChromiumCallResult,
  outbound: ReturnType<typeof scoreCall>['outbound'],
) {
  const inbound = call.pageInbound;
  expect(inbound).not.toBeNull();
  expect(inbound?.packetsReceived).toBeGreaterThan(150);
  expect((inbound?.concealedSamples ?? 0) / (inbound?.totalSamplesReceived ?? 1)).toBeLessThan(0.1);
  expect(outbound.quarterMedian).toBeGreaterThanOrEqual(0.75);
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
    expectChromiumHeardNode(call, outbound);
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
    expectChromiumHeardNode(call, outbound);
    expect(call.nodeStats.inbound?.packetsReceived).toBeGreaterThan(150);
  }, 60_000);
});
