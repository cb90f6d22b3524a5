/**
 * Stable error codes. A code never changes meaning once released; match on it rather than on
 * the message.
 *
 * - `ERR_INVALID_OPTION`: a constructor or function option is out of range or of the wrong type.
 * - `ERR_INVALID_STATE`: a call that the object's current state does not allow (used after `close()`, …).
 * - `ERR_INVALID_ARGUMENT`: an argument (buffer size, sample rate, …) is not acceptable.
 * - `ERR_WAV_MALFORMED`: a WAV file is truncated, lies about its sizes or is not WAV.
 * - `ERR_WAV_UNSUPPORTED`: a well-formed WAV file in an encoding voxwire does not read.
 * - `ERR_CODEC_UNKNOWN`: no codec is registered under the requested name.
 * - `ERR_CODEC_MALFORMED`: an encoded payload cannot be decoded.
 * - `ERR_CODEC_FAILURE`: the codec engine itself reported an error.
 * - `ERR_RTP_MALFORMED`: an RTP packet breaks RFC 3550 framing.
 * - `ERR_RTCP_MALFORMED`: an RTCP packet breaks RFC 3550 framing.
 * - `ERR_SDP_MALFORMED`: an SDP body cannot be parsed.
 * - `ERR_SDP_INCOMPATIBLE`: an SDP offer has nothing this side can answer.
 * - `ERR_TRANSPORT`: a transport failed to bind, send or receive.
 * - `ERR_TRACE_MALFORMED`: a network trace (CSV) cannot be parsed.
 * - `ERR_CAPTURE`: a capture or playback backend is missing, refused the format, died or stalled.
 * - `ERR_SIGNALING`: a signaling message is malformed, too large, of an unknown type or arrived too fast.
 * - `ERR_UNAUTHORIZED`: a signaling token is missing, forged, expired or does not grant the room or role.
 * - `ERR_ROOM_FULL`: a room is at its capacity.
 * - `ERR_WEBRTC`: ICE, DTLS or negotiation of a WebRTC connection failed.
 */
export type VoxwireErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_STATE'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_WAV_MALFORMED'
  | 'ERR_WAV_UNSUPPORTED'
  | 'ERR_CODEC_UNKNOWN'
  | 'ERR_CODEC_MALFORMED'
  | 'ERR_CODEC_FAILURE'
  | 'ERR_RTP_MALFORMED'
  | 'ERR_RTCP_MALFORMED'
  | 'ERR_SDP_MALFORMED'
  | 'ERR_SDP_INCOMPATIBLE'
  | 'ERR_TRANSPORT'
  | 'ERR_TRACE_MALFORMED'
  | 'ERR_CAPTURE'
  | 'ERR_SIGNALING'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_ROOM_FULL'
  | 'ERR_WEBRTC';

/**
 * The one error class voxwire throws. `code` is stable (see {@link VoxwireErrorCode}); `message` is
 * for people and may change; `cause` carries the underlying error when there is one.
 */
export class VoxwireError extends Error {
  /** Stable, machine-readable code. */
  readonly code: VoxwireErrorCode;

  /**
   * @param code - The stable code.
   * @param message - A sentence that names what was wrong and, where it helps, what is allowed.
   * @param options - `cause`: the error that led to this one.
   */
  constructor(code: VoxwireErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VoxwireError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link VoxwireError}, optionally with the given code.
 * @param value - Anything caught.
 * @param code - When given, the error's code must equal it.
 */
export function isVoxwireError(value: unknown, code?: VoxwireErrorCode): value is VoxwireError {
  return value instanceof VoxwireError && (code === undefined || value.code === code);
}

/**
 * Throws `ERR_INVALID_OPTION` naming the option, the value and what is allowed.
 * @internal
 */
export function invalidOption(name: string, value: unknown, allowed: string): never {
  throw new VoxwireError(
    'ERR_INVALID_OPTION',
    `option ${name}: ${formatValue(value)} is invalid; ${allowed}`,
  );
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Object.prototype.toString.call(value);
}
