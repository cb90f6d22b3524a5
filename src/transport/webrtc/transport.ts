import { RTCPeerConnection, type RTCRtpTransceiver, RtpPacket as WeriftRtpPacket } from 'werift';
import type { Clock, ClockTimer } from '../../clock/index.js';
import { VoxwireError } from '../../errors.js';
import { SafeEventEmitter } from '../../events.js';
import type { DatagramChannel, ReceivedDatagram, Transport, TransportEvents } from '../types.js';
import { installDtlsRetransmitFix } from './dtls-retransmit-fix.js';
import { negotiatedAudio } from './negotiated.js';
import { type ResolvedWebRtcOptions, resolveWebRtcOptions, type WebRtcTransportOptions } from './options.js';
import { peerConfig } from './peer-config.js';
import { mapWebRtcStats } from './stats.js';
import type {
  WebRtcConnectionState,
  WebRtcNegotiatedAudio,
  WebRtcSignal,
  WebRtcTransportStats,
} from './types.js';

installDtlsRetransmitFix();

/** Events of {@link WebRtcTransport}: the {@link Transport} ones plus connection progress. */
export interface WebRtcTransportEvents extends TransportEvents {
  /** The peer connection's state changed. */
  state: (state: WebRtcConnectionState) => void;
  /** Offer/answer settled the audio stream (emitted before `connect()` resolves). */
  negotiated: (audio: WebRtcNegotiatedAudio) => void;
}

/**
 * A {@link Transport} over a WebRTC peer connection (werift): offer/answer and trickle ICE through any
 * {@link WebRtcSignaling}, host/STUN/TURN candidates, DTLS-SRTP, one `sendrecv` audio stream with
 * Opus/PCMU/PCMA, RED and the RFC 6464 audio level negotiated when both sides offer them.
 *
 * RTP handed to {@link send} goes out on the audio stream: werift sets its own SSRC, sequence numbers
 * and payload type (and wraps it in RED when negotiated), and keeps the timestamps' spacing. Received
 * RTP is emitted as `datagram` on channel `'rtp'` as it arrived (RED packets with
 * `negotiated.redPayloadType`, for the playout's `redPayloadType`), so `RtpReceiver` and `Playout`
 * read it unchanged. RTCP is werift's: reports are read with {@link getStats}.
 */
export class WebRtcTransport extends SafeEventEmitter<WebRtcTransportEvents> implements Transport {
  // Typed as Transport's so that a WebRtcTransport is a Transport (its extra events are additions).
  declare eventNames: () => Array<keyof TransportEvents>;
  readonly #options: ResolvedWebRtcOptions;
  readonly #clock: Clock;
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #unsubscribe: () => void;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #state: WebRtcConnectionState = 'new';
  #negotiated: WebRtcNegotiatedAudio | undefined;
  #connectPromise: Promise<WebRtcNegotiatedAudio> | undefined;
  #connectTimer: ClockTimer | undefined;
  #settle: { resolve: (a: WebRtcNegotiatedAudio) => void; reject: (e: VoxwireError) => void } | undefined;
  readonly #dropped = { rtcp: 0, notConnected: 0, malformed: 0 };
  #received = 0;
  readonly #tapped = new WeakSet<object>();
  // Local candidates wait until our description went out: a browser refuses candidates before it.
  #pendingCandidates: WebRtcSignal[] | undefined = [];

