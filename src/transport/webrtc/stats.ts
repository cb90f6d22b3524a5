import type { RTCStatsReport } from 'werift';
import type { WebRtcCandidatePairStats, WebRtcConnectionState, WebRtcTransportStats } from './types.js';

type Entry = Record<string, unknown> & { type: string; id: string };

/**
 * Maps werift's W3C stats report to {@link WebRtcTransportStats}.
 * @param report - `RTCPeerConnection.getStats()`'s result; undefined after close.
 * @internal
 */
export function mapWebRtcStats(
  report: RTCStatsReport | undefined,
  state: WebRtcConnectionState,
  datagramsDropped: WebRtcTransportStats['datagramsDropped'],
  datagramsReceived: number,
): WebRtcTransportStats {
  const entries = new Map<string, Entry>();
  if (report) for (const [id, value] of report as unknown as Map<string, Entry>) entries.set(id, value);
  const all = [...entries.values()];
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const inboundEntry = all.find(
    (e) => e.type === 'inbound-rtp' && e.kind === 'audio' && num(e.packetsReceived) > 0,
  );
  const outboundEntry = all.find((e) => e.type === 'outbound-rtp' && e.kind === 'audio');
  const remoteEntry = all.find((e) => e.type === 'remote-inbound-rtp' && e.kind === 'audio');
  return {
    state,
    inbound: inboundEntry && {
      ssrc: num(inboundEntry.ssrc),
      packetsReceived: num(inboundEntry.packetsReceived),
      packetsLost: num(inboundEntry.packetsLost),
      jitter: num(inboundEntry.jitter),
      bytesReceived: num(inboundEntry.bytesReceived),
    },
    outbound: outboundEntry && {
      ssrc: num(outboundEntry.ssrc),
      packetsSent: num(outboundEntry.packetsSent),
      bytesSent: num(outboundEntry.bytesSent),
    },
    remoteInbound: remoteEntry && {
      // werift keeps RTT in seconds (W3C unit).
      roundTripTime: typeof remoteEntry.roundTripTime === 'number' ? remoteEntry.roundTripTime : undefined,
      packetsLost: num(remoteEntry.packetsLost),
      fractionLost: num(remoteEntry.fractionLost),
    },
    candidatePair: selectedPair(entries, all),
    datagramsDropped,
    datagramsReceived,
  };
}

function selectedPair(entries: Map<string, Entry>, all: Entry[]): WebRtcCandidatePairStats | undefined {
  const transport = all.find((e) => e.type === 'transport' && typeof e.selectedCandidatePairId === 'string');
  const pair =
    (transport && entries.get(transport.selectedCandidatePairId as string)) ??
    all.find((e) => e.type === 'candidate-pair' && (e.nominated === true || e.state === 'succeeded'));
  if (!pair) return undefined;
  const local = entries.get(String(pair.localCandidateId));
  const remote = entries.get(String(pair.remoteCandidateId));
  if (!local || !remote) return undefined;
  return {
    localCandidateType: String(local.candidateType),
    remoteCandidateType: String(remote.candidateType),
    localAddress: `${local.address ?? local.ip}:${local.port}`,
    remoteAddress: `${remote.address ?? remote.ip}:${remote.port}`,
    protocol: String(local.protocol ?? 'udp'),
    currentRoundTripTime:
      typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : undefined,
  };
}
