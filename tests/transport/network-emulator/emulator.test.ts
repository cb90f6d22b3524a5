import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/index.js';
import { isVoxwireError } from '../../../src/errors.js';
import { LoopbackTransport } from '../../../src/transport/loopback.js';
import { NetworkEmulator } from '../../../src/transport/network-emulator/emulator.js';
import {
  gilbertElliottFromMeanLoss,
  type NetworkConditions,
} from '../../../src/transport/network-emulator/options.js';
import { parseNetworkTrace } from '../../../src/transport/network-emulator/trace.js';
import { type Arrival, mean, percentile, runTraffic } from '../../helpers/emulated-traffic.js';

function linkRun(
  conditions: NetworkConditions,
  count: number,
  intervalMs: number,
  seed = 1,
  sizeBytes = 172,
) {
  const clock = new VirtualClock();
  const [a, b] = NetworkEmulator.link(clock, conditions, undefined, { seed });
  const arrivals = runTraffic(clock, a, b, count, intervalMs, sizeBytes);
  return { arrivals, stats: a.getStats().outgoing, clock, a, b };
}

function delays(arrivals: Arrival[]): number[] {
  return arrivals.map((x) => x.arrivalMs - x.sentMs).sort((p, q) => p - q);
}

function countInversions(arrivals: Arrival[]): number {
  let max = -1;
  let late = 0;
  for (const { index } of arrivals) {
    if (index < max) late++;
    else max = index;
  }
  return late;
}

