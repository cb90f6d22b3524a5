/**
 * What the playout did for one 10 ms pull (NetEQ's operations):
 * - `'normal'`: decoded audio played as it is;
 * - `'expand'`: a packet was missing; audio concealed by extrapolation (PLC);
 * - `'merge'`: audio returned after concealment and was blended into it;
 * - `'accelerate'`: the buffer was above target; a pitch period was removed (time-compression);
 * - `'preemptive-expand'`: the buffer was below target; a pitch period was added;
 * - `'comfort-noise'`: the sender is silent (DTX, RFC 3389); background noise was generated;
 * - `'silence'`: nothing to play yet (before the first packet, after a reset).
 */
export type PlayoutOperation =
  | 'normal'
  | 'expand'
  | 'merge'
  | 'accelerate'
  | 'preemptive-expand'
  | 'comfort-noise'
  | 'silence';

/** Where the next packet in the buffer stands relative to the audio that is due. */
export type NextPacketState =
  /** Nothing in the buffer. */
  | 'none'
  /** The packet continues exactly where the decoded audio ends. */
  | 'on-time'
  /** The packet starts later: a gap (loss, or a silence when {@link DecisionInput.silenceGap}). */
  | 'future';

/** Everything the decision looks at. All lengths in output samples. */
export interface DecisionInput {
  /** True once the stream has started playing (false: waiting for the first packet). */
  readonly started: boolean;
  /** Decoded samples not yet played. */
  readonly futureSamples: number;
  /** Samples one pull emits (10 ms). */
  readonly frameSamples: number;
  /** Smoothed buffer level: decoded not yet played plus the packets held. */
  readonly bufferLevelSamples: number;
  /** The target level (target delay). */
  readonly targetLevelSamples: number;
  /**
   * Smoothed playout delay beyond the fastest recent packet: how long after its earliest possible
   * arrival the audio being played is heard. A packet later than this (relative delay) is late.
   */
  readonly delaySamples: number;
  /** The delay manager's target for {@link delaySamples} (a quantile of the relative delay). */
  readonly targetDelaySamples: number;
  /** Duration of one packet. */
  readonly packetSamples: number;
  /** State of the next packet. */
  readonly next: NextPacketState;
  /** For `'future'`: how far ahead the packet starts. */
  readonly leapSamples: number;
  /** True when the gap before the next packet is a sender silence (DTX), not a loss. */
  readonly silenceGap: boolean;
  /** True while comfort noise / DTX is in force (a CN packet or a DTX frame was the last one). */
  readonly comfortNoise: boolean;
  /** What the previous pull did. */
  readonly lastOperation: PlayoutOperation;
  /** Samples concealed (expand) or noise generated since real audio last played. */
  readonly generatedSamples: number;
  /**
   * Longest a concealment waits for a packet that is due later before jumping to it, when the rest of
   * the gap is more than the target delay (plus a pull) explains: the sender's timestamps jumped. A gap
   * the delay explains is concealed to its end, so the packet plays on schedule. Comfort noise waits
   * four times as long for a packet that is not on time.
   */
  readonly maxWaitSamples: number;
  /** False while the minimum interval between two time-stretches has not passed. */
  readonly timeStretchAllowed: boolean;
  /**
   * Where the next packet boundary falls in its pull (0 … frameSamples − 1): that packet is due this
   * much before its audio plays, held for nothing. Optional (absent: 0).
   */
  readonly phaseSamples?: number;
  /**
   * How far below the target delay the band reaches, samples (see `bandLowMarginSamples` in
   * `decision.ts`). Optional (absent: 0, the band starts at the target).
   */
  readonly lowMarginSamples?: number;
}

/**
 * Chooses the operation of one pull from the buffer's state (NetEQ `decision_logic` style). Pure:
 * the same input always gives the same operation. Hysteresis: time-stretching starts only when the
 * smoothed playout delay leaves the band {@link stretchLimits} around the target delay, and at most
 * once per minimum interval. The delay, not the buffer level, is compared: the level swings by a
 * packet with every arrival and by the relative delay of the packets held, the delay does not.
 */
