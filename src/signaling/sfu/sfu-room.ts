import type { Clock } from '../../clock/index.js';
import { type ClientRelayMessage, type LeaveReason, SERVER_PEER_ID } from '../protocol.js';
import type { Participant, Room, RoomHook } from '../room.js';
import type { SfuParticipantStats } from './participant-stats.js';
import { SfuPeer, type SfuPeerConfig } from './peer.js';
import { SfuRouter, type SfuRouterOptions } from './router.js';

/** @internal What a room needs from its {@link Sfu}. */
export interface SfuRoomContext {
  clock: Clock;
  peer: SfuPeerConfig;
  router: SfuRouterOptions;
  onError(error: unknown): void;
  onClosed(room: SfuRoom): void;
}

/**
 * The SFU of one signaling room: one server-side peer connection per participant (offered by the
 * server when the participant joins, negotiated through the room's signaling with `SERVER_PEER_ID`),
 * and a {@link SfuRouter} forwarding the loudest participants' audio to everyone's slots.
 */
export class SfuRoom implements RoomHook {
  /** The signaling room. */
  readonly room: Room;
  /** The forwarding core (speakers, slots, per-participant counters). */
  readonly router: SfuRouter;
  readonly #ctx: SfuRoomContext;
  readonly #peers = new Map<string, SfuPeer>();

  /** @internal */
  constructor(room: Room, ctx: SfuRoomContext) {
    this.room = room;
    this.#ctx = ctx;
    this.router = new SfuRouter(ctx.router);
  }

  /** Connection state of a participant's peer connection (`new`, `connecting`, `connected` …). */
  peerState(participantId: string): string | undefined {
    return this.#peers.get(participantId)?.state;
  }

  /** Per-participant statistics, in join order. */
  stats(): SfuParticipantStats[] {
    return this.router.allStats();
  }

  /** @internal RoomHook: a participant joined; the server offers it a peer connection. */
  onJoin(participant: Participant): void {
    const id = participant.info.id;
    const peer = new SfuPeer(
      this.#ctx.peer,
      (signal) => {
        this.room.sendTo(
          id,
          signal.type === 'offer'
            ? { type: 'offer', from: SERVER_PEER_ID, sdp: signal.sdp }
            : { type: 'candidate', from: SERVER_PEER_ID, candidate: signal.candidate },
        );
      },
      (data) => {
        // Listeners and muted participants are not forwarded, whatever they send.
        if (participant.info.role === 'listener' || participant.info.muted) return;
        this.router.receive(id, data, this.#ctx.clock.now());
      },
      () => {},
    );
    this.#peers.set(id, peer);
    this.router.add(id, peer);
    peer.start((error) => this.#ctx.onError(error));
  }

  /** @internal RoomHook: the participant left; its slots at the others are freed. */
  onLeave(participant: Participant, _reason: LeaveReason): void {
    const id = participant.info.id;
    this.router.remove(id);
    const peer = this.#peers.get(id);
    this.#peers.delete(id);
    void peer?.close();
  }

  /** @internal RoomHook: an answer or candidate for the server. */
  onSignal(from: Participant, message: ClientRelayMessage): void {
    this.#peers.get(from.info.id)?.handle(message, (error) => this.#ctx.onError(error));
  }

  /** @internal RoomHook: the room emptied. */
  onClose(): void {
    void this.close();
  }

  /** Closes every peer connection. */
  async close(): Promise<void> {
    const peers = [...this.#peers.values()];
    this.#peers.clear();
    for (const id of this.router.allStats().map((s) => s.participantId)) this.router.remove(id);
    await Promise.all(peers.map((p) => p.close()));
    this.#ctx.onClosed(this);
  }
}