  /**
   * Creates the peer connection and starts listening to the signaling channel (an answerer answers an
   * offer as soon as one arrives; call {@link connect} to wait for the connection).
   * @param options - See {@link WebRtcTransportOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
   */
  constructor(options: WebRtcTransportOptions) {
    super();
    this.#options = resolveWebRtcOptions(options);
    this.#clock = this.#options.clock;
    this.#pc = new RTCPeerConnection(peerConfig(this.#options));
    this.#transceiver = this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.#pc.onIceCandidate.subscribe((candidate) => this.#onLocalCandidate(candidate));
    this.#pc.connectionStateChange.subscribe((state) => this.#onState(state));
    this.#unsubscribe = this.#options.signaling.onMessage((message) => this.#onSignal(message));
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The connection state. */
  get state(): WebRtcConnectionState {
    return this.#state;
  }

  /** What offer/answer settled; undefined before it did. */
  get negotiated(): WebRtcNegotiatedAudio | undefined {
    return this.#negotiated;
  }

  /**
   * Starts the exchange (the offerer sends its offer) and resolves once ICE and DTLS are connected.
   * Calling it again returns the same promise.
   * @returns The negotiated audio stream: configure the `RtpSender`/`RtpReceiver` from it.
   * @throws VoxwireError `ERR_WEBRTC` when negotiation or connection fails or `connectTimeoutMs`
   *   passes; `ERR_INVALID_STATE` after `close()`.
   */
  connect(): Promise<WebRtcNegotiatedAudio> {
    if (this.#closed)
      return Promise.reject(new VoxwireError('ERR_INVALID_STATE', 'WebRtcTransport is closed'));
    if (this.#connectPromise) return this.#connectPromise;
    this.#connectPromise = new Promise<WebRtcNegotiatedAudio>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    this.#connectTimer = this.#clock.setTimeout(
      () =>
        this.#fail(
          new VoxwireError('ERR_WEBRTC', `not connected after ${this.#options.connectTimeoutMs} ms`),
        ),
      this.#options.connectTimeoutMs,
    );
    if (this.#options.role === 'offerer') this.#enqueue(() => this.#sendOffer());
    this.#checkConnected();
    return this.#connectPromise;
  }

  /**
   * Sends one RTP packet on the audio stream. RTCP (`channel` `'rtcp'`, or an RFC 5761 RTCP packet
   * on `'rtp'`) is not forwarded: werift sends its own reports for its SSRC. Packets before the
   * connection is up, RTCP and unparseable packets are counted in `datagramsDropped`, never thrown.
   * @param data - A serialized RTP packet; copied, so the caller may reuse it at once.
   * @param channel - `'rtp'` (default) or `'rtcp'`.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'WebRtcTransport is closed');
    if (channel === 'rtcp' || (data.length >= 2 && data[1] >= 192 && data[1] <= 223)) {
      this.#dropped.rtcp++;
      return;
    }
    if (this.#state !== 'connected') {
      this.#dropped.notConnected++;
      return;
    }
    let packet: WeriftRtpPacket;
    try {
      if (data.length < 12 || data[0] >> 6 !== 2) throw new Error('not RTP version 2');
      packet = WeriftRtpPacket.deSerialize(Buffer.from(data));
    } catch {
      this.#dropped.malformed++;
      return;
    }
    this.#transceiver.sender.sendRtp(packet).catch((cause: unknown) => {
      if (!this.#closed)
        this.safeEmit('error', new VoxwireError('ERR_TRANSPORT', 'SRTP send failed', { cause }));
    });
  }

  /**
   * Reads werift's statistics: RTCP receiver/sender reports, the selected candidate pair.
   * @returns A snapshot; counters are cumulative.
   */
  async getStats(): Promise<WebRtcTransportStats> {
    const report = this.#closed ? undefined : await this.#pc.getStats();
    return mapWebRtcStats(report, this.#state, { ...this.#dropped }, this.#received);
  }

  /** Closes the peer connection and stops listening to the signaling channel. Harmless twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#connectTimer?.cancel();
    this.#settle?.reject(new VoxwireError('ERR_INVALID_STATE', 'WebRtcTransport closed before connecting'));
    this.#settle = undefined;
    await this.#pc.close().catch(() => {});
    this.#state = 'closed';
    this.safeEmit('state', 'closed');
    this.safeEmit('close');
    this.removeAllListeners();
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch((cause: unknown) => {
      if (this.#closed) return;
      this.#fail(new VoxwireError('ERR_WEBRTC', `negotiation failed: ${describe(cause)}`, { cause }));
    });
  }

  async #sendOffer(): Promise<void> {
    const offer = await this.#pc.createOffer();
    await this.#pc.setLocalDescription(offer);
    this.#signal({ type: 'offer', sdp: this.#pc.localDescription?.sdp ?? offer.sdp });
    this.#flushCandidates();
  }

  #onSignal(message: WebRtcSignal): void {
    if (this.#closed) return;
    if (message?.type === 'offer' && typeof message.sdp === 'string') {
      this.#enqueue(async () => {
        await this.#pc.setRemoteDescription({ type: 'offer', sdp: message.sdp });
        const answer = await this.#pc.createAnswer();
        await this.#pc.setLocalDescription(answer);
        this.#signal({ type: 'answer', sdp: this.#pc.localDescription?.sdp ?? answer.sdp });
        this.#flushCandidates();
        this.#onNegotiated();
      });
    } else if (message?.type === 'answer' && typeof message.sdp === 'string') {
      this.#enqueue(async () => {
        await this.#pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
        this.#onNegotiated();
      });
    } else if (message?.type === 'candidate') {
      const c = message.candidate;
      this.#enqueue(async () => {
        // End of candidates, or a candidate line werift cannot read, is nothing to act on.
        if (c && typeof c.candidate === 'string' && c.candidate !== '') {
          await this.#pc
            .addIceCandidate({
              candidate: c.candidate,
              sdpMid: c.sdpMid ?? undefined,
              sdpMLineIndex: c.sdpMLineIndex ?? undefined,
              usernameFragment: c.usernameFragment ?? undefined,
            })
            .catch((cause: unknown) =>
              this.safeEmit('error', new VoxwireError('ERR_WEBRTC', 'remote candidate refused', { cause })),
            );
        }
      });
    } else {
      this.safeEmit('error', new VoxwireError('ERR_WEBRTC', 'unknown signaling message ignored'));
    }
  }

  #onLocalCandidate(
    candidate: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | undefined,
  ): void {
    if (this.#closed) return;
    let message: WebRtcSignal;
    if (!candidate) {
      message = { type: 'candidate', candidate: null };
    } else {
      const hosts = this.#options.hostAddresses;
      const address = candidate.candidate.split(' ')[4];
      if (hosts && / typ host/.test(candidate.candidate) && !hosts.includes(address)) return;
      message = {
        type: 'candidate',
        candidate: {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid ?? null,
          sdpMLineIndex: candidate.sdpMLineIndex ?? null,
        },
      };
    }
    if (this.#pendingCandidates) this.#pendingCandidates.push(message);
    else this.#signal(message);
  }

  #flushCandidates(): void {
    const pending = this.#pendingCandidates ?? [];
    this.#pendingCandidates = undefined;
    for (const message of pending) this.#signal(message);
  }

  #signal(message: WebRtcSignal): void {
    try {
      this.#options.signaling.send(message);
    } catch (cause) {
      this.safeEmit(
        'error',
        new VoxwireError('ERR_WEBRTC', `signaling send failed: ${describe(cause)}`, { cause }),
      );
    }
  }

  #onNegotiated(): void {
    this.#tapReceivers();
    const audio = negotiatedAudio(this.#transceiver);
    if (!audio) {
      this.#fail(new VoxwireError('ERR_WEBRTC', 'the peer accepted none of the offered audio codecs'));
      return;
    }
    this.#negotiated = audio;
    this.safeEmit('negotiated', audio);
    this.#checkConnected();
  }

  #onState(state: WebRtcConnectionState): void {
    if (this.#closed || state === this.#state) return;
    this.#state = state;
    this.safeEmit('state', state);
    if (state === 'failed') this.#fail(new VoxwireError('ERR_WEBRTC', 'ICE or DTLS failed'));
    this.#checkConnected();
  }

  #checkConnected(): void {
    if (this.#state !== 'connected' || !this.#negotiated || !this.#settle) return;
    this.#connectTimer?.cancel();
    this.#settle.resolve(this.#negotiated);
    this.#settle = undefined;
  }

  #fail(error: VoxwireError): void {
    this.#connectTimer?.cancel();
    if (this.#settle) {
      this.#settle.reject(error);
      this.#settle = undefined;
    }
    this.safeEmit('error', error);
  }

  /**
   * Taps werift's receiver before it takes RED apart (its RED handler guesses the sequence numbers of
   * redundant blocks, and marks each as a talkspurt start): datagrams go up as they arrived, RED
   * included, and voxwire's playout recovers from RED itself. werift still sees every packet (stats, RTCP).
   */
  #tapReceivers(): void {
    for (const transceiver of this.#pc.getTransceivers()) {
      const receiver = transceiver.receiver;
      if (transceiver.kind !== 'audio' || this.#tapped.has(receiver)) continue;
      this.#tapped.add(receiver);
      const original = receiver.handleRtpBySsrc;
      receiver.handleRtpBySsrc = (packet, extensions) => {
        if (!this.#closed) {
          this.#received++;
          const datagram: ReceivedDatagram = {
            data: packet.serialize(),
            arrivalMs: this.#clock.now(),
            channel: 'rtp',
          };
          this.safeEmit('datagram', datagram);
        }
        original(packet, extensions);
      };
    }
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
