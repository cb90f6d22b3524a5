import { type Clock, RealClock } from '../../clock/index.js';
import { invalidOption } from '../../errors.js';
import { SafeEventEmitter } from '../../events.js';
import type { RandomSource } from '../../transport/rtp/index.js';
import type { WebRtcIceServer } from '../../transport/webrtc/index.js';
import type { Room, RoomHook } from '../room.js';
import type { SfuParticipantStats } from './participant-stats.js';
import { SFU_AUDIO_LEVEL_ID, SFU_CODECS, type SfuCodecName } from './peer.js';
import { SfuRouter } from './router.js';
import { SfuRoom } from './sfu-room.js';
import type { SpeakerSelectorConfig } from './speaker-selector.js';

/** Options of {@link Sfu}. */
export interface SfuOptions {
  /** Outgoing audio slots per participant: each hears the N loudest others (1–16, default 3). */
  slots?: number;
  /** The one codec of every room (forwarding never transcodes): `opus` (default), `pcmu`, `pcma`. */
  codec?: SfuCodecName;
  /** STUN/TURN servers for the server's peer connections (default none). */
  iceServers?: WebRtcIceServer[];
  /**
   * Host addresses the server gathers candidates on (default `['127.0.0.1']`: loopback only). Give the
   * machine's LAN address to serve other hosts.
   */
  hostAddresses?: string[];
  /** UDP port range of the server's ICE sockets, `[min, max]`; default any. */
  icePortRange?: [number, number];
  /** Timestamps packet arrivals for speaker selection (default `RealClock`). */
  clock?: Clock;
  /** Re-rank speakers at most this often, ms (default 100). */
  evaluateIntervalMs?: number;
  /** Speaker-selection tuning (see {@link SpeakerSelectorConfig}). */
  selector?: Partial<Omit<SpeakerSelectorConfig, 'maxSpeakers'>>;
  /** Randomness of slot SSRCs (default the OS generator). */
  random?: RandomSource;
}

/** Events of {@link Sfu}. */
export interface SfuEvents {
  /** A peer connection failed to negotiate (the participant stays in the room, unheard). */
  error: (error: unknown) => void;
}

/**
 * A selective forwarding unit for {@link SignalingServer} rooms: pass `sfu.createRoomHook` as the
 * server's `createRoomHook` option. Each participant then gets one peer connection from the server
 * (the server offers, `from: "server"`, right after `joined`; the participant answers to `"server"`),
 * sends its audio up once, and receives the N loudest other participants on N fixed slots. Audio is
 * forwarded without decoding; docs/sfu.md describes the selection and the rewriting.
 * @throws VoxwireError `ERR_INVALID_OPTION` from the constructor on a bad option.
 */
export class Sfu extends SafeEventEmitter<SfuEvents> {
  readonly #rooms = new Map<string, SfuRoom>();
  readonly #clock: Clock;
  readonly #options: SfuOptions;
  readonly #slots: number;
  readonly #codec: SfuCodecName;

  /** @param options - See {@link SfuOptions}. */
  constructor(options: SfuOptions = {}) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? new RealClock();
    this.#slots = options.slots ?? 3;
    if (!Number.isInteger(this.#slots) || this.#slots < 1 || this.#slots > 16) {
      invalidOption('slots', this.#slots, 'an integer 1–16');
    }
    this.#codec = options.codec ?? 'opus';
    if (!(this.#codec in SFU_CODECS)) invalidOption('codec', this.#codec, "'opus', 'pcmu' or 'pcma'");
    const hosts = options.hostAddresses;
    if (
      hosts !== undefined &&
      (!Array.isArray(hosts) || hosts.length === 0 || !hosts.every((h) => typeof h === 'string'))
    ) {
      invalidOption('hostAddresses', hosts, 'a non-empty list of IP addresses');
    }
    // Fail fast on router options (slots, selector tuning) with a throwaway router.
    this.#makeRoom(undefined);
  }

  /** The factory to pass as `SignalingServerOptions.createRoomHook`. */
  readonly createRoomHook = (room: Room): RoomHook => this.#makeRoom(room)!;

  /** The SFU of a room, while the room has members. */
  room(name: string): SfuRoom | undefined {
    return this.#rooms.get(name);
  }

  /** Per-participant statistics of a room (empty when the room does not exist). */
  stats(roomName: string): SfuParticipantStats[] {
    return this.#rooms.get(roomName)?.stats() ?? [];
  }

  /** Closes every room's peer connections (the signaling server is closed separately). */
  async close(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((r) => r.close()));
  }

  #makeRoom(room: Room | undefined): SfuRoom | undefined {
    const { clockRateHz, payloadType } = SFU_CODECS[this.#codec];
    const o = this.#options;
    const ctx = {
      clock: this.#clock,
      peer: {
        codec: this.#codec,
        slots: this.#slots,
        iceServers: o.iceServers ?? [],
        hostAddresses: o.hostAddresses ?? ['127.0.0.1'],
        icePortRange: o.icePortRange,
      },
      router: {
        slots: this.#slots,
        clockRateHz,
        payloadType,
        audioLevelExtensionId: SFU_AUDIO_LEVEL_ID,
        evaluateIntervalMs: o.evaluateIntervalMs,
        selector: o.selector,
        random: o.random,
      },
      onError: (error: unknown) => this.safeEmit('error', error),
      onClosed: (r: SfuRoom) => {
        if (this.#rooms.get(r.room.id) === r) this.#rooms.delete(r.room.id);
      },
    };
    if (room === undefined) {
      new SfuRouter(ctx.router);
      return undefined;
    }
    const sfuRoom = new SfuRoom(room, ctx);
    this.#rooms.set(room.id, sfuRoom);
    return sfuRoom;
  }
}
