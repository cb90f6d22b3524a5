/**
 * Sessions per core: N full-duplex VoiceSessions (Opus 48 kHz, AEC + NS + VAD, playout; N/2 pairs
 * over UDP on 127.0.0.1, RealClock) in this one process (one JS thread), N growing until a sink
 * underruns or concealment exceeds the 2-session run's by a point. Beside it, the CPU-bound figure of
 * the same sessions on a VirtualClock. Settings: the defaults, Opus complexity 5, the processor at
 * full band, and no processor. `npx tsx bench/run.ts capacity`.
 */
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioProcessor } from '../../src/aec/processor.js';
import { readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { BaseAudioSink } from '../../src/capture/base.js';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { type Clock, RealClock, startTicker, VirtualClock } from '../../src/clock/index.js';
import type { SessionCodec, SessionProcessor, VoiceSessionOptions } from '../../src/session/index.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { type BenchTable, fixed } from '../lib.js';

const MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'media');

/** Device buffer of the device-like sink: a frame written later than this much queued audio lasts is an underrun. */
const DEVICE_BUFFER_MS = 40;

/** A sink that drains like a device with a DEVICE_BUFFER_MS buffer, counting underruns (late writes). */
class DeviceLikeSink extends BaseAudioSink {
  underruns = 0;
  readonly #clock: Clock;
  #queuedUntilMs = Number.NaN;

  constructor(rateHz: number, clock: Clock) {
    super({ sampleRateHz: rateHz, channels: 1 });
    this.#clock = clock;
  }

  protected async open(): Promise<void> {}

