import type { PlayoutStats } from '../jitter/stats.js';
import type { InboundRtpStats, OutboundRtpStats, RemoteInboundRtpStats } from '../transport/rtp/stats.js';
import { type CodecImpairment, eModelRating } from './e-model.js';

/** The E-model estimate of a session's call quality and what it was computed from. */
export interface MosEstimate {
  /** Estimated conversational MOS, 1–4.5 (ITU-T G.107 Annex B, narrowband scale for every codec). */
  mos: number;
  /** Transmission rating R, 0–100 (narrowband G.107 scale). */
  r: number;
  /** Mouth-to-ear delay used, ms: RTT/2 + jitter buffer + packetization and codec look-ahead + devices. */
  oneWayDelayMs: number;
  /** Effective loss used, percent: concealed samples of everything played (network loss and late packets, after RED). */
  packetLossPercent: number;
  /** Burst ratio used (1 = random loss). */
  burstRatio: number;
}

/** What `VoiceSession.getStats()` returns; W3C WebRTC Statistics names where one exists. */
export interface VoiceSessionStats {
  /** Time of the snapshot, ms on the session's clock. */
  timestampMs: number;
  /** What this side receives (W3C inbound-rtp); undefined before the first packet. */
  inbound: InboundRtpStats | undefined;
  /** What this side sends (W3C outbound-rtp). */
  outbound: OutboundRtpStats;
  /** What the peer reports about our stream (W3C remote-inbound-rtp); undefined before its first report. */
  remoteInbound: RemoteInboundRtpStats | undefined;
  /** The playout (jitter buffer, concealment) counters. */
  playout: PlayoutStats;
  /** The audio processor's counters; undefined without a processor. */
  processor: unknown;
  /** The quality estimate. */
  mos: MosEstimate;
}

/**
 * Counts losses and their bursts from the sequence numbers of received packets (in arrival order; a
 * late packet fills its gap back in). @internal
 */
export class LossBurstTracker {
  #started = false;
  #highest = 0;
  #lost = 0;
  #bursts = 0;
  #received = 0;

  /** Records one received RTP sequence number, 0–65535. */
  observe(sequenceNumber: number): void {
    this.#received++;
    if (!this.#started) {
      this.#started = true;
      this.#highest = sequenceNumber;
      return;
    }
    const delta = ((sequenceNumber - this.#highest + 0x8000) & 0xffff) - 0x8000;
    if (delta > 0) {
      if (delta > 1 && delta < 3000) {
        this.#lost += delta - 1;
        this.#bursts++;
      }
      this.#highest = sequenceNumber;
    } else if (delta < 0 && this.#lost > 0) {
      this.#lost--; // reordered: it was counted lost
    }
  }

  /** Packets missing now. */
  get lost(): number {
    return this.#lost;
  }

  /**
   * G.107 BurstR: mean observed burst length over the mean burst length of random loss at the same
   * rate (1 / (1 − p)); 1 when nothing was lost.
   */
  get burstRatio(): number {
    if (this.#lost === 0 || this.#bursts === 0) return 1;
    const p = this.#lost / (this.#lost + this.#received);
    return Math.max(1, (this.#lost / this.#bursts) * (1 - p));
  }
}

/** Inputs of {@link estimateMos}. @internal */
export interface MosInput {
  playout: PlayoutStats;
  roundTripTimeS: number | undefined;
  ptimeMs: number;
  codec: CodecImpairment;
  deviceLatencyMs: number;
  burstRatio: number;
}

/** Computes the session's {@link MosEstimate}. @internal */
export function estimateMos(i: MosInput): MosEstimate {
  const p = i.playout;
  const played = p.totalSamplesReceived;
  const packetLossPercent = played > 0 ? (100 * p.concealedSamples) / played : 0;
  const bufferMs =
    p.jitterBufferEmittedCount > 0 ? (1000 * p.jitterBufferDelay) / p.jitterBufferEmittedCount : 0;
  const networkMs = i.roundTripTimeS === undefined ? 0 : (i.roundTripTimeS * 1000) / 2;
  const oneWayDelayMs = networkMs + bufferMs + i.ptimeMs + i.codec.lookaheadMs + i.deviceLatencyMs;
  const rating = eModelRating({
    meanOneWayDelayMs: oneWayDelayMs,
    ie: i.codec.ie,
    bpl: i.codec.bpl,
    packetLossPercent,
    burstRatio: i.burstRatio,
  });
  return { mos: rating.mos, r: rating.r, oneWayDelayMs, packetLossPercent, burstRatio: i.burstRatio };
}
