import type { Connection } from './connection.js';
import { CLOSE_CODES, type ClientMessage, type LeaveReason, SERVER_PEER_ID } from './protocol.js';
import type { ParticipantState, Room } from './room.js';

/** @internal What member messages need from the server. */
export interface MemberOps {
  remove(room: Room, member: ParticipantState, reason: LeaveReason): void;
  connectionOf(member: ParticipantState): Connection | undefined;
  reject(reason: 'role-forbidden' | 'unknown-participant', conn: Connection): void;
  /** Runs a room-hook call, reporting what it throws. */
  callHook(call: () => void): void;
}

type MemberMessage = Exclude<ClientMessage, { type: 'join' | 'ping' }>;

/** @internal Handles a message from a joined member: leave, state, kick, and relays. */
export function handleMemberMessage(
  ops: MemberOps,
  conn: Connection,
  member: ParticipantState,
  room: Room,
  msg: MemberMessage,
): void {
  switch (msg.type) {
    case 'leave':
      conn.send({ type: 'bye', reason: 'left' });
      ops.remove(room, member, 'left');
      conn.ws.close(CLOSE_CODES.normal, 'left');
      return;
    case 'state':
      if (msg.speaking === true && member.info.role === 'listener') {
        ops.reject('role-forbidden', conn);
        conn.error('ERR_UNAUTHORIZED', 'role-forbidden', 'a listener cannot speak', msg.id);
        return;
      }
      if (msg.muted !== undefined) member.info.muted = msg.muted;
      if (msg.speaking !== undefined) member.info.speaking = msg.speaking;
      room.broadcast({ type: 'participant-updated', participant: { ...member.info } });
      ops.callHook(() => room.hook?.onUpdate?.(member));
      return;
    case 'kick': {
      const target = room.state(msg.target);
      if (member.info.role !== 'admin') {
        ops.reject('role-forbidden', conn);
        conn.error('ERR_UNAUTHORIZED', 'role-forbidden', 'only an admin may kick', msg.id);
        return;
      }
      if (target === undefined) {
        unknown(ops, conn, msg.target, msg.id);
        return;
      }
      const targetConn = ops.connectionOf(target);
      target.deliver({ type: 'bye', reason: 'kicked' });
      ops.remove(room, target, 'kicked');
      targetConn?.ws.close(CLOSE_CODES.policy, 'kicked');
      return;
    }
    default: {
      if (msg.to === SERVER_PEER_ID && room.hook?.onSignal !== undefined) {
        ops.callHook(() => room.hook?.onSignal?.(member, msg));
        return;
      }
      const target = room.state(msg.to);
      if (target === undefined || target === member) {
        unknown(ops, conn, msg.to, msg.id);
        return;
      }
      const from = member.info.id;
      target.deliver(
        msg.type === 'candidate'
          ? { type: 'candidate', from, candidate: msg.candidate }
          : { type: msg.type, from, sdp: msg.sdp },
      );
    }
  }
}

function unknown(ops: MemberOps, conn: Connection, id: string, ref: string | undefined): void {
  ops.reject('unknown-participant', conn);
  conn.error('ERR_SIGNALING', 'unknown-participant', `no participant ${JSON.stringify(id)} in the room`, ref);
}
