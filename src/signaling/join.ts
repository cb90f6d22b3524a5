import { isVoxwireError } from '../errors.js';
import type { Connection } from './connection.js';
import { type JoinMessage, SIGNALING_PROTOCOL_VERSION, type SignalingErrorReason } from './protocol.js';
import { ParticipantState, Room, type RoomHook } from './room.js';
import type { ResolvedServerOptions } from './server-options.js';
import { type RoomGrant, verifyRoomToken } from './token.js';

/** @internal What the join handler needs from the server. */
export interface JoinContext {
  options: ResolvedServerOptions;
  rooms: Map<string, Room>;
  members: Map<ParticipantState, Connection>;
  newId(): string;
  newResumeToken(): string;
  onJoined(room: Room, member: ParticipantState, resumed: boolean): void;
  reject(reason: SignalingErrorReason, conn: Connection): void;
  /** Detaches an old connection a resumed participant left behind. */
  evict(conn: Connection): void;
  hookFor(room: Room): RoomHook | undefined;
}

/** @internal Handles a `join`: resume when the resume token matches, otherwise authorise and admit. */
export async function handleJoin(ctx: JoinContext, conn: Connection, msg: JoinMessage): Promise<void> {
  if (conn.participant !== undefined || conn.joining) {
    ctx.reject('already-joined', conn);
    return conn.error('ERR_SIGNALING', 'already-joined', 'this connection already joined a room', msg.id);
  }
  if (msg.resume !== undefined) {
    const room = ctx.rooms.get(msg.room);
    const member = room?.byResumeToken(msg.resume);
    if (room !== undefined && member !== undefined) return attach(ctx, conn, room, member, true);
    if (msg.token === undefined) {
      ctx.reject('resume-failed', conn);
      return conn.error(
        'ERR_UNAUTHORIZED',
        'resume-failed',
        'session expired; join again with a token',
        msg.id,
      );
    }
  }
  conn.joining = true;
  let grant: RoomGrant;
  try {
    grant = await authorize(ctx, conn, msg.room, msg.token!);
  } catch (error) {
    conn.joining = false;
    const reason =
      isVoxwireError(error) && error.message.startsWith('token-expired') ? 'token-expired' : 'token-invalid';
    ctx.reject(reason, conn);
    const text = error instanceof Error ? error.message : 'not authorised';
    return conn.error('ERR_UNAUTHORIZED', reason, text, msg.id, true);
  }
  conn.joining = false;
  if (!conn.open) return;
  if (grant.room !== msg.room) {
    ctx.reject('wrong-room', conn);
    return conn.error(
      'ERR_UNAUTHORIZED',
      'wrong-room',
      `the token grants room ${JSON.stringify(grant.room)}`,
      msg.id,
      true,
    );
  }
  let room = ctx.rooms.get(msg.room);
  if (room === undefined) {
    if (ctx.rooms.size >= ctx.options.maxRooms) {
      ctx.reject('room-full', conn);
      return conn.error('ERR_ROOM_FULL', 'room-full', 'the server holds its maximum of rooms', msg.id, true);
    }
    room = new Room(msg.room, ctx.options.roomCapacity);
    ctx.rooms.set(room.id, room);
    room.hook = ctx.hookFor(room);
  }
  if (room.size >= room.capacity) {
    ctx.reject('room-full', conn);
    return conn.error(
      'ERR_ROOM_FULL',
      'room-full',
      `room is at its capacity of ${room.capacity}`,
      msg.id,
      true,
    );
  }
  const member = new ParticipantState(ctx.newId(), grant.name, grant.role, '');
  room.add(member);
  room.broadcast({ type: 'participant-joined', participant: { ...member.info } }, member.info.id);
  attach(ctx, conn, room, member, false);
}

async function authorize(
  ctx: JoinContext,
  conn: Connection,
  room: string,
  token: string,
): Promise<RoomGrant> {
  const { authorize: hook, secret, clock } = ctx.options;
  if (hook !== undefined) return hook({ room, token, remoteAddress: conn.remoteAddress });
  return verifyRoomToken(secret!, token, clock);
}

function attach(
  ctx: JoinContext,
  conn: Connection,
  room: Room,
  member: ParticipantState,
  resumed: boolean,
): void {
  member.graceTimer?.cancel();
  member.graceTimer = undefined;
  const previous = ctx.members.get(member);
  if (previous !== undefined && previous !== conn) ctx.evict(previous);
  member.resumeToken = ctx.newResumeToken(); // Rotated: a resume token works once.
  member.send = (message) => conn.send(message);
  ctx.members.set(member, conn);
  conn.participant = member;
  conn.room = room;
  conn.joinTimer?.cancel();
  conn.send({
    type: 'joined',
    protocol: SIGNALING_PROTOCOL_VERSION,
    room: room.id,
    self: { ...member.info },
    participants: room.participants.filter((p) => p !== member).map((p) => ({ ...p.info })),
    resumeToken: member.resumeToken,
    resumed,
    heartbeatIntervalMs: ctx.options.heartbeatIntervalMs,
    resumeGraceMs: ctx.options.resumeGraceMs,
  });
  ctx.onJoined(room, member, resumed);
}
