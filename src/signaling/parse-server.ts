import type { ParticipantInfo, ServerMessage } from './protocol.js';
import { PARTICIPANT_ROLES, type ParticipantRole } from './protocol.js';
import { isObject } from './validate.js';

/**
 * Parses a server frame on the client. Returns undefined for anything malformed or of a type this
 * client does not know (newer servers may add types); the caller counts those.
 */
export function parseServerMessage(text: string): ServerMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'joined':
      return typeof v.room === 'string' &&
        isParticipant(v.self) &&
        Array.isArray(v.participants) &&
        v.participants.every(isParticipant) &&
        typeof v.resumeToken === 'string' &&
        typeof v.resumed === 'boolean' &&
        isNumber(v.heartbeatIntervalMs) &&
        isNumber(v.resumeGraceMs)
        ? (v as unknown as ServerMessage)
        : undefined;
    case 'participant-joined':
    case 'participant-updated':
      return isParticipant(v.participant) ? (v as unknown as ServerMessage) : undefined;
    case 'participant-left':
      return typeof v.participantId === 'string' && typeof v.reason === 'string'
        ? (v as unknown as ServerMessage)
        : undefined;
    case 'offer':
    case 'answer':
      return typeof v.from === 'string' && typeof v.sdp === 'string'
        ? (v as unknown as ServerMessage)
        : undefined;
    case 'candidate':
      return typeof v.from === 'string' && (v.candidate === null || isObject(v.candidate))
        ? (v as unknown as ServerMessage)
        : undefined;
    case 'error':
      return typeof v.code === 'string' && typeof v.reason === 'string' && typeof v.message === 'string'
        ? ({ ...v, fatal: v.fatal === true } as unknown as ServerMessage)
        : undefined;
    case 'pong':
    case 'bye':
      return v as unknown as ServerMessage;
    default:
      return undefined;
  }
}

function isParticipant(p: unknown): p is ParticipantInfo {
  return (
    isObject(p) &&
    typeof p.id === 'string' &&
    typeof p.name === 'string' &&
    PARTICIPANT_ROLES.includes(p.role as ParticipantRole) &&
    typeof p.muted === 'boolean' &&
    typeof p.speaking === 'boolean'
  );
}

function isNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}
