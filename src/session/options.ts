import type { AudioSink, AudioSource } from '../capture/types.js';
import { type Clock, RealClock } from '../clock/index.js';
import { invalidOption } from '../errors.js';
import type { Transport } from '../transport/types.js';
import type { SessionProcessor } from './processor.js';

/** A codec for a session: a registry name or `{ name, bitrate, ptime, dtx }`. */
export type SessionCodec =
  | 'pcmu'
  | 'pcma'
  | 'opus'
  | {
      /** Registry name: `'pcmu'`, `'pcma'`, `'opus'` or a plugin's. */
      readonly name: string;
      /** Target bitrate, bit/s (codecs that have one). */
      readonly bitrate?: number;
      /** Packet duration, ms; overrides the session's `ptimeMs`. */
      readonly ptime?: number;
      /** Discontinuous transmission when the codec supports it. */
      readonly dtx?: boolean;
      /**
       * Encoder complexity where the codec has one (Opus 0–10, default 9): lower costs less CPU per
       * session for slightly worse quality (docs/session.md has the figures).
       */
      readonly complexity?: number;
      /**
       * PCM rate the session runs at, Hz, where the codec offers a choice (Opus: 8000, 12000, 16000,
       * 24000 or 48000; default 48000). The platform source and sink are opened at it. 16000 halves a
       * session's CPU with the processor on (it works at 16 kHz anyway) but also plays what the peer
       * sends at 16 kHz (docs/session.md).
       */
      readonly sampleRateHz?: number;
    };

/** Options of `VoiceSession`. Only `transport` is required. */
export interface VoiceSessionOptions {
  /** The codec, default `'opus'`. */
  codec?: SessionCodec;
  /** Carries RTP/RTCP; the session owns it and closes it on `stop()`. */
  transport: Transport;
  /**
   * Where the microphone audio comes from, in any format (converted to the session rate); started
   * and stopped by the session. Default: the platform's default capture device through the first
   * usable backend (`createAudioSource({ backend: 'auto' })`: PulseAudio, ALSA, PortAudio on Linux),
   * opened at `start()`, which fails with `ERR_CAPTURE` saying what to install when none is usable.
   */
  source?: AudioSource;
  /** Where received audio goes; started and stopped by the session. Default: the platform's default
   * playback device, chosen as for `source`. */
  sink?: AudioSink;
  /**
   * Time source, default a new `RealClock`. A transport that stamps arrivals should run on the same
   * clock: the playout compares arrival times with its pull times.
   */
  clock?: Clock;
  /** Packet duration, ms: 10, 20, 40 or 60. Default 20. */
  ptimeMs?: number;
  /** Echo cancellation with the playout as far-end reference (built-in `AudioProcessor`), default false. */
  aec?: boolean;
  /** Noise suppression (built-in `AudioProcessor`), default false. */
  ns?: boolean;
  /** Voice activity detection: drives DTX, the audio-level V flag and `speaking`; default false. */
  vad?: boolean;
  /** Send RFC 2198 redundancy (one previous frame per packet) and recover with it, default false. */
  red?: boolean;
  /** RTP payload type of RED, 96–127, default 121. Both ends must agree. */
  redPayloadType?: number;
  /** RFC 6464 audio level extension id, 1–14, or 0 for none. Default 1. */
  audioLevelExtensionId?: number;
  /** Period of `stats` events, ms, ≥ 100, or 0 for none. Default 1000. */
  statsIntervalMs?: number;
  /**
   * RTP sources played at once, 1–16. Default 1: one stream, and a new SSRC replaces the old one
   * (the playout resets). Above 1, each SSRC gets its own playout and decoder and they are mixed (an
   * SFU's forwarded slots, a conference); a source silent for 2 s frees its place.
   */
  maxReceiveStreams?: number;
  /** Lowest playout delay, ms, 0–10000. Default 0. */
  minDelayMs?: number;
  /** RTP/RTCP CNAME, default random. */
  cname?: string;
  /** Random source for SSRC and sequence numbers (seeded runs), uniform [0, 1); default crypto. */
  random?: () => number;
  /**
   * The audio processor stage (AEC, NS, VAD, level), replacing the built-in one. Default: a built-in
   * `AudioProcessor` with the stages `aec`, `ns`, `vad` ask for, or none when all three are off.
   */
  processor?: SessionProcessor;
}

/** {@link VoiceSessionOptions} with every default filled in. @internal */
export interface ResolvedSessionOptions {
  codecName: string;
  bitrateBps: number | undefined;
  complexity: number | undefined;
  codecRateHz: number | undefined;
  dtx: boolean;
  maxReceiveStreams: number;
  ptimeMs: number;
  transport: Transport;
  source: AudioSource | undefined;
  sink: AudioSink | undefined;
  clock: Clock;
  aec: boolean;
  ns: boolean;
  vad: boolean;
  red: boolean;
  redPayloadType: number;
  audioLevelExtensionId: number;
  statsIntervalMs: number;
  minDelayMs: number;
  cname: string | undefined;
  random: (() => number) | undefined;
  processor: SessionProcessor | undefined;
}

const PTIMES_MS = [10, 20, 40, 60];

function bool(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') invalidOption(name, value, 'must be true or false');
  return value;
}

function int(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) {
    invalidOption(name, value, `must be an integer ${min}–${max}`);
  }
  return value;
}

