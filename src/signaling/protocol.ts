/**
 * The voxwire signaling protocol: JSON text frames over a WebSocket. docs/signaling.md is the
 * reference; these types are its TypeScript form.
 */

/** Version of the JSON protocol; a server refuses nothing by version yet, it is sent for diagnostics. */
export const SIGNALING_PROTOCOL_VERSION = 1;

/** Participant id the server itself answers to (an SFU plugged in through {@link RoomHook}). */
export const SERVER_PEER_ID = 'server';

/** What a participant may do in a room. `listener`s cannot flag themselves speaking; `admin`s may kick. */
export type ParticipantRole = 'speaker' | 'listener' | 'admin';

/** All roles, in the order they are documented. */
export const PARTICIPANT_ROLES: readonly ParticipantRole[] = ['speaker', 'listener', 'admin'];

/** Presence of one participant as every member of the room sees it. */
export interface ParticipantInfo {
  /** Server-assigned id, stable across a resumed reconnect. */
  id: string;
  /** Display name from the token (or the `authorize` hook). */
  name: string;
  /** What the participant may do. */
  role: ParticipantRole;
  /** Set by the participant with a `state` message. */
  muted: boolean;
  /** Set by the participant (its VAD) with a `state` message; never true for a listener. */
  speaking: boolean;
}

/** An ICE candidate as the browser's `RTCIceCandidateInit` has it; `null` in a message means end of candidates. */
export interface IceCandidateInit {
  /** The `candidate:` attribute line (≤ 2048 characters). */
  candidate: string;
  /** Media stream id the candidate belongs to. */
  sdpMid?: string | null;
  /** Index of the m-line, 0–255. */
  sdpMLineIndex?: number | null;
  /** ICE ufrag of the generation the candidate belongs to. */
  usernameFragment?: string | null;
}

/** Fields every client message may carry. */
export interface ClientMessageBase {
  /** Correlation id (≤ 64 characters), echoed as `ref` in an error this message causes. */
  id?: string;
}

/** Asks to join a room. */
export interface JoinMessage extends ClientMessageBase {
  /** Message type. */
  type: 'join';
  /** Room name, 1–128 characters of `A-Z a-z 0-9 _ . : -`. */
  room: string;
  /** Room token (≤ 4096 characters); required unless `resume` is given. */
  token?: string;
  /** Resume token from the last `joined`, to take the participant back within the grace period. */
  resume?: string;
}

/** Leaves the room; the server answers `bye` and closes. */
export interface LeaveMessage extends ClientMessageBase {
  /** Message type. */
  type: 'leave';
}

/** Liveness check; the server answers `pong`. */
export interface PingMessage extends ClientMessageBase {
  /** Message type. */
  type: 'ping';
}

/** An SDP offer or answer for one participant. */
export interface SdpMessage extends ClientMessageBase {
  /** Message type. */
  type: 'offer' | 'answer';
  /** Addressee's participant id, or `SERVER_PEER_ID`. */
  to: string;
  /** The SDP body. */
  sdp: string;
}

/** A trickled ICE candidate for one participant. */
export interface CandidateMessage extends ClientMessageBase {
  /** Message type. */
  type: 'candidate';
  /** Addressee's participant id, or `SERVER_PEER_ID`. */
  to: string;
  /** The candidate; `null` ends the candidates. */
  candidate: IceCandidateInit | null;
}

/** Updates this participant's presence flags (at least one field). */
export interface StateMessage extends ClientMessageBase {
  /** Message type. */
  type: 'state';
  /** New muted flag. */
  muted?: boolean;
  /** New speaking flag (listeners may not set true). */
  speaking?: boolean;
}

/** Removes another participant (admins only). */
export interface KickMessage extends ClientMessageBase {
  /** Message type. */
  type: 'kick';
  /** The participant id to remove. */
  target: string;
}

/** Client → server messages. */
export type ClientMessage =
  | JoinMessage
  | LeaveMessage
  | PingMessage
  | SdpMessage
  | CandidateMessage
  | StateMessage
  | KickMessage;

