import type { EventEmitter } from 'eventemitter3';
import type { VoxwireError } from '../errors.js';

/**
 * Which logical flow a datagram belongs to. With rtcp-mux both share one socket and the receiver
 * demultiplexes by RFC 5761; without it, RTCP travels on its own socket (RTP port + 1 for UDP).
 */
export type DatagramChannel = 'rtp' | 'rtcp';

/** A datagram as a transport delivers it. */
export interface ReceivedDatagram {
  /** The bytes. Owned by the listener for the duration of the call only; copy to keep. */
  readonly data: Uint8Array;
  /** Arrival time from the transport's {@link Clock}, ms. */
  readonly arrivalMs: number;
  /** The socket it came in on: `'rtp'` (also everything on a muxed socket) or `'rtcp'`. */
  readonly channel: DatagramChannel;
  /** The sender's address as `host:port` (`[v6]:port` for IPv6), when the transport knows it. */
  readonly from?: string;
}

/** Events every {@link Transport} emits. */
export interface TransportEvents {
  /** A datagram arrived. */
  datagram: (datagram: ReceivedDatagram) => void;
  /** Something went wrong that the transport survived (a send failure, a dropped foreign packet is not one). */
  error: (error: VoxwireError) => void;
  /** The transport closed; no event follows. */
  close: () => void;
}

/**
 * Moves datagrams (RTP and RTCP) between two ends and emits what arrives. It knows nothing of codecs
 * or RTP: `UdpTransport`, `LoopbackTransport`, `NetworkEmulator` and `WebRtcTransport` implement it,
 * and a plugin implements it to carry RTP over anything else.
 */
export interface Transport extends EventEmitter<TransportEvents> {
  /**
   * Sends one datagram. Never throws for a network failure (that is an `error` event); the data may
   * be reused by the caller as soon as `send` returns.
   * @param data - The bytes.
   * @param channel - `'rtcp'` routes to the RTCP socket when RTCP is not multiplexed; default `'rtp'`.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  send(data: Uint8Array, channel?: DatagramChannel): void;
  /** Releases sockets and timers. Harmless when called twice; resolves when everything is released. */
  close(): Promise<void>;
  /** True once `close()` was called. */
  readonly closed: boolean;
}
