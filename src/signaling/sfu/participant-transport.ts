import type { Clock } from '../../clock/index.js';
import { RealClock } from '../../clock/index.js';
import { VoxwireError } from '../../errors.js';
import { SafeEventEmitter } from '../../events.js';
import type { DatagramChannel, ReceivedDatagram, Transport, TransportEvents } from '../../transport/types.js';
import type {
  WebRtcCodecName,
  WebRtcIceServer,
  WebRtcNegotiatedAudio,
  WebRtcTransportStats,
} from '../../transport/webrtc/index.js';
import { WebRtcTransport } from '../../transport/webrtc/index.js';
import type { BackoffOptions } from '../backoff.js';
import { SignalingClient } from '../client.js';
import type { ParticipantInfo } from '../protocol.js';
import { sfuSignalingChannel } from './client-channel.js';

/** Options of {@link SfuParticipantTransport.join}. */
export interface SfuParticipantOptions {
  /** Signaling URL, `ws://host:port/signaling`. */
  url: string;
  /** Room to join. */
  room: string;
  /** Room token (`createRoomToken`) or what the server's `authorize` hook accepts. */
  token: string;
  /** Codecs accepted from the SFU's offer, in preference order; default `['opus', 'pcmu', 'pcma']`. */
  codecs?: WebRtcCodecName[];
  /** STUN/TURN servers; default none. */
  iceServers?: WebRtcIceServer[];
  /** `'relay'`: TURN relay candidates only; default `'all'`. */
  iceTransportPolicy?: 'all' | 'relay';
  /** Host candidate addresses; default `['127.0.0.1']` when the URL's host is a loopback name, else werift's. */
  hostAddresses?: string[];
  /** Time allowed for each WebRTC connection, ms; default 30000. */
  connectTimeoutMs?: number;
  /**
   * Pass on one forwarded stream at a time (default true): a `VoiceSession` plays one source, and
   * packets of two interleaved slots would disorder its playout. The current stream is kept while it
   * sends; another takes over after `streamIdleMs` without a packet from it.
   */
  oneStream?: boolean;
  /** Silence after which another slot's stream takes over, ms > 0; default 300. */
  streamIdleMs?: number;
  /** Signaling reconnect back-off (default on); false disables. */
  reconnect?: boolean | BackoffOptions;
  /** Time source; default a `RealClock`. */
  clock?: Clock;
}

/** Events of {@link SfuParticipantTransport}: the `Transport` ones plus room progress. */
export interface SfuParticipantEvents extends TransportEvents {
  /** Joined the room; `resumed` true after a reconnect that kept the session. */
  joined: (self: ParticipantInfo, resumed: boolean) => void;
  /** A WebRTC connection to the SFU is up (again, after the server was restarted). */
  negotiated: (audio: WebRtcNegotiatedAudio) => void;
}

const LOOPBACK = /^(127\.|localhost$|\[::1\]$|::1$)/;

/**
 * A `Transport` into an SFU room (`voxwire serve`, {@link startSfuServer}): a `SignalingClient` joins
 * the room and a `WebRtcTransport` answers the SFU's offer, so a `VoiceSession` runs over it as over
 * UDP. The signaling connection reconnects and resumes; when the session cannot be resumed (the server
 * was restarted) the room is joined afresh and a new WebRTC connection replaces the old one. Packets
 * sent while no connection is up are dropped (counted in `packetsDropped`), never thrown.
 */
export class SfuParticipantTransport extends SafeEventEmitter<SfuParticipantEvents> implements Transport {
  declare eventNames: () => Array<keyof TransportEvents>;
  /** The signaling connection to the room (presence, relayed messages, resume). */
  readonly client: SignalingClient;
  readonly #options: SfuParticipantOptions;
  readonly #clock: Clock;
  #webrtc: { transport: WebRtcTransport; dispose(): void } | undefined;
  #negotiated: WebRtcNegotiatedAudio | undefined;
  #closed = false;
  #currentSsrc: number | undefined;
  #lastArrivalMs = Number.NEGATIVE_INFINITY;
  /** Datagrams not sent or not passed on, and connections made. */
  readonly counters: {
    /** RTP handed to `send()` while no WebRTC connection was up. */
    packetsDropped: number;
    /** Received RTP of a slot other than the one being played (one stream at a time). */
    otherStreamPackets: number;
    /** WebRTC connections made, including reconnections after a server restart. */
    connections: number;
  } = { packetsDropped: 0, otherStreamPackets: 0, connections: 0 };

