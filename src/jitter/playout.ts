import { VoxwireError } from '../errors.js';
import { bandLowMarginSamples, type NextPacketState, type PlayoutOperation } from './decision.js';
import { insertPacket } from './intake.js';
import { act, fillFrame } from './operations.js';
import type { PlayoutOptions } from './options.js';
import type { PlayoutPacket } from './packet-buffer.js';
import { playTrimmed } from './phase-trim-step.js';
import {
  createPlayoutContext,
  type PlayoutContext,
  type PlayoutDeps,
  rawLevelSamples,
  resetStream,
} from './playout-context.js';
import type { PlayoutStats } from './stats.js';

export type { PlayoutDeps } from './playout-context.js';

/**
 * One pull's result: the same object is reused by every pull (no allocation per frame), so read it
 * before the next pull; `pcm` is the caller's `out` when one was given.
 */
export interface PlayoutFrame {
  /** 10 ms of mono PCM at the codec's `sampleRateHz`. */
  readonly pcm: Int16Array;
  /** What the playout did to produce it. */
  readonly operation: PlayoutOperation;
}

/** Smoothing of the buffer level per pull. */
const LEVEL_SMOOTHING = 0.95;
/** A concealment waits at most this long before jumping a gap the target delay cannot explain (a timestamp jump), ms. */
const MAX_WAIT_MS = 100;
/** Headroom of the target level, ms: keeps a slow sender's drift absorbed by stretching, not underruns. */
const LEVEL_MARGIN_MS = 5;

/**
 * Adaptive playout (NetEQ's control side): holds encoded packets, decodes at play time and, every
 * 10 ms pull, decides (pure `decide`) then acts: normal, expand (PLC), merge, accelerate,
 * preemptive expand or comfort noise, steering the buffer level toward the `DelayManager`'s
 * target. No clock inside: `pull()` is one 10 ms tick; arrival times come with `insert()`.
 *
 * Robustness: reordering and duplicates are absorbed, packets older than what was played are
 * counted in `packetsDiscarded`, sequence/timestamp wrap-around is unwrapped, an SSRC change or a
 * timestamp jump resets the stream, a full buffer is flushed, an undecodable payload is counted
 * and concealed. A gap where the sequence continues (or the marker bit is set) is a sender silence
 * (DTX), not a loss; so are empty payloads and Opus packets of 1–2 bytes. RED (RFC 2198) packets
 * of `redPayloadType` are unpacked and lost packets rebuilt from redundancy before concealment.
 *
 * The facade composes: intake (`intake.ts`), decoding (`decode-step.ts`), operations
 * (`operations.ts`, `stretch-step.ts`) share one internal context (`playout-context.ts`).
 */
export class Playout {
  readonly #c: PlayoutContext;
  readonly #out: Int16Array;
  readonly #result: { pcm: Int16Array; operation: PlayoutOperation };

  /**
   * @param options - See {@link PlayoutOptions}.
   * @param deps - Parts to use instead of the defaults.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option (a codec rate other than 8, 16 or
   *   48 kHz included, or `concealment: 'codec'` for a codec without `conceal`).
   */
  constructor(options: PlayoutOptions, deps: PlayoutDeps = {}) {
    this.#c = createPlayoutContext(options, deps);
    this.#out = new Int16Array(this.#c.frameSamples);
    this.#result = { pcm: this.#out, operation: 'silence' };
  }

  /** Current target delay, ms. */
  get targetDelayMs(): number {
    return this.#c.dm.targetDelayMs;
  }

