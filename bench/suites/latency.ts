/**
 * Mouth-to-ear latency of a call between two REAL-TIME VoiceSessions (RealClock, 10 ms tickers) over
 * UDP on 127.0.0.1. Session A's source is a click train (a 5 ms 1 kHz burst at the start of every 50th
 * frame); B's sink finds each click's onset. Latency = (B's sink `write()` time + onset sample / rate)
 * − (time of A's source `read()` that returned the click) + A's source and B's sink declared
 * `latencyMs` (both 0 here: in-memory endpoints, no device). Not included: the 10 ms a real
 * microphone needs to fill a frame before `read()` and any real device buffers.
 * Beside it, in the same run, the floor of the same tickers and sockets without codec or playout:
 * the raw click frame sent as one UDP datagram per 10 ms and written at the receiver's next tick.
 */
import { BaseAudioSink, BaseAudioSource } from '../../src/capture/base.js';
import { type Clock, RealClock, startTicker } from '../../src/clock/index.js';
import type { SessionCodec } from '../../src/session/index.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { NetworkEmulator } from '../../src/transport/network-emulator/emulator.js';
import type { NetworkConditions } from '../../src/transport/network-emulator/options.js';
import type { Transport } from '../../src/transport/types.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { type BenchTable, fixed } from '../lib.js';

const CLICK_EVERY_FRAMES = 50;
const CLICK_MS = 5;
const CLICK_AMPLITUDE = 20_000;
const ONSET_THRESHOLD = 6_000;
/** Onsets closer than this to the previous loud sample are the same click (tails, time-stretch). */
const HOLDOFF_MS = 150;
const WARMUP_MS = 5_000;

/** A source of silence with a click at the start of every 50th frame; notes when each click is read. */
class ClickSource extends BaseAudioSource {
  readonly sentMs: number[] = [];
  /** How late each read() came against a steady 10 ms grid from the first, ms (the load on the timers). */
  readonly latenessMs: number[] = [];
  readonly #clock: Clock;
  #frame = 0;
  #firstMs = 0;

  constructor(rateHz: number, clock: Clock) {
    super({ sampleRateHz: rateHz, channels: 1 });
    this.#clock = clock;
  }

  protected async open(): Promise<void> {}

