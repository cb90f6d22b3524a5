import { readWavFile, wavToInt16 } from '../audio/wav/index.js';
import { PcmBufferSink, PcmBufferSource } from '../capture/buffer.js';
import type { AudioFormat } from '../capture/types.js';
import { VirtualClock } from '../clock/index.js';
import { createCodec } from '../codec/registry.js';
import { invalidOption } from '../errors.js';
import { LoopbackTransport } from '../transport/loopback.js';
import { NetworkEmulator } from '../transport/network-emulator/emulator.js';
import type { NetworkConditions } from '../transport/network-emulator/options.js';
import { SeededRandom } from '../transport/network-emulator/random.js';
import type { SessionCodec } from './options.js';
import type { VoiceSessionStats } from './stats.js';
import { VoiceSession } from './voice-session.js';

/** Speech a simulated side says: a WAV path, or mono Int16 samples at `speechRateHz`. */
export type SimulatedSpeech = string | Int16Array;

/** Options of {@link simulateCall}. `a` and `b` are required. */
export interface SimulateCallOptions {
  /** What side A says. */
  a: SimulatedSpeech;
  /** What side B says. */
  b: SimulatedSpeech;
  /** Rate of Int16Array speech, Hz (8000, 16000 or 48000 …). Default 16000. */
  speechRateHz?: number;
  /** Codec of both sides, default `'opus'`. */
  codec?: SessionCodec;
  /** Packet duration, ms, default 20. */
  ptimeMs?: number;
  /** RED on both sides, default false. */
  red?: boolean;
  /** Random (Bernoulli) loss of each direction, 0–1, default 0. */
  lossRate?: number;
  /** Normal jitter (standard deviation) of each direction, ms, ≥ 0, default 0. */
  jitterMs?: number;
  /** Base one-way delay of each direction, ms, ≥ 0, default 20. */
  delayMs?: number;
  /** Full conditions of each direction; replace `lossRate`, `jitterMs` and `delayMs` when given. */
  conditions?: NetworkConditions;
  /** Call length, ms, > 0; default the longer speech plus 1 s. */
  durationMs?: number;
  /** Seed of the network and of SSRCs, integer, default 1. Same seed, same result. */
  seed?: number;
  /** Period of the stats timeline, ms, ≥ 100, default 1000. */
  statsIntervalMs?: number;
}

/** What one side of a simulated call heard and measured. */
export interface SimulatedSide {
  /** What this side's sink received: mono Int16 at `sampleRateHz` (the codec's rate). */
  heard: Int16Array;
  /** Rate of `heard`, Hz. */
  sampleRateHz: number;
  /** The periodic statistics, in order. */
  statsTimeline: VoiceSessionStats[];
  /** The statistics at the end of the call. */
  finalStats: VoiceSessionStats;
}

/** Result of {@link simulateCall}. */
export interface SimulatedCall {
  /** Side A: what it heard (B's speech). */
  a: SimulatedSide;
  /** Side B: what it heard (A's speech). */
  b: SimulatedSide;
  /** Simulated call length, ms. */
  durationMs: number;
}

async function loadSpeech(speech: SimulatedSpeech, rateHz: number, name: string) {
  if (typeof speech === 'string') {
    const wav = await readWavFile(speech);
    const format: AudioFormat = { sampleRateHz: wav.sampleRateHz, channels: wav.channels };
    return { samples: wavToInt16(wav), format };
  }
  if (!(speech instanceof Int16Array)) invalidOption(name, speech, 'must be a WAV path or an Int16Array');
  return { samples: speech, format: { sampleRateHz: rateHz, channels: 1 } };
}

/**
 * Runs a call between two {@link VoiceSession}s through a {@link NetworkEmulator} on a
 * {@link VirtualClock}, as fast as the CPU allows, and returns what each side heard with its
 * statistics over time: the tool to tune codec, ptime, RED and playout settings against a network.
 * Deterministic for a given seed.
 * @param options - See {@link SimulateCallOptions}.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option; `ERR_WAV_*` for an unreadable WAV.
 */
