import type { ClientMessage, IceCandidateInit, SignalingErrorReason } from './protocol.js';

/** Field limits of client messages (characters). */
export const FIELD_LIMITS = {
  /** Correlation `id`. */
  id: 64,
  /** Room name. */
  room: 128,
  /** Room token. */
  token: 4096,
  /** Resume token. */
  resume: 128,
  /** `to` and `target`. */
  participantId: 64,
  /** `candidate.candidate`. */
  candidate: 2048,
  /** `candidate.sdpMid`. */
  sdpMid: 64,
  /** `candidate.usernameFragment`. */
  usernameFragment: 256,
} as const;

const ROOM_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Result of {@link parseClientMessage}: a validated message or why it was refused. */
export type ParseResult = ParseSuccess | ParseFailure;

/** A valid message. */
export interface ParseSuccess {
  /** Discriminant. */
  ok: true;
  /** The validated message. */
  message: ClientMessage;
}

/** A refused message. */
export interface ParseFailure {
  /** Discriminant. */
  ok: false;
  /** Stable sub-code for the `error` answer. */
  reason: SignalingErrorReason;
  /** What was wrong, naming the field. */
  message: string;
  /** The message's `id`, when readable. */
  ref?: string;
}

class Invalid extends Error {}

/**
 * Parses and validates one client text frame. Never throws: every defect comes back as a result
 * naming the stable reason and the field.
 * @param data - The frame's bytes (UTF-8) or text.
 * @param maxBytes - Largest accepted frame, bytes.
 */
export function parseClientMessage(data: Uint8Array | string, maxBytes: number): ParseResult {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > maxBytes) {
    return { ok: false, reason: 'too-large', message: `message of ${size} bytes exceeds ${maxBytes} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed-json', message: 'message is not valid JSON' };
  }
  if (!isObject(value))
    return { ok: false, reason: 'invalid-message', message: 'message must be a JSON object' };
  const ref = typeof value.id === 'string' && value.id.length <= FIELD_LIMITS.id ? value.id : undefined;
  try {
    return { ok: true, message: validate(value) };
  } catch (error) {
    if (error instanceof UnknownType)
      return { ok: false, reason: 'unknown-type', message: error.message, ref };
    if (error instanceof Invalid)
      return { ok: false, reason: 'invalid-message', message: error.message, ref };
    throw error;
  }
}

class UnknownType extends Error {}

function validate(v: Record<string, unknown>): ClientMessage {
  const type = v.type;
  if (typeof type !== 'string') throw new Invalid('field type must be a string');
  const id = optString(v, 'id', FIELD_LIMITS.id);
  const base = id === undefined ? {} : { id };
  switch (type) {
    case 'join': {
      only(v, ['type', 'id', 'room', 'token', 'resume']);
      const room = reqString(v, 'room', FIELD_LIMITS.room);
      if (!ROOM_PATTERN.test(room)) throw new Invalid('field room may hold only A-Z a-z 0-9 _ . : -');
      const token = optString(v, 'token', FIELD_LIMITS.token);
      const resume = optString(v, 'resume', FIELD_LIMITS.resume);
      if (token === undefined && resume === undefined)
        throw new Invalid('join needs a token or a resume token');
      return { ...base, type, room, token, resume };
    }
    case 'leave':
    case 'ping':
      only(v, ['type', 'id']);
      return { ...base, type };
    case 'offer':
    case 'answer': {
      only(v, ['type', 'id', 'to', 'sdp']);
      const to = reqString(v, 'to', FIELD_LIMITS.participantId);
      return { ...base, type, to, sdp: reqString(v, 'sdp', Number.POSITIVE_INFINITY) };
    }
    case 'candidate': {
      only(v, ['type', 'id', 'to', 'candidate']);
      const to = reqString(v, 'to', FIELD_LIMITS.participantId);
      return { ...base, type, to, candidate: candidate(v.candidate) };
    }
    case 'state': {
      only(v, ['type', 'id', 'muted', 'speaking']);
      const muted = optBoolean(v, 'muted');
      const speaking = optBoolean(v, 'speaking');
      if (muted === undefined && speaking === undefined) throw new Invalid('state needs muted or speaking');
      return { ...base, type, muted, speaking };
    }
    case 'kick':
      only(v, ['type', 'id', 'target']);
      return { ...base, type, target: reqString(v, 'target', FIELD_LIMITS.participantId) };
    default:
      throw new UnknownType(`unknown message type ${JSON.stringify(type.slice(0, 32))}`);
  }
}

function candidate(value: unknown): IceCandidateInit | null {
  if (value === null) return null;
  if (!isObject(value)) throw new Invalid('field candidate must be an object or null');
  only(value, ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'], 'candidate.');
  const out: IceCandidateInit = { candidate: reqString(value, 'candidate', FIELD_LIMITS.candidate) };
  if (value.sdpMid !== undefined) out.sdpMid = nullable(value, 'sdpMid', FIELD_LIMITS.sdpMid);
  if (value.usernameFragment !== undefined) {
    out.usernameFragment = nullable(value, 'usernameFragment', FIELD_LIMITS.usernameFragment);
  }
  const index = value.sdpMLineIndex;
  if (index !== undefined && index !== null) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 255) {
      throw new Invalid('field candidate.sdpMLineIndex must be an integer 0..255 or null');
    }
  }
  if (index !== undefined) out.sdpMLineIndex = index as number | null;
  return out;
}

function only(v: Record<string, unknown>, allowed: string[], prefix = ''): void {
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) throw new Invalid(`unexpected field ${prefix}${key.slice(0, 32)}`);
  }
}

function reqString(v: Record<string, unknown>, key: string, max: number): string {
  const s = v[key];
  if (typeof s !== 'string' || s.length === 0) throw new Invalid(`field ${key} must be a non-empty string`);
  if (s.length > max) throw new Invalid(`field ${key} is longer than ${max} characters`);
  return s;
}

function optString(v: Record<string, unknown>, key: string, max: number): string | undefined {
  return v[key] === undefined ? undefined : reqString(v, key, max);
}

function nullable(v: Record<string, unknown>, key: string, max: number): string | null {
  if (v[key] === null) return null;
  const s = v[key];
  if (typeof s !== 'string' || s.length > max)
    throw new Invalid(`field ${key} must be a string ≤ ${max} or null`);
  return s;
}

function optBoolean(v: Record<string, unknown>, key: string): boolean | undefined {
  const b = v[key];
  if (b === undefined) return undefined;
  if (typeof b !== 'boolean') throw new Invalid(`field ${key} must be a boolean`);
  return b;
}

/** True for a plain JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
