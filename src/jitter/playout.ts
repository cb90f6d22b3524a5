import { VoxwireError } from '../errors.js';
import { RedRecovery } from '../transport/red/index.js';
import { decide, type NextPacketState, type PlayoutOperation } from './decision.js';
import { DelayManager } from './delay-manager.js';
import {
  BackgroundNoiseEstimator,
  ComfortNoiseGenerator,
  createCnParameters,
  decodeCnPayload,
  Expand,
  Merge,
  TimeStretch,
} from './dsp/index.js';
import { type PlayoutOptions, type ResolvedPlayoutOptions, resolvePlayoutOptions } from './options.js';
import { type BufferedPacket, PacketBuffer, type PlayoutPacket, Unwrapper } from './packet-buffer.js';
import { emptyPlayoutStats, type PlayoutStats } from './stats.js';
import { SyncBuffer } from './sync-buffer.js';

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

/**
 * Parts a {@link Playout} is built from; each may be swapped (tests, tuning) without module mocks.
 * Missing parts are built from the options.
 */
export interface PlayoutDeps {
  /** Computes the target delay. */
  delayManager?: DelayManager;
  /** Chooses the operation of each pull. */
  decide?: typeof decide;
  /** Packet-loss concealment. */
  expand?: Expand;
  /** Blends returning audio into concealment. */
  merge?: Merge;
  /** Accelerate / preemptive expand. */
  timeStretch?: TimeStretch;
  /** Background-noise estimate (concealment fades into it; comfort noise without CN packets uses it). */
  backgroundNoise?: BackgroundNoiseEstimator;
  /** Comfort-noise synthesis for DTX (RFC 3389). */
  comfortNoise?: ComfortNoiseGenerator;
}

const HISTORY_MS = 120;
const FUTURE_MS = 600;
const STRETCH_INPUT_MS = 30;
/** Pulls between two time-stretches (NetEQ's kMinTimescaleInterval). */
const STRETCH_INTERVAL_TICKS = 5;
/** Smoothing of the buffer level per pull. */
const LEVEL_SMOOTHING = 0.95;
/** A concealment waits at most this long for a packet due later before jumping to it, ms. */
const MAX_WAIT_MS = 100;
const PLAYED_RING = 256;
/** Headroom of the target level, ms: keeps a slow sender's drift absorbed by stretching, not underruns. */
const LEVEL_MARGIN_MS = 5;

/**
 * Adaptive playout (NetEQ's control side): holds encoded packets, decodes at play time and, every
 * 10 ms pull, decides (pure {@link decide}) then acts: normal, expand (PLC), merge, accelerate,
 * preemptive expand or comfort noise, steering the buffer level toward the {@link DelayManager}'s
 * target. No clock inside: `pull()` is one 10 ms tick; arrival times come with `insert()`.
 *
 * Robustness: reordering and duplicates are absorbed, packets older than what was played are
 * counted in `packetsDiscarded`, sequence/timestamp wrap-around is unwrapped, an SSRC change or a
 * timestamp jump resets the stream, a full buffer is flushed, an undecodable payload is counted
 * and concealed. A gap where the sequence continues (or the marker bit is set) is a sender silence
 * (DTX), not a loss. RED (RFC 2198) packets of `redPayloadType` are unpacked and lost packets
 * rebuilt from redundancy before concealment is used.
 */
export class Playout {
  readonly #o: ResolvedPlayoutOptions;
  readonly #rate: number;
  readonly #frame: number;
  readonly #samplesPerTs: number;
  readonly #dm: DelayManager;
  readonly #decide: typeof decide;
  readonly #expand: Expand;
  readonly #merge: Merge;
  readonly #stretch: TimeStretch;
  readonly #noise: BackgroundNoiseEstimator;
  readonly #cng: ComfortNoiseGenerator;
  readonly #cnParams = createCnParameters();
  readonly #buffer: PacketBuffer;
  readonly #sync: SyncBuffer;
  readonly #seq = new Unwrapper(16);
  readonly #ts = new Unwrapper(32);
  readonly #red: RedRecovery | undefined;
  readonly #stats: PlayoutStats = emptyPlayoutStats();
  readonly #out: Int16Array;
  readonly #decoded: Float32Array;
  readonly #scratch: Float32Array;
  readonly #played = new Float64Array(PLAYED_RING).fill(-1);
  readonly #result: { pcm: Int16Array; operation: PlayoutOperation };
  #ssrc: number | undefined;
  #tick = 0;
  #started = false;
  #nextTs = 0;
  #lastSeq = 0;
  #lastOp: PlayoutOperation = 'silence';
  #generated = 0;
  #comfortNoise = false;
  #cnFromPacket = false;
  #level = 0;
  #stretchAllowedAt = 0;
  #packetTs: number;
  #lastArrivalMs = Number.NaN;
  #lastArrivalTs = 0;

