/**
 * Playout counters with the W3C WebRTC `RTCInboundRtpStreamStats` names (times in seconds as the
 * W3C defines them, samples at the codec's output rate). Cumulative since creation.
 */
export interface PlayoutStats {
  /** Sum over emitted samples of the time each waited from its packet's arrival to its playout, s. */
  jitterBufferDelay: number;
  /** Sum over emitted samples of the target delay in force when they were emitted, s. */
  jitterBufferTargetDelay: number;
  /** Samples emitted that came from received audio (decoded, stretched or merged). */
  jitterBufferEmittedCount: number;
  /** Samples made up to hide missing audio (expand, and the concealed part of merges). */
  concealedSamples: number;
  /** Concealed samples that were (near) silent: concealment after muting, or of silence. */
  silentConcealedSamples: number;
  /** Times concealment started after non-concealed audio. */
  concealmentEvents: number;
  /** Samples added by preemptive expand (slowing down). */
  insertedSamplesForDeceleration: number;
  /** Samples removed by accelerate (speeding up). */
  removedSamplesForAcceleration: number;
  /** Packets dropped for arriving too late (older than what was played) or flushed from a full buffer. */
  packetsDiscarded: number;
  /**
   * Packets that arrived after concealment had started in their place and were then merged in
   * (late but not lost: the oracle of a fixed delay would count them late). Not a W3C name.
   */
  packetsLateConcealed: number;
  /** Packets that were already held or already played (network duplicates), dropped. */
  packetsDuplicated: number;
  /** Samples emitted in total (every operation), at the output rate. */
  totalSamplesReceived: number;
  /** Samples of comfort noise generated during sender silence (DTX), not counted as concealment. */
  comfortNoiseSamples: number;
  /** Times the stream was reset (SSRC change, timestamp jump, payload undecodable). */
  resets: number;
  /** Payloads the codec rejected (counted, concealed). */
  decodeErrors: number;
  /**
   * Pulls that came 20 ms or more after the previous one (the owner stalled); only counted when
   * `pull` is given the owner's time. Not a W3C name.
   */
  ownerStalls: number;
  /** Current target delay, ms (not cumulative). */
  targetDelayMs: number;
}

/** A zeroed {@link PlayoutStats}. @internal */
export function emptyPlayoutStats(): PlayoutStats {
  return {
    jitterBufferDelay: 0,
    jitterBufferTargetDelay: 0,
    jitterBufferEmittedCount: 0,
    concealedSamples: 0,
    silentConcealedSamples: 0,
    concealmentEvents: 0,
    insertedSamplesForDeceleration: 0,
    removedSamplesForAcceleration: 0,
    packetsDiscarded: 0,
    packetsLateConcealed: 0,
    packetsDuplicated: 0,
    totalSamplesReceived: 0,
    comfortNoiseSamples: 0,
    resets: 0,
    decodeErrors: 0,
    ownerStalls: 0,
    targetDelayMs: 0,
  };
}