export async function simulateCall(options: SimulateCallOptions): Promise<SimulatedCall> {
  if (typeof options !== 'object' || options === null) invalidOption('options', options, 'must be an object');
  const o = options;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed)) invalidOption('seed', seed, 'must be an integer');
  const lossRate = o.lossRate ?? 0;
  if (!(lossRate >= 0 && lossRate <= 1)) invalidOption('lossRate', lossRate, 'must be 0–1');
  const jitterMs = o.jitterMs ?? 0;
  if (!(jitterMs >= 0 && Number.isFinite(jitterMs))) invalidOption('jitterMs', jitterMs, 'must be ≥ 0 ms');
  const delayMs = o.delayMs ?? 20;
  if (!(delayMs >= 0 && Number.isFinite(delayMs))) invalidOption('delayMs', delayMs, 'must be ≥ 0 ms');
  const speechA = await loadSpeech(o.a, o.speechRateHz ?? 16_000, 'a');
  const speechB = await loadSpeech(o.b, o.speechRateHz ?? 16_000, 'b');
  const lengthMs = (s: typeof speechA): number =>
    (1000 * s.samples.length) / s.format.channels / s.format.sampleRateHz;
  const durationMs = o.durationMs ?? Math.max(lengthMs(speechA), lengthMs(speechB)) + 1000;
  if (!(durationMs > 0 && Number.isFinite(durationMs))) {
    invalidOption('durationMs', durationMs, 'must be a positive number of ms');
  }
  const conditions: NetworkConditions = o.conditions ?? {
    delayMs,
    jitterMs,
    loss: lossRate > 0 ? { model: 'bernoulli', rate: lossRate } : { model: 'none' },
  };

  const clock = new VirtualClock();
  const [endA, endB] = LoopbackTransport.pair({ clock });
  const netA = new NetworkEmulator(endA, { clock, seed: seed * 4, outgoing: conditions });
  const netB = new NetworkEmulator(endB, { clock, seed: seed * 4 + 2, outgoing: conditions });
  const seeded = new SeededRandom(seed * 4 + 1);
  const random = () => seeded.next();
  const rateHz = sessionRateHz(o.codec ?? 'opus');
  const sides = [
    { transport: netA, speech: speechA, cname: 'side-a' },
    { transport: netB, speech: speechB, cname: 'side-b' },
  ].map(({ transport, speech, cname }) => {
    const sink = new PcmBufferSink(
      { sampleRateHz: rateHz, channels: 1 },
      Math.ceil((rateHz * durationMs) / 1000),
    );
    const session = new VoiceSession({
      codec: o.codec,
      ptimeMs: o.ptimeMs,
      red: o.red,
      transport,
      clock,
      cname,
      random,
      statsIntervalMs: o.statsIntervalMs ?? 1000,
      source: new PcmBufferSource(speech.samples, speech.format),
      sink,
    });
    const timeline: VoiceSessionStats[] = [];
    session.on('stats', (stats) => timeline.push(stats));
    return { session, sink, timeline };
  });
  let finals: VoiceSessionStats[];
  try {
    for (const side of sides) await side.session.start();
    // Advance in slices so that a long call does not hold every timer in one batch.
    const endMs = clock.now() + durationMs;
    while (clock.now() < endMs) clock.advance(Math.min(1000, endMs - clock.now()));
    finals = sides.map((side) => side.session.getStats());
  } finally {
    await Promise.all(sides.map((side) => side.session.stop()));
  }
  const result: SimulatedSide[] = sides.map((side, k) => ({
    heard: side.sink.samples(),
    sampleRateHz: rateHz,
    statsTimeline: side.timeline,
    finalStats: finals[k],
  }));
  return { a: result[0], b: result[1], durationMs };
}

/** PCM rate a session runs at for `codec`: its codec's rate. */
function sessionRateHz(codec: SessionCodec): number {
  const name = typeof codec === 'string' ? codec : codec?.name;
  if (typeof name !== 'string') invalidOption('codec', codec, "must be 'pcmu', 'pcma', 'opus' or { name }");
  const probe = createCodec(name);
  const rateHz = probe.info.sampleRateHz;
  probe.close();
  return rateHz;
}