  /**
   * @param options - See {@link PlayoutOptions}.
   * @param deps - Parts to use instead of the defaults.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option (a codec rate other than 8, 16 or 48 kHz included).
   */
  constructor(options: PlayoutOptions, deps: PlayoutDeps = {}) {
    this.#o = resolvePlayoutOptions(options);
    const info = this.#o.codec.info;
    this.#rate = info.sampleRateHz;
    this.#frame = this.#rate / 100;
    this.#samplesPerTs = this.#rate / info.clockRateHz;
    this.#packetTs = info.clockRateHz / 50;
    this.#dm = deps.delayManager ?? new DelayManager(info.clockRateHz, this.#o.delay);
    this.#decide = deps.decide ?? decide;
    this.#noise = deps.backgroundNoise ?? new BackgroundNoiseEstimator(this.#rate);
    this.#expand = deps.expand ?? new Expand(this.#rate, { backgroundNoise: this.#noise });
    this.#merge = deps.merge ?? new Merge(this.#rate);
    this.#stretch = deps.timeStretch ?? new TimeStretch(this.#rate);
    this.#cng = deps.comfortNoise ?? new ComfortNoiseGenerator(this.#rate, 7);
    this.#buffer = new PacketBuffer(this.#o.maxPackets);
    this.#sync = new SyncBuffer((HISTORY_MS * this.#rate) / 1000, (FUTURE_MS * this.#rate) / 1000);
    this.#out = new Int16Array(this.#frame);
    this.#result = { pcm: this.#out, operation: 'silence' };
    this.#decoded = new Float32Array((FUTURE_MS * this.#rate) / 1000);
    this.#scratch = new Float32Array((FUTURE_MS * this.#rate) / 1000);
    if (this.#o.redPayloadType >= 0) this.#red = new RedRecovery();
  }

  /** Current target delay, ms. */
  get targetDelayMs(): number {
    return this.#dm.targetDelayMs;
  }

  /** Audio buffered now (decoded not yet played plus packets held), ms. */
  get bufferLevelMs(): number {
    return (this.#rawLevel() * 1000) / this.#rate;
  }

  /** A snapshot of the counters (W3C names). */
  getStats(): PlayoutStats {
    return { ...this.#stats, targetDelayMs: this.#dm.targetDelayMs };
  }

  /**
   * Hands over one received packet. Never throws for network input: malformed, late or duplicate
   * packets are counted and dropped.
   * @param packet - The packet (its payload is copied).
   * @param arrivalMs - When it arrived, ms on the owner's clock (any origin, non-decreasing).
   */
  insert(packet: PlayoutPacket, arrivalMs: number): void {
    const { sequenceNumber: seq, timestamp: ts, payloadType: pt } = packet;
    if (
      !Number.isInteger(seq) ||
      seq < 0 ||
      seq > 0xffff ||
      !Number.isInteger(ts) ||
      ts < 0 ||
      ts > 0xffffffff ||
      !(packet.payload instanceof Uint8Array) ||
      !Number.isFinite(arrivalMs)
    ) {
      this.#stats.packetsDiscarded++;
      return;
    }
    if (this.#ssrc !== undefined && packet.ssrc !== this.#ssrc) this.reset();
    this.#ssrc = packet.ssrc;
    if (this.#red !== undefined) {
      if (pt === this.#o.redPayloadType) {
        const result = this.#red.push(packet.payload, seq, ts);
        if (!result.ok) {
          this.#stats.decodeErrors++;
          return;
        }
        for (const f of result.frames) {
          this.#insert(
            f.sequenceNumber,
            f.timestamp,
            f.payloadType,
            f.payload,
            false,
            arrivalMs,
            f.recovered,
          );
        }
        return;
      }
      if (!this.#red.markDelivered(seq)) {
        this.#stats.packetsDuplicated++;
        return;
      }
    }
    this.#insert(seq, ts, pt, packet.payload, packet.marker === true, arrivalMs, false);
  }

  #insert(
    seq16: number,
    ts32: number,
    payloadType: number,
    payload: Uint8Array,
    marker: boolean,
    arrivalMs: number,
    recovered: boolean,
  ): void {
    const isCn = payloadType === this.#o.comfortNoisePayloadType;
    if (!isCn && payloadType !== this.#o.codec.info.payloadType) {
      this.#stats.packetsDiscarded++; // another stream's payload type: not ours to decode
      return;
    }
    let ts = this.#ts.unwrap(ts32);
    if (!Number.isNaN(this.#lastArrivalMs) && !recovered) {
      const tsMs = ((ts - this.#lastArrivalTs) * 1000) / this.#o.codec.info.clockRateHz;
      if (Math.abs(tsMs - (arrivalMs - this.#lastArrivalMs)) > this.#o.timestampJumpResetMs) {
        this.reset();
        ts = this.#ts.unwrap(ts32);
      }
    }
    const seq = this.#seq.unwrap(seq16);
    if (this.#played[seq % PLAYED_RING] === seq) {
      this.#stats.packetsDuplicated++;
      return;
    }
    if (this.#started && ts < this.#nextTs) {
      this.#stats.packetsDiscarded++;
      return;
    }
    // A frame rebuilt from RED counts as arriving now: late, which is what the target must cover.
    if (marker && !recovered) this.#dm.restartWindow();
    this.#dm.update(ts, arrivalMs);
    if (!recovered) {
      if (Number.isNaN(this.#lastArrivalMs) || ts > this.#lastArrivalTs) this.#lastArrivalTs = ts;
      this.#lastArrivalMs = arrivalMs;
    }
    const entry: BufferedPacket = {
      sequence: seq,
      timestamp: ts,
      payloadType,
      payload: payload.slice(),
      marker,
      insertTick: this.#tick,
    };
    const result = this.#buffer.insert(entry);
    if (result === 'duplicate') this.#stats.packetsDuplicated++;
    else if (result === 'flushed') this.#stats.packetsDiscarded += this.#buffer.lastFlushed;
  }

  /** Forgets the stream (packets, timing reference, decoded audio); counters and the delay histogram stay. */
  reset(): void {
    this.#stats.packetsDiscarded += this.#buffer.flush();
    this.#seq.reset();
    this.#ts.reset();
    this.#red?.reset();
    this.#dm.restartWindow();
    this.#played.fill(-1);
    this.#started = false;
    this.#lastArrivalMs = Number.NaN;
    this.#comfortNoise = false;
    this.#stats.resets++;
  }

  /**
   * Produces the next 10 ms. Call once per 10 ms of the owner's clock.
   * @param out - Optional destination of exactly `sampleRateHz / 100` samples; owned by the caller.
   * @returns The PCM (`out` or an internal buffer reused by the next pull) and the operation, in
   *   an object reused by the next pull.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for an `out` of the wrong length.
   */
  pull(out?: Int16Array): PlayoutFrame {
    if (out !== undefined && out.length !== this.#frame) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', `pull(out): out must hold ${this.#frame} samples`);
    }
    this.#tick++;
    const pcm = out ?? this.#out;
    const sync = this.#sync;
    this.#stats.packetsDiscarded += this.#started ? this.#buffer.discardOlderThan(this.#nextTs) : 0;
    const raw = this.#rawLevel();
    this.#level = LEVEL_SMOOTHING * this.#level + (1 - LEVEL_SMOOTHING) * raw;
    const packetSamples = this.#packetTs * this.#samplesPerTs;
    // The level that gives the target delay to the fastest packets: later ones wait less by their
    // relative delay; the packet being played holds half a packet on average.
    const levelMs = Math.max(0, this.#dm.targetDelayMs - this.#dm.meanRelativeDelayMs) + LEVEL_MARGIN_MS;
    // Floor: a packet plus a pull, below which the arrival/pull phase alone can run the buffer dry.
    const targetLevel = Math.max(
      (levelMs * this.#rate) / 1000 + packetSamples / 2,
      packetSamples + this.#frame,
    );
    if (!this.#started) this.#tryStart(raw, targetLevel);
    const head = this.#buffer.peek();
    let next: NextPacketState = 'none';
    let leap = 0;
    if (head !== undefined && this.#started) {
      leap = (head.timestamp - this.#nextTs) * this.#samplesPerTs;
      next = leap <= 0 ? 'on-time' : 'future';
    }
    let op = this.#decide({
      started: this.#started,
      futureSamples: sync.futureSamples,
      frameSamples: this.#frame,
      bufferLevelSamples: this.#level,
      targetLevelSamples: targetLevel,
      packetSamples,
      next,
      leapSamples: leap,
      silenceGap: head !== undefined && (head.marker || head.sequence === this.#lastSeq + 1),
      comfortNoise: this.#comfortNoise,
      lastOperation: this.#lastOp,
      generatedSamples: this.#generated,
      maxWaitSamples: (MAX_WAIT_MS * this.#rate) / 1000,
      timeStretchAllowed: this.#tick >= this.#stretchAllowedAt,
    });
    op = this.#act(op);
    this.#fill();
    const emitted = Math.min(this.#frame, sync.futureSamples);
    sync.play(pcm, this.#frame);
    if (op === 'normal' || op === 'accelerate' || op === 'preemptive-expand') {
      this.#noise.update(sync.data, sync.playPos - emitted, emitted);
      this.#stretch.setBackgroundEnergy(this.#noise.energy);
    }
    this.#stats.totalSamplesReceived += this.#frame;
    this.#lastOp = op;
    this.#result.pcm = pcm;
    this.#result.operation = op;
    return this.#result;
  }

  #rawLevel(): number {
    return this.#sync.futureSamples + this.#buffer.size * this.#packetTs * this.#samplesPerTs;
  }

  #tryStart(raw: number, targetLevel: number): void {
    const head = this.#buffer.peek();
    if (head === undefined || raw < targetLevel) return;
    this.#started = true;
    this.#nextTs = head.timestamp;
    this.#lastSeq = head.sequence - 1;
    this.#level = raw;
    this.#sync.clear();
  }

  #act(op: PlayoutOperation): PlayoutOperation {
    const sync = this.#sync;
    switch (op) {
      case 'silence':
        return op;
      case 'normal': {
        while (sync.futureSamples < this.#frame && this.#buffer.size > 0) {
          const head = this.#buffer.peek()!;
          if (head.timestamp > this.#nextTs) {
            if (!(this.#comfortNoise || this.#lastOp === 'comfort-noise' || this.#isSilenceGap(head))) break;
            this.#nextTs = head.timestamp; // resume after a sender silence
          }
          if (!this.#decodeNext()) break;
        }
        return op;
      }
      case 'merge': {
        const head = this.#buffer.peek();
        if (head === undefined) return this.#act('expand');
        if (head.timestamp > this.#nextTs) this.#nextTs = head.timestamp;
        else if (this.#lastOp === 'expand') this.#stats.packetsLateConcealed++;
        if (this.#lastOp !== 'expand') return this.#act('normal');
        const n = this.#decodeInto(this.#decoded);
        if (n <= 0) return 'merge';
        const written = this.#merge.merge(this.#expand, this.#decoded, this.#scratch, n);
        sync.append(this.#scratch, written);
        this.#stats.concealedSamples += this.#merge.lastShiftSamples;
        return op;
      }
      case 'expand': {
        if (this.#lastOp !== 'expand') {
          this.#expand.start(sync.data, 0, sync.end);
          this.#stats.concealmentEvents++;
          this.#generated = 0;
        }
        const n = Math.max(0, this.#frame - sync.futureSamples);
        this.#conceal(n);
        return op;
      }
      case 'comfort-noise': {
        if (this.#lastOp !== 'comfort-noise') {
          if (this.#cnFromPacket) this.#cng.setFromCn(this.#cnParams);
          else this.#cng.setFromEstimate(this.#noise);
          this.#cng.settle();
          this.#generated = 0;
        }
        const n = Math.max(0, this.#frame - sync.futureSamples);
        const room = sync.reserve(n);
        this.#cng.generate(sync.data, sync.end, room);
        sync.end += room;
        this.#generated += room;
        this.#stats.comfortNoiseSamples += room;
        return op;
      }
      case 'accelerate':
      case 'preemptive-expand':
        return this.#timeStretch(op);
    }
  }

  #timeStretch(op: 'accelerate' | 'preemptive-expand'): PlayoutOperation {
    const sync = this.#sync;
    const want = (STRETCH_INPUT_MS * this.#rate) / 1000;
    while (sync.futureSamples < want) {
      const head = this.#buffer.peek();
      if (head === undefined || head.timestamp !== this.#nextTs || !this.#decodeNext()) break;
    }
    const n = Math.min(want, sync.futureSamples);
    // Inserting works on a short future too (it is needed exactly when the buffer runs low).
    if (n < ((op === 'accelerate' ? 20 : 10) * this.#rate) / 1000) return 'normal';
    const input = this.#decoded;
    input.set(sync.data.subarray(sync.playPos, sync.playPos + n));
    this.#stretchAllowedAt = this.#tick + STRETCH_INTERVAL_TICKS;
    if (op === 'accelerate') {
      const removed = this.#stretch.accelerate(input, this.#scratch, n);
      if (removed === 0) return 'normal';
      sync.replaceFuture(n, this.#scratch, n - removed);
      this.#stats.removedSamplesForAcceleration += removed;
      this.#level -= removed;
    } else {
      const inserted = this.#stretch.preemptiveExpand(input, this.#scratch, n);
      if (inserted === 0) return 'normal';
      sync.replaceFuture(n, this.#scratch, n + inserted);
      this.#stats.insertedSamplesForDeceleration += inserted;
      this.#level += inserted;
    }
    return op;
  }

  // Whatever the operation left short of a frame is filled: decode when the packet is due, else conceal.
  #fill(): void {
    const sync = this.#sync;
    if (!this.#started) return;
    while (sync.futureSamples < this.#frame) {
      const head = this.#buffer.peek();
      if (head !== undefined && head.timestamp === this.#nextTs && this.#decodeNext()) continue;
      if (this.#comfortNoise) {
        const room = sync.reserve(this.#frame - sync.futureSamples);
        this.#cng.generate(sync.data, sync.end, room);
        sync.end += room;
        this.#stats.comfortNoiseSamples += room;
        continue;
      }
      if (this.#lastOp !== 'expand') {
        this.#expand.start(sync.data, 0, sync.end);
        this.#stats.concealmentEvents++;
        this.#lastOp = 'expand';
      }
      this.#conceal(this.#frame - sync.futureSamples);
    }
  }

  #conceal(n: number): void {
    const sync = this.#sync;
    const room = sync.reserve(n);
    const silentBefore = this.#expand.silentConcealedSamples;
    this.#expand.conceal(sync.data, sync.end, room);
    sync.end += room;
    this.#generated += room;
    this.#stats.concealedSamples += room;
    this.#stats.silentConcealedSamples += this.#expand.silentConcealedSamples - silentBefore;
  }

  #isSilenceGap(head: BufferedPacket): boolean {
    return head.marker || head.sequence === this.#lastSeq + 1;
  }

  /** Decodes the head packet onto the sync buffer. False when nothing was added. */
  #decodeNext(): boolean {
    const n = this.#decodeInto(this.#decoded);
    if (n <= 0) return false;
    this.#sync.append(this.#decoded, n);
    return true;
  }

  /** Pops and decodes the head packet into `dst` (float); returns samples, 0 for CN/DTX or an error. */
  #decodeInto(dst: Float32Array): number {
    const p = this.#buffer.pop();
    if (p === undefined) return 0;
    this.#lastSeq = p.sequence;
    this.#played[p.sequence % PLAYED_RING] = p.sequence;
    if (p.payloadType === this.#o.comfortNoisePayloadType) {
      try {
        decodeCnPayload(p.payload, this.#cnParams);
        this.#cnFromPacket = true;
        this.#cng.setFromCn(this.#cnParams);
      } catch {
        this.#stats.decodeErrors++;
      }
      this.#comfortNoise = true;
      this.#nextTs = p.timestamp;
      return 0;
    }
    let pcm: Int16Array;
    try {
      pcm = this.#o.codec.decode(p.payload);
    } catch {
      this.#stats.decodeErrors++;
      this.#nextTs = p.timestamp + this.#packetTs;
      return 0;
    }
    if (pcm.length === 0) {
      // A DTX frame: the sender went silent.
      this.#comfortNoise = true;
      this.#cnFromPacket = false;
      this.#nextTs = p.timestamp;
      return 0;
    }
    const n = Math.min(pcm.length, dst.length);
    for (let i = 0; i < n; i++) dst[i] = pcm[i] / 32768;
    // Insertion happened somewhere in the tick before `insertTick + 1`: count half a tick less.
    const waitMs =
      Math.max(0, (this.#tick - p.insertTick) * 10 - 5) + (this.#sync.futureSamples * 1000) / this.#rate;
    this.#stats.jitterBufferDelay += (waitMs / 1000) * n;
    this.#stats.jitterBufferTargetDelay += (this.#dm.targetDelayMs / 1000) * n;
    this.#stats.jitterBufferEmittedCount += n;
    this.#packetTs = Math.round(n / this.#samplesPerTs);
    this.#nextTs = p.timestamp + this.#packetTs;
    this.#comfortNoise = false;
    this.#cnFromPacket = false;
    this.#generated = 0;
    return n;
  }
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
