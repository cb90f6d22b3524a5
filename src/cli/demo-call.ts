import { readWavFile, wavToInt16 } from '../audio/wav/index.js';
import { PcmBufferSink, PcmBufferSource } from '../capture/buffer.js';
import { type Clock, RealClock, VirtualClock } from '../clock/index.js';
import type { VoiceSessionStats } from '../session/stats.js';
import { VoiceSession } from '../session/voice-session.js';
import { LoopbackTransport } from '../transport/loopback.js';
import { NetworkEmulator } from '../transport/network-emulator/emulator.js';
import type { NetworkConditions } from '../transport/network-emulator/options.js';

/** What {@link runDemoCall} needs: two talkers, a network, a codec and how to run time. */
export interface DemoCallOptions {
  /** WAV file side A says (looped for the whole call). */
  speechA: string;
  /** WAV file side B says (looped for the whole call). */
  speechB: string;
  /** Conditions of each direction. */
  conditions: NetworkConditions;
  /** Codec name of both sides: `'opus'`, `'pcmu'` or `'pcma'`. */
  codec: 'opus' | 'pcmu' | 'pcma';
  /** Packet duration, ms (10, 20, 40, 60). */
  ptimeMs: number;
  /** RFC 2198 redundancy on both sides. */
  red: boolean;
  /** Call length, ms, > 0. */
  durationMs: number;
  /** `true`: on a virtual clock as fast as the CPU allows; `false`: in real time. */
  fast: boolean;
  /** Network seed (same seed, same losses). */
  seed: number;
  /** Period of the statistics timeline, ms, ≥ 100. */
  statsIntervalMs: number;
  /** Called with each side's statistics at every interval (`'b'`: what A's voice went through). */
  onStats?: (side: 'a' | 'b', stats: VoiceSessionStats) => void;
}

/** One side of a finished demo call. */
export interface DemoSide {
  /** What this side heard, mono Int16 at `sampleRateHz`. */
  heard: Int16Array;
  /** Rate of `heard`, Hz (the codec's). */
  sampleRateHz: number;
  /** Periodic statistics in order. */
  timeline: VoiceSessionStats[];
  /** Statistics at the end of the call. */
  final: VoiceSessionStats;
}

/** Rate of the heard audio and its WAV files, Hz. */
const HEARD_RATE_HZ = 16_000;

async function loadLooped(path: string): Promise<PcmBufferSource> {
  const wav = await readWavFile(path);
  return new PcmBufferSource(
    wavToInt16(wav),
    { sampleRateHz: wav.sampleRateHz, channels: wav.channels },
    {
      loop: true,
    },
  );
}

/**
 * Runs a call between two {@link VoiceSession}s through a {@link NetworkEmulator} per direction, either
 * in real time (a {@link RealClock}: the user watches the status) or on a {@link VirtualClock}.
 * @throws VoxwireError `ERR_WAV_*`/`ERR_CAPTURE` for unreadable speech; `ERR_INVALID_OPTION` for a
 *   codec/ptime pair the codec does not take.
 */
export async function runDemoCall(o: DemoCallOptions): Promise<{ a: DemoSide; b: DemoSide }> {
  const virtual = o.fast ? new VirtualClock() : undefined;
  // Keep the process alive while the call runs: in-memory transports hold no socket.
  const clock: Clock = virtual ?? new RealClock({ keepAlive: true });
  const [endA, endB] = LoopbackTransport.pair({ clock });
  const sources = [await loadLooped(o.speechA), await loadLooped(o.speechB)];
  const sides = (['a', 'b'] as const).map((name, k) => {
    const end = k === 0 ? endA : endB;
    // The session converts from its codec rate to the sink's: 16 kHz files whatever the codec.
    const sink = new PcmBufferSink({ sampleRateHz: HEARD_RATE_HZ, channels: 1 }, 16 * o.durationMs + 16_000);
    const transport = new NetworkEmulator(end, { clock, seed: o.seed * 4 + 2 * k, outgoing: o.conditions });
    const session = new VoiceSession({
      codec: o.codec,
      ptimeMs: o.ptimeMs,
      red: o.red,
      transport,
      clock,
      cname: `demo-${name}`,
      statsIntervalMs: o.statsIntervalMs,
      source: sources[k],
      sink,
    });
    const timeline: VoiceSessionStats[] = [];
    session.on('stats', (stats) => {
      timeline.push(stats);
      o.onStats?.(name, stats);
    });
    return { session, timeline, sink };
  });
  const finals: VoiceSessionStats[] = [];
  try {
    for (const side of sides) await side.session.start();
    if (virtual) {
      const endMs = virtual.now() + o.durationMs;
      while (virtual.now() < endMs) virtual.advance(Math.min(1000, endMs - virtual.now()));
    } else {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, o.durationMs));
    }
    for (const side of sides) finals.push(side.session.getStats());
  } finally {
    await Promise.all(sides.map((side) => side.session.stop()));
  }
  const result = sides.map((side, k) => ({
    heard: side.sink.samples(),
    sampleRateHz: HEARD_RATE_HZ,
    timeline: side.timeline,
    final: finals[k],
  }));
  return { a: result[0], b: result[1] };
}
