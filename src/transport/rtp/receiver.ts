import { invalidOption } from '../../errors.js';
import { SafeEventEmitter } from '../../events.js';
import type { DatagramChannel, ReceivedDatagram, Transport } from '../types.js';
import { classifyDatagram } from './demux.js';
import { createRtpPacket, tryParseRtpPacket } from './packet.js';
import type { ReceivedRtpPacket, RtpReceiverEvents, RtpReceiverOptions } from './receiver-types.js';
import { middle32, msFromNtp, ntpFromMs, roundTripTimeMs } from './rtcp/ntp.js';
import { tryParseRtcpCompound } from './rtcp/parse.js';
import type { ReceptionReport } from './rtcp/types.js';
import { SDES_ITEM } from './rtcp/types.js';
import { SourceState } from './source-state.js';
import type {
  InboundRtpStats,
  RemoteInboundRtpStats,
  RemoteOutboundRtpStats,
  RtpReceiverStats,
} from './stats.js';

interface Remote {
  state: SourceState;
  announced: boolean;
  lastHeardMs: number;
  bytes: number;
  headerBytes: number;
  discarded: number;
  cname: string | undefined;
  outbound: RemoteOutboundRtpStats | undefined;
}

interface Local {
  clockRateHz: number;
  stats: RemoteInboundRtpStats;
}

/**
 * The receive side of an RTP session: demultiplexes RTP and RTCP (RFC 5761), parses RTP (malformed
 * datagrams are counted, never thrown), keeps RFC 3550 statistics per remote SSRC, follows SSRC
 * changes, BYE and timeouts, records the remote's SRs (for LSR/DLSR) and its report blocks about our
 * stream (loss, jitter, round-trip time), and builds the report blocks our RTCP carries.
 *
 * It reads no clock: arrival times come with each datagram.
 */
export class RtpReceiver extends SafeEventEmitter<RtpReceiverEvents> {
  /** RTP clock rate of the received payload, Hz. */
  readonly clockRateHz: number;
  readonly #sourceTimeoutMs: number;
  readonly #maxSources: number;
  #ntpOffsetMs: number;
  // False while the offset is the default: a local RtpSender may then set it (see addLocalSource).
  #ntpOffsetGiven: boolean;
  #sourcesEvicted = 0;
  readonly #transport: Transport | undefined;
  readonly #remotes = new Map<number, Remote>();
  readonly #locals = new Map<number, Local>();
  readonly #packet = createRtpPacket();
  readonly #event: ReceivedRtpPacket = { packet: this.#packet, arrivalMs: 0 };
  #current: Remote | undefined;
  #lastPruneMs = Number.NEGATIVE_INFINITY;
  #packetsMalformed = 0;
  #packetsDiscarded = 0;
  #rtcpMalformed = 0;
  #unknown = 0;
  #rtcpReceived = 0;
  #closed = false;
  readonly #onDatagram = (d: ReceivedDatagram): void => this.receive(d.data, d.arrivalMs, d.channel);

  /**
   * @param options - See {@link RtpReceiverOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a clock rate or timeout that is not a positive number.
   */
  constructor(options: RtpReceiverOptions) {
    super();
    const rate = options?.clockRateHz;
    if (!(typeof rate === 'number' && Number.isFinite(rate) && rate > 0)) {
      invalidOption('clockRateHz', rate, 'must be a positive number of Hz');
    }
    const timeout = options.sourceTimeoutMs ?? 30_000;
    if (!(typeof timeout === 'number' && timeout > 0)) {
      invalidOption('sourceTimeoutMs', timeout, 'must be a positive number of ms');
    }
    const maxSources = options.maxSources ?? 64;
    if (!(Number.isInteger(maxSources) && maxSources >= 1 && maxSources <= 65536)) {
      invalidOption('maxSources', maxSources, 'must be an integer 1–65536');
    }
    const offset = options.ntpOffsetMs ?? 0;
    if (!(typeof offset === 'number' && Number.isFinite(offset))) {
      invalidOption('ntpOffsetMs', offset, 'must be a finite number of ms');
    }
    this.clockRateHz = rate;
    this.#ntpOffsetMs = offset;
    this.#ntpOffsetGiven = options.ntpOffsetMs !== undefined;
    this.#sourceTimeoutMs = timeout;
    this.#maxSources = maxSources;
    this.#transport = options.transport;
    this.#transport?.on('datagram', this.#onDatagram);
  }