describe('NetworkEmulator: loss', () => {
  it('Bernoulli loss converges to the configured rate over 100k packets', () => {
    const { arrivals, stats } = linkRun({ loss: { model: 'bernoulli', rate: 0.05 } }, 100_000, 1);
    const lossRate = 1 - arrivals.length / 100_000;
    // σ = sqrt(0.05·0.95/1e5) ≈ 0.0007: ±0.003 is > 4σ.
    expect(Math.abs(lossRate - 0.05)).toBeLessThan(0.003);
    expect(stats).toMatchObject({
      sent: 100_000,
      lost: 100_000 - arrivals.length,
      lostRandom: stats.lost,
      lostBurst: 0,
    });
    expect(stats.delivered).toBe(arrivals.length);
  });

  it('Gilbert–Elliott built from (10 %, burst 3) gives that loss rate and mean burst length', () => {
    const model = gilbertElliottFromMeanLoss(0.1, 3);
    expect(model.r).toBeCloseTo(1 / 3, 12);
    expect(model.p).toBeCloseTo(0.1 / 3 / 0.9, 12);
    const count = 100_000;
    const { arrivals, stats } = linkRun({ loss: model }, count, 1);
    const received = new Uint8Array(count);
    for (const a of arrivals) received[a.index] = 1;
    const bursts: number[] = [];
    let run = 0;
    for (let i = 0; i < count; i++) {
      if (received[i] === 0) run++;
      else if (run > 0) {
        bursts.push(run);
        run = 0;
      }
    }
    expect(Math.abs(stats.lost / count - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(mean(bursts) - 3)).toBeLessThan(0.15);
    expect(stats.lostBurst).toBe(stats.lost);
    // Bernoulli at the same rate has mean burst ≈ 1/(1−0.1) ≈ 1.11: the model really is bursty.
    expect(mean(bursts)).toBeGreaterThan(2);
  });

  it('counts Good-state losses as random when lossInGood > 0', () => {
    const { stats } = linkRun(
      { loss: { model: 'gilbert-elliott', p: 0.01, r: 0.5, lossInGood: 0.02, lossInBad: 0.8 } },
      20_000,
      1,
    );
    expect(stats.lostRandom).toBeGreaterThan(200);
    expect(stats.lostBurst).toBeGreaterThan(200);
    expect(stats.lost).toBe(stats.lostRandom + stats.lostBurst);
  });
});

describe('NetworkEmulator: delay and jitter', () => {
  const n = 20_000;

  it('uniform jitter: mean, bounds and percentiles', () => {
    const { arrivals } = linkRun(
      { delayMs: 50, jitterMs: 10, jitterDistribution: 'uniform', preserveOrder: false },
      n,
      1,
    );
    const d = delays(arrivals);
    expect(arrivals).toHaveLength(n);
    expect(Math.abs(mean(d) - 50)).toBeLessThan(0.3);
    expect(d[0]).toBeGreaterThanOrEqual(40);
    expect(d[d.length - 1]).toBeLessThanOrEqual(60);
    expect(Math.abs(percentile(d, 0.9) - 58)).toBeLessThan(0.5);
    expect(Math.abs(percentile(d, 0.1) - 42)).toBeLessThan(0.5);
  });

  it('normal jitter: mean, σ, truncation at ±3σ', () => {
    const { arrivals } = linkRun(
      { delayMs: 50, jitterMs: 10, jitterDistribution: 'normal', preserveOrder: false },
      n,
      1,
    );
    const d = delays(arrivals);
    const m = mean(d);
    const sd = Math.sqrt(mean(d.map((x) => (x - m) ** 2)));
    expect(Math.abs(m - 50)).toBeLessThan(0.4);
    expect(Math.abs(sd - 10)).toBeLessThan(0.4); // truncation at 3σ shrinks σ by ~1.3 %
    expect(Math.abs(percentile(d, 0.8413) - 60)).toBeLessThan(0.6);
    expect(d[0]).toBeGreaterThanOrEqual(20);
    expect(d[d.length - 1]).toBeLessThanOrEqual(80);
  });

  it('pareto jitter: one-sided heavy tail with the configured mean and Lomax percentiles', () => {
    const { arrivals } = linkRun(
      { delayMs: 50, jitterMs: 10, jitterDistribution: 'pareto', paretoShape: 2.5, preserveOrder: false },
      n,
      1,
    );
    const d = delays(arrivals);
    expect(d[0]).toBeGreaterThanOrEqual(50);
    expect(Math.abs(mean(d) - 60)).toBeLessThan(1);
    // P(X > x) = (1 + x/15)^−2.5 with scale 10·(2.5−1) = 15.
    const quantile = (q: number): number => 50 + 15 * ((1 - q) ** (-1 / 2.5) - 1);
    expect(Math.abs(percentile(d, 0.5) - quantile(0.5))).toBeLessThan(0.5);
    expect(Math.abs(percentile(d, 0.9) - quantile(0.9))).toBeLessThan(1);
    expect(Math.abs(percentile(d, 0.99) - quantile(0.99)) / quantile(0.99)).toBeLessThan(0.1);
  });

  it('never delivers before send time, even when jitter exceeds the base delay', () => {
    const { arrivals } = linkRun(
      { delayMs: 2, jitterMs: 20, jitterDistribution: 'uniform', preserveOrder: false },
      2000,
      1,
    );
    expect(Math.min(...delays(arrivals))).toBe(0);
  });

  it('preserves order by default despite jitter larger than the spacing; reorders when allowed', () => {
    const conditions: NetworkConditions = { delayMs: 50, jitterMs: 20, jitterDistribution: 'uniform' };
    const kept = linkRun(conditions, 5000, 5);
    expect(kept.arrivals.map((x) => x.index)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(kept.stats.reordered).toBe(0);
    const loose = linkRun({ ...conditions, preserveOrder: false }, 5000, 5);
    expect(loose.stats.reordered).toBeGreaterThan(500);
    expect(loose.stats.reordered).toBe(countInversions(loose.arrivals));
  });
});

describe('NetworkEmulator: reordering and duplication', () => {
  it('explicit reordering holds a packet behind the next gap packets, at the configured rate', () => {
    const n = 10_000;
    const { arrivals, stats } = linkRun({ delayMs: 30, reorder: { probability: 0.1, gapPackets: 2 } }, n, 10);
    expect(arrivals).toHaveLength(n);
    expect(new Set(arrivals.map((x) => x.index)).size).toBe(n);
    expect(stats.reordered).toBe(countInversions(arrivals));
    expect(Math.abs(stats.reordered / n - 0.1)).toBeLessThan(0.012);
    // A held packet whose neighbours were not held arrives right behind index + 2.
    const position = new Map(arrivals.map((x, i) => [x.index, i]));
    const delayOf = new Map(arrivals.map((x) => [x.index, x.arrivalMs - x.sentMs]));
    const late = (j: number): boolean => delayOf.get(j)! > 30; // no jitter: only held packets are late
    let checked = 0;
    for (let i = 2; i + 4 < n; i++) {
      if (!late(i)) continue;
      if ([i - 2, i - 1, i + 1, i + 2, i + 3].some(late)) continue;
      expect(position.get(i)).toBe(position.get(i + 2)! + 1);
      expect(arrivals[position.get(i)!].arrivalMs).toBe(arrivals[position.get(i + 2)!].arrivalMs);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('a held packet still arrives when traffic stops (maxHoldMs)', () => {
    const { arrivals } = linkRun({ delayMs: 10, reorder: { probability: 1, maxHoldMs: 40 } }, 1, 10);
    expect(arrivals).toEqual([{ index: 0, sentMs: 0, arrivalMs: 50 }]);
  });

  it('duplicates at the configured rate, each copy right behind its original', () => {
    const n = 20_000;
    const { arrivals, stats } = linkRun({ delayMs: 5, duplicateRate: 0.05 }, n, 1);
    expect(arrivals.length).toBe(n + stats.duplicated);
    expect(stats.delivered).toBe(arrivals.length);
    expect(Math.abs(stats.duplicated / n - 0.05)).toBeLessThan(0.005);
    let pairs = 0;
    for (let i = 1; i < arrivals.length; i++) if (arrivals[i].index === arrivals[i - 1].index) pairs++;
    expect(pairs).toBe(stats.duplicated);
    expect(stats.reordered).toBe(0);
  });
});

describe('NetworkEmulator: bandwidth cap', () => {
  it('64 kbps cap with 100 kbps offered: transmission delay, queue saturation at the limit, 36 % drops', () => {
    // 250-byte datagrams every 20 ms = 100 kbps; each takes 250·8/64000 = 31.25 ms to transmit.
    const n = 3000;
    const { arrivals, stats } = linkRun({ bandwidthBps: 64_000, queueLimitMs: 200 }, n, 20, 1, 250);
    const d = arrivals.map((x) => x.arrivalMs - x.sentMs);
    expect(d[0]).toBeCloseTo(31.25, 9);
    expect(d[1]).toBeCloseTo(31.25 * 2 - 20, 9);
    // Never more than the queue limit (200 ms of backlog including the packet itself).
    expect(Math.max(...d)).toBeLessThanOrEqual(200 + 1e-6);
    expect(mean(d.slice(-500))).toBeGreaterThan(170);
    expect(stats.lostQueue).toBe(stats.lost);
    // The link delivers 64/100 of what is offered in steady state.
    expect(Math.abs(stats.lost / n - 0.36)).toBeLessThan(0.01);
    const spanMs = arrivals[arrivals.length - 1].arrivalMs - arrivals[0].arrivalMs;
    const deliveredBps = ((arrivals.length - 1) * 250 * 8 * 1000) / spanMs;
    expect(Math.abs(deliveredBps - 64_000)).toBeLessThan(100);
  });

  it('below the cap: no queueing, a constant transmission delay', () => {
    const { arrivals, stats } = linkRun({ bandwidthBps: 64_000, delayMs: 10 }, 500, 40, 1, 250);
    expect(stats.lost).toBe(0);
    for (const a of arrivals) expect(a.arrivalMs - a.sentMs).toBeCloseTo(41.25, 9);
  });

  it('a byte-sized queue holds that many bytes and counts overhead', () => {
    // 100 B + 28 B overhead = 128 B: at 8 kbps 128 ms each; a 300 B queue holds two datagrams.
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, {
      bandwidthBps: 8000,
      queueLimitBytes: 300,
      overheadBytes: 28,
    });
    const got: number[] = [];
    b.on('datagram', () => got.push(clock.now()));
    for (let i = 0; i < 5; i++) a.send(new Uint8Array(100));
    clock.runAll();
    expect(got).toEqual([128, 256]);
    expect(a.getStats().outgoing.lostQueue).toBe(3);
  });
});

describe('NetworkEmulator: trace replay', () => {
  it('replays an index trace exactly, looping by default', () => {
    const trace = parseNetworkTrace('index,delay_ms,lost\n0,20,0\n1,35.5,0\n2,,1\n3,5,0\n');
    const { arrivals, stats } = linkRun(
      { trace, delayMs: 999, loss: { model: 'bernoulli', rate: 1 } },
      8,
      100,
    );
    expect(arrivals.map((x) => [x.index, x.arrivalMs - x.sentMs])).toEqual([
      [0, 20],
      [1, 35.5],
      [3, 5],
      [4, 20],
      [5, 35.5],
      [7, 5],
    ]);
    expect(stats).toMatchObject({ sent: 8, lost: 2, lostTrace: 2, lostRandom: 0 });
  });

  it('follows the trace into reordering when its delays say so', () => {
    const trace = parseNetworkTrace('index,delay_ms\n0,100\n1,10\n');
    const { arrivals, stats } = linkRun({ trace }, 2, 20);
    expect(arrivals.map((x) => [x.index, x.arrivalMs])).toEqual([
      [1, 30],
      [0, 100],
    ]);
    expect(stats.reordered).toBe(1);
  });

  it('replays a send-time trace and falls back to the models after it when asked', () => {
    const trace = parseNetworkTrace('send_ms,delay_ms,lost\n0,10,0\n100,50,0\n200,20,1\n');
    // Rows: [0,100) 10 ms, [100,200) 50 ms, [200,300) lost; then the model (40 ms).
    const { arrivals } = linkRun({ trace, traceEnd: 'model', delayMs: 40 }, 8, 50);
    expect(arrivals.map((x) => [x.sentMs, x.arrivalMs - x.sentMs])).toEqual([
      [0, 10],
      [50, 10],
      [100, 50],
      [150, 50],
      [300, 40],
      [350, 40],
    ]);
  });
});

describe('NetworkEmulator: determinism, regimes, wrapping', () => {
  const rich: NetworkConditions = {
    loss: gilbertElliottFromMeanLoss(0.05, 2),
    delayMs: 40,
    jitterMs: 15,
    jitterDistribution: 'pareto',
    reorder: { probability: 0.02, gapPackets: 3 },
    duplicateRate: 0.01,
    bandwidthBps: 80_000,
    queueLimitMs: 120,
  };

  it('same seed, same run bit for bit; another seed, another run', () => {
    const one = linkRun(rich, 5000, 20, 42);
    const two = linkRun(rich, 5000, 20, 42);
    const other = linkRun(rich, 5000, 20, 43);
    expect(two.arrivals).toEqual(one.arrivals);
    expect(two.stats).toEqual(one.stats);
    expect(other.arrivals).not.toEqual(one.arrivals);
    expect(one.stats.lost).toBeGreaterThan(0);
    expect(one.stats.duplicated).toBeGreaterThan(0);
    expect(one.stats.reordered).toBeGreaterThan(0);
  });

  it('switches regime mid-run with setConditions', () => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, { delayMs: 20 });
    const got: number[] = [];
    b.on('datagram', (d) => got.push(d.data[0]));
    const send = (i: number): void => {
      a.send(new Uint8Array([i]));
      clock.advance(20);
    };
    for (let i = 0; i < 5; i++) send(i);
    a.setConditions({ outgoing: { loss: { model: 'bernoulli', rate: 1 } } });
    for (let i = 5; i < 10; i++) send(i);
    a.setConditions({ outgoing: {} });
    for (let i = 10; i < 15; i++) send(i);
    clock.runAll();
    expect(got).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
    expect(a.getStats().outgoing).toMatchObject({ sent: 15, delivered: 10, lost: 5, inFlight: 0 });
    expect(() => a.setConditions({ outgoing: { loss: { model: 'bernoulli', rate: 2 } } })).toThrow(
      /option outgoing\.loss\.rate/,
    );
  });

  it('wraps any transport: incoming and outgoing directions, errors and close pass through', async () => {
    const clock = new VirtualClock();
    const [x, y] = LoopbackTransport.pair({ clock });
    const emulated = new NetworkEmulator(x, { clock, incoming: { delayMs: 30 }, outgoing: { delayMs: 7 } });
    const atEmulated: number[] = [];
    const atY: number[] = [];
    emulated.on('datagram', (d) => atEmulated.push(d.arrivalMs));
    y.on('datagram', (d) => atY.push(d.arrivalMs));
    clock.advance(100);
    y.send(new Uint8Array(12));
    emulated.send(new Uint8Array(12));
    clock.runAll();
    expect(atEmulated).toEqual([130]);
    expect(atY).toEqual([107]);
    expect(emulated.getStats().incoming).toMatchObject({ sent: 1, delivered: 1 });

    let closes = 0;
    emulated.on('close', () => closes++);
    await emulated.close();
    await emulated.close();
    expect(closes).toBe(1);
    expect(x.closed).toBe(true);
    expect(() => emulated.send(new Uint8Array(1))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_STATE' }),
    );
  });

  it('discards what is in flight on close without firing later', async () => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, { delayMs: 50 });
    let got = 0;
    b.on('datagram', () => got++);
    a.send(new Uint8Array(4));
    await a.close();
    clock.runAll();
    expect(got).toBe(0);
  });

  it('fails fast on bad options, naming them', () => {
    const clock = new VirtualClock();
    const bad: [NetworkConditions, string][] = [
      [{ delayMs: -1 }, 'outgoing.delayMs'],
      [{ jitterMs: Number.NaN }, 'outgoing.jitterMs'],
      [{ jitterDistribution: 'cauchy' as 'normal' }, 'outgoing.jitterDistribution'],
      [{ paretoShape: 1 }, 'outgoing.paretoShape'],
      [{ loss: { model: 'gilbert-elliott', p: 0.1, r: 0 } }, 'outgoing.loss.r'],
      [{ loss: { model: 'zipf' } as unknown as NetworkConditions['loss'] }, 'outgoing.loss.model'],
      [{ reorder: { probability: 0.1, gapPackets: 0 } }, 'outgoing.reorder.gapPackets'],
      [{ duplicateRate: 1.5 }, 'outgoing.duplicateRate'],
      [{ bandwidthBps: 1000, queueLimitBytes: 10, queueLimitMs: 10 }, 'outgoing.queueLimitMs'],
      [{ queueLimitBytes: 0 }, 'outgoing.queueLimitBytes'],
      [{ traceEnd: 'wrap' as 'loop' }, 'outgoing.traceEnd'],
    ];
    for (const [conditions, name] of bad) {
      let error: unknown;
      try {
        NetworkEmulator.link(clock, conditions);
      } catch (caught) {
        error = caught;
      }
      expect(isVoxwireError(error, 'ERR_INVALID_OPTION'), name).toBe(true);
      expect((error as Error).message).toContain(`option ${name}:`);
    }
    expect(() => gilbertElliottFromMeanLoss(0.6, 1)).toThrow(/option meanBurstLength/);
    expect(() => gilbertElliottFromMeanLoss(1, 3)).toThrow(/option meanLossRate/);
    expect(() => NetworkEmulator.link(clock, {}, {}, { seed: 1.5 })).toThrow(/option seed/);
  });
});
