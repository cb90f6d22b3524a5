import { invalidOption } from '../../errors.js';
import type { NetworkTrace } from './trace.js';

/** Independent (Bernoulli) loss: each packet is lost with probability `rate`. */
export interface BernoulliLoss {
  /** Selects the model. */
  readonly model: 'bernoulli';
  /** Loss probability per packet, 0–1. */
  readonly rate: number;
}

/**
 * Gilbert–Elliott bursty loss: a two-state Markov chain evaluated once per packet. In the usual
 * notation `p` = P(Good→Bad), `r` = P(Bad→Good), `1−k` = loss probability in Good and `1−h` = loss
 * probability in Bad; here the last two are named {@link lossInGood} and {@link lossInBad}.
 * The simple Gilbert model (`lossInGood` 0, `lossInBad` 1) loses on average `p/(p+r)` with mean burst
 * length `1/r` packets; {@link gilbertElliottFromMeanLoss} builds it from those two figures.
 */
export interface GilbertElliottLoss {
  /** Selects the model. */
  readonly model: 'gilbert-elliott';
  /** Probability of moving from Good to Bad before a packet, 0–1. */
  readonly p: number;
  /** Probability of moving from Bad to Good before a packet, 0–1 (> 0 unless `p` is 0). */
  readonly r: number;
  /** Loss probability in the Good state (`1−k`), 0–1, default 0. */
  readonly lossInGood?: number;
  /** Loss probability in the Bad state (`1−h`), 0–1, default 1. */
  readonly lossInBad?: number;
}

/** The loss model of a path; `{ model: 'none' }` loses nothing. */
export type LossModel =
  | {
      /** No loss. */
      readonly model: 'none';
    }
  | BernoulliLoss
  | GilbertElliottLoss;

/**
 * How per-packet jitter is drawn around the base delay:
 * - `'none'`: no jitter.
 * - `'uniform'`: uniform in `[−jitterMs, +jitterMs]`.
 * - `'normal'`: normal with standard deviation `jitterMs`, truncated at ±3σ.
 * - `'pareto'`: one-sided heavy tail (Pareto type II / Lomax, shape `paretoShape`) with mean `jitterMs`:
 *   most packets are near the base delay, a few are very late.
 *
 * The total delay never goes below 0.
 */
export type JitterDistribution = 'none' | 'uniform' | 'normal' | 'pareto';

/** Explicit reordering: a chosen packet is held back until `gapPackets` later packets have passed it. */
export interface ReorderOptions {
  /** Probability per packet of being held back, 0–1. */
  readonly probability: number;
  /** How many later packets overtake a held packet, integer ≥ 1, default 1. */
  readonly gapPackets?: number;
  /** Longest hold when traffic stops, ms (> 0), default 500: the packet then goes on in order. */
  readonly maxHoldMs?: number;
}

/**
 * What a path does to the packets crossing it. Every field is optional; the defaults describe a
 * perfect network (no loss, no delay, no limit). The pipeline per packet, in this order: trace or
 * loss model → bandwidth queue (drop-tail) → base delay + jitter (order preserved unless
 * `preserveOrder` is false) → explicit reordering → duplication.
 */
export interface NetworkConditions {
  /** Loss model, default `{ model: 'none' }`. */
  loss?: LossModel;
  /** Base one-way delay, ms, ≥ 0, default 0. */
  delayMs?: number;
  /** Jitter scale, ms, ≥ 0, default 0 (its meaning depends on {@link jitterDistribution}). */
  jitterMs?: number;
  /** Jitter distribution, default `'normal'` (ignored while `jitterMs` is 0). */
  jitterDistribution?: JitterDistribution;
  /** Shape α of the Pareto tail, > 1, default 2.5 (smaller: heavier tail). */
  paretoShape?: number;
  /**
   * Default true: a packet never overtakes the one sent before it (its arrival is held back to the
   * previous packet's arrival, as on a single FIFO path), so jitter alone does not reorder. False lets
   * jitter reorder packets whose delays differ by more than their spacing.
   */
  preserveOrder?: boolean;
  /** Explicit reordering, default none. */
  reorder?: ReorderOptions;
  /** Probability per delivered packet of a second copy arriving right after it, 0–1, default 0. */
  duplicateRate?: number;
  /** Bottleneck rate, bits/s, > 0; default unlimited (`0` or absent). */
  bandwidthBps?: number;
  /** Drop-tail queue limit in bytes in front of the bottleneck (exclusive with `queueLimitMs`). */
  queueLimitBytes?: number;
  /** Drop-tail queue limit as ms of transmission at `bandwidthBps` (default 200 ms when no limit is given). */
  queueLimitMs?: number;
  /** Bytes added to each datagram when computing its transmission time (28 for IPv4/UDP), default 0. */
  overheadBytes?: number;
  /**
   * A delay/loss trace replayed exactly (see {@link NetworkTrace}); while it applies it replaces the
   * loss model, delay and jitter, and order follows the trace's delays.
   */
  trace?: NetworkTrace;
  /** After the trace's last row: `'loop'` (default) starts over, `'model'` falls back to the models above. */
  traceEnd?: 'loop' | 'model';
}