/** The relayable client messages (offer, answer, candidate). */
export type ClientRelayMessage = SdpMessage | CandidateMessage;

/** Why a participant left, as `participant-left` reports it. */
export type LeaveReason = 'left' | 'timeout' | 'kicked' | 'closed';

/** Stable sub-codes of an `error` message (beside its `VoxwireError` code). */
export type SignalingErrorReason =
  | 'malformed-json'
  | 'too-large'
  | 'binary-frame'
  | 'unknown-type'
  | 'invalid-message'
  | 'rate-limited'
  | 'not-joined'
  | 'already-joined'
  | 'unknown-participant'
  | 'token-invalid'
  | 'token-expired'
  | 'wrong-room'
  | 'role-forbidden'
  | 'room-full'
  | 'resume-failed'
  | 'join-timeout'
  | 'internal';

/** The answer to a successful `join`. */
export interface JoinedMessage {
  /** Message type. */
  type: 'joined';
  /** Protocol version, {@link SIGNALING_PROTOCOL_VERSION}. */
  protocol: number;
  /** The room joined. */
  room: string;
  /** This participant. */
  self: ParticipantInfo;
  /** The other members. */
  participants: ParticipantInfo[];
  /** Token for one resume after a lost connection. */
  resumeToken: string;
  /** True when this join resumed an earlier session (same id, others saw nothing). */
  resumed: boolean;
  /** The server's ping interval, ms. */
  heartbeatIntervalMs: number;
  /** How long a lost participant may resume, ms. */
  resumeGraceMs: number;
}

/** A participant arrived or changed its flags. */
export interface PresenceMessage {
  /** Message type. */
  type: 'participant-joined' | 'participant-updated';
  /** The participant as it is now. */
  participant: ParticipantInfo;
}

/** A participant left for good. */
export interface LeftMessage {
  /** Message type. */
  type: 'participant-left';
  /** Who left. */
  participantId: string;
  /** Why. */
  reason: LeaveReason;
}

/** A relayed SDP offer or answer. */
export interface RelayedSdpMessage {
  /** Message type. */
  type: 'offer' | 'answer';
  /** Sender's participant id (or `SERVER_PEER_ID`). */
  from: string;
  /** The SDP body. */
  sdp: string;
}

/** A relayed ICE candidate. */
export interface RelayedCandidateMessage {
  /** Message type. */
  type: 'candidate';
  /** Sender's participant id (or `SERVER_PEER_ID`). */
  from: string;
  /** The candidate; `null` ends the candidates. */
  candidate: IceCandidateInit | null;
}

/** Answer to `ping`. */
export interface PongMessage {
  /** Message type. */
  type: 'pong';
}

/** The server is ending this session; a close follows. */
export interface ByeMessage {
  /** Message type. */
  type: 'bye';
  /** Why. */
  reason: 'server-shutdown' | 'kicked' | 'left';
}

/** A refused message or join (see docs/signaling.md for every reason). */
export interface ErrorMessage {
  /** Message type. */
  type: 'error';
  /** Stable `VoxwireError` code. */
  code: 'ERR_SIGNALING' | 'ERR_UNAUTHORIZED' | 'ERR_ROOM_FULL';
  /** Stable sub-code. */
  reason: SignalingErrorReason;
  /** For people. */
  message: string;
  /** The `id` of the message that caused the error, when it had one. */
  ref?: string;
  /** True when the server closes the connection next (1008). */
  fatal: boolean;
}

/** Server → client messages. */
export type ServerMessage =
  | JoinedMessage
  | PresenceMessage
  | LeftMessage
  | RelayedSdpMessage
  | RelayedCandidateMessage
  | PongMessage
  | ByeMessage
  | ErrorMessage;

/** A relayed message as the receiver gets it. */
export type ServerRelayMessage = RelayedSdpMessage | RelayedCandidateMessage;

/** WebSocket close codes the server uses. */
export const CLOSE_CODES = {
  /** Graceful: the client left. */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** Policy violation: authorisation failed, room full, flood or join timeout. */
  policy: 1008,
  /** Over the hard frame limit. */
  tooBig: 1009,
} as const;
