/** Per-participant SFU counters: what came in, what went out, loss, level and speaking state. */

/** Statistics of one SFU participant (W3C-like names where one exists). */
export interface SfuParticipantStats {
  /** Participant id. */
  participantId: string;
  /** RTP packets received from the participant. */
  packetsReceived: number;
  /** Payload + header bytes received. */
  bytesReceived: number;
  /** Packets missing from the participant's sequence (expected − received, ≥ 0). */
  packetsLost: number;
  /**
   * Datagrams from the participant refused (not RTP, wrong payload type, malformed) plus packets for it
   * that could not go out (its connection not up yet).
   */
  packetsDropped: number;
  /** Packets of this participant forwarded to others (one per receiver). */
  packetsForwarded: number;
  /** Packets sent to this participant (all its slots). */
  packetsSent: number;
  /** Smoothed RFC 6464 audio level, dBov (−127: silent or no level received). */
  audioLevelDbov: number;
  /** The selector judges the participant speaking. */
  speaking: boolean;
  /** The participant is among the dominant speakers forwarded to others. */
  forwarded: boolean;
  /** Who each outgoing slot of this participant carries (undefined: idle). */
  slots: (string | undefined)[];
}

/** RFC 3550-style extended sequence tracking of one inbound stream (loss = expected − received). */
export class InboundCounter {
  packetsReceived = 0;
  bytesReceived = 0;
  packetsDropped = 0;
  #started = false;
  #baseExt = 0;
  #maxExt = 0;
  #ssrc = 0;

  /** Counts one packet; a new SSRC (the participant restarted its stream) restarts the sequence. */
  count(ssrc: number, sequenceNumber: number, bytes: number): void {
    this.packetsReceived++;
    this.bytesReceived += bytes;
    if (!this.#started || ssrc !== this.#ssrc) {
      // Keep the loss already counted: rebase so expected continues from here.
      const lostSoFar = this.#started
        ? Math.max(0, this.#maxExt - this.#baseExt + 2 - this.packetsReceived)
        : 0;
      this.#started = true;
      this.#ssrc = ssrc;
      this.#maxExt = sequenceNumber;
      this.#baseExt = sequenceNumber - (this.packetsReceived - 1) - lostSoFar;
      return;
    }
    const delta = (((sequenceNumber - this.#maxExt) & 0xffff) << 16) >> 16;
    if (delta > 0) this.#maxExt += delta;
  }

  /** Expected minus received, never negative (duplicates can make it so). */
  get packetsLost(): number {
    if (!this.#started) return 0;
    return Math.max(0, this.#maxExt - this.#baseExt + 1 - this.packetsReceived);
  }
}
