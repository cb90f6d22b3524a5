import type { Clock } from '../../clock/index.js';
import { invalidOption, VoxwireError } from '../../errors.js';
import type { Transport } from '../types.js';
import { type AudioLevel, writeAudioLevel } from './audio-level.js';
import type { RtpHeaderExtension } from './header-extensions.js';
import { type RtpHeader, rtpPacketSize, serializeRtpPacket } from './packet.js';
import { cryptoRandom, type RandomSource, randomUint32 } from './random.js';
import type { RtpReceiver } from './receiver.js';
import { RtcpReporter } from './rtcp-reporter.js';
import type { OutboundRtpStats } from './stats.js';

/** Options of {@link RtpSender}. */
export interface RtpSenderOptions {
  /** Where packets go (RTP on `'rtp'`, RTCP on `'rtcp'`). */
  transport: Transport;
  /** Paces RTCP and timestamps SRs. */
  clock: Clock;
  /** RTP payload type, 0–127. */
  payloadType: number;
  /** RTP clock rate of the payload, Hz (8000 for G.711, 48000 for Opus). */
  clockRateHz: number;
  /** Our SSRC, uint32; default random. */
  ssrc?: number;
  /** Uniform [0, 1) source for SSRC, initial sequence/timestamp, CNAME and RTCP jitter; default crypto. */
  random?: RandomSource;
  /** SDES CNAME, 1–255 bytes of UTF-8; default a random 16-character identifier (RFC 7022). */
  cname?: string;
  /** RFC 6464 audio-level extension id (1–14, from `a=extmap`); default none. */
  audioLevelExtensionId?: number;
  /**
   * Receiver of the same session: its report blocks go into our RTCP, it learns our SSRC (for the
   * round-trip time) and its NTP offset is used for our SRs.
   */
  receiver?: RtpReceiver;
  /** Send RTCP (SR/RR + SDES, and BYE), default true. */
  rtcp?: boolean;
  /** Session bandwidth the RTCP share is computed from, bits/s (> 0), default 64000. */
  sessionBandwidthBps?: number;
  /** Use the RFC 3550 §6.2 reduced minimum interval (360 / kbit/s seconds) instead of 5 s, default false. */
  rtcpReducedMinimum?: boolean;
  /**
   * Unix ms at the clock's time 0, for SR NTP timestamps. Default: the receiver's when it was given
   * one, else from the clock's wall time (`Clock.unixTimeMs`: real NTP time on a `RealClock`), else
   * 0 (a `VirtualClock`: deterministic). An attached receiver without its own adopts the result.
   */
  ntpOffsetMs?: number;
}

/** Per-packet options of {@link RtpSender.send}. */
export interface RtpSendOptions {
  /** Duration of this packet in RTP clock units (e.g. 960 for 20 ms at 48 kHz): the next timestamp's advance. */
  samples: number;
  /** Marker bit; default true on the first packet of a talkspurt, else false. */
  marker?: boolean;
  /** RFC 6464 level, written when {@link RtpSenderOptions.audioLevelExtensionId} is set. */
  audioLevel?: AudioLevel;
}

const NO_EXTENSIONS: readonly RtpHeaderExtension[] = Object.freeze([]);
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The send side of an RTP session (RFC 3550): numbers and timestamps packets (random SSRC, initial
 * sequence number and timestamp; timestamps advance by the samples each packet carries), sets the
 * marker bit on the first packet of each talkspurt, adds the RFC 6464 audio level, and sends RTCP on
 * the RFC 3550 interval through an {@link RtcpReporter}: an SR (RR while not sending) with report
 * blocks from the attached {@link RtpReceiver}, plus SDES CNAME, and BYE on {@link bye}. Serializes
 * into one reused buffer: no allocation per packet.
 */
export class RtpSender {
  /** Our SSRC, uint32. */
  readonly ssrc: number;
  /** Our SDES CNAME. */
  readonly cname: string;
  /** RTP clock rate, Hz. */
  readonly clockRateHz: number;
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #header: RtpHeader & { extensions: readonly RtpHeaderExtension[] };
  readonly #levelExtensions: readonly RtpHeaderExtension[] | undefined;
  readonly #levelData = new Uint8Array(1);
  #buffer = new Uint8Array(1500);
  #sequenceNumber: number;
  #timestamp: number;
  #talkspurtStart = true;
  // RTP timestamp of the last packet and when it was sent: maps clock time to RTP time for SRs.
  #lastPacketTimestamp: number;
  #lastPacketMs: number;
  #sentFlag = false;
  readonly #stats: OutboundRtpStats;
  readonly #rtcp: RtcpReporter | undefined;
  #stopped = false;