export function decide(s: DecisionInput): PlayoutOperation {
  if (!s.started) return 'silence';
  const haveFrame = s.futureSamples >= s.frameSamples;
  if (s.next === 'none') {
    if (haveFrame) return 'normal';
    return s.comfortNoise ? 'comfort-noise' : 'expand';
  }
  if (s.comfortNoise || (s.next === 'future' && s.silenceGap)) {
    if (haveFrame) return 'normal';
    // Waiting costs nothing in silence: resume once the buffer reached the target or the silence is covered.
    const resume =
      s.next === 'on-time' ||
      s.bufferLevelSamples >= s.targetLevelSamples ||
      s.leapSamples <= s.generatedSamples ||
      s.generatedSamples >= s.maxWaitSamples * 4;
    if (!resume) return s.comfortNoise ? 'comfort-noise' : 'expand';
    return s.lastOperation === 'expand' ? 'merge' : 'normal';
  }
  if (s.next === 'on-time') {
    if (s.lastOperation === 'expand' && !haveFrame) return 'merge';
    return timeStretch(s);
  }
  // A gap ahead that is a loss.
  if (haveFrame) return 'normal';
  if (s.lastOperation === 'expand' || s.lastOperation === 'merge') {
    if (s.leapSamples <= s.generatedSamples) return 'merge';
    // A packet back early from a long burst waits for its turn: played on arrival, it would take the
    // following packets' margin (they are then late).
    const remaining = s.leapSamples - s.generatedSamples;
    // Against the target, not the delay estimate: the jumped packets themselves pull the estimate up.
    if (s.generatedSamples >= s.maxWaitSamples && !(remaining <= s.targetDelaySamples + s.frameSamples)) {
      return 'merge';
    }
    // Less than this pull's concealment left of the gap: concealing it all would stall the timeline
    // (adding delay) by the excess, merging now skips the rest of the concealment (removing delay).
    // Take whichever is smaller, or skip when the delay is above target anyway.
    const room = s.frameSamples - s.futureSamples;
    if (remaining < room && s.lastOperation === 'expand') {
      if (2 * remaining <= room || s.delaySamples > s.targetDelaySamples) return 'merge';
    }
    // Far above target: jump the gap now rather than conceal all of it.
    if (s.bufferLevelSamples - s.leapSamples >= s.targetLevelSamples && s.lastOperation === 'expand') {
      return 'merge';
    }
  }
  return 'expand';
}

/** Above the target delay by more than this, ms, the playout accelerates. */
const BAND_HIGH_MS = 5;
/** The band reaches below the target by this fraction of it (at most half a pull). */
const LOW_MARGIN_FRACTION = 0.08;

/**
 * How far below the target delay the band reaches, output samples: 8 % of the target, at most half
 * a pull, none while the owner's stalls recur. The delay a packet is due at sits on the pull grid (a
 * stretch moves it by whole pulls), so with the band starting at the target the delay sat on the
 * first grid point above the target, 5 ms above it on average; reaching down lets a grid point just
 * below the target do. Scaled with the target (NetEQ's limits scale with it too): a small target
 * (little jitter) leaves little late-loss budget per ms. A stalling owner already spends that budget
 * (it conceals while stalled), so there the band starts at the target.
 * @param targetDelaySamples - The target playout delay, samples.
 * @param sampleRateHz - Output rate, Hz.
 * @param ownerStalling - True while the owner's pulls stall again and again (see `Playout.pull`).
 */
export function bandLowMarginSamples(
  targetDelaySamples: number,
  sampleRateHz: number,
  ownerStalling: boolean,
): number {
  if (ownerStalling || !(targetDelaySamples > 0)) return 0;
  return Math.min(sampleRateHz / 200, LOW_MARGIN_FRACTION * targetDelaySamples);
}

/**
 * Low and high limits of the band without time-stretching around a target delay, output samples:
 * `[target − lowMargin, target + 5 ms]`. Narrow on purpose: the delay estimate it is compared with
 * is smoothed and moves only by time-stretching and clock drift, and a stretch moves it by whole
 * pulls (the stretch picks the length, see `StretchAlignment`), so one stretch lands inside.
 * @param targetDelaySamples - The target playout delay, samples.
 * @param sampleRateHz - Output rate, Hz.
 * @param lowMarginSamples - How far below the target the band reaches, samples (default 0; see
 *   `bandLowMarginSamples` in `decision.ts`).
 */
export function stretchLimits(
  targetDelaySamples: number,
  sampleRateHz: number,
  lowMarginSamples = 0,
): {
  /** Below this delay (samples) the playout stretches (preemptive expand). */
  low: number;
  /** Above this delay (samples) the playout accelerates. */
  high: number;
} {
  const low = targetDelaySamples - lowMarginSamples;
  const high = targetDelaySamples + (BAND_HIGH_MS * sampleRateHz) / 1000;
  return { low, high };
}

function timeStretch(s: DecisionInput): PlayoutOperation {
  if (!s.timeStretchAllowed) return 'normal';
  const { low, high } = stretchLimits(s.targetDelaySamples, s.frameSamples * 100, s.lowMarginSamples ?? 0);
  if (s.delaySamples > high) return 'accelerate';
  if (s.delaySamples < low) return 'preemptive-expand';
  // In the band but audio held for nothing: removing up to the phase costs no margin.
  if ((s.phaseSamples ?? 0) >= s.frameSamples / 4) return 'accelerate';
  return 'normal';
}
