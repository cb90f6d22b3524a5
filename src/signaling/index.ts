export type { BackoffOptions, ResolvedBackoff } from './backoff.js';
export { backoffDelayMs } from './backoff.js';
export type { SignalingClientEvents, SignalingClientOptions, SignalingClientState } from './client.js';
export { SignalingClient } from './client.js';
export type { SignalingErrorCode } from './connection.js';
export { parseServerMessage } from './parse-server.js';
export type {
  ByeMessage,
  CandidateMessage,
  ClientMessage,
  ClientMessageBase,
  ClientRelayMessage,
  ErrorMessage,
  IceCandidateInit,
  JoinedMessage,
  JoinMessage,
  KickMessage,
  LeaveMessage,
  LeaveReason,
  LeftMessage,
  ParticipantInfo,
  ParticipantRole,
  PingMessage,
  PongMessage,
  PresenceMessage,
  RelayedCandidateMessage,
  RelayedSdpMessage,
  SdpMessage,
  ServerMessage,
  ServerRelayMessage,
  SignalingErrorReason,
  StateMessage,
} from './protocol.js';
export { CLOSE_CODES, PARTICIPANT_ROLES, SERVER_PEER_ID, SIGNALING_PROTOCOL_VERSION } from './protocol.js';
export { TokenBucket } from './rate-limit.js';
export type { Participant, RoomHook } from './room.js';
export { Room } from './room.js';
export type { SignalingServerEvents, SignalingServerStats } from './server.js';
export { SignalingServer } from './server.js';
export type { AuthorizeHook, AuthorizeRequest, SignalingServerOptions } from './server-options.js';
export type { RoomGrant, RoomTokenClaims } from './token.js';
export { clockUnixMs, createRoomToken, verifyRoomToken } from './token.js';
export type { ParseFailure, ParseResult, ParseSuccess } from './validate.js';
export { FIELD_LIMITS, parseClientMessage } from './validate.js';
