import { invalidOption, VoxwireError } from '../../errors.js';
import {
  createRtpPacket,
  cryptoRandom,
  findHeaderExtension,
  type RandomSource,
  randomUint32,
  tryParseRtpPacket,
} from '../../transport/rtp/index.js';
import { InboundCounter, type SfuParticipantStats } from './participant-stats.js';
import { SlotRewriter } from './slot-rewriter.js';
import {
  SPEAKER_SELECTOR_DEFAULTS,
  SpeakerSelector,
  type SpeakerSelectorConfig,
} from './speaker-selector.js';

/** Where the router writes one participant's outgoing slots (a WebRTC peer, a test double). */
export interface SfuSink {
  /**
   * Sends one rewritten RTP packet on outgoing slot `slot` (0 … slots − 1). The bytes are valid only
   * during the call: copy or send them before returning. Returns false when the packet could not go
   * out (not connected yet): counted as dropped, not as sent. Must not throw (a throw counts as a drop).
   */
  send(slot: number, packet: Uint8Array): boolean | undefined;
}

/** Options of {@link SfuRouter}. */
export interface SfuRouterOptions {
  /** Outgoing slots per participant: the N loudest others are forwarded (1–16, default 3). */
  slots?: number;
  /** RTP clock rate of the room's codec, Hz (default 48000, Opus). */
  clockRateHz?: number;
  /** Accept only this payload type (0–127); default any. */
  payloadType?: number;
  /**
   * RFC 6464 audio-level header extension id (1–14) the participants' packets carry. Packets without
   * a level count as silent, so a participant that never sends levels is never selected. Default 1.
   */
  audioLevelExtensionId?: number;
  /** Re-rank speakers at most this often, ms (driven by packet arrivals; default 100). */
  evaluateIntervalMs?: number;
  /** Selection tuning (see {@link SpeakerSelectorConfig}; `maxSpeakers` is slots + 1). */
  selector?: Partial<Omit<SpeakerSelectorConfig, 'maxSpeakers'>>;
  /** Randomness for the slots' SSRCs (default the OS generator). */
  random?: RandomSource;
}

interface Entry {
  id: string;
  sink: SfuSink;
  slots: SlotRewriter[];
  inbound: InboundCounter;
  packetsForwarded: number;
  packetsSent: number;
  sendErrors: number;
}

interface Route {
  receiver: Entry;
  slot: number;
}

/**
 * The forwarding core of an SFU room, without any network: participants' RTP goes in with
 * {@link receive}; each participant's N outgoing slots carry the N loudest other participants (by
 * their RFC 6464 levels, see {@link SpeakerSelector}), rewritten by a {@link SlotRewriter} per slot.
 * Nothing is decoded. Slot assignment is sticky: a speaker keeps its slot while it stays selected.
 */
export class SfuRouter {
  /** Slots per participant. */
  readonly slots: number;
  /** RTP clock rate, Hz. */
  readonly clockRateHz: number;
  readonly #payloadType: number | undefined;
  readonly #levelId: number;
  readonly #evaluateMs: number;
  readonly #random: RandomSource;
  readonly #selector: SpeakerSelector;
  readonly #entries = new Map<string, Entry>();
  #routes = new Map<string, Route[]>();
  #lastEvaluateMs = Number.NEGATIVE_INFINITY;
  #lastNowMs = 0;
  readonly #packet = createRtpPacket();