/** {@link NetworkConditions} with every default filled in. @internal */
export interface ResolvedNetworkConditions {
  readonly loss: LossModel;
  readonly lossInGood: number;
  readonly lossInBad: number;
  readonly delayMs: number;
  readonly jitterMs: number;
  readonly jitterDistribution: JitterDistribution;
  readonly paretoShape: number;
  readonly preserveOrder: boolean;
  readonly reorderProbability: number;
  readonly reorderGapPackets: number;
  readonly reorderMaxHoldMs: number;
  readonly duplicateRate: number;
  readonly bandwidthBps: number;
  readonly queueLimitBytes: number;
  readonly overheadBytes: number;
  readonly trace: NetworkTrace | undefined;
  readonly traceEnd: 'loop' | 'model';
  /** True when the path changes nothing, so packets can skip it. */
  readonly transparent: boolean;
}

/** Default queue in front of a bandwidth cap, ms of transmission. */
export const DEFAULT_QUEUE_LIMIT_MS = 200;

/**
 * Fills the defaults of {@link NetworkConditions} and validates them.
 * @param conditions - The options (absent: a perfect network).
 * @param name - How the options are named in error messages (e.g. `'outgoing'`).
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, its value and the allowed range.
 * @internal
 */
export function resolveNetworkConditions(
  conditions: NetworkConditions = {},
  name = 'conditions',
): ResolvedNetworkConditions {
  if (typeof conditions !== 'object' || conditions === null)
    invalidOption(name, conditions, 'must be an object');
  const loss = conditions.loss ?? { model: 'none' };
  let lossInGood = 0;
  let lossInBad = 1;
  switch (loss.model) {
    case 'none':
      break;
    case 'bernoulli':
      probability(`${name}.loss.rate`, loss.rate);
      break;
    case 'gilbert-elliott':
      probability(`${name}.loss.p`, loss.p);
      probability(`${name}.loss.r`, loss.r);
      if (loss.p > 0 && loss.r === 0)
        invalidOption(`${name}.loss.r`, loss.r, 'must be > 0 when p > 0 (Bad would be absorbing)');
      lossInGood = probability(`${name}.loss.lossInGood`, loss.lossInGood ?? 0);
      lossInBad = probability(`${name}.loss.lossInBad`, loss.lossInBad ?? 1);
      break;
    default:
      invalidOption(
        `${name}.loss.model`,
        (loss as { model: unknown }).model,
        "must be 'none', 'bernoulli' or 'gilbert-elliott'",
      );
  }
  const delayMs = nonNegative(`${name}.delayMs`, conditions.delayMs ?? 0);
  const jitterMs = nonNegative(`${name}.jitterMs`, conditions.jitterMs ?? 0);
  const jitterDistribution = conditions.jitterDistribution ?? 'normal';
  if (!['none', 'uniform', 'normal', 'pareto'].includes(jitterDistribution)) {
    invalidOption(
      `${name}.jitterDistribution`,
      jitterDistribution,
      "must be 'none', 'uniform', 'normal' or 'pareto'",
    );
  }
  const paretoShape = conditions.paretoShape ?? 2.5;
  if (!(paretoShape > 1) || !Number.isFinite(paretoShape)) {
    invalidOption(`${name}.paretoShape`, paretoShape, 'must be a finite number > 1');
  }
  const preserveOrder = conditions.preserveOrder ?? true;
  if (typeof preserveOrder !== 'boolean')
    invalidOption(`${name}.preserveOrder`, preserveOrder, 'must be a boolean');
  const reorder = conditions.reorder;
  const reorderProbability = probability(`${name}.reorder.probability`, reorder?.probability ?? 0);
  const reorderGapPackets = reorder?.gapPackets ?? 1;
  if (!Number.isInteger(reorderGapPackets) || reorderGapPackets < 1) {
    invalidOption(`${name}.reorder.gapPackets`, reorderGapPackets, 'must be an integer ≥ 1');
  }
  const reorderMaxHoldMs = reorder?.maxHoldMs ?? 500;
  if (!(reorderMaxHoldMs > 0) || !Number.isFinite(reorderMaxHoldMs)) {
    invalidOption(`${name}.reorder.maxHoldMs`, reorderMaxHoldMs, 'must be a finite number > 0');
  }
  const duplicateRate = probability(`${name}.duplicateRate`, conditions.duplicateRate ?? 0);
  const bandwidthBps = nonNegative(`${name}.bandwidthBps`, conditions.bandwidthBps ?? 0);
  if (conditions.queueLimitBytes !== undefined && conditions.queueLimitMs !== undefined) {
    invalidOption(
      `${name}.queueLimitMs`,
      conditions.queueLimitMs,
      'give queueLimitBytes or queueLimitMs, not both',
    );
  }
  let queueLimitBytes: number;
  if (conditions.queueLimitBytes !== undefined) {
    queueLimitBytes = conditions.queueLimitBytes;
    if (!(queueLimitBytes > 0) || !Number.isFinite(queueLimitBytes)) {
      invalidOption(`${name}.queueLimitBytes`, queueLimitBytes, 'must be a finite number > 0');
    }
  } else {
    const queueLimitMs = conditions.queueLimitMs ?? DEFAULT_QUEUE_LIMIT_MS;
    if (!(queueLimitMs > 0) || !Number.isFinite(queueLimitMs)) {
      invalidOption(`${name}.queueLimitMs`, queueLimitMs, 'must be a finite number > 0');
    }
    queueLimitBytes = (queueLimitMs * bandwidthBps) / 8000;
  }
  const overheadBytes = nonNegative(`${name}.overheadBytes`, conditions.overheadBytes ?? 0);
  const trace = conditions.trace;
  if (trace !== undefined && (!Array.isArray(trace.entries) || trace.entries.length === 0)) {
    invalidOption(`${name}.trace`, trace, 'must be a parsed trace with at least one row (parseNetworkTrace)');
  }
  const traceEnd = conditions.traceEnd ?? 'loop';
  if (traceEnd !== 'loop' && traceEnd !== 'model')
    invalidOption(`${name}.traceEnd`, traceEnd, "must be 'loop' or 'model'");
  const jitterActive = jitterMs > 0 && jitterDistribution !== 'none';
  const transparent =
    loss.model === 'none' &&
    delayMs === 0 &&
    !jitterActive &&
    reorderProbability === 0 &&
    duplicateRate === 0 &&
    bandwidthBps === 0 &&
    trace === undefined;
  return {
    loss,
    lossInGood,
    lossInBad,
    delayMs,
    jitterMs: jitterActive ? jitterMs : 0,
    jitterDistribution,
    paretoShape,
    preserveOrder,
    reorderProbability,
    reorderGapPackets,
    reorderMaxHoldMs,
    duplicateRate,
    bandwidthBps,
    queueLimitBytes,
    overheadBytes,
    trace,
    traceEnd,
    transparent,
  };
}

