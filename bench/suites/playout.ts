/**
 * Playout under network profiles: mean playout delay, late loss and concealment of the adaptive
 * playout, beside the oracle (the smallest fixed delay that would have had no more late loss on the
 * same trace, and the one at ≤ 1 %). Runs on a VirtualClock through the NetworkEmulator with PCMU.
 * `npx tsx bench/run.ts playout`.
 */
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { type DecisionInput, decide, type PlayoutOptions } from '../../src/jitter/index.js';
import { gilbertElliottFromMeanLoss, type NetworkConditions } from '../../src/transport/index.js';
import { FIRST_PULL_MS, oracleDelayMs, type PacketRecord, simulateCall } from '../../tests/jitter/harness.js';
import { type BenchTable, fixed } from '../lib.js';

/** One network profile. */
export interface Profile {
  name: string;
  durationMs: number;
  conditions: NetworkConditions;
  schedule?: { atMs: number; conditions: NetworkConditions }[];
  driftPpm?: number;
}

const base = { delayMs: 40 };
/** The network profiles of the table. */
export const PROFILES: Profile[] = [
  { name: 'clean', durationMs: 60_000, conditions: base },
  {
    name: '30 ms jitter + 5 % loss',
    durationMs: 180_000,
    conditions: {
      ...base,
      jitterMs: 30,
      jitterDistribution: 'uniform',
      loss: { model: 'bernoulli', rate: 0.05 },
    },
  },
  {
    name: 'bursty 10 % loss (GE, burst 3)',
    durationMs: 180_000,
    conditions: { ...base, jitterMs: 10, loss: gilbertElliottFromMeanLoss(0.1, 3) },
  },
  {
    name: 'jitter regime change (5→60→5 ms)',
    durationMs: 180_000,
    conditions: { ...base, jitterMs: 5 },
    schedule: [
      { atMs: 60_000, conditions: { ...base, jitterMs: 60, jitterDistribution: 'uniform' } },
      { atMs: 120_000, conditions: { ...base, jitterMs: 5 } },
    ],
  },
  {
    name: 'delay spike (+400 ms for 1 s)',
    durationMs: 120_000,
    conditions: { ...base, jitterMs: 5 },
    schedule: [
      { atMs: 60_000, conditions: { delayMs: 440, jitterMs: 5 } },
      { atMs: 61_000, conditions: { ...base, jitterMs: 5 } },
    ],
  },
  {
    name: '+200 ppm drift (10 min)',
    durationMs: 600_000,
    conditions: { ...base, jitterMs: 10 },
    driftPpm: 200,
  },
  {
    name: '−200 ppm drift (10 min)',
    durationMs: 600_000,
    conditions: { ...base, jitterMs: 10 },
    driftPpm: -200,
  },
];