  /**
   * @param options - See {@link SfuRouterOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
   */
  constructor(options: SfuRouterOptions = {}) {
    this.slots = options.slots ?? 3;
    if (!Number.isInteger(this.slots) || this.slots < 1 || this.slots > 16) {
      invalidOption('slots', this.slots, 'an integer 1–16');
    }
    this.clockRateHz = options.clockRateHz ?? 48_000;
    if (!Number.isInteger(this.clockRateHz) || this.clockRateHz < 1000 || this.clockRateHz > 192_000) {
      invalidOption('clockRateHz', this.clockRateHz, 'an integer 1000–192000 Hz');
    }
    this.#payloadType = options.payloadType;
    if (
      this.#payloadType !== undefined &&
      !(Number.isInteger(this.#payloadType) && this.#payloadType >= 0 && this.#payloadType <= 127)
    ) {
      invalidOption('payloadType', this.#payloadType, 'an integer 0–127');
    }
    this.#levelId = options.audioLevelExtensionId ?? 1;
    if (!Number.isInteger(this.#levelId) || this.#levelId < 1 || this.#levelId > 14) {
      invalidOption('audioLevelExtensionId', this.#levelId, 'an integer 1–14');
    }
    this.#evaluateMs = options.evaluateIntervalMs ?? 100;
    if (!(this.#evaluateMs >= 0 && Number.isFinite(this.#evaluateMs))) {
      invalidOption('evaluateIntervalMs', this.#evaluateMs, 'a number of ms ≥ 0');
    }
    const tuning = { ...SPEAKER_SELECTOR_DEFAULTS, ...options.selector };
    for (const [name, value] of Object.entries(tuning)) {
      if (typeof value !== 'number' || !Number.isFinite(value))
        invalidOption(`selector.${name}`, value, 'a finite number');
    }
    if (tuning.attackMs <= 0 || tuning.releaseMs <= 0)
      invalidOption('selector.attackMs/releaseMs', tuning, 'positive ms');
    this.#random = options.random ?? cryptoRandom;
    this.#selector = new SpeakerSelector({ ...tuning, maxSpeakers: this.slots + 1 });
  }

  /** Participants in the room. */
  get size(): number {
    return this.#entries.size;
  }

  /** The dominant speakers, loudest first (a participant hears these, less itself, up to `slots`). */
  get activeSpeakers(): readonly string[] {
    return this.#selector.members;
  }

  /**
   * Adds a participant whose slots are written to `sink`. Its slots fill at the next evaluation.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when the id is already in the room.
   */
  add(id: string, sink: SfuSink): void {
    if (this.#entries.has(id))
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `participant ${id} is already in the room`);
    const slots: SlotRewriter[] = [];
    for (let i = 0; i < this.slots; i++)
      slots.push(new SlotRewriter(randomUint32(this.#random), this.clockRateHz));
    this.#entries.set(id, {
      id,
      sink,
      slots,
      inbound: new InboundCounter(),
      packetsForwarded: 0,
      packetsSent: 0,
      sendErrors: 0,
    });
    this.#reassign();
  }

  /** Removes a participant: its place among the speakers and every slot it held are freed at once. */
  remove(id: string): boolean {
    if (!this.#entries.delete(id)) return false;
    this.#selector.remove(id);
    this.#selector.evaluate(this.#lastNowMs);
    this.#reassign();
    return true;
  }

  /**
   * Takes one datagram from a participant and forwards it to the slots that carry it. Never throws:
   * RTCP, malformed packets and wrong payload types are counted as dropped.
   * @returns True when the packet was valid RTP (forwarded or not).
   */
  receive(id: string, data: Uint8Array, arrivalMs: number): boolean {
    const from = this.#entries.get(id);
    if (from === undefined) return false;
    this.#lastNowMs = arrivalMs;
    const isRtcp = data.length >= 2 && data[1] >= 192 && data[1] <= 223;
    const p = isRtcp ? undefined : tryParseRtpPacket(data, this.#packet);
    if (p === undefined || (this.#payloadType !== undefined && p.payloadType !== this.#payloadType)) {
      from.inbound.packetsDropped++;
      return false;
    }
    from.inbound.count(p.ssrc, p.sequenceNumber, data.length);
    const level = findHeaderExtension(p.extensions, this.#levelId);
    this.#selector.update(
      id,
      level !== undefined && level.data.length > 0 ? level.data[0] & 0x7f : 127,
      arrivalMs,
    );
    if (arrivalMs - this.#lastEvaluateMs >= this.#evaluateMs) this.evaluate(arrivalMs);
    const routes = this.#routes.get(id);
    if (routes === undefined) return true;
    const seq = p.sequenceNumber;
    const ts = p.timestamp;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i];
      const out = r.receiver.slots[r.slot].rewrite(data, seq, ts, arrivalMs);
      if (out === undefined) continue;
      try {
        if (r.receiver.sink.send(r.slot, out) === false) {
          r.receiver.sendErrors++;
          continue;
        }
        from.packetsForwarded++;
        r.receiver.packetsSent++;
      } catch {
        r.receiver.sendErrors++;
      }
    }
    return true;
  }

  /** Re-ranks the speakers now and reassigns slots when the set changed (also runs from {@link receive}). */
  evaluate(nowMs: number): void {
    this.#lastEvaluateMs = nowMs;
    this.#lastNowMs = nowMs;
    if (this.#selector.evaluate(nowMs)) this.#reassign();
  }

  /** Statistics of one participant, undefined when it is not in the room. */
  stats(id: string): SfuParticipantStats | undefined {
    const e = this.#entries.get(id);
    if (e === undefined) return undefined;
    const now = this.#lastNowMs;
    return {
      participantId: id,
      packetsReceived: e.inbound.packetsReceived,
      bytesReceived: e.inbound.bytesReceived,
      packetsLost: e.inbound.packetsLost,
      packetsDropped: e.inbound.packetsDropped + e.sendErrors,
      packetsForwarded: e.packetsForwarded,
      packetsSent: e.packetsSent,
      audioLevelDbov: Math.round(this.#selector.levelDbov(id, now) * 10) / 10,
      speaking: this.#selector.speaking(id, now),
      forwarded: this.#selector.members.includes(id),
      slots: e.slots.map((s) => s.source),
    };
  }

  /** Statistics of every participant, in join order. */
  allStats(): SfuParticipantStats[] {
    return [...this.#entries.keys()].map((id) => this.stats(id)!);
  }

  /** Sticky assignment: kept speakers stay in their slot, new ones take free slots loudest first. */
  #reassign(): void {
    const members = this.#selector.members;
    const routes = new Map<string, Route[]>();
    for (const e of this.#entries.values()) {
      let wanted = 0;
      for (const s of e.slots) {
        if (
          s.source !== undefined &&
          (s.source === e.id || !members.includes(s.source) || !this.#entries.has(s.source))
        ) {
          s.assign(undefined);
        }
      }
      for (const m of members) {
        if (m === e.id || !this.#entries.has(m) || wanted >= this.slots) continue;
        wanted++;
        if (e.slots.some((s) => s.source === m)) continue;
        const free = e.slots.find((s) => s.source === undefined);
        if (free !== undefined) free.assign(m);
      }
      e.slots.forEach((s, slot) => {
        if (s.source === undefined) return;
        const list = routes.get(s.source);
        if (list === undefined) routes.set(s.source, [{ receiver: e, slot }]);
        else list.push({ receiver: e, slot });
      });
    }
    this.#routes = routes;
  }
}
