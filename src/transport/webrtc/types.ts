import type { IceCandidateInit } from '../../signaling/protocol.js';

/**
 * One message of a WebRTC offer/answer exchange: an SDP offer or answer, or a trickled ICE
 * candidate (`null`: end of candidates). Shaped like the signaling protocol's relay messages, so a
 * browser's `RTCSessionDescriptionInit`/`RTCIceCandidateInit` pass through unchanged.
 */
export type WebRtcSignal =
  | {
      /** An SDP offer or answer. */
      type: 'offer' | 'answer';
      /** The session description. */
      sdp: string;
    }
  | {
      /** A trickled ICE candidate. */
      type: 'candidate';
      /** The candidate; null marks the end of candidates. */
      candidate: IceCandidateInit | null;
    };

/**
 * The channel a {@link WebRtcTransport} negotiates through: anything that carries {@link WebRtcSignal}s
 * to the one remote peer and back. `signalingClientChannel` adapts a `SignalingClient`,
 * `createMemorySignalingPair` links two transports in one process.
 */
export interface WebRtcSignaling {
  /** Sends one message to the remote peer. May throw; the transport reports it as an `ERR_WEBRTC` error. */
  send(message: WebRtcSignal): void;
  /**
   * Registers the listener for messages from the remote peer.
   * @returns A function that removes the listener (the transport calls it on close).
   */
  onMessage(listener: (message: WebRtcSignal) => void): () => void;
}

/** Audio codecs a {@link WebRtcTransport} negotiates, by voxwire codec name. */
export type WebRtcCodecName = 'opus' | 'pcmu' | 'pcma';

/** An ICE server as `RTCIceServer` has it: STUN (`stun:host:port`) or TURN (`turn:host:port?transport=udp`). */
export interface WebRtcIceServer {
  /** One URL or several. */
  urls: string | string[];
  /** TURN long-term credential user name. */
  username?: string;
  /** TURN long-term credential password. */
  credential?: string;
}

/** Connection state, as `RTCPeerConnection.connectionState` names it. */
export type WebRtcConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** What offer/answer settled for the audio stream. */
export interface WebRtcNegotiatedAudio {
  /** The codec both sides send, by voxwire name. */
  codec: WebRtcCodecName;
  /**
   * RTP payload type the remote peer uses for `codec`: the receive side's payload type map. Outgoing
   * packets are rewritten to the payload type this side announced, so an `RtpSender` may use either.
   */
  payloadType: number;
  /** RTP clock rate of `codec`, Hz (48000 for Opus, 8000 for G.711). */
  clockRateHz: number;
  /** RFC 2198 redundancy negotiated: werift adds it on send; received RED is passed up as it came. */
  red: boolean;
  /** Payload type of received RED packets (give it to `Playout`'s `redPayloadType`); undefined without RED. */
  redPayloadType: number | undefined;
  /**
   * RFC 6464 audio-level extension id (1–14) when negotiated: an `RtpSender` given this id writes
   * levels that go out unchanged, and received packets carry the peer's.
   */
  audioLevelExtensionId: number | undefined;
}

/** The ICE candidate pair in use. */
export interface WebRtcCandidatePairStats {
  /** Local candidate type: `host`, `srflx`, `prflx` or `relay`. */
  localCandidateType: string;
  /** Remote candidate type. */
  remoteCandidateType: string;
  /** Local `address:port`. */
  localAddress: string;
  /** Remote `address:port`. */
  remoteAddress: string;
  /** Transport protocol of the pair, `udp` or `tcp`. */
  protocol: string;
  /** Last STUN consent round-trip time, seconds; undefined until measured. */
  currentRoundTripTime: number | undefined;
}

/**
 * Statistics of a {@link WebRtcTransport}, from werift's RTCP and ICE state under W3C names
 * (`jitter` and round-trip times in seconds, as W3C has them).
 */
export interface WebRtcTransportStats {
  /** Connection state at the time of the call. */
  state: WebRtcConnectionState;
  /** What we received (from werift's RFC 3550 receiver statistics); undefined before any RTP. */
  inbound:
    | {
        /** The remote sender's SSRC as received. */
        ssrc: number;
        /** RTP packets received. */
        packetsReceived: number;
        /** Packets lost by RFC 3550 (expected − received). */
        packetsLost: number;
        /** Interarrival jitter, seconds (W3C `jitter`). */
        jitter: number;
        /** Payload bytes received. */
        bytesReceived: number;
      }
    | undefined;
  /** What we sent; undefined before the audio sender has a codec. */
  outbound:
    | {
        /** Our SSRC on the wire (werift's, not the `RtpSender`'s). */
        ssrc: number;
        /** RTP packets sent. */
        packetsSent: number;
        /** Payload bytes sent. */
        bytesSent: number;
      }
    | undefined;
  /**
   * What the peer's receiver reports said about our stream: RTT (s, RFC 3550 LSR/DLSR), cumulative
   * loss and last fraction lost (0–1); undefined before the first report.
   */
  remoteInbound:
    | {
        /** Round-trip time, seconds; undefined until a report carries LSR/DLSR. */
        roundTripTime: number | undefined;
        /** Cumulative packets the peer reports lost. */
        packetsLost: number;
        /** Fraction lost in the last report interval, 0–1. */
        fractionLost: number;
      }
    | undefined;
  /** The selected candidate pair; undefined before ICE connects. */
  candidatePair: WebRtcCandidatePairStats | undefined;
  /** Datagrams handed to `send()` that did not go out (see {@link WebRtcTransport.send}). */
  datagramsDropped: {
    /** Our RTCP (werift sends its own reports). */
    rtcp: number;
    /** RTP sent before the connection was up. */
    notConnected: number;
    /** Data that was not RTP. */
    malformed: number;
  };
  /** RTP packets received and emitted as `datagram`. */
  datagramsReceived: number;
}
