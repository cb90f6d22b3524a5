/**
 * RealClock ticker drift: a 20 ms ticker for VOXWIRE_BENCH_CLOCK_S seconds (default 60), beside a
 * plain setInterval(20) measured in the same run. Drift = how far the last tick's time is from
 * start + n·20 ms.
 */
import { RealClock, startTicker } from '../../src/clock/index.js';
import { type BenchTable, fixed } from '../lib.js';

const PERIOD_MS = 20;

async function measureTicker(
  seconds: number,
): Promise<{ driftMs: number; maxLateMs: number; ticks: number }> {
  const clock = new RealClock({ keepAlive: true });
  const total = (seconds * 1000) / PERIOD_MS;
  const start = clock.now();
  let maxLateMs = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    const ticker = startTicker(clock, PERIOD_MS, (i) => {
      const late = clock.now() - (start + (i + 1) * PERIOD_MS);
      maxLateMs = Math.max(maxLateMs, late);
      if (i + 1 === total) {
        last = late;
        ticker.stop();
        resolve();
      }
    });
  });
  return { driftMs: last, maxLateMs, ticks: total };
}

async function measureSetInterval(
  seconds: number,
): Promise<{ driftMs: number; maxLateMs: number; ticks: number }> {
  const total = (seconds * 1000) / PERIOD_MS;
  const start = performance.now();
  let n = 0;
  let maxLateMs = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    const handle = setInterval(() => {
      n++;
      const late = performance.now() - (start + n * PERIOD_MS);
      maxLateMs = Math.max(maxLateMs, late);
      if (n === total) {
        last = late;
        clearInterval(handle);
        resolve();
      }
    }, PERIOD_MS);
  });
  return { driftMs: last, maxLateMs, ticks: total };
}

export async function run(): Promise<BenchTable[]> {
  const seconds = Number(process.env.VOXWIRE_BENCH_CLOCK_S ?? 60);
  const [ticker, interval] = await Promise.all([measureTicker(seconds), measureSetInterval(seconds)]);
  return [
    {
      title: `Clock: 20 ms ticker over ${seconds} s (RealClock + startTicker vs setInterval, same run)`,
      columns: ['ticker', 'ticks', 'drift at end (ms)', 'worst tick lateness (ms)'],
      rows: [
        ['voxwire startTicker', ticker.ticks, fixed(ticker.driftMs), fixed(ticker.maxLateMs)],
        ['setInterval(20)', interval.ticks, fixed(interval.driftMs), fixed(interval.maxLateMs)],
      ],
      notes: ['Target: voxwire drift < 1 ms in total. Set VOXWIRE_BENCH_CLOCK_S to shorten.'],
    },
  ];
}