/**
 * The simple Gilbert model (no loss in Good, total loss in Bad) with the given long-run loss rate and
 * mean burst length: `r = 1/meanBurstLength`, `p = rate·r/(1−rate)`.
 * @param meanLossRate - Long-run fraction of packets lost, 0 ≤ rate < 1.
 * @param meanBurstLength - Mean number of consecutive losses, packets, ≥ 1.
 * @throws VoxwireError `ERR_INVALID_OPTION` when out of range or when no such chain exists (p > 1).
 */
export function gilbertElliottFromMeanLoss(
  meanLossRate: number,
  meanBurstLength: number,
): GilbertElliottLoss {
  if (!(meanLossRate >= 0 && meanLossRate < 1))
    invalidOption('meanLossRate', meanLossRate, 'must be in [0, 1)');
  if (!(meanBurstLength >= 1) || !Number.isFinite(meanBurstLength)) {
    invalidOption('meanBurstLength', meanBurstLength, 'must be a finite number ≥ 1 (packets)');
  }
  const r = 1 / meanBurstLength;
  const p = (meanLossRate * r) / (1 - meanLossRate);
  if (p > 1) {
    invalidOption(
      'meanBurstLength',
      meanBurstLength,
      `is too short for loss rate ${meanLossRate} (needs ≥ ${meanLossRate / (1 - meanLossRate)})`,
    );
  }
  return { model: 'gilbert-elliott', p, r, lossInGood: 0, lossInBad: 1 };
}

function probability(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    invalidOption(name, value, 'must be a probability in [0, 1]');
  return value;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    invalidOption(name, value, 'must be a finite number ≥ 0');
  }
  return value;
}