/** Mean time the on-time packets would wait at a fixed delay `d` beyond the fastest packet, ms. */
export function oracleWaitMs(packets: PacketRecord[], d: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (const p of packets) if (p.arrivalMs !== undefined) min = Math.min(min, p.arrivalMs - p.sentMs);
  let sum = 0;
  let n = 0;
  for (const p of packets) {
    if (p.arrivalMs === undefined) continue;
    const rel = p.arrivalMs - p.sentMs - min;
    if (rel <= d) {
      sum += d - rel;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/**
 * The oracle on the pull grid: a fixed delay `d` beyond the fastest packet, but audio leaves in 10 ms
 * pulls, so each packet is due at the first pull at or after its scheduled time (any playout that
 * pulls pays this). The smallest `d` (0.1 ms steps) keeping late loss ≤ `maxLateFraction`; returns the
 * mean wait of its on-time packets from arrival to their pull, ms.
 */
export function pullGridOracleWaitMs(packets: PacketRecord[], maxLateFraction: number): number {
  let min = Number.POSITIVE_INFINITY;
  let arrived = 0;
  for (const p of packets) {
    if (p.arrivalMs === undefined) continue;
    min = Math.min(min, p.arrivalMs - p.sentMs);
    arrived++;
  }
  if (arrived === 0) return 0;
  const start = Math.max(0, oracleDelayMs(packets, maxLateFraction) - 10);
  for (let d = start; ; d += 0.1) {
    let late = 0;
    let sum = 0;
    for (const p of packets) {
      if (p.arrivalMs === undefined) continue;
      const due = FIRST_PULL_MS + Math.ceil((p.sentMs + min + d - FIRST_PULL_MS) / 10 - 1e-9) * 10;
      if (p.arrivalMs > due) late++;
      else sum += due - p.arrivalMs;
    }
    if (late <= maxLateFraction * arrived) return sum / (arrived - late);
  }
}

/** One PCMU call through `profile`'s network with `seed`, playout options and hooks as given. */
function simulateProfile(
  profile: Profile,
  seed: number,
  extra: Pick<Parameters<typeof simulateCall>[0], 'playout' | 'deps'>,
): ReturnType<typeof simulateCall> {
  return simulateCall({
    codec: createPcmuCodec(),
    durationMs: profile.durationMs,
    conditions: profile.conditions,
    schedule: profile.schedule,
    driftPpm: profile.driftPpm,
    seed,
    ...extra,
  });
}

/**
 * Runs every profile with the given playout options (default: the library defaults) and returns
 * one row per profile (the columns of {@link run}'s table).
 */
export function profileRows(playout?: Omit<PlayoutOptions, 'codec'>, seed = 7): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const profile of PROFILES) {
    const result = simulateProfile(profile, seed, { playout });
    const s = result.playout.getStats();
    const sent = result.packets.length;
    const arrived = result.packets.filter((p) => p.arrivalMs !== undefined).length;
    const late = s.packetsDiscarded + s.packetsLateConcealed;
    const lateFraction = late / Math.max(1, arrived);
    const meanDelayMs = (s.jitterBufferDelay / Math.max(1, s.jitterBufferEmittedCount)) * 1000;
    const oracleSame = oracleDelayMs(result.packets, lateFraction);
    const oracle1 = oracleDelayMs(result.packets, 0.01);
    const maxLevel = Math.max(...result.levelTraceMs.slice(100));
    const grid1 = pullGridOracleWaitMs(result.packets, 0.01);
    rows.push([
      profile.name,
      fixed(meanDelayMs, 1),
      fixed(100 * lateFraction, 2),
      fixed((100 * s.concealedSamples) / Math.max(1, s.totalSamplesReceived), 2),
      fixed((100 * (sent - arrived)) / Math.max(1, sent), 2),
      fixed(oracleWaitMs(result.packets, oracleSame), 1),
      fixed(oracleWaitMs(result.packets, oracle1), 1),
      fixed(meanDelayMs / Math.max(1, oracleWaitMs(result.packets, oracle1)), 2),
      fixed(grid1, 1),
      fixed(meanDelayMs / Math.max(1, grid1), 2),
      fixed(maxLevel, 0),
    ]);
  }
  return rows;
}

/**
 * Where each profile's mean delay goes, ms (one row per profile, `seed` of the emulator): the heard
 * delay beyond the trace's fastest packet (mean wait + mean relative delay) minus the 1 % oracle's
 * fixed delay, split into the target's excess (window reference + target − oracle), the smoothed
 * estimate above the target (and its part above the band's high edge, with the share of pulls
 * there), the phase (packet boundary inside its pull) and the rest. Not part of {@link run}.
 */
export function delayDecompositionRows(seed = 7): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const profile of PROFILES) {
    let pulls = 0;
    let targetSum = 0;
    let estimateSum = 0;
    let phaseSum = 0;
    let aboveSum = 0;
    let aboveCount = 0;
    let rateHz = 8000;
    const traced = (s: DecisionInput) => {
      if (s.started && s.next !== 'none') {
        rateHz = s.frameSamples * 100;
        pulls++;
        targetSum += s.targetDelaySamples;
        estimateSum += s.delaySamples;
        phaseSum += s.phaseSamples ?? 0;
        const high = s.targetDelaySamples + rateHz / 200;
        if (s.delaySamples > high) {
          aboveSum += s.delaySamples - high;
          aboveCount++;
        }
      }
      return decide(s);
    };
    const r = simulateProfile(profile, seed, { deps: { decide: traced } });
    const s = r.playout.getStats();
    let fastest = Number.POSITIVE_INFINITY;
    for (const p of r.packets)
      if (p.arrivalMs !== undefined) fastest = Math.min(fastest, p.arrivalMs - p.sentMs);
    // Fastest packet of the last 2 s (the delay manager's window), above the trace's fastest.
    const window: { arrivalMs: number; transitMs: number }[] = [];
    let windowSum = 0;
    let relativeSum = 0;
    let arrived = 0;
    for (const p of r.packets) {
      if (p.arrivalMs === undefined) continue;
      const transitMs = p.arrivalMs - p.sentMs;
      while (window.length > 0 && window[0].arrivalMs < p.arrivalMs - 2000) window.shift();
      window.push({ arrivalMs: p.arrivalMs, transitMs });
      let min = Number.POSITIVE_INFINITY;
      for (const e of window) min = Math.min(min, e.transitMs);
      windowSum += min - fastest;
      relativeSum += transitMs - fastest;
      arrived++;
    }
    const n = Math.max(1, pulls);
    const ms = (samples: number) => (samples * 1000) / rateHz / n;
    const waitMs = (s.jitterBufferDelay / Math.max(1, s.jitterBufferEmittedCount)) * 1000;
    const heardMs = waitMs + relativeSum / Math.max(1, arrived);
    const oracleMs = oracleDelayMs(r.packets, 0.01);
    const windowMs = windowSum / Math.max(1, arrived);
    const targetMs = ms(targetSum);
    const bandMs = ms(estimateSum) - targetMs;
    const phaseMs = ms(phaseSum);
    rows.push([
      profile.name,
      fixed(heardMs - oracleMs, 1),
      fixed(windowMs + targetMs - oracleMs, 1),
      fixed(bandMs, 1),
      fixed(ms(aboveSum), 1),
      fixed((100 * aboveCount) / n, 1),
      fixed(phaseMs, 1),
      fixed(heardMs - windowMs - targetMs - bandMs - phaseMs, 1),
    ]);
  }
  return rows;
}

/** Runs every profile and returns the table. */
export async function run(): Promise<BenchTable[]> {
  const rows = profileRows();
  return [
    {
      title: 'Playout (PCMU 20 ms, adaptive vs fixed-delay oracle)',
      columns: [
        'profile',
        'mean delay ms',
        'late loss %',
        'concealed %',
        'net loss %',
        'oracle @same late ms',
        'oracle @1% ms',
        'ratio @1%',
        'pull-grid oracle @1% ms',
        'ratio @1% grid',
        'max level ms',
      ],
      rows,
      notes: [
        'mean delay: W3C jitterBufferDelay / jitterBufferEmittedCount (arrival → playout of a packet).',
        'oracle: a fixed playout delay beyond the fastest packet, chosen after the fact on the same trace;',
        'its mean delay is the mean wait of its on-time packets. @same: no more late loss than the playout had.',
        'pull-grid oracle: the same fixed delay, each packet due at the first 10 ms pull at or after its time',
        '(what any pulled playout pays: up to a pull more, by the phase of sending against pulling).',
        'late loss: packets discarded as too late plus packets concealed while awaited and merged late.',
        'concealed % includes network loss (net loss %) and audio concealed while late packets were awaited.',
      ],
    },
  ];
}