  /**
   * @param options - See {@link RtpSenderOptions}. RTCP scheduling starts at once (the first report
   *   after half the minimum interval, randomised).
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option (payload type, clock rate, SSRC,
   *   extension id, CNAME, bandwidth, NTP offset).
   */
  constructor(options: RtpSenderOptions) {
    const o = options;
    if (!(Number.isInteger(o?.payloadType) && o.payloadType >= 0 && o.payloadType <= 127)) {
      invalidOption('payloadType', o?.payloadType, 'must be an integer 0–127');
    }
    if (!(typeof o.clockRateHz === 'number' && Number.isFinite(o.clockRateHz) && o.clockRateHz > 0)) {
      invalidOption('clockRateHz', o.clockRateHz, 'must be a positive number of Hz');
    }
    if (o.ssrc !== undefined && !(Number.isInteger(o.ssrc) && o.ssrc >= 0 && o.ssrc <= 0xffffffff)) {
      invalidOption('ssrc', o.ssrc, 'must be an integer 0–4294967295');
    }
    const extId = o.audioLevelExtensionId;
    if (extId !== undefined && !(Number.isInteger(extId) && extId >= 1 && extId <= 14)) {
      invalidOption('audioLevelExtensionId', extId, 'must be an integer 1–14 (one-byte RFC 8285 form)');
    }
    const bandwidth = o.sessionBandwidthBps ?? 64_000;
    if (!(typeof bandwidth === 'number' && Number.isFinite(bandwidth) && bandwidth > 0)) {
      invalidOption('sessionBandwidthBps', bandwidth, 'must be a positive number of bits/s');
    }
    const random = o.random ?? cryptoRandom;
    const cname = o.cname ?? randomCname(random);
    const cnameBytes = typeof cname === 'string' ? Buffer.byteLength(cname, 'utf8') : 0;
    if (cnameBytes < 1 || cnameBytes > 255) invalidOption('cname', cname, 'must be 1–255 bytes of UTF-8');
    if (o.ntpOffsetMs !== undefined && !Number.isFinite(o.ntpOffsetMs))
      invalidOption('ntpOffsetMs', o.ntpOffsetMs, 'must be a finite number of ms');

    this.#transport = o.transport;
    this.#clock = o.clock;
    this.clockRateHz = o.clockRateHz;
    this.cname = cname;
    this.ssrc = o.ssrc ?? randomUint32(random);
    this.#sequenceNumber = randomUint32(random) & 0xffff;
    this.#timestamp = randomUint32(random);
    this.#lastPacketTimestamp = this.#timestamp;
    this.#lastPacketMs = o.clock.now();
    this.#header = {
      marker: false,
      payloadType: o.payloadType,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: this.ssrc,
      csrcs: [],
      extensions: NO_EXTENSIONS,
    };
    this.#levelExtensions = extId === undefined ? undefined : [{ id: extId, data: this.#levelData }];
    this.#stats = { ssrc: this.ssrc, packetsSent: 0, bytesSent: 0, headerBytesSent: 0, reportsSent: 0 };
    const ownOffsetMs = o.ntpOffsetMs ?? clockNtpOffsetMs(o.clock);
    o.receiver?.addLocalSource(this.ssrc, this.clockRateHz, ownOffsetMs);
    const ntpOffsetMs = o.ntpOffsetMs ?? o.receiver?.ntpOffsetMs ?? ownOffsetMs;
    if (o.rtcp ?? true) {
      const stats = this.#stats;
      this.#rtcp = new RtcpReporter({
        transport: o.transport,
        clock: o.clock,
        random,
        ssrc: this.ssrc,
        cname,
        receiver: o.receiver,
        sessionBandwidthBps: bandwidth,
        reducedMinimum: o.rtcpReducedMinimum ?? false,
        ntpOffsetMs,
        senderInfo: {
          get packetsSent() {
            return stats.packetsSent;
          },
          get bytesSent() {
            return stats.bytesSent;
          },
          takeSentFlag: () => {
            const sent = this.#sentFlag;
            this.#sentFlag = false;
            return sent;
          },
          rtpTimestampAt: (nowMs) => this.rtpTimestampAt(nowMs),
        },
      });
    }
  }

  /** The sequence number the next packet will carry, 0–65535. */
  get nextSequenceNumber(): number {
    return this.#sequenceNumber;
  }

  /** The RTP timestamp the next packet will carry, uint32. */
  get nextTimestamp(): number {
    return this.#timestamp;
  }

  /**
   * Sends one RTP packet carrying `payload` (copied; reuse it at once).
   * @param payload - Encoded audio.
   * @param options - See {@link RtpSendOptions}.
   * @throws VoxwireError `ERR_INVALID_STATE` after {@link bye} or {@link close};
   *   `ERR_INVALID_ARGUMENT` when `samples` is not an integer 0–2^31 or the audio level is not 0–127.
   */
  send(payload: Uint8Array, options: RtpSendOptions): void {
    if (this.#stopped) throw new VoxwireError('ERR_INVALID_STATE', 'RtpSender.send() after bye() or close()');
    const samples = options.samples;
    checkSamples(samples);
    const h = this.#header;
    h.marker = options.marker ?? this.#talkspurtStart;
    h.sequenceNumber = this.#sequenceNumber;
    h.timestamp = this.#timestamp;
    if (this.#levelExtensions !== undefined && options.audioLevel !== undefined) {
      writeAudioLevel(options.audioLevel, this.#levelData);
      h.extensions = this.#levelExtensions;
    } else {
      h.extensions = NO_EXTENSIONS;
    }
    const size = rtpPacketSize(h, payload.length);
    if (size > this.#buffer.length) this.#buffer = new Uint8Array(Math.max(size, this.#buffer.length * 2));
    this.#transport.send(serializeRtpPacket(h, payload, this.#buffer), 'rtp');

    const s = this.#stats;
    s.packetsSent++;
    s.bytesSent += payload.length;
    s.headerBytesSent += size - payload.length;
    this.#lastPacketTimestamp = this.#timestamp;
    this.#lastPacketMs = this.#clock.now();
    this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + samples) >>> 0;
    this.#talkspurtStart = false;
    this.#sentFlag = true;
  }

  /**
   * Advances the timestamp over `samples` that are not sent (DTX, muted input), so the next packet
   * stays on the media clock; it also starts a talkspurt (marker on the next packet).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `samples` is not an integer 0–2^31.
   */
  skip(samples: number): void {
    checkSamples(samples);
    this.#timestamp = (this.#timestamp + samples) >>> 0;
    this.#talkspurtStart = true;
  }

  /** Marks the next packet as the first of a talkspurt (marker bit), e.g. after the VAD hears speech again. */
  startTalkspurt(): void {
    this.#talkspurtStart = true;
  }

  /**
   * The RTP timestamp corresponding to clock time `nowMs` (what an SR carries): the last packet's
   * timestamp plus the time since it was sent, in clock units.
   */
  rtpTimestampAt(nowMs: number): number {
    const elapsed = Math.round(((nowMs - this.#lastPacketMs) * this.clockRateHz) / 1000);
    return (this.#lastPacketTimestamp + elapsed) >>> 0;
  }

  /** A snapshot of the outbound statistics (W3C names). */
  getStats(): OutboundRtpStats {
    return { ...this.#stats, reportsSent: this.#rtcp?.reportsSent ?? 0 };
  }

  /**
   * Sends a compound RTCP packet now (SR or RR with report blocks, SDES CNAME), outside the schedule.
   * Does nothing after {@link bye}/{@link close} or when RTCP is disabled.
   */
  sendReport(): void {
    if (!this.#stopped) this.#rtcp?.sendNow();
  }

  /**
   * Leaves the session: sends SR/RR + SDES + BYE (RFC 3550 §6.6) and stops RTP and RTCP. Harmless
   * when called twice or after {@link close}.
   * @param reason - Optional reason, ≤ 255 bytes of UTF-8.
   */
  bye(reason?: string): void {
    if (this.#stopped) return;
    this.#rtcp?.sendNow(reason ?? null);
    this.close();
  }

  /** Stops the RTCP timer and refuses further sends; sends nothing (use {@link bye} to say goodbye). */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#rtcp?.close();
  }
}

/** Unix ms at the clock's time 0 when the clock knows wall time, else 0. */
function clockNtpOffsetMs(clock: Clock): number {
  if (typeof clock.unixTimeMs !== 'function') return 0;
  const offsetMs = clock.unixTimeMs() - clock.now();
  return Number.isFinite(offsetMs) ? offsetMs : 0;
}

function checkSamples(samples: number): void {
  if (!(Number.isInteger(samples) && samples >= 0 && samples <= 0x80000000)) {
    throw new VoxwireError('ERR_INVALID_ARGUMENT', `samples ${samples} must be an integer 0–2^31`);
  }
}

/** 96 random bits in base64: a short-term persistent CNAME (RFC 7022 §4.2). */
function randomCname(random: RandomSource): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += BASE64[Math.floor(random() * 64) & 63];
  return out;
}
