/**
 * Cost of a whole call. (1) ONE full-duplex VoiceSession, both directions (capture -> processor
 * (AEC+NS+VAD) -> encode -> RTP send; RTP receive -> playout -> sink), CPU ms per second of call, by
 * stage, PCMU 8 kHz and Opus 48 kHz, processor off and on. Method: a call between session A
 * (processor as asked) and B (no processor) on a VirtualClock; the process CPU of the call is split
 * into stages by the shares of a sampling CPU profile (node:inspector, taken in this bench only) of
 * the same call, by source file. Stages both sessions run are halved; the processor runs only in A.
 * (2) simulateCall of a 60 s call: wall and CPU seconds. Beside both, in the same run, ffmpeg
 * encoding and decoding the same speech with the same codec. Sessions per core: bench/suites/capacity.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { VirtualClock } from '../../src/clock/index.js';
import { type SessionCodec, simulateCall } from '../../src/session/index.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import { NetworkEmulator } from '../../src/transport/network-emulator/emulator.js';
import { type BenchTable, fixed } from '../lib.js';

/** Stages by source file, first match wins; `onlyA` marks what only session A runs (the processor). */
const STAGE_RULES: { stage: string; match: RegExp; onlyA?: boolean }[] = [
  { stage: 'AEC delay estimator', match: /src\/aec\/delay/, onlyA: true },
  { stage: 'NS', match: /src\/aec\/(noise|ns)/, onlyA: true },
  { stage: 'VAD', match: /src\/aec\/vad/, onlyA: true },
  { stage: 'processor glue (level, checks)', match: /src\/aec\/processor/, onlyA: true },
  { stage: 'FFT (AEC, NS, delay estimator)', match: /src\/aec\/fft|node_modules\/fft\.js/, onlyA: true },
  { stage: 'AEC canceller', match: /src\/aec\//, onlyA: true },
  { stage: 'Opus codec (wasm: encode + decode)', match: /^wasm:|opusscript/ },
  { stage: 'codec glue, G.711', match: /src\/codec\// },
  { stage: 'PLC, time-stretch, pitch (jitter DSP)', match: /src\/jitter\/dsp\// },
  { stage: 'playout (jitter buffer, decisions)', match: /src\/jitter\// },
  { stage: 'RTP/RTCP send + receive (+RED)', match: /src\/transport\/(rtp|red)/ },
  { stage: 'capture/sink, resampling, levels', match: /src\/(capture|audio)\// },
  { stage: 'session loop, stats, E-model', match: /src\/session\/|src\/events/ },
  { stage: 'GC', match: /^\(garbage collector\)$/ },
  { stage: 'emulated network, virtual clock (not the session)', match: /src\/(transport|clock)\// },
];
const OTHER = 'runtime, other';
const STAGES = [...STAGE_RULES.map((r) => r.stage), OTHER];
const NOT_SESSION = 'emulated network, virtual clock (not the session)';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function stageOf(node: ProfileNode): string | undefined {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)')
    return undefined;
  const key = url === '' ? `(${functionName.replace(/^\(|\)$/g, '')})` : url;
  return STAGE_RULES.find((r) => r.match.test(key))?.stage ?? OTHER;
}

/** Cost of session A, ms of CPU per second of call, by stage. */
interface StageCosts {
  /** Stage name to ms per call second. */
  perStageMs: Map<string, number>;
  /** Sum of the session's stages (network and clock excluded), ms per call second. */
  sessionMs: number;
  /** Process CPU of the call (both sessions and the network, no profiler), ms per call second. */
  processCpuMs: number;
}

/**
 * Runs a call of `callS` seconds between A (processor as asked) and B (no processor) through a
 * NetworkEmulator (5 % loss, 30 ms jitter) on a VirtualClock, under the sampling profiler when asked.
 */
async function profiledCall(
  codec: SessionCodec,
  rateHz: number,
  speechA: Int16Array,
  speechB: Int16Array,
  processorOn: boolean,
  callS: number,
  profiled: boolean,
): Promise<{ cpuMs: number; profile: Profile | undefined }> {
  const clock = new VirtualClock();
  const [endA, endB] = LoopbackTransport.pair({ clock });
  const conditions = { delayMs: 20, jitterMs: 30, loss: { model: 'bernoulli' as const, rate: 0.05 } };
  const format = { sampleRateHz: rateHz, channels: 1 };
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const side = (end: typeof endA, netSeed: number, speech: Int16Array, processor: boolean) =>
    new VoiceSession({
      codec,
      transport: new NetworkEmulator(end, { clock, seed: netSeed, outgoing: conditions }),
      clock,
      random,
      aec: processor,
      ns: processor,
      vad: processor,
      source: new PcmBufferSource(speech, format),
      sink: new PcmBufferSink(format, rateHz * callS),
    });
  const a = side(endA, 4, speechA, processorOn);
  const b = side(endB, 6, speechB, false);
  await a.start();
  await b.start();
  clock.advance(1000); // warm-up, not measured
  const inspector = profiled ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.post('Profiler.start');
  }
  const startCpu = process.cpuUsage();
  for (let s = 0; s < callS; s++) clock.advance(1000);
  const cpu = process.cpuUsage(startCpu);
  let profile: Profile | undefined;
  if (inspector) {
    profile = ((await inspector.post('Profiler.stop')) as { profile: Profile }).profile;
    inspector.disconnect();
  }
  await Promise.all([a.stop(), b.stop()]);
  return { cpuMs: (cpu.user + cpu.system) / 1000, profile };
}

async function stageCosts(
  codec: SessionCodec,
  rateHz: number,
  speechA: Int16Array,
  speechB: Int16Array,
  processorOn: boolean,
  callS: number,
): Promise<StageCosts> {
  // The profiler costs CPU itself: the total comes from an unprofiled run, the shares from a profiled one.
  const plain = await profiledCall(codec, rateHz, speechA, speechB, processorOn, callS, false);
  const { profile } = await profiledCall(codec, rateHz, speechA, speechB, processorOn, callS, true);
  const processCpuMs = plain.cpuMs / callS;
  if (profile === undefined) throw new Error('no profile');
  const stageById = new Map<number, string | undefined>();
  for (const node of profile.nodes) stageById.set(node.id, stageOf(node));
  const sampled = new Map<string, number>();
  let sampledTotal = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const stage = stageById.get(profile.samples[i]);
    if (stage === undefined) continue;
    const dt = profile.timeDeltas[i] ?? 0;
    sampled.set(stage, (sampled.get(stage) ?? 0) + dt);
    sampledTotal += dt;
  }
  const perStageMs = new Map<string, number>();
  let sessionMs = 0;
  for (const stage of STAGES) {
    const share = sampledTotal > 0 ? (sampled.get(stage) ?? 0) / sampledTotal : 0;
    const onlyA = STAGE_RULES.find((r) => r.stage === stage)?.onlyA === true;
    // Both sessions run every stage but the processor, with the same codec and network.
    const ms = (share * processCpuMs) / (onlyA || stage === NOT_SESSION ? 1 : 2);
    perStageMs.set(stage, ms);
    if (stage !== NOT_SESSION) sessionMs += ms;
  }
  return { perStageMs, sessionMs, processCpuMs };
}

const MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'media');
const CALL_S = 60;

/** 60 s of mono speech at `rateHz`: the three speech files, repeated. */
async function speech(rateHz: number, order: string[]): Promise<Int16Array> {
  const parts = await Promise.all(
    order.map(async (name) =>
      wavToInt16(await readWavFile(join(MEDIA, `speech-${name}-${rateHz / 1000}k.wav`))),
    ),
  );
  const out = new Int16Array(rateHz * CALL_S);
  for (let at = 0, i = 0; at < out.length; i++) {
    const part = parts[i % parts.length];
    out.set(part.subarray(0, Math.min(part.length, out.length - at)), at);
    at += part.length;
  }
  return out;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface CallCost {
  cpuS: number;
  cpuMsPerCallSecond: number;
  wallS: number;
  mos: number;
}

async function callCost(codec: SessionCodec, rateHz: number): Promise<CallCost> {
  const a = await speech(rateHz, ['a', 'b', 'c']);
  const b = await speech(rateHz, ['c', 'a', 'b']);
  const startCpu = cpuMs();
  const startWall = performance.now();
  const call = await simulateCall({
    a,
    b,
    speechRateHz: rateHz,
    codec,
    lossRate: 0.05,
    jitterMs: 30,
    durationMs: CALL_S * 1000,
  });
  const wallS = (performance.now() - startWall) / 1000;
  const cpu = cpuMs() - startCpu;
  return { cpuS: cpu / 1000, cpuMsPerCallSecond: cpu / 2 / CALL_S, wallS, mos: call.b.finalStats.mos.mos };
}

/** CPU ms per second of audio for ffmpeg to encode and decode `pcm` with `args`, or undefined. */
function ffmpegCost(pcm: Int16Array, rateHz: number, encodeArgs: string[], ext: string): number | undefined {
  const probe = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-bench-'));
  try {
    const wav = join(dir, 'in.wav');
    const coded = join(dir, `coded.${ext}`);
    writeFileSync(wav, encodeWav({ sampleRateHz: rateHz, channels: 1, samples: pcm, encoding: 'pcm16' }));
    const script =
      `TIMEFORMAT='%U %S'; { time ffmpeg -v error -y -i ${wav} ${encodeArgs.join(' ')} ${coded} && ` +
      `ffmpeg -v error -y -i ${coded} -f s16le -ar ${rateHz} ${join(dir, 'out.raw')} ; } 2>&1 | tail -1`;
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    const [user, system] = run.stdout.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
    return ((user + system) * 1000) / (pcm.length / rateHz);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const STAGE_CALL_S = 20;

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  const cases: { label: string; codec: SessionCodec; rateHz: number; ffmpeg: string[]; ext: string }[] = [
    {
      label: 'PCMU 8 kHz',
      codec: 'pcmu',
      rateHz: 8000,
      ffmpeg: ['-c:a', 'pcm_mulaw', '-f', 'wav'],
      ext: 'wav',
    },
    {
      label: 'Opus 48 kHz',
      codec: { name: 'opus', bitrate: 32000, ptime: 20 },
      rateHz: 48000,
      ffmpeg: ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-application', 'voip'],
      ext: 'ogg',
    },
  ];
  const stageColumns: string[] = [];
  const perCase: StageCosts[] = [];
  const peers: (number | undefined)[] = [];
  const simRows: (string | number)[][] = [];
  // Warm-up (JIT, module loading) so that the first measured case is not charged for it.
  for (const c of cases) {
    const a = await speech(c.rateHz, ['a']);
    await profiledCall(c.codec, c.rateHz, a, a, true, 5, false);
  }
  for (const c of cases) {
    const a = await speech(c.rateHz, ['a', 'b', 'c']);
    const b = await speech(c.rateHz, ['c', 'a', 'b']);
    const peer = ffmpegCost(a, c.rateHz, c.ffmpeg, c.ext);
    for (const processorOn of [false, true]) {
      stageColumns.push(`${c.label} ${processorOn ? 'AEC+NS+VAD' : 'no processor'}`);
      perCase.push(await stageCosts(c.codec, c.rateHz, a, b, processorOn, STAGE_CALL_S));
      peers.push(peer);
    }
    const cost = await callCost(c.codec, c.rateHz);
    simRows.push([
      c.label,
      fixed(cost.wallS, 2),
      fixed(cost.cpuS, 2),
      fixed(cost.cpuMsPerCallSecond, 1),
      peer === undefined ? 'peer missing' : fixed(peer, 1),
      fixed(cost.mos, 2),
    ]);
  }
  const rows: (string | number)[][] = [];
  for (const stage of STAGES) {
    rows.push([stage, ...perCase.map((k) => fixed(k.perStageMs.get(stage) ?? 0, 2))]);
  }
  rows.push(['= session A total, ms / call s', ...perCase.map((k) => fixed(k.sessionMs, 1))]);
  rows.push(['  as % of one core', ...perCase.map((k) => `${fixed(k.sessionMs / 10, 2)} %`)]);
  rows.push([
    '  process CPU (A + B + network), ms / call s',
    ...perCase.map((k) => fixed(k.processCpuMs, 1)),
  ]);
  rows.push([
    'peer: ffmpeg enc+dec CPU ms / audio s',
    ...peers.map((p) => (p === undefined ? 'peer missing' : fixed(p, 1))),
  ]);
  return [
    {
      title: `VoiceSession: CPU ms per second of call of ONE full-duplex session, by stage (${STAGE_CALL_S} s call, 5 % loss, 30 ms jitter)`,
      columns: ['stage', ...stageColumns],
      rows,
      notes: [
        'Process CPU of the call split by the shares of a sampling CPU profile of the same call, by source',
        'file; stages both sessions run are halved, the processor (A only) is not. B has no processor.',
        'Peer: ffmpeg encoding the same speech to the codec and decoding it back (process start-up included).',
      ],
    },
    {
      title: `simulateCall: a ${CALL_S} s call (two sessions, 5 % loss, 30 ms jitter, no processor)`,
      columns: ['codec', 'wall s', 'CPU s', 'CPU ms / call s / session', 'peer ffmpeg enc+dec ms / s', 'MOS'],
      rows: simRows,
      notes: ['Aim: under 10 s wall for a 60 s call. Wall time depends on the load; CPU s does not.'],
    },
  ];
}