  /**
   * Unix ms at the clock's time 0, for NTP timestamps (round-trip times): the option, else the one
   * a local `RtpSender` brought (see {@link addLocalSource}), else 0.
   */
  get ntpOffsetMs(): number {
    return this.#ntpOffsetMs;
  }

  /** The remote source heard most recently, undefined before any RTP. */
  get currentSsrc(): number | undefined {
    return this.#current?.state.ssrc;
  }

  /** Number of live remote sources that sent RTP. */
  get remoteSenderCount(): number {
    let n = 0;
    for (const remote of this.#remotes.values()) if (remote.announced) n++;
    return n;
  }

  /**
   * Declares one of our own sources, so report blocks about it feed the remote-inbound statistics.
   * `RtpSender` calls it for its SSRC.
   * @param ssrc - Our source, uint32.
   * @param clockRateHz - Its RTP clock rate, Hz (converts the reported jitter to seconds).
   * @param ntpOffsetMs - The NTP offset (Unix ms at clock time 0) the source's SRs use; adopted when
   *   the receiver was built without `ntpOffsetMs` and has not adopted one yet, so round-trip times
   *   compare like with like. Ignored when not finite.
   */
  addLocalSource(ssrc: number, clockRateHz: number, ntpOffsetMs?: number): void {
    if (!this.#ntpOffsetGiven && ntpOffsetMs !== undefined && Number.isFinite(ntpOffsetMs)) {
      this.#ntpOffsetMs = ntpOffsetMs;
      this.#ntpOffsetGiven = true;
    }
    const key = ssrc >>> 0;
    if (this.#locals.has(key)) return;
    this.#locals.set(key, {
      clockRateHz,
      stats: {
        ssrc: key,
        packetsLost: 0,
        fractionLost: 0,
        jitter: 0,
        roundTripTime: undefined,
        totalRoundTripTime: 0,
        roundTripTimeMeasurements: 0,
        reportsReceived: 0,
      },
    });
  }

  /**
   * Takes one datagram: RTP or RTCP by its channel and (on a muxed channel) RFC 5761. Never throws on
   * bad input: malformed and foreign datagrams are counted in {@link getStats}.
   * @param data - The datagram; only read during the call.
   * @param arrivalMs - Arrival time, ms on the session clock.
   * @param channel - The socket it came in on, default `'rtp'` (muxed).
   */
  receive(data: Uint8Array, arrivalMs: number, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) return;
    const kind = channel === 'rtcp' ? 'rtcp' : classifyDatagram(data);
    if (kind === 'rtp') this.#receiveRtp(data, arrivalMs);
    else if (kind === 'rtcp') this.#receiveRtcp(data, arrivalMs);
    else this.#unknown++;
    if (arrivalMs - this.#lastPruneMs >= 1000) this.#prune(arrivalMs);
  }