  /**
   * Current playout delay beyond the fastest recent packet, ms (smoothed; the figure the playout
   * steers to {@link targetDelayMs}); NaN before the stream has started.
   */
  get playoutDelayMs(): number {
    return (this.#c.delaySamples * 1000) / this.#c.rateHz;
  }

  /** Audio buffered now (decoded not yet played plus packets held), ms. */
  get bufferLevelMs(): number {
    return (rawLevelSamples(this.#c) * 1000) / this.#c.rateHz;
  }

  /** A snapshot of the counters (W3C names). */
  getStats(): PlayoutStats {
    return { ...this.#c.stats, targetDelayMs: this.#c.dm.targetDelayMs };
  }

  /**
   * Hands over one received packet. Never throws for network input: malformed, late or duplicate
   * packets are counted and dropped.
   * @param packet - The packet (its payload is copied).
   * @param arrivalMs - When it arrived, ms on the owner's clock (any origin, non-decreasing).
   */
  insert(packet: PlayoutPacket, arrivalMs: number): void {
    insertPacket(this.#c, packet, arrivalMs);
  }

  /** Forgets the stream (packets, timing reference, decoded audio); counters and the delay histogram stay. */
  reset(): void {
    resetStream(this.#c);
  }

  /**
   * Produces the next 10 ms. Call once per 10 ms of the owner's clock.
   * @param out - Optional destination of exactly `sampleRateHz / 100` samples; owned by the caller.
   * @param nowMs - Optional: the owner's clock now, ms, on the clock of `insert`'s `arrivalMs`. With
   *   it the playout knows when the next pull comes (a finer delay estimate) and sees owner stalls:
   *   a pull ≥ 20 ms after the previous one means the owner was paused, and packets stamped up to
   *   a pull period after it are kept out of the delay statistics (their wait was the owner's),
   *   unless stalls recur within 2 s (then the audio must bridge them and the target covers them).
   * @returns The PCM (`out` or an internal buffer reused by the next pull) and the operation, in
   *   an object reused by the next pull.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for an `out` of the wrong length.
   */
  pull(out?: Int16Array, nowMs?: number): PlayoutFrame {
    const c = this.#c;
    if (out !== undefined && out.length !== c.frameSamples) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `pull(out): out must hold ${c.frameSamples} samples`);
    }
    if (nowMs !== undefined && Number.isFinite(nowMs)) notePullTime(c, nowMs);
    c.tick++;
    const pcm = out ?? this.#out;
    const sync = c.sync;
    c.stats.packetsDiscarded += c.started ? c.buffer.discardOlderThan(c.nextTs) : 0;
    // Recurring owner stalls (the regime kept in the statistics) already spend the late budget.
    const ownerStalling =
      c.stallEndMs === Number.NEGATIVE_INFINITY && c.lastPullMs - c.lastStallMs < STALL_REGIME_MS;
    c.dm.setOwnerStalling(ownerStalling);
    const raw = rawLevelSamples(c);
    c.level = LEVEL_SMOOTHING * c.level + (1 - LEVEL_SMOOTHING) * raw;
    const packetSamples = c.packetTs * c.samplesPerTs;
    const targetLevel = targetLevelSamples(c, packetSamples);
    const targetDelay = (c.dm.targetDelayMs * c.rateHz) / 1000;
    c.lowMarginSamples = bandLowMarginSamples(targetDelay, c.rateHz, ownerStalling);
    if (!c.started) tryStart(c, raw, targetLevel);
    const head = c.buffer.peek();
    let next: NextPacketState = 'none';
    let leap = 0;
    if (head !== undefined && c.started) {
      leap = (head.timestamp - c.nextTs) * c.samplesPerTs;
      next = leap <= 0 ? 'on-time' : 'future';
    }
    let op = c.decide({
      started: c.started,
      futureSamples: sync.futureSamples,
      frameSamples: c.frameSamples,
      bufferLevelSamples: c.level,
      targetLevelSamples: targetLevel,
      delaySamples: Number.isNaN(c.delaySamples) ? targetDelay : c.delaySamples,
      targetDelaySamples: targetDelay,
      packetSamples,
      next,
      leapSamples: leap,
      silenceGap: head !== undefined && (head.marker || head.sequence === c.lastSeq + 1),
      comfortNoise: c.comfortNoise,
      lastOperation: c.lastOp,
      generatedSamples: c.generated,
      maxWaitSamples: (MAX_WAIT_MS * c.rateHz) / 1000,
      timeStretchAllowed: c.tick >= c.stretchAllowedAt,
      phaseSamples: sync.futureSamples % c.frameSamples,
      lowMarginSamples: c.lowMarginSamples,
    });
    op = act(c, op);
    fillFrame(c);
    const before = sync.playPos;
    if (op === 'normal' && !ownerStalling && playTrimmed(c, pcm)) op = 'accelerate';
    else sync.play(pcm, c.frameSamples);
    const emitted = sync.playPos - before;
    if (op === 'normal' || op === 'accelerate' || op === 'preemptive-expand') {
      c.noise.update(sync.data, sync.playPos - emitted, emitted);
      c.stretch.setBackgroundEnergy(c.noise.energy);
    }
    c.stats.totalSamplesReceived += c.frameSamples;
    c.lastOp = op;
    this.#result.pcm = pcm;
    this.#result.operation = op;
    return this.#result;
  }
}

/**
 * The level that gives the target delay to the fastest packets: later ones wait less by their
 * relative delay; the packet being played holds half a packet on average. Floor: a packet plus a
 * pull, below which the arrival/pull phase alone can run the buffer dry.
 */
function targetLevelSamples(c: PlayoutContext, packetSamples: number): number {
  const levelMs = Math.max(0, c.dm.targetDelayMs - c.dm.meanRelativeDelayMs) + LEVEL_MARGIN_MS;
  return Math.max((levelMs * c.rateHz) / 1000 + packetSamples / 2, packetSamples + c.frameSamples);
}

/** Pulls this far apart or more mean the owner stalled (an event-loop pause), ms. */
const STALL_GAP_MS = 20;

/**
 * Stalls closer together than this, ms, are the owner's regime (a loaded receiver), not an accident:
 * their delays are real for the playout (the audio must bridge them) and stay in the statistics.
 */
const STALL_REGIME_MS = 2000;

function notePullTime(c: PlayoutContext, nowMs: number): void {
  if (nowMs - c.lastPullMs >= STALL_GAP_MS) {
    const recurring = nowMs - c.lastStallMs < STALL_REGIME_MS;
    c.lastStallMs = nowMs;
    c.stallEndMs = recurring ? Number.NEGATIVE_INFINITY : nowMs;
    c.stats.ownerStalls++;
  }
  // Catch-up pulls of a stalled owner come back to back: the pull timeline restarts at the last.
  c.lastPullMs = Number.isNaN(c.lastPullMs) ? nowMs : Math.max(c.lastPullMs, nowMs);
}

function tryStart(c: PlayoutContext, raw: number, targetLevel: number): void {
  const head = c.buffer.peek();
  if (head === undefined || raw < targetLevel) return;
  c.started = true;
  c.nextTs = head.timestamp;
  c.lastSeq = head.sequence - 1;
  c.level = raw;
  c.delaySamples = Number.NaN;
  c.sync.clear();
}

/**
 * Creates a {@link Playout}.
 * @param options - See {@link PlayoutOptions}.
 * @param deps - Parts to use instead of the defaults (see {@link PlayoutDeps}).
 * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
 */
export function createPlayout(options: PlayoutOptions, deps?: PlayoutDeps): Playout {
  return new Playout(options, deps);
}
