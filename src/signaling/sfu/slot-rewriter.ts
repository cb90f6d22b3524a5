/**
 * One outgoing SFU "slot": a continuous RTP stream (one SSRC, one sequence and timestamp line) that
 * carries whichever speaker is assigned to it. Packets are rewritten without decoding: within one
 * speaker the source's own sequence gaps and timestamp spacing are kept (so the receiver sees the
 * real loss and timing); at a switch the next speaker starts one sequence number later, its timestamp
 * advanced by the wall time elapsed, with the marker bit set (a new talkspurt, RFC 3551 §4.1).
 */

/** Packets from before a switch point (reordered across it) are refused up to this far, packets. */
const SWITCH_GUARD_PACKETS = 1000;
/** Buffer growth step for rewritten packets, bytes. */
const MTU_BYTES = 1500;

/** Counters of one {@link SlotRewriter}. */
export interface SlotRewriterStats {
  /** Packets written out. */
  packetsOut: number;
  /** Speaker switches (assignments of a new source that then sent). */
  switches: number;
  /** Packets refused: from before the current speaker's first forwarded packet. */
  droppedLate: number;
}

/** Rewrites the packets of the speaker assigned to one slot into one continuous stream. */
export class SlotRewriter {
  /** SSRC of the slot's outgoing stream. */
  readonly ssrc: number;
  /** RTP clock rate, Hz (elapsed time at a switch is converted with it). */
  readonly clockRateHz: number;
  #source: string | undefined;
  #buffer = new Uint8Array(MTU_BYTES);
  #pendingSwitch = true;
  #started = false;
  #seqOffset = 0;
  #tsOffset = 0;
  #switchOutSeq = 0;
  #guard = false;
  #lastOutSeq = 0;
  #lastOutTs = 0;
  #lastOutMs = 0;
  #lastInTs = 0;
  #frameUnits = 0;
  readonly #stats: SlotRewriterStats = { packetsOut: 0, switches: 0, droppedLate: 0 };

  /**
   * @param ssrc - SSRC written into every packet, uint32.
   * @param clockRateHz - RTP clock rate of the forwarded codec, Hz (48000 for Opus).
   */
  constructor(ssrc: number, clockRateHz: number) {
    this.ssrc = ssrc >>> 0;
    this.clockRateHz = clockRateHz;
    this.#frameUnits = Math.round(clockRateHz / 50); // 20 ms until a real frame length is seen.
  }

  /** The speaker this slot carries, undefined when idle. */
  get source(): string | undefined {
    return this.#source;
  }

  /** Counters (live object, do not mutate). */
  get stats(): Readonly<SlotRewriterStats> {
    return this.#stats;
  }

  /** Assigns a speaker (undefined: idle). A new speaker's first packet starts a new talkspurt. */
  assign(source: string | undefined): void {
    if (source === this.#source) return;
    this.#source = source;
    this.#pendingSwitch = true;
  }

  /**
   * Rewrites one packet of the assigned speaker.
   * @param data - A valid RTP packet (the caller parsed it); not modified.
   * @param sequenceNumber - Its sequence number.
   * @param timestamp - Its RTP timestamp.
   * @param arrivalMs - Arrival time, ms.
   * @returns The rewritten packet: a view of this slot's buffer, valid until the next call; undefined
   *   when the packet is refused (from before a switch).
   */
  rewrite(
    data: Uint8Array,
    sequenceNumber: number,
    timestamp: number,
    arrivalMs: number,
  ): Uint8Array | undefined {
    let marker = false;
    if (this.#pendingSwitch) {
      this.#pendingSwitch = false;
      const outSeq = this.#started ? (this.#lastOutSeq + 1) & 0xffff : sequenceNumber;
      let outTs = timestamp;
      if (this.#started) {
        const elapsed = Math.round(((arrivalMs - this.#lastOutMs) * this.clockRateHz) / 1000);
        outTs = (this.#lastOutTs + Math.max(elapsed, this.#frameUnits)) >>> 0;
        this.#stats.switches++;
      }
      this.#seqOffset = (outSeq - sequenceNumber) & 0xffff;
      this.#tsOffset = (outTs - timestamp) >>> 0;
      this.#switchOutSeq = outSeq;
      this.#guard = true;
      this.#started = true;
      this.#lastOutSeq = (outSeq - 1) & 0xffff;
      this.#lastInTs = timestamp;
      marker = true;
    }
    const outSeq = (sequenceNumber + this.#seqOffset) & 0xffff;
    const sinceSwitch = int16(outSeq - this.#switchOutSeq);
    if (this.#guard) {
      if (sinceSwitch < 0) {
        this.#stats.droppedLate++;
        return undefined;
      }
      if (sinceSwitch > SWITCH_GUARD_PACKETS) this.#guard = false;
    }
    const outTs = (timestamp + this.#tsOffset) >>> 0;
    if (int16(outSeq - this.#lastOutSeq) > 0) {
      const step = (timestamp - this.#lastInTs) >>> 0;
      const packets = int16(outSeq - this.#lastOutSeq);
      // Remember the frame length (for the gap at the next switch) from in-order packets.
      if (!marker && step > 0 && step / packets <= this.clockRateHz / 8) this.#frameUnits = step / packets;
      this.#lastOutSeq = outSeq;
      this.#lastOutTs = outTs;
      this.#lastInTs = timestamp;
      this.#lastOutMs = arrivalMs;
    }
    if (this.#buffer.length < data.length) this.#buffer = new Uint8Array(data.length + MTU_BYTES);
    const out = this.#buffer;
    out.set(data);
    if (marker) out[1] |= 0x80;
    out[2] = outSeq >>> 8;
    out[3] = outSeq & 0xff;
    out[4] = outTs >>> 24;
    out[5] = (outTs >>> 16) & 0xff;
    out[6] = (outTs >>> 8) & 0xff;
    out[7] = outTs & 0xff;
    out[8] = this.ssrc >>> 24;
    out[9] = (this.ssrc >>> 16) & 0xff;
    out[10] = (this.ssrc >>> 8) & 0xff;
    out[11] = this.ssrc & 0xff;
    this.#stats.packetsOut++;
    return out.subarray(0, data.length);
  }
}

function int16(value: number): number {
  return (value << 16) >> 16;
}
