import { compactFromMs } from './rtcp/ntp.js';
import type { ReceptionReport } from './rtcp/types.js';

/**
 * Receive statistics of one remote RTP source (SSRC), exactly as RFC 3550 Appendix A.1 (sequence
 * validation), A.3 (loss) and A.8 (interarrival jitter) compute them. Pure: arrival times are
 * passed in, nothing reads a clock.
 */

/** RFC 3550 A.1: sequence numbers are 16 bits. */
export const RTP_SEQ_MOD = 0x10000;
/** Packets in sequence a new source needs before it is valid (RFC 3550 A.1). */
export const MIN_SEQUENTIAL = 2;
/** Largest forward gap (packets) still taken as loss rather than a restart (RFC 3550 A.1). */
export const MAX_DROPOUT = 3000;
/** Largest backward step (packets) taken as reordering or a duplicate (RFC 3550 A.1). */
export const MAX_MISORDER = 100;

const LOST_MAX = 0x7fffff;
const LOST_MIN = -0x800000;

/**
 * What {@link SourceState.update} made of a packet:
 * - `'valid'`: counted (in order, after a gap, reordered or duplicate: RFC A.1 counts them all);
 * - `'probation'`: the source is not yet validated (its first packets, or after a reset);
 * - `'jump'`: a very large sequence jump, not counted; the next packet in sequence after it restarts
 *   the source (RFC A.1 `bad_seq`).
 */
export type SequenceUpdate = 'valid' | 'probation' | 'jump';

/**
 * Per-SSRC receive statistics of RFC 3550 A.1/A.3/A.8. One instance per remote source; feed every
 * RTP packet of that source to {@link update}, take one report block per RTCP interval with
 * {@link takeReport}.
 */
export class SourceState {
  /** The source, uint32. */
  readonly ssrc: number;
  /** RTP clock rate of the source's payload, Hz (converts arrival ms to timestamp units). */
  readonly clockRateHz: number;

  // RFC 3550 A.1 `source` fields.
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = MIN_SEQUENTIAL;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #started = false;

  // RFC 3550 A.8, in timestamp units; transit kept as (arrival units, rtp timestamp) to survive wrap.
  #jitter = 0;
  #hasTransit = false;
  #lastArrivalUnits = 0;
  #lastRtpTimestamp = 0;

  #lastFractionLost = 0;
  #hasSr = false;
  #lastSrMiddle32 = 0;
  #lastSrArrivalMs = Number.NaN;
  #lastArrivalMs = Number.NaN;

  /**
   * @param ssrc - The source, uint32.
   * @param clockRateHz - RTP clock rate, Hz (> 0).
   */
  constructor(ssrc: number, clockRateHz: number) {
    this.ssrc = ssrc >>> 0;
    this.clockRateHz = clockRateHz;
  }

