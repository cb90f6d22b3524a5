import type { Clock, ClockTimer } from '../../clock/index.js';
import type { Transport } from '../types.js';
import type { RandomSource } from './random.js';
import type { RtpReceiver } from './receiver.js';
import { ntpFromMs } from './rtcp/ntp.js';
import { serializeRtcpCompound } from './rtcp/serialize.js';
import { type RtcpPacket, SDES_ITEM } from './rtcp/types.js';
import {
  RTCP_BANDWIDTH_FRACTION,
  RTCP_LOWER_LAYER_OVERHEAD_BYTES,
  RTCP_MIN_INTERVAL_MS,
  reducedMinimumIntervalMs,
  rtcpIntervalMs,
  updateAvgRtcpSize,
} from './rtcp-interval.js';

/** What an SR says about our own stream; `RtpSender` provides it. */
export interface RtcpSenderInfo {
  /** RTP packets sent so far. */
  readonly packetsSent: number;
  /** Payload bytes sent so far. */
  readonly bytesSent: number;
  /** True when an RTP packet was sent since the last call (RFC 3550 `we_sent`); the call resets it. */
  takeSentFlag(): boolean;
  /** The RTP timestamp corresponding to clock time `nowMs`. */
  rtpTimestampAt(nowMs: number): number;
}

/** Options of {@link RtcpReporter}. */
export interface RtcpReporterOptions {
  /** Where RTCP goes (channel `'rtcp'`). */
  transport: Transport;
  /** Paces the reports and timestamps SRs. */
  clock: Clock;
  /** Uniform [0, 1) source for the interval randomisation. */
  random: RandomSource;
  /** Our SSRC, uint32 (an SR's or RR's sender). */
  ssrc: number;
  /** SDES CNAME, 1–255 UTF-8 bytes. */
  cname: string;
  /** Source of report blocks and of the other members; also feeds the average RTCP size. */
  receiver?: RtpReceiver;
  /** Our RTP stream, for SRs; absent: a receive-only participant (RRs). */
  senderInfo?: RtcpSenderInfo;
  /** Session bandwidth, bits/s (> 0); RTCP gets 5 % of it. */
  sessionBandwidthBps: number;
  /** Use the RFC 3550 §6.2 reduced minimum interval instead of 5 s. */
  reducedMinimum: boolean;
  /** Unix ms at the clock's time 0, for SR NTP timestamps. */
  ntpOffsetMs: number;
}

/**
 * Sends our compound RTCP on the RFC 3550 §6.3 schedule: SR (while we sent RTP in the last two
 * intervals) or RR, with the receiver's report blocks, plus SDES CNAME; BYE on request. Members for
 * the interval are us plus the receiver's remote senders, at least 2 (unicast). Timer
 * reconsideration (§6.3.6) is not applied: in a two-party call membership does not change.
 */
export class RtcpReporter {
  readonly #o: RtcpReporterOptions;
  readonly #rtcpBandwidthBps: number;
  readonly #minIntervalMs: number;
  #avgRtcpSizeBytes = 0;
  #initial = true;
  #sentThisInterval = false;
  #sentLastInterval = false;
  #timer: ClockTimer | undefined;
  #closed = false;
  #reportsSent = 0;
  readonly #onRemoteRtcp = (event: { bytes: number }): void => this.#countSize(event.bytes);
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    if (!this.#o.transport.closed) this.#send(undefined);
    this.#initial = false;
    this.#schedule();
  };

  /** @param options - See {@link RtcpReporterOptions}. Scheduling starts at once (the first report after half the minimum, randomised). */
  constructor(options: RtcpReporterOptions) {
    this.#o = options;
    this.#rtcpBandwidthBps = options.sessionBandwidthBps * RTCP_BANDWIDTH_FRACTION;
    this.#minIntervalMs = options.reducedMinimum
      ? reducedMinimumIntervalMs(options.sessionBandwidthBps)
      : RTCP_MIN_INTERVAL_MS;
    options.receiver?.on('rtcp', this.#onRemoteRtcp);
    this.#schedule();
  }

  /** Compound RTCP packets sent. */
  get reportsSent(): number {
    return this.#reportsSent;
  }

  /**
   * Sends a compound packet now, outside the schedule; with `bye` (null: BYE without reason) it ends
   * with a BYE. Does nothing after {@link close}.
   */
  sendNow(bye?: string | null): void {
    if (this.#closed || this.#o.transport.closed) return;
    this.#send(bye);
  }

  /** Stops the timer; nothing is sent any more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#o.receiver?.off('rtcp', this.#onRemoteRtcp);
  }

  #pollSent(): boolean {
    if (this.#o.senderInfo?.takeSentFlag()) this.#sentThisInterval = true;
    return this.#sentThisInterval || this.#sentLastInterval;
  }

  #schedule(): void {
    const remotes = this.#o.receiver?.remoteSenderCount ?? 0;
    const weSent = this.#pollSent();
    const intervalMs = rtcpIntervalMs(
      {
        members: Math.max(2, 1 + remotes),
        senders: remotes + (weSent ? 1 : 0),
        rtcpBandwidthBps: this.#rtcpBandwidthBps,
        weSent,
        // Before any RTCP was sent or heard, assume a typical SR + SDES.
        avgRtcpSizeBytes: this.#avgRtcpSizeBytes > 0 ? this.#avgRtcpSizeBytes : 100,
        initial: this.#initial,
        minIntervalMs: this.#minIntervalMs,
      },
      this.#o.random,
    );
    this.#timer = this.#o.clock.setTimeout(this.#onTimer, intervalMs);
  }

  #countSize(bytes: number): void {
    const size = bytes + RTCP_LOWER_LAYER_OVERHEAD_BYTES;
    this.#avgRtcpSizeBytes =
      this.#avgRtcpSizeBytes > 0 ? updateAvgRtcpSize(this.#avgRtcpSizeBytes, size) : size;
  }

  #send(bye: string | null | undefined): void {
    const o = this.#o;
    const nowMs = o.clock.now();
    const reports = o.receiver?.takeReports(nowMs) ?? [];
    const info = o.senderInfo;
    const packets: RtcpPacket[] = [];
    if (info !== undefined && this.#pollSent()) {
      packets.push({
        type: 'sr',
        ssrc: o.ssrc,
        ntpTimestamp: ntpFromMs(nowMs + o.ntpOffsetMs),
        rtpTimestamp: info.rtpTimestampAt(nowMs),
        packetCount: info.packetsSent >>> 0,
        octetCount: info.bytesSent >>> 0,
        reports,
      });
    } else {
      packets.push({ type: 'rr', ssrc: o.ssrc, reports });
    }
    packets.push({
      type: 'sdes',
      chunks: [{ ssrc: o.ssrc, items: [{ type: SDES_ITEM.CNAME, text: o.cname }] }],
    });
    if (bye !== undefined) {
      packets.push(
        bye === null ? { type: 'bye', ssrcs: [o.ssrc] } : { type: 'bye', ssrcs: [o.ssrc], reason: bye },
      );
    }
    const data = serializeRtcpCompound(packets);
    o.transport.send(data, 'rtcp');
    this.#reportsSent++;
    this.#countSize(data.length);
    this.#sentLastInterval = this.#sentThisInterval;
    this.#sentThisInterval = false;
  }
}