  protected pull(out: Int16Array): boolean {
    out.fill(0);
    const nowMs = this.#clock.now();
    if (this.#frame === 0) this.#firstMs = nowMs;
    this.latenessMs.push(nowMs - this.#firstMs - 10 * this.#frame);
    if (this.#frame++ % CLICK_EVERY_FRAMES === CLICK_EVERY_FRAMES - 1) {
      const rateHz = this.format.sampleRateHz;
      const n = (rateHz * CLICK_MS) / 1000;
      for (let i = 0; i < n; i++)
        out[i] = Math.round(CLICK_AMPLITUDE * Math.sin((2 * Math.PI * 1000 * i) / rateHz));
      this.sentMs.push(nowMs);
    }
    return true;
  }

  protected async close(): Promise<void> {}
}

/** A sink that notes the time each click's onset leaves `write()` (write time + sample offset). */
class OnsetSink extends BaseAudioSink {
  readonly onsetsMs: number[] = [];
  readonly #clock: Clock;
  #lastLoudMs = Number.NEGATIVE_INFINITY;

  constructor(rateHz: number, clock: Clock) {
    super({ sampleRateHz: rateHz, channels: 1 });
    this.#clock = clock;
  }

  protected async open(): Promise<void> {}

  protected push(frame: Int16Array): boolean {
    const nowMs = this.#clock.now();
    const msPerSample = 1000 / this.format.sampleRateHz;
    for (let i = 0; i < frame.length; i++) {
      if (Math.abs(frame[i]) < ONSET_THRESHOLD) continue;
      const atMs = nowMs + i * msPerSample;
      if (atMs - this.#lastLoudMs > HOLDOFF_MS) this.onsetsMs.push(atMs);
      this.#lastLoudMs = atMs;
    }
    return true;
  }

  protected async close(): Promise<void> {}
}

interface LatencyResult {
  latenciesMs: number[];
  clicksSent: number;
  /** B's mean jitter-buffer delay (W3C jitterBufferDelay / emitted), ms; undefined for the raw floor. */
  bufferMs?: number;
  /** B's playout target delay at the end, ms. */
  targetMs?: number;
  /** Lateness of A's reads against a steady 10 ms grid, ms. */
  tickLatenessMs?: number[];
}

/**
 * Gives each onset to the latest click read before it; a click's latency is its first onset. A
 * click lost on the way has none (its period's silence is not charged to the next click).
 */
function match(sentMs: number[], onsetsMs: number[], extraMs: number): LatencyResult {
  const start = (sentMs[0] ?? 0) + WARMUP_MS;
  const periodMs = CLICK_EVERY_FRAMES * 10;
  const firstOnset = new Map<number, number>();
  let k = 0;
  for (const onset of onsetsMs) {
    while (k + 1 < sentMs.length && sentMs[k + 1] <= onset) k++;
    if (sentMs[k] <= onset && !firstOnset.has(k)) firstOnset.set(k, onset);
  }
  const latenciesMs: number[] = [];
  let clicksSent = 0;
  for (let i = 0; i < sentMs.length; i++) {
    // The last click may still be on its way when the call ends.
    if (sentMs[i] < start || sentMs[i] > sentMs[sentMs.length - 1] - periodMs) continue;
    clicksSent++;
    const onset = firstOnset.get(i);
    if (onset !== undefined) latenciesMs.push(onset - sentMs[i] + extraMs);
  }
  return { latenciesMs, clicksSent };
}

async function udpPair(clock: Clock): Promise<[UdpTransport, UdpTransport]> {
  const a = await UdpTransport.open({ local: '127.0.0.1:0', clock });
  const b = await UdpTransport.open({ local: '127.0.0.1:0', clock });
  const endpoint = (t: UdpTransport) => {
    const e = t.localEndpoint;
    if (e === undefined) throw new Error('UDP transport not bound');
    return { address: e.address, port: e.port };
  };
  await a.setRemote(endpoint(b));
  await b.setRemote(endpoint(a));
  return [a, b];
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** A real-time call A → B through the network given (none: straight UDP), `callMs` long. */
async function sessionLatency(
  codec: SessionCodec,
  rateHz: number,
  conditions: NetworkConditions | undefined,
  callMs: number,
): Promise<LatencyResult> {
  const clock = new RealClock();
  const [udpA, udpB] = await udpPair(clock);
  const wrap = (t: Transport, seed: number): Transport =>
    conditions ? new NetworkEmulator(t, { clock, seed, outgoing: conditions }) : t;
  const source = new ClickSource(rateHz, clock);
  const sink = new OnsetSink(rateHz, clock);
  const a = new VoiceSession({ codec, transport: wrap(udpA, 1), clock, source, statsIntervalMs: 0 });
  const b = new VoiceSession({
    codec,
    transport: wrap(udpB, 3),
    clock,
    source: new ClickSource(rateHz, clock),
    sink,
    statsIntervalMs: 0,
  });
  a.on('error', () => undefined);
  b.on('error', () => undefined);
  await b.start();
  await a.start();
  await sleep(clock, callMs);
  const playout = b.getStats().playout;
  await a.stop();
  await b.stop();
  const result = match(source.sentMs, sink.onsetsMs, source.latencyMs + sink.latencyMs);
  result.bufferMs = (1000 * playout.jitterBufferDelay) / Math.max(1, playout.jitterBufferEmittedCount);
  result.targetMs = playout.targetDelayMs;
  result.tickLatenessMs = source.latenessMs;
  return result;
}

/** The floor: the raw click frame as one datagram per tick, written at the receiver's next tick. */
async function rawFloor(rateHz: number, callMs: number): Promise<LatencyResult> {
  const clock = new RealClock();
  const [udpA, udpB] = await udpPair(clock);
  const source = new ClickSource(rateHz, clock);
  const sink = new OnsetSink(rateHz, clock);
  await source.start();
  await sink.start();
  const frame = new Int16Array(rateHz / 100);
  const received = new Int16Array(rateHz / 100);
  const silence = new Int16Array(rateHz / 100);
  let pending = false;
  udpB.on('datagram', (d) => {
    received.set(new Int16Array(d.data.buffer.slice(d.data.byteOffset, d.data.byteOffset + d.data.length)));
    pending = true;
  });
  const send = startTicker(clock, 10, () => {
    source.read(frame);
    udpA.send(new Uint8Array(frame.buffer.slice(0)));
  });
  const play = startTicker(clock, 10, () => {
    sink.write(pending ? received : silence);
    pending = false;
  });
  await sleep(clock, callMs);
  send.stop();
  play.stop();
  await Promise.all([udpA.close(), udpB.close(), source.stop(), sink.stop()]);
  const result = match(source.sentMs, sink.onsetsMs, source.latencyMs + sink.latencyMs);
  result.tickLatenessMs = source.latenessMs;
  return result;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const CALL_MS = 30_000;

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  const impaired: NetworkConditions = {
    jitterMs: 30,
    jitterDistribution: 'normal',
    loss: { model: 'bernoulli', rate: 0.05 },
  };
  const cases: {
    label: string;
    codec: SessionCodec;
    rateHz: number;
    conditions?: NetworkConditions;
    aimMs: number;
  }[] = [
    { label: 'Opus 20 ms, clean', codec: 'opus', rateHz: 48_000, aimMs: 60 },
    {
      label: 'Opus 20 ms, 30 ms jitter + 5 % loss',
      codec: 'opus',
      rateHz: 48_000,
      conditions: impaired,
      aimMs: 150,
    },
    { label: 'PCMU 20 ms, clean', codec: 'pcmu', rateHz: 8000, aimMs: 60 },
    {
      label: 'PCMU 20 ms, 30 ms jitter + 5 % loss',
      codec: 'pcmu',
      rateHz: 8000,
      conditions: impaired,
      aimMs: 150,
    },
  ];
  const rows: (string | number)[][] = [];
  // Warm-up (module loading, JIT, WASM compile) so that its stall is not charged to the first case.
  await sessionLatency('opus', 48_000, undefined, 2000);
  await sessionLatency('pcmu', 8000, undefined, 1000);
  const floor = await rawFloor(48_000, CALL_MS / 2);
  const floorSorted = [...floor.latenciesMs].sort((x, y) => x - y);
  const peer = `${fixed(quantile(floorSorted, 0.5), 1)} / ${fixed(quantile(floorSorted, 0.95), 1)}`;
  const lateP95 = (r: LatencyResult) =>
    fixed(
      quantile(
        [...(r.tickLatenessMs ?? [])].sort((x, y) => x - y),
        0.95,
      ),
      1,
    );
  for (const c of cases) {
    const r = await sessionLatency(c.codec, c.rateHz, c.conditions, CALL_MS);
    const sorted = [...r.latenciesMs].sort((x, y) => x - y);
    rows.push([
      c.label,
      fixed(quantile(sorted, 0.5), 1),
      fixed(quantile(sorted, 0.95), 1),
      fixed(sorted[sorted.length - 1] ?? Number.NaN, 1),
      `${r.latenciesMs.length}/${r.clicksSent}`,
      fixed(r.bufferMs ?? Number.NaN, 1),
      fixed(r.targetMs ?? Number.NaN, 0),
      lateP95(r),
      `≤ ${c.aimMs}`,
      peer,
      lateP95(floor),
    ]);
  }
  return [
    {
      title: `Mouth-to-ear latency, click train through two real-time VoiceSessions on loopback UDP (${CALL_MS / 1000} s each)`,
      columns: [
        'case',
        'median ms',
        'p95 ms',
        'max ms',
        'clicks heard',
        'B jitter buffer mean ms',
        'B target ms',
        'tick lateness p95 ms',
        'aim ms',
        'peer: raw UDP, no codec/playout, median / p95 ms',
        'peer tick lateness p95 ms',
      ],
      rows,
      notes: [
        "From A's source read() of the click to the onset leaving B's sink write() (write time + sample",
        "offset), plus both ends' declared device latency (0: in-memory source and sink). Not included: the",
        '10 ms a microphone takes to fill a frame, real device buffers. First 5 s (playout adapting) left out.',
        'Network: straight UDP on 127.0.0.1, or NetworkEmulator on each end (normal jitter σ 30 ms, Bernoulli',
        'loss 5 %). Clicks lost to the network (no RED) are missing from "clicks heard".',
      ],
    },
  ];
}