  private constructor(options: SfuParticipantOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? new RealClock();
    this.client = new SignalingClient({
      url: options.url,
      room: options.room,
      token: options.token,
      clock: this.#clock,
      reconnect: options.reconnect,
    });
    // Runs inside the read that delivered `joined`, before the SFU's offer that follows it.
    this.client.on('joined', (self, _others, resumed) => {
      if (!resumed || this.#webrtc === undefined) this.#renew();
      this.safeEmit('joined', self, resumed);
    });
    this.client.on('error', (error) => this.safeEmit('error', error));
  }

  /**
   * Joins the room and waits for the first WebRTC connection to the SFU.
   * @returns The transport, connected; `negotiated` says the codec to send.
   * @throws VoxwireError `ERR_UNAUTHORIZED`/`ERR_ROOM_FULL` when the join is refused, `ERR_SIGNALING`
   *   when the server cannot be reached, `ERR_WEBRTC` when the connection fails, `ERR_INVALID_OPTION`.
   */
  static async join(options: SfuParticipantOptions): Promise<SfuParticipantTransport> {
    const t = new SfuParticipantTransport(options);
    try {
      await t.client.connect();
      const webrtc = t.#webrtc;
      if (webrtc === undefined) throw new VoxwireError('ERR_INVALID_STATE', 'joined without a connection');
      await webrtc.transport.connect();
      return t;
    } catch (error) {
      await t.close();
      throw error;
    }
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The codec and payload types of the current connection; undefined before the first. */
  get negotiated(): WebRtcNegotiatedAudio | undefined {
    return this.#negotiated;
  }

  /** The current WebRTC connection's statistics; undefined while none exists. */
  async getStats(): Promise<WebRtcTransportStats | undefined> {
    return this.#webrtc?.transport.getStats();
  }

  /**
   * Sends one RTP packet to the SFU. Dropped and counted while no connection is up.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel: DatagramChannel = 'rtp'): void {
    if (this.#closed) throw new VoxwireError('ERR_INVALID_STATE', 'SfuParticipantTransport is closed');
    const t = this.#webrtc?.transport;
    if (t === undefined || t.closed || t.state !== 'connected') {
      this.counters.packetsDropped++;
      return;
    }
    t.send(data, channel);
  }

  /** Leaves the room and closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const webrtc = this.#webrtc;
    this.#webrtc = undefined;
    webrtc?.dispose();
    await Promise.allSettled([webrtc?.transport.close(), this.client.close()]);
    this.safeEmit('close');
  }

  /** Replaces the WebRTC connection: the SFU offers a new one after every fresh join. */
  #renew(): void {
    const old = this.#webrtc;
    if (old !== undefined) {
      old.dispose();
      void old.transport.close().catch(() => {});
    }
    if (this.#closed) return;
    const o = this.#options;
    const channel = sfuSignalingChannel(this.client);
    const loopback = LOOPBACK.test(new URL(o.url.replace(/^ws/, 'http')).hostname);
    const transport = new WebRtcTransport({
      signaling: channel,
      role: 'answerer',
      codecs: o.codecs,
      red: false,
      iceServers: o.iceServers,
      iceTransportPolicy: o.iceTransportPolicy,
      hostAddresses:
        o.hostAddresses ?? (loopback && o.iceTransportPolicy !== 'relay' ? ['127.0.0.1'] : undefined),
      connectTimeoutMs: o.connectTimeoutMs,
      clock: this.#clock,
    });
    this.counters.connections++;
    this.#currentSsrc = undefined;
    const onDatagram = (d: ReceivedDatagram) => this.#onDatagram(d);
    transport.on('datagram', onDatagram);
    transport.on('negotiated', (audio) => {
      this.#negotiated = audio;
      this.safeEmit('negotiated', audio);
    });
    transport.on('error', (error) => this.safeEmit('error', error));
    // A later connection's failure is reported as `error`; the first one's through join().
    if (old !== undefined) transport.connect().catch(() => {});
    this.#webrtc = {
      transport,
      dispose: () => {
        transport.off('datagram', onDatagram);
        channel.dispose();
      },
    };
  }

  #onDatagram(d: ReceivedDatagram): void {
    if (this.#options.oneStream !== false && d.channel === 'rtp' && d.data.length >= 12) {
      const ssrc = ((d.data[8] << 24) | (d.data[9] << 16) | (d.data[10] << 8) | d.data[11]) >>> 0;
      const idleMs = this.#options.streamIdleMs ?? 300;
      if (ssrc !== this.#currentSsrc) {
        if (d.arrivalMs - this.#lastArrivalMs < idleMs) {
          this.counters.otherStreamPackets++;
          return;
        }
        this.#currentSsrc = ssrc;
      }
      this.#lastArrivalMs = d.arrivalMs;
    }
    this.safeEmit('datagram', d);
  }
}
