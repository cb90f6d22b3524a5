import type { ClockTimer } from '../clock/index.js';
import type {
  ClientRelayMessage,
  LeaveReason,
  ParticipantInfo,
  ParticipantRole,
  ServerMessage,
} from './protocol.js';

/**
 * A member of a room. While its connection is away (between a dropped socket and a resume, at
 * most the resume grace period) `connected` is false and messages to it are dropped and counted.
 */
export interface Participant {
  /** What others see; mutate only through the server. */
  readonly info: ParticipantInfo;
  /** True while a live connection is attached. */
  readonly connected: boolean;
  /** Messages addressed to this participant that were dropped because it was disconnected. */
  readonly droppedWhileAway: number;
}

/**
 * Plugs server-side logic (an SFU) into a room. Every member is optional; a member that throws
 * is reported through the server's `error` event and does not affect the room.
 */
export interface RoomHook {
  /** A participant joined (not called on resume). */
  onJoin?(participant: Participant): void;
  /** A participant left for good. */
  onLeave?(participant: Participant, reason: LeaveReason): void;
  /** A participant changed its muted/speaking flags. */
  onUpdate?(participant: Participant): void;
  /** An offer/answer/candidate addressed to `SERVER_PEER_ID`. */
  onSignal?(from: Participant, message: ClientRelayMessage): void;
  /** The room emptied and is being removed. */
  onClose?(): void;
}

/** @internal The server's mutable view of a participant. */
export class ParticipantState implements Participant {
  readonly info: ParticipantInfo;
  resumeToken: string;
  send: ((message: ServerMessage) => void) | undefined;
  graceTimer: ClockTimer | undefined;
  droppedWhileAway = 0;

  constructor(id: string, name: string, role: ParticipantRole, resumeToken: string) {
    this.info = { id, name, role, muted: false, speaking: false };
    this.resumeToken = resumeToken;
  }

  get connected(): boolean {
    return this.send !== undefined;
  }

  deliver(message: ServerMessage): boolean {
    if (this.send === undefined) {
      this.droppedWhileAway++;
      return false;
    }
    this.send(message);
    return true;
  }
}

/**
 * A named group of participants that see each other's presence and can address each other's
 * signaling. Created on first join, removed when its last participant leaves.
 */
export class Room {
  /** The room's name. */
  readonly id: string;
  /** Most participants at once. */
  readonly capacity: number;
  /** The plugged-in hook, when the server has a `createRoomHook`. */
  hook: RoomHook | undefined;
  readonly #members = new Map<string, ParticipantState>();

  /** @internal */
  constructor(id: string, capacity: number) {
    this.id = id;
    this.capacity = capacity;
  }

  /** Members in join order. */
  get participants(): Participant[] {
    return [...this.#members.values()];
  }

  /** Number of members (connected or within their resume grace). */
  get size(): number {
    return this.#members.size;
  }

  /** The member with that id, if any. */
  get(participantId: string): Participant | undefined {
    return this.#members.get(participantId);
  }

  /**
   * Sends a server message to one member (an SFU answering from `SERVER_PEER_ID`).
   * @returns False when the member is unknown or disconnected (the message is dropped).
   */
  sendTo(participantId: string, message: ServerMessage): boolean {
    return this.#members.get(participantId)?.deliver(message) ?? false;
  }

  /** Sends a message to every member except `exceptId`. */
  broadcast(message: ServerMessage, exceptId?: string): void {
    for (const member of this.#members.values()) if (member.info.id !== exceptId) member.deliver(message);
  }

  /** @internal */
  add(member: ParticipantState): void {
    this.#members.set(member.info.id, member);
  }

  /** @internal */
  remove(participantId: string): boolean {
    return this.#members.delete(participantId);
  }

  /** @internal */
  state(participantId: string): ParticipantState | undefined {
    return this.#members.get(participantId);
  }

  /** @internal Finds the member holding a resume token. */
  byResumeToken(token: string): ParticipantState | undefined {
    for (const member of this.#members.values()) if (member.resumeToken === token) return member;
    return undefined;
  }
}
