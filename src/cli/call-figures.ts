import type { VoiceSessionStats } from '../session/stats.js';
import type { CallReport, ReportChart, ReportSeries } from './html-report.js';

/** Per-interval figures of one receiving side, derived from two consecutive stats snapshots. */
export interface IntervalFigures {
  /** End of the interval, ms since the first snapshot's clock origin. */
  timeMs: number;
  /** Packets lost in the interval, percent of those expected (0 when none expected). */
  lossPercent: number;
  /** RFC 3550 interarrival jitter at the end of the interval, ms. */
  jitterMs: number;
  /** Mean playout (jitter buffer) delay of samples played in the interval, ms. */
  playoutDelayMs: number;
  /** Estimated mouth-to-ear delay, ms (the E-model input). */
  oneWayDelayMs: number;
  /** Samples concealed in the interval, percent of those played. */
  concealedPercent: number;
  /** E-model MOS at the end of the interval, 1–4.5. */
  mos: number;
}

/** Figures of the interval from `prev` (undefined: call start) to `now`. */
export function intervalFigures(
  prev: VoiceSessionStats | undefined,
  now: VoiceSessionStats,
): IntervalFigures {
  const lost = (now.inbound?.packetsLost ?? 0) - (prev?.inbound?.packetsLost ?? 0);
  const received = (now.inbound?.packetsReceived ?? 0) - (prev?.inbound?.packetsReceived ?? 0);
  const expected = Math.max(0, lost + received);
  const p = now.playout;
  const q = prev?.playout;
  const emitted = p.jitterBufferEmittedCount - (q?.jitterBufferEmittedCount ?? 0);
  const delayS = p.jitterBufferDelay - (q?.jitterBufferDelay ?? 0);
  const played = p.totalSamplesReceived - (q?.totalSamplesReceived ?? 0);
  const concealed = p.concealedSamples - (q?.concealedSamples ?? 0);
  return {
    timeMs: now.timestampMs,
    lossPercent: expected > 0 ? (100 * Math.max(0, lost)) / expected : 0,
    jitterMs: (now.inbound?.jitter ?? 0) * 1000,
    playoutDelayMs: emitted > 0 ? (1000 * delayS) / emitted : p.targetDelayMs,
    oneWayDelayMs: now.mos.oneWayDelayMs,
    concealedPercent: played > 0 ? (100 * Math.max(0, concealed)) / played : 0,
    mos: now.mos.mos,
  };
}

/** Interval figures of a whole timeline. */
export function timelineFigures(timeline: readonly VoiceSessionStats[]): IntervalFigures[] {
  return timeline.map((stats, i) => intervalFigures(i > 0 ? timeline[i - 1] : undefined, stats));
}

/**
 * The one-line live status of a call: elapsed time, loss, jitter, playout delay and MOS as the
 * receiving side sees them.
 */
export function statusLine(elapsedMs: number, f: IntervalFigures): string {
  return (
    `${(elapsedMs / 1000).toFixed(1).padStart(5)} s  loss ${f.lossPercent.toFixed(1).padStart(4)} %  ` +
    `jitter ${f.jitterMs.toFixed(0).padStart(3)} ms  playout ${f.playoutDelayMs.toFixed(0).padStart(3)} ms  ` +
    `MOS ${f.mos.toFixed(2)}`
  );
}

/** Whole-call totals of one receiving side, from its final statistics. */
export function callTotals(final: VoiceSessionStats): Array<[string, string]> {
  const inbound = final.inbound;
  const received = inbound?.packetsReceived ?? 0;
  const lost = inbound?.packetsLost ?? 0;
  const p = final.playout;
  return [
    ['packets received', String(received)],
    [
      'packets lost',
      `${lost} (${received + lost > 0 ? ((100 * lost) / (received + lost)).toFixed(1) : '0.0'} %)`,
    ],
    ['jitter', `${((inbound?.jitter ?? 0) * 1000).toFixed(1)} ms`],
    [
      'mean playout delay',
      `${p.jitterBufferEmittedCount > 0 ? ((1000 * p.jitterBufferDelay) / p.jitterBufferEmittedCount).toFixed(0) : '–'} ms`,
    ],
    [
      'concealed',
      `${p.totalSamplesReceived > 0 ? ((100 * p.concealedSamples) / p.totalSamplesReceived).toFixed(1) : '0.0'} % of samples`,
    ],
    ['mouth-to-ear delay (estimate)', `${final.mos.oneWayDelayMs.toFixed(0)} ms`],
    // A MOS of a call that heard nothing would only describe the codec: say so instead.
    ['MOS (E-model)', received > 0 ? final.mos.mos.toFixed(2) : '– (nothing received)'],
  ];
}

function series(
  label: string,
  figures: IntervalFigures[],
  pick: (f: IntervalFigures) => number,
): ReportSeries {
  return { label, points: figures.map((f) => [f.timeMs, pick(f)] as const) };
}

/**
 * The charts of a two-sided call: delay, jitter, loss, concealment and MOS over time for what each
 * side heard.
 * @param sides - Label and timeline of each receiving side, e.g. `[['B hears A', …], ['A hears B', …]]`.
 */
export function callCharts(
  sides: ReadonlyArray<readonly [string, readonly VoiceSessionStats[]]>,
): ReportChart[] {
  const figures = sides.map(([label, timeline]) => [label, timelineFigures(timeline)] as const);
  const chart = (title: string, unit: string, pick: (f: IntervalFigures) => number): ReportChart => ({
    title,
    unit,
    series: figures.map(([label, f]) => series(label, f, pick)),
  });
  return [
    {
      title: 'Delay',
      unit: 'ms',
      series: figures.flatMap(([label, f]) => [
        series(`${label}: playout`, f, (x) => x.playoutDelayMs),
        series(`${label}: mouth-to-ear`, f, (x) => x.oneWayDelayMs),
      ]),
    },
    chart('Jitter', 'ms', (f) => f.jitterMs),
    chart('Packet loss', '%', (f) => f.lossPercent),
    chart('Concealment', '%', (f) => f.concealedPercent),
    chart('MOS', 'MOS', (f) => f.mos),
  ];
}

/** A {@link CallReport} for a two-sided call. */
export function callReport(
  title: string,
  setup: Array<[string, string]>,
  sides: ReadonlyArray<readonly [string, VoiceSessionStats[], VoiceSessionStats]>,
  notes: string[],
): CallReport {
  const summary: Array<[string, string]> = [...setup];
  for (const [label, , final] of sides) {
    for (const [name, value] of callTotals(final)) summary.push([`${label}: ${name}`, value]);
  }
  return {
    title,
    summary,
    charts: callCharts(sides.map(([label, timeline]) => [label, timeline] as const)),
    notes,
  };
}
