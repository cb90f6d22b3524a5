import { RedRecovery } from '../transport/red/index.js';
import { CodecConcealer, type Concealer } from './concealer.js';
import { decide, type PlayoutOperation } from './decision.js';
import { DelayManager } from './delay-manager.js';
import {
  BackgroundNoiseEstimator,
  type CnParameters,
  ComfortNoiseGenerator,
  createCnParameters,
  Expand,
  FractionalTrim,
  Merge,
  type StretchAlignment,
  TimeStretch,
} from './dsp/index.js';
import { type PlayoutOptions, type ResolvedPlayoutOptions, resolvePlayoutOptions } from './options.js';
import { PacketBuffer, Unwrapper } from './packet-buffer.js';
import { emptyPlayoutStats, type PlayoutStats } from './stats.js';
import { SyncBuffer } from './sync-buffer.js';

/**
 * Parts a `Playout` is built from; each may be swapped (tests, tuning) without module mocks.
 * Missing parts are built from the options.
 */
export interface PlayoutDeps {
  /** Computes the target delay. */
  delayManager?: DelayManager;
  /** Chooses the operation of each pull. */
  decide?: typeof decide;
  /**
   * Packet-loss concealment. Default: {@link Expand} (pitch-based) or, with
   * `concealment: 'codec'`, the codec's own (`AudioCodec.conceal`).
   */
  expand?: Concealer;
  /** Blends returning audio into concealment. */
  merge?: Merge;
  /** Accelerate / preemptive expand. */
  timeStretch?: TimeStretch;
  /** Background-noise estimate (concealment fades into it; comfort noise without CN packets uses it). */
  backgroundNoise?: BackgroundNoiseEstimator;
  /** Comfort-noise synthesis for DTX (RFC 3389). */
  comfortNoise?: ComfortNoiseGenerator;
}

/** Decoded audio kept behind the play position (concealment history), ms. */
export const HISTORY_MS = 120;
/** Decoded audio room ahead of the play position, ms. */
export const FUTURE_MS = 600;
/** Share of a pull that a phase-trimming pull removes (2.5 %: the pitch moves 43 cents for 10 ms of quiet audio). */
export const PHASE_TRIM_FRACTION = 1 / 40;
/** Ring of recently played sequence numbers (duplicate detection after play). */
export const PLAYED_RING = 256;

/**
 * Everything one playout holds, shared by its steps (intake, decoding, operations). Internal: the
 * `Playout` facade owns it; steps are plain functions over it so each can live in its own module.
 * @internal
 */
export interface PlayoutContext {
  readonly o: ResolvedPlayoutOptions;
  /** Output rate, Hz. */
  readonly rateHz: number;
  /** Samples of one 10 ms pull. */
  readonly frameSamples: number;
  /** Output samples per RTP timestamp unit. */
  readonly samplesPerTs: number;
  readonly dm: DelayManager;
  readonly decide: typeof decide;
  readonly concealer: Concealer;
  readonly merge: Merge;
  readonly stretch: TimeStretch;
  readonly noise: BackgroundNoiseEstimator;
  readonly cng: ComfortNoiseGenerator;
  readonly cnParams: CnParameters;
  readonly buffer: PacketBuffer;
  readonly sync: SyncBuffer;
  readonly seq: Unwrapper;
  readonly ts: Unwrapper;
  readonly red: RedRecovery | undefined;
  readonly stats: PlayoutStats;
  /** Decode / stretch input scratch, float PCM. */
  readonly decoded: Float32Array;
  /** Merge / stretch output scratch, float PCM. */
  readonly scratch: Float32Array;
  /** Smoothed energy per sample of the decoded audio played (full scale 1; NaN before any). */
  playedEnergy: number;
  /** Plays a pull from slightly more audio: removes the part of a pull a packet boundary falls into. */
  readonly trim: FractionalTrim;
  /** Reused alignment request of every time-stretch (packet boundaries on pull starts). */
  readonly alignment: StretchAlignment;
  /** Sequence numbers played, by `seq % PLAYED_RING` (-1: none). */
  readonly played: Float64Array;
  ssrc: number | undefined;
  /** Pulls so far. */
  tick: number;
  started: boolean;
  /** Unwrapped RTP timestamp of the audio due next. */
  nextTs: number;
  lastSeq: number;
  lastOp: PlayoutOperation;
  /** Samples concealed or noise generated since real audio last played. */
  generated: number;
  /** DTX / comfort noise in force. */
  comfortNoise: boolean;
  /** The comfort noise comes from a CN packet (else from the background estimate). */
  cnFromPacket: boolean;
  /** Smoothed buffer level, samples. */
  level: number;
  /**
   * Smoothed playout delay beyond the fastest recent packet, samples (NaN: no estimate yet). Updated
   * at each arrival, moved at once by time-stretching; see `intake.ts`.
   */
  delaySamples: number;
  /**
   * Latest `arrivalMs − 10·pulls` seen (creeping down slowly), ms; NaN before the first arrival.
   * An arrival at this offset came just before a pull; see `intake.ts`.
   */
  latestOffsetMs: number;
  stretchAllowedAt: number;
  /** How far below the target delay the stretch band reaches this pull, samples (`bandLowMarginSamples`). */
  lowMarginSamples: number;
  /** Owner's clock at the last pull that gave one (`pull(out, nowMs)`), ms; NaN when never given. */
  lastPullMs: number;
  /**
   * Latest owner stall (pulls ≥ 2 periods apart): arrivals stamped up to `stallEndMs` plus a pull
   * period were held by the stalled owner, not the network. −∞: none seen.
   */
  stallEndMs: number;
  /** Owner's clock at the latest stall, ms; −∞: none. */
  lastStallMs: number;
  /** Duration of one packet, RTP timestamp units (learnt from decoding). */
  packetTs: number;
  lastArrivalMs: number;
  lastArrivalTs: number;
}