  #receiveRtp(data: Uint8Array, arrivalMs: number): void {
    const packet = tryParseRtpPacket(data, this.#packet);
    if (packet === undefined) {
      this.#packetsMalformed++;
      return;
    }
    const ssrc = packet.ssrc;
    let remote = this.#current;
    if (remote === undefined || remote.state.ssrc !== ssrc) remote = this.#remote(ssrc, arrivalMs);
    remote.lastHeardMs = arrivalMs;
    if (!remote.announced) {
      remote.announced = true;
      const previousSsrc = this.#current?.state.ssrc;
      this.#current = remote;
      this.safeEmit('ssrc', { ssrc, previousSsrc });
    }
    this.#current = remote;
    const result = remote.state.update(packet.sequenceNumber, packet.timestamp, arrivalMs);
    if (result === 'jump') {
      remote.discarded++;
      this.#packetsDiscarded++;
      return;
    }
    if (result === 'valid') {
      remote.bytes += packet.payload.length;
      remote.headerBytes += data.length - packet.payload.length;
    }
    this.#event.arrivalMs = arrivalMs;
    this.safeEmit('packet', this.#event);
  }

  #remote(ssrc: number, nowMs: number): Remote {
    let remote = this.#remotes.get(ssrc);
    if (remote === undefined) {
      if (this.#remotes.size >= this.#maxSources) this.#evict();
      remote = {
        state: new SourceState(ssrc, this.clockRateHz),
        announced: false,
        lastHeardMs: nowMs,
        bytes: 0,
        headerBytes: 0,
        discarded: 0,
        cname: undefined,
        outbound: undefined,
      };
      this.#remotes.set(ssrc, remote);
    }
    return remote;
  }

  /**
   * Drops the source heard least recently, the current one only when it is the only one (maxSources
   * 1): random SSRCs cannot grow the map.
   */
  #evict(): void {
    let oldest: Remote | undefined;
    for (const remote of this.#remotes.values()) {
      if (remote === this.#current) continue;
      if (oldest === undefined || remote.lastHeardMs < oldest.lastHeardMs) oldest = remote;
    }
    oldest ??= this.#current;
    if (oldest === undefined) return;
    this.#remotes.delete(oldest.state.ssrc);
    if (oldest === this.#current) this.#current = undefined;
    this.#sourcesEvicted++;
  }

  #receiveRtcp(data: Uint8Array, arrivalMs: number): void {
    const packets = tryParseRtcpCompound(data);
    if (packets === undefined) {
      this.#rtcpMalformed++;
      return;
    }
    this.#rtcpReceived++;
    for (const p of packets) {
      switch (p.type) {
        case 'sr': {
          if (this.#locals.has(p.ssrc)) break;
          const remote = this.#remote(p.ssrc, arrivalMs);
          remote.lastHeardMs = arrivalMs;
          remote.state.onSenderReport(middle32(p.ntpTimestamp), arrivalMs);
          const reportsSent = (remote.outbound?.reportsSent ?? 0) + 1;
          remote.outbound = {
            ssrc: p.ssrc,
            packetsSent: p.packetCount,
            bytesSent: p.octetCount,
            remoteTimestamp: msFromNtp(p.ntpTimestamp),
            reportsSent,
          };
          this.#onReports(p.reports, arrivalMs);
          break;
        }
        case 'rr': {
          const remote = this.#remotes.get(p.ssrc);
          if (remote !== undefined) remote.lastHeardMs = arrivalMs;
          this.#onReports(p.reports, arrivalMs);
          break;
        }
        case 'sdes':
          for (const chunk of p.chunks) {
            const remote = this.#remotes.get(chunk.ssrc);
            if (remote === undefined) continue;
            for (const item of chunk.items) if (item.type === SDES_ITEM.CNAME) remote.cname = item.text;
          }
          break;
        case 'bye': {
          const left: number[] = [];
          for (const ssrc of p.ssrcs) {
            const remote = this.#remotes.get(ssrc);
            if (remote === undefined) continue;
            this.#remotes.delete(ssrc);
            if (this.#current === remote) this.#current = undefined;
            left.push(ssrc);
          }
          if (left.length > 0) this.safeEmit('bye', { ssrcs: left, reason: p.reason });
          break;
        }
        default:
          break;
      }
    }
    this.safeEmit('rtcp', { packets, bytes: data.length, arrivalMs });
  }

  #onReports(reports: readonly ReceptionReport[], arrivalMs: number): void {
    for (const block of reports) {
      const local = this.#locals.get(block.ssrc);
      if (local === undefined) continue;
      const s = local.stats;
      s.reportsReceived++;
      s.packetsLost = block.cumulativeLost;
      s.fractionLost = block.fractionLost / 256;
      s.jitter = block.jitter / local.clockRateHz;
      const arrival = middle32(ntpFromMs(arrivalMs + this.#ntpOffsetMs));
      const rttMs = roundTripTimeMs(arrival, block.lastSr, block.delaySinceLastSr);
      if (rttMs !== undefined) {
        s.roundTripTime = rttMs / 1000;
        s.totalRoundTripTime += rttMs / 1000;
        s.roundTripTimeMeasurements++;
      }
    }
  }

  #prune(nowMs: number): void {
    this.#lastPruneMs = nowMs;
    for (const [ssrc, remote] of this.#remotes) {
      if (nowMs - remote.lastHeardMs <= this.#sourceTimeoutMs) continue;
      this.#remotes.delete(ssrc);
      if (this.#current === remote) this.#current = undefined;
      this.safeEmit('timeout', { ssrc });
    }
  }

  /**
   * Report blocks about every validated remote source, for our next SR/RR, closing each source's
   * loss interval (RFC 3550 A.3). Removes timed-out sources first.
   * @param nowMs - The send time of the report, ms on the session clock (for DLSR).
   * @param max - At most this many blocks (an SR/RR holds 31), default 31.
   */
  takeReports(nowMs: number, max = 31): ReceptionReport[] {
    this.#prune(nowMs);
    const reports: ReceptionReport[] = [];
    for (const remote of this.#remotes.values()) {
      if (reports.length >= max) break;
      if (!remote.state.valid) continue;
      reports.push(remote.state.takeReport(nowMs));
    }
    return reports;
  }

  /** The CNAME a remote source announced in SDES, if any. */
  cnameOf(ssrc: number): string | undefined {
    return this.#remotes.get(ssrc >>> 0)?.cname;
  }

  /** A snapshot of the statistics (W3C names; see {@link RtpReceiverStats}). */
  getStats(): RtpReceiverStats {
    const sources: InboundRtpStats[] = [];
    let inbound: InboundRtpStats | undefined;
    for (const remote of this.#remotes.values()) {
      if (!remote.announced) continue;
      const stats = this.#inbound(remote);
      sources.push(stats);
      if (remote === this.#current) {
        stats.packetsDiscarded += this.#packetsMalformed;
        inbound = stats;
      }
    }
    const firstLocal = this.#locals.values().next().value as Local | undefined;
    const remoteInbound =
      firstLocal !== undefined && firstLocal.stats.reportsReceived > 0 ? { ...firstLocal.stats } : undefined;
    const outbound = this.#current?.outbound;
    return {
      inbound,
      sources,
      remoteInbound,
      remoteOutbound: outbound === undefined ? undefined : { ...outbound },
      packetsMalformed: this.#packetsMalformed,
      packetsDiscarded: this.#packetsDiscarded,
      rtcpPacketsMalformed: this.#rtcpMalformed,
      datagramsUnknown: this.#unknown,
      rtcpPacketsReceived: this.#rtcpReceived,
      sourcesEvicted: this.#sourcesEvicted,
    };
  }

  /** The remote's reports about one of our sources, undefined before any block about it. */
  getRemoteInboundStats(ssrc: number): RemoteInboundRtpStats | undefined {
    const local = this.#locals.get(ssrc >>> 0);
    return local === undefined || local.stats.reportsReceived === 0 ? undefined : { ...local.stats };
  }

  #inbound(remote: Remote): InboundRtpStats {
    const s = remote.state;
    return {
      ssrc: s.ssrc,
      packetsReceived: s.packetsReceived,
      packetsLost: s.packetsLost,
      fractionLost: s.fractionLost,
      jitter: s.jitterMs / 1000,
      bytesReceived: remote.bytes,
      headerBytesReceived: remote.headerBytes,
      lastPacketReceivedTimestamp: Number.isNaN(s.lastArrivalMs) ? undefined : s.lastArrivalMs,
      packetsDiscarded: remote.discarded,
    };
  }

  /** Stops listening to the transport (which stays open); later datagrams are ignored. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#transport?.off('datagram', this.#onDatagram);
  }
}
