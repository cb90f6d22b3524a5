import type { Transport } from '../types.js';
import type { RtpPacket } from './packet.js';
import type { RtcpPacket } from './rtcp/types.js';

/** Options of `RtpReceiver`. */
export interface RtpReceiverOptions {
  /** RTP clock rate of the received payload, Hz (8000 for G.711, 48000 for Opus). Required. */
  clockRateHz: number;
  /** When given, every `datagram` it emits is fed to `RtpReceiver.receive`. */
  transport?: Transport;
  /**
   * A source not heard from (RTP or RTCP) for this long is removed, ms, > 0, default 30000
   * (RFC 3550 §6.3.5: five reporting intervals of at least 5 s, plus margin).
   */
  sourceTimeoutMs?: number;
  /**
   * Unix time in ms at the clock's time 0, for NTP timestamps (round-trip times need the same value
   * the local `RtpSender` uses, which takes it from here). Default: the local `RtpSender`'s (from
   * its clock's `unixTimeMs`), else 0.
   */
  ntpOffsetMs?: number;
  /**
   * Most remote sources tracked at once, integer 1–65536, default 64. A datagram from a new SSRC
   * beyond it evicts the source heard least recently (the current one only when it is alone),
   * counted in `sourcesEvicted`: a flood of random SSRCs cannot grow memory.
   */
  maxSources?: number;
}

/** A received RTP packet, as the `packet` event carries it. */
export interface ReceivedRtpPacket {
  /**
   * The parsed packet. The object and its views are reused/owned by the transport: valid only during
   * the listener call; copy what you keep.
   */
  packet: RtpPacket;
  /** Arrival time, ms on the transport's clock. */
  arrivalMs: number;
}

/** Events of `RtpReceiver`. */
export interface RtpReceiverEvents {
  /**
   * An RTP packet was accepted, a new source's probation packets included (malformed datagrams and
   * refused sequence jumps are not). Duplicates and reordered packets are delivered as they arrive.
   */
  packet: (event: ReceivedRtpPacket) => void;
  /** A new remote source sent its first RTP packet; `previousSsrc` is the source heard before it. */
  ssrc: (event: { ssrc: number; previousSsrc: number | undefined }) => void;
  /** A remote source said goodbye (RTCP BYE); its statistics are gone. */
  bye: (event: { ssrcs: readonly number[]; reason: string | undefined }) => void;
  /** A remote source timed out (see {@link RtpReceiverOptions.sourceTimeoutMs}) and was removed. */
  timeout: (event: { ssrc: number }) => void;
  /** A well-formed compound RTCP packet arrived (`bytes`: its size, for the RTCP interval average). */
  rtcp: (event: { packets: readonly RtcpPacket[]; bytes: number; arrivalMs: number }) => void;
  /** A listener threw; the receiver carried on. */
  error: (error: unknown) => void;
}