/**
 * Builds a context from options and optional parts.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option.
 * @internal
 */
export function createPlayoutContext(options: PlayoutOptions, deps: PlayoutDeps): PlayoutContext {
  const o = resolvePlayoutOptions(options);
  const info = o.codec.info;
  const rateHz = info.sampleRateHz;
  const noise = deps.backgroundNoise ?? new BackgroundNoiseEstimator(rateHz);
  let concealer = deps.expand;
  if (concealer === undefined) {
    if (o.concealment === 'codec') {
      concealer = new CodecConcealer(o.codec, rateHz);
    } else {
      concealer = new Expand(rateHz, { backgroundNoise: noise });
    }
  }
  const futureSamples = (FUTURE_MS * rateHz) / 1000;
  return {
    o,
    rateHz,
    frameSamples: rateHz / 100,
    samplesPerTs: rateHz / info.clockRateHz,
    dm: deps.delayManager ?? new DelayManager(info.clockRateHz, o.delay),
    decide: deps.decide ?? decide,
    concealer,
    merge: deps.merge ?? new Merge(rateHz),
    stretch: deps.timeStretch ?? new TimeStretch(rateHz),
    noise,
    cng: deps.comfortNoise ?? new ComfortNoiseGenerator(rateHz, 7),
    cnParams: createCnParameters(),
    buffer: new PacketBuffer(o.maxPackets),
    sync: new SyncBuffer((HISTORY_MS * rateHz) / 1000, futureSamples),
    seq: new Unwrapper(16),
    ts: new Unwrapper(32),
    red: o.redPayloadType >= 0 ? new RedRecovery() : undefined,
    stats: emptyPlayoutStats(),
    decoded: new Float32Array(futureSamples),
    scratch: new Float32Array(futureSamples),
    played: new Float64Array(PLAYED_RING).fill(-1),
    trim: new FractionalTrim(rateHz / 100, Math.max(1, Math.round((rateHz / 100) * PHASE_TRIM_FRACTION))),
    playedEnergy: Number.NaN,
    alignment: { phaseSamples: 0, frameSamples: rateHz / 100, wantedSamples: 0 },
    ssrc: undefined,
    tick: 0,
    started: false,
    nextTs: 0,
    lastSeq: 0,
    lastOp: 'silence',
    generated: 0,
    comfortNoise: false,
    cnFromPacket: false,
    level: 0,
    delaySamples: Number.NaN,
    latestOffsetMs: Number.NaN,
    stretchAllowedAt: 0,
    lowMarginSamples: 0,
    lastPullMs: Number.NaN,
    stallEndMs: Number.NEGATIVE_INFINITY,
    lastStallMs: Number.NEGATIVE_INFINITY,
    packetTs: info.clockRateHz / 50,
    lastArrivalMs: Number.NaN,
    lastArrivalTs: 0,
  };
}

/**
 * Forgets the stream (packets, timing reference, decoded audio); counters and the delay histogram stay.
 * @internal
 */
export function resetStream(c: PlayoutContext): void {
  c.stats.packetsDiscarded += c.buffer.flush();
  c.seq.reset();
  c.ts.reset();
  c.red?.reset();
  c.dm.restartWindow();
  c.played.fill(-1);
  c.started = false;
  c.lastArrivalMs = Number.NaN;
  c.comfortNoise = false;
  c.stats.resets++;
}

/** Audio buffered now (decoded not yet played plus packets held), samples. @internal */
export function rawLevelSamples(c: PlayoutContext): number {
  return c.sync.futureSamples + c.buffer.size * c.packetTs * c.samplesPerTs;
}