  protected push(): boolean {
    const nowMs = this.#clock.now();
    if (Number.isNaN(this.#queuedUntilMs)) this.#queuedUntilMs = nowMs + DEVICE_BUFFER_MS;
    else if (this.#queuedUntilMs < nowMs) {
      this.underruns++;
      this.#queuedUntilMs = nowMs;
    }
    this.#queuedUntilMs += 10;
    return true;
  }

  protected async close(): Promise<void> {}
}

interface CapacityConfig {
  label: string;
  codec: SessionCodec;
  /** The session's built-in processor (AEC + NS + VAD) when true, else none. */
  stages: boolean;
  /** Session (and source, sink) rate, Hz. */
  rateHz: number;
  /** A processor replacing the built-in one. */
  processor?: () => SessionProcessor;
}

/** The session's options for `config` beside what every run sets. */
function sessionOptions(config: CapacityConfig): Partial<VoiceSessionOptions> {
  return {
    codec: config.codec,
    aec: config.stages,
    ns: config.stages,
    vad: config.stages,
    processor: config.processor?.(),
    statsIntervalMs: 1000,
  };
}

interface CapacityRun {
  sessions: number;
  underruns: number;
  concealedPercent: number;
  cpuPercentPerSession: number;
  lateP99Ms: number;
}

/** Runs `sessions` (pairs over UDP 127.0.0.1) in real time for CAPACITY_RUN_MS after a 1 s warm-up. */
async function realTimeRun(
  config: CapacityConfig,
  sessions: number,
  speech: Int16Array[],
): Promise<CapacityRun> {
  const clock = new RealClock();
  const format = { sampleRateHz: config.rateHz, channels: 1 };
  const sinks: DeviceLikeSink[] = [];
  const all: VoiceSession[] = [];
  const lateness: number[] = [];
  for (let p = 0; p < sessions / 2; p++) {
    const a = await UdpTransport.open({ local: '127.0.0.1:0', clock });
    const b = await UdpTransport.open({ local: '127.0.0.1:0', clock });
    const at = (t: UdpTransport) => ({ address: '127.0.0.1', port: t.localEndpoint?.port ?? 0 });
    await a.setRemote(at(b));
    await b.setRemote(at(a));
    for (const [k, transport] of [a, b].entries()) {
      const sink = new DeviceLikeSink(config.rateHz, clock);
      sinks.push(sink);
      const session = new VoiceSession({
        ...sessionOptions(config),
        transport,
        clock,
        source: new PcmBufferSource(speech[(p + k) % speech.length], format, { loop: true }),
        sink,
      });
      session.on('error', () => undefined);
      all.push(session);
    }
  }
  for (const s of all) await s.start();
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  await wait(1000);
  const baseline = sinks.map((s) => s.underruns);
  const before = all.map((s) => s.getStats().playout);
  // A probe ticker on the same event loop: how late 10 ms timers fire while the sessions run.
  const probeStart = clock.now();
  const probe = startTicker(clock, 10, (i) => lateness.push(clock.now() - probeStart - 10 * (i + 1)));
  const cpuStart = process.cpuUsage();
  const wallStart = clock.now();
  await wait(CAPACITY_RUN_MS);
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = clock.now() - wallStart;
  probe.stop();
  const after = all.map((s) => s.getStats().playout);
  await Promise.all(all.map((s) => s.stop()));
  let concealed = 0;
  let total = 0;
  for (let i = 0; i < all.length; i++) {
    concealed += after[i].concealedSamples - before[i].concealedSamples;
    total += after[i].totalSamplesReceived - before[i].totalSamplesReceived;
  }
  lateness.sort((x, y) => x - y);
  return {
    sessions,
    underruns: sinks.reduce((sum, s, i) => sum + s.underruns - baseline[i], 0),
    concealedPercent: total > 0 ? (100 * concealed) / total : 100,
    cpuPercentPerSession: (100 * (cpu.user + cpu.system)) / 1000 / wallMs / sessions,
    lateP99Ms: lateness[Math.floor(0.99 * lateness.length)] ?? Number.NaN,
  };
}

/**
 * CPU of one session with `config`, ms per second of call, independent of the machine's load on the
 * wall clock: 2 pairs on a VirtualClock over LoopbackTransport (no network emulation), 10 s call.
 */
async function virtualCpuPerSessionMs(config: CapacityConfig, speech: Int16Array[]): Promise<number> {
  const clock = new VirtualClock();
  const format = { sampleRateHz: config.rateHz, channels: 1 };
  const all: VoiceSession[] = [];
  for (let p = 0; p < 2; p++) {
    for (const [k, transport] of LoopbackTransport.pair({ clock }).entries()) {
      all.push(
        new VoiceSession({
          ...sessionOptions(config),
          transport,
          clock,
          source: new PcmBufferSource(speech[(p + k) % speech.length], format, { loop: true }),
          sink: new PcmBufferSink(format, config.rateHz),
        }),
      );
    }
  }
  for (const s of all) await s.start();
  clock.advance(1000); // warm-up
  const callS = 10;
  const start = process.cpuUsage();
  for (let i = 0; i < callS; i++) clock.advance(1000);
  const cpu = process.cpuUsage(start);
  await Promise.all(all.map((s) => s.stop()));
  return (cpu.user + cpu.system) / 1000 / callS / all.length;
}

const CAPACITY_RUN_MS = 6000;
const CAPACITY_STEPS = [2, 4, 6, 8, 12, 16, 20, 24, 30, 36, 44];

/** Sessions per core, one table: see the file comment. */
export async function run(): Promise<BenchTable[]> {
  const speechAt = async (rateHz: number) =>
    Promise.all(
      ['a', 'b', 'c'].map(async (n) =>
        wavToInt16(await readWavFile(join(MEDIA, `speech-${n}-${rateHz / 1000}k.wav`))),
      ),
    );
  const speech = new Map([
    [48_000, await speechAt(48_000)],
    [16_000, await speechAt(16_000)],
  ]);
  const fullBand = () =>
    new AudioProcessor({ sampleRateHz: 48_000, processingRateHz: 48_000, aec: true, ns: true, vad: true });
  const configs: CapacityConfig[] = [
    {
      label: 'defaults (48 kHz): Opus c9 wideband, processor at 16 kHz',
      codec: 'opus',
      rateHz: 48_000,
      stages: true,
    },
    {
      label: '48 kHz, Opus c5 wideband, processor at 16 kHz',
      codec: { name: 'opus', complexity: 5 },
      rateHz: 48_000,
      stages: true,
    },
    {
      label: 'session at 16 kHz: Opus c9, processor',
      codec: { name: 'opus', sampleRateHz: 16_000 },
      rateHz: 16_000,
      stages: true,
    },
    {
      label: 'session at 16 kHz: Opus c5, processor (density settings)',
      codec: { name: 'opus', sampleRateHz: 16_000, complexity: 5 },
      rateHz: 16_000,
      stages: true,
    },
    {
      label: '48 kHz, Opus c9, processor full band',
      codec: 'opus',
      rateHz: 48_000,
      stages: true,
      processor: fullBand,
    },
    {
      label: '48 kHz, Opus c9 fullband, no processor (reference)',
      codec: 'opus',
      rateHz: 48_000,
      stages: false,
    },
  ];
  const rows: (string | number)[][] = [];
  // Warm-up: the first measurement would otherwise pay the JIT compiling every stage.
  await virtualCpuPerSessionMs(configs[0], speech.get(configs[0].rateHz)!);
  for (const config of configs) {
    const virtualMs = await virtualCpuPerSessionMs(config, speech.get(config.rateHz)!);
    let sustained: CapacityRun | undefined;
    let failed: CapacityRun | undefined;
    let baselineConcealed = Number.NaN;
    for (const n of CAPACITY_STEPS) {
      const r = await realTimeRun(config, n, speech.get(config.rateHz)!);
      if (n === CAPACITY_STEPS[0]) baselineConcealed = r.concealedPercent;
      if (r.underruns > 0 || r.concealedPercent > baselineConcealed + 1) {
        failed = r;
        break;
      }
      sustained = r;
    }
    const one = sustained ?? failed;
    rows.push([
      config.label,
      sustained?.sessions ?? 0,
      failed
        ? `${failed.sessions}: ${failed.underruns} underruns, ${fixed(failed.concealedPercent, 1)} % concealed`
        : 'none',
      one ? `${fixed(one.cpuPercentPerSession, 2)} %` : '-',
      one ? fixed(100 / one.cpuPercentPerSession, 0) : '-',
      one ? fixed(one.lateP99Ms, 1) : '-',
      fixed(virtualMs, 1),
      fixed(1000 / virtualMs, 0),
    ]);
  }
  return [
    {
      title: `Sessions per core: N real-time full-duplex sessions (Opus + AEC/NS/VAD processor + playout) in one process, ${CAPACITY_RUN_MS / 1000} s per step`,
      columns: [
        'settings',
        'largest N sustained',
        'first N failed',
        'CPU of one session, % of a core (at largest N)',
        'core / CPU per session',
        '10 ms timer lateness p99 ms',
        'CPU-bound: ms / session s (VirtualClock)',
        'CPU-bound: sessions per core',
      ],
      rows: rows.map((r) => r),
      notes: [
        `N/2 pairs over UDP 127.0.0.1, RealClock, looping speech; sinks drain like a device with a ${DEVICE_BUFFER_MS} ms buffer.`,
        'Sustained: no sink underrun and concealment within 1 point of the 2-session run, after a 1 s warm-up.',
        `Load average at the start: ${loadavg()
          .map((x) => fixed(x, 1))
          .join(
            ' ',
          )} on ${availableParallelism()} cores (other processes share them: the real-time N is a lower bound).`,
        'The CPU-bound columns time the same sessions on a VirtualClock (4 sessions, 10 s, no sockets): the',
        'figure for an otherwise idle core, free of scheduling stalls.',
      ],
    },
  ];
}