function hasMethods(value: unknown, names: string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return names.every((n) => typeof v[n] === 'function');
}

/**
 * Validates and fills in the options of a session; fails on the first bad option, naming it.
 * @throws VoxwireError `ERR_INVALID_OPTION`.
 * @internal
 */
export function resolveSessionOptions(options: VoiceSessionOptions): ResolvedSessionOptions {
  if (typeof options !== 'object' || options === null) invalidOption('options', options, 'must be an object');
  const o = options;
  if (!hasMethods(o.transport, ['send', 'close', 'on'])) {
    invalidOption('transport', o.transport, 'must be a Transport (send, close, events)');
  }
  if (o.source !== undefined && !hasMethods(o.source, ['start', 'read', 'stop'])) {
    invalidOption('source', o.source, 'must be an AudioSource (start, read, stop)');
  }
  if (o.sink !== undefined && !hasMethods(o.sink, ['start', 'write', 'stop'])) {
    invalidOption('sink', o.sink, 'must be an AudioSink (start, write, stop)');
  }
  if (o.clock !== undefined && !hasMethods(o.clock, ['now', 'setTimeout'])) {
    invalidOption('clock', o.clock, 'must be a Clock (now, setTimeout)');
  }
  const codec = o.codec ?? 'opus';
  let codecName: string;
  let bitrateBps: number | undefined;
  let complexity: number | undefined;
  let codecRateHz: number | undefined;
  let dtx = false;
  let ptimeMs = o.ptimeMs;
  if (typeof codec === 'string') {
    codecName = codec.toLowerCase();
  } else if (typeof codec === 'object' && codec !== null && typeof codec.name === 'string') {
    codecName = codec.name.toLowerCase();
    if (codec.bitrate !== undefined) {
      if (!(typeof codec.bitrate === 'number' && Number.isFinite(codec.bitrate) && codec.bitrate > 0)) {
        invalidOption('codec.bitrate', codec.bitrate, 'must be a positive number of bit/s');
      }
      bitrateBps = codec.bitrate;
    }
    if (codec.complexity !== undefined) {
      if (!(Number.isInteger(codec.complexity) && codec.complexity >= 0 && codec.complexity <= 10)) {
        invalidOption('codec.complexity', codec.complexity, 'must be an integer 0–10');
      }
      complexity = codec.complexity;
    }
    if (codec.sampleRateHz !== undefined) {
      if (
        !(Number.isInteger(codec.sampleRateHz) && codec.sampleRateHz >= 8000 && codec.sampleRateHz <= 48000)
      ) {
        invalidOption('codec.sampleRateHz', codec.sampleRateHz, 'must be an integer 8000–48000 (Hz)');
      }
      codecRateHz = codec.sampleRateHz;
    }
    dtx = bool('codec.dtx', codec.dtx);
    if (codec.ptime !== undefined) {
      if (!PTIMES_MS.includes(codec.ptime as number)) {
        invalidOption('codec.ptime', codec.ptime, 'one of 10, 20, 40, 60 (ms)');
      }
      ptimeMs = codec.ptime;
    }
  } else {
    invalidOption(
      'codec',
      codec,
      "must be 'pcmu', 'pcma', 'opus' or { name, bitrate?, ptime?, dtx?, complexity?, sampleRateHz? }",
    );
  }
  if (ptimeMs !== undefined && !PTIMES_MS.includes(ptimeMs)) {
    invalidOption('ptimeMs', ptimeMs, 'one of 10, 20, 40, 60 (ms)');
  }
  const statsIntervalMs = o.statsIntervalMs ?? 1000;
  if (!(statsIntervalMs === 0 || (Number.isFinite(statsIntervalMs) && statsIntervalMs >= 100))) {
    invalidOption('statsIntervalMs', statsIntervalMs, 'must be 0 (none) or ≥ 100 ms');
  }
  if (o.cname !== undefined && (typeof o.cname !== 'string' || o.cname.length === 0)) {
    invalidOption('cname', o.cname, 'must be a non-empty string');
  }
  if (o.random !== undefined && typeof o.random !== 'function') {
    invalidOption('random', o.random, 'must be a function returning [0, 1)');
  }
  const aec = bool('aec', o.aec);
  const ns = bool('ns', o.ns);
  const vad = bool('vad', o.vad);
  if (o.processor !== undefined && !hasMethods(o.processor, ['processCapture', 'processReference'])) {
    invalidOption('processor', o.processor, 'must have processCapture() and processReference()');
  }
  return {
    codecName,
    bitrateBps,
    complexity,
    codecRateHz,
    dtx,
    ptimeMs: ptimeMs ?? 20,
    transport: o.transport,
    source: o.source,
    sink: o.sink,
    clock: o.clock ?? new RealClock(),
    aec,
    ns,
    vad,
    red: bool('red', o.red),
    redPayloadType: int('redPayloadType', o.redPayloadType, 121, 96, 127),
    audioLevelExtensionId: int('audioLevelExtensionId', o.audioLevelExtensionId, 1, 0, 14),
    statsIntervalMs,
    minDelayMs: int('minDelayMs', o.minDelayMs, 0, 0, 10_000),
    maxReceiveStreams: int('maxReceiveStreams', o.maxReceiveStreams, 1, 1, 16),
    cname: o.cname,
    random: o.random,
    processor: o.processor,
  };
}