  /**
   * Takes one RTP packet of this source into account.
   * @param sequenceNumber - The packet's sequence number, 0–65535.
   * @param rtpTimestamp - The packet's RTP timestamp, uint32.
   * @param arrivalMs - Arrival time, ms, on the receiver's clock.
   * @returns How the packet was classified (see {@link SequenceUpdate}).
   */
  update(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): SequenceUpdate {
    const seq = sequenceNumber & 0xffff;
    this.#lastArrivalMs = arrivalMs;
    if (!this.#started) {
      // RFC A.1: init_seq(s, seq); s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL.
      this.#started = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = MIN_SEQUENTIAL;
    }
    const result = this.#updateSeq(seq);
    if (result !== 'jump') this.#updateJitter(rtpTimestamp, arrivalMs);
    return result;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  #updateSeq(seq: number): SequenceUpdate {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // Modular "+1": the C original's int promotion misses the 65535 → 0 step.
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return 'valid';
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: a restarted sender if the next packet follows it.
      if (seq === this.#badSeq) {
        this.#initSeq(seq);
        this.#hasTransit = false;
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return 'jump';
      }
    }
    // Otherwise a duplicate or reordered packet: counted, max_seq unchanged.
    this.#received++;
    return 'valid';
  }

  #updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrivalUnits = (arrivalMs * this.clockRateHz) / 1000;
    const ts = rtpTimestamp >>> 0;
    if (this.#hasTransit) {
      // D(i-1, i) = (R_i − R_{i−1}) − (S_i − S_{i−1}), the timestamp difference taken modulo 2^32.
      const d = arrivalUnits - this.#lastArrivalUnits - ((ts - this.#lastRtpTimestamp) | 0);
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#hasTransit = true;
    this.#lastArrivalUnits = arrivalUnits;
    this.#lastRtpTimestamp = ts;
  }

  /** True once the source passed probation (RFC A.1: MIN_SEQUENTIAL packets in sequence). */
  get valid(): boolean {
    return this.#started && this.#probation === 0;
  }

  /** Packets counted as received (RFC A.1 `received`; duplicates included, probation packets not). */
  get packetsReceived(): number {
    return this.#received;
  }

  /** Extended highest sequence number received: cycles × 65536 + max_seq (RFC A.3). */
  get extendedHighestSequence(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Packets expected since validation: extended max − base + 1 (RFC A.3); 0 before validation. */
  get packetsExpected(): number {
    return this.valid ? this.#cycles + this.#maxSeq - this.#baseSeq + 1 : 0;
  }

  /** Cumulative packets lost, expected − received, clamped to signed 24 bits (RFC A.3). */
  get packetsLost(): number {
    const lost = this.packetsExpected - this.#received;
    return Math.min(LOST_MAX, Math.max(LOST_MIN, lost));
  }

  /** Interarrival jitter, RTP timestamp units (RFC A.8 estimate, fractional). */
  get jitterUnits(): number {
    return this.#jitter;
  }

  /** Interarrival jitter, ms. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRateHz;
  }

  /** Fraction lost (0–1) of the interval closed by the last {@link takeReport}. */
  get fractionLost(): number {
    return this.#lastFractionLost / 256;
  }

  /** Arrival time of the last packet, ms (NaN before any). */
  get lastArrivalMs(): number {
    return this.#lastArrivalMs;
  }

  /** Arrival time of the last sender report from this source, ms (NaN before any). */
  get lastSrArrivalMs(): number {
    return this.#lastSrArrivalMs;
  }

  /**
   * Records a sender report from this source, for the LSR/DLSR of the next report block.
   * @param ntpMiddle32 - Middle 32 bits of the SR's NTP timestamp.
   * @param arrivalMs - When the SR arrived, ms on the receiver's clock.
   */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.#hasSr = true;
    this.#lastSrMiddle32 = ntpMiddle32 >>> 0;
    this.#lastSrArrivalMs = arrivalMs;
  }

  /**
   * Builds the RFC 3550 report block about this source and closes the loss interval (RFC A.3:
   * `expected_prior`/`received_prior` advance). Call once per RTCP report sent.
   * @param nowMs - The time the report is sent, ms, same clock as the arrival times (for DLSR).
   * @param out - Optional object to fill (allocation-free reporting).
   */
  takeReport(nowMs: number, out?: ReceptionReport): ReceptionReport {
    const expected = this.packetsExpected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    this.#lastFractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const hasSr = this.#hasSr;
    const report = out ?? ({} as ReceptionReport);
    report.ssrc = this.ssrc;
    // All lost gives 256, which the 8-bit field cannot hold.
    report.fractionLost = Math.min(this.#lastFractionLost, 255);
    report.cumulativeLost = this.packetsLost;
    report.highestSequence = this.extendedHighestSequence >>> 0;
    report.jitter = Math.min(Math.floor(this.#jitter), 0xffffffff);
    report.lastSr = hasSr ? this.#lastSrMiddle32 : 0;
    report.delaySinceLastSr = hasSr ? compactFromMs(nowMs - this.#lastSrArrivalMs) : 0;
    return report;
  }
}
