import type { AudioCodec } from '../codec/types.js';
import { invalidOption } from '../errors.js';

/**
 * Tuning of the delay manager (NetEQ's `DelayManager`/`UnderrunOptimizer` model). Defaults are
 * documented per field; change them only with a measurement (`npx tsx bench/run.ts playout`).
 */
export interface DelayManagerConfig {
  /**
   * Quantile of the per-interval peak relative delay taken as the target, 0.5–0.999. Default 0.975:
   * with 20 ms intervals (about one packet each) it gives at most 0.6 % late loss on the bench's
   * profiles (the margins after the target cover the rest).
   */
  quantile?: number;
  /**
   * The quantile while the owner's pulls keep stalling (see `Playout.pull`), `quantile`–0.999. Default
   * the larger of 0.985 and `quantile`: such an owner conceals during its stalls, which spends late
   * budget of its own (0.975 there concealed 5.15 % in the stalling bursty test, whose bound is 5 %).
   */
  stallQuantile?: number;
  /**
   * Histogram forgetting factor per interval, 0.9–0.9999 (closer to 1: slower decay). Default 0.997
   * (a memory of about 330 intervals, 7 s at 20 ms; the tail above the quantile fades in about 20 s;
   * 0.9993 kept the target of a past jitter regime for minutes).
   */
  forgetFactor?: number;
  /**
   * Interval whose peak relative delay feeds the histogram, ms, 20–5000. Default 20: about every packet
   * enters (a per-packet quantile); 300 before, with quantile 0.95 (docs/playout.md, delay section).
   */
  intervalMs?: number;
  /** Window in which the fastest packet is the reference of relative delay, ms, 200–10000. Default 2000. */
  windowMs?: number;
  /** Histogram bucket width, ms, 1–50. Default 2 (the target is rounded up to a bucket). */
  bucketMs?: number;
  /** Target before any statistics, ms. Default 80 (NetEQ's start delay). */
  startDelayMs?: number;
}

/** Options of `createPlayout`. Only `codec` is required. */
export interface PlayoutOptions {
  /** The codec that decodes the stream's payloads; its `sampleRateHz` is the output rate. Mono only. */
  codec: AudioCodec;
  /** Lowest target delay, ms, 0–10000. Default 0. */
  minDelayMs?: number;
  /** Highest target delay, ms, ≥ minDelayMs and ≤ 10000. Default 2000. */
  maxDelayMs?: number;
  /** Packets held at most; a full buffer is flushed (NetEQ's policy), 8–2000. Default 200. */
  maxPackets?: number;
  /**
   * A timestamp that moves this far from where arrival times say it should be resets the stream
   * (no loss is counted), ms, 500–600000. Default 5000.
   */
  timestampJumpResetMs?: number;
  /** RTP payload type of RFC 3389 comfort noise, 0–127, or -1 for none. Default 13. */
  comfortNoisePayloadType?: number;
  /**
   * RTP payload type of RFC 2198 RED carrying this codec, 0–127, or -1 for none. RED packets are
   * unpacked and lost packets rebuilt from redundancy before concealment is used. Default -1.
   */
  redPayloadType?: number;
  /**
   * Packet-loss concealment: `'pitch'` (our pitch-based Expand, G.711 Appendix I style) or
   * `'codec'` (the codec's own `conceal`, e.g. libopus PLC). Default: see
   * {@link defaultConcealment} (the one that measured better: `npx tsx bench/run.ts plc`).
   */
  concealment?: PlayoutConcealment;
  /** Delay-manager tuning. */
  delay?: DelayManagerConfig;
}

/** Which packet-loss concealment the playout uses (see {@link PlayoutOptions.concealment}). */
export type PlayoutConcealment = 'pitch' | 'codec';

/**
 * The default concealment for a codec: pitch-based for every codec. For Opus the codec's own
 * (opusscript's libopus PLC) was measured too (`npx tsx bench/run.ts plc`, 48 kHz, speech-a/b/c):
 * the pitch-based one scored better STOI and log-spectral distance at 5, 10, 20 % random and 10 %
 * bursty loss (e.g. 10 % random: STOI 0.925 vs 0.907, LSD 2.34 vs 3.01 dB); docs/playout.md.
 * @param _codec - The stream's codec (kept so the choice may depend on it).
 */
export function defaultConcealment(_codec: AudioCodec): PlayoutConcealment {
  return 'pitch';
}

/** {@link DelayManagerConfig} with every field set. @internal */
export type ResolvedDelayConfig = Required<DelayManagerConfig> & { minDelayMs: number; maxDelayMs: number };

/** {@link PlayoutOptions} with every field set. @internal */
export interface ResolvedPlayoutOptions {
  codec: AudioCodec;
  maxPackets: number;
  timestampJumpResetMs: number;
  comfortNoisePayloadType: number;
  redPayloadType: number;
  concealment: PlayoutConcealment;
  delay: ResolvedDelayConfig;
}

const KNOWN = new Set([
  'codec',
  'minDelayMs',
  'maxDelayMs',
  'maxPackets',
  'timestampJumpResetMs',
  'comfortNoisePayloadType',
  'redPayloadType',
  'concealment',
  'delay',
]);

function range(name: string, value: unknown, lo: number, hi: number, integer = false): number {
  if (typeof value !== 'number' || !(value >= lo && value <= hi) || (integer && !Number.isInteger(value))) {
    invalidOption(name, value, `must be ${integer ? 'an integer' : 'a number'} ${lo}–${hi}`);
  }
  return value;
}

/**
 * Fills defaults and validates a delay configuration.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and the allowed range.
 * @internal
 */
export function resolveDelayConfig(
  d: DelayManagerConfig = {},
  minDelayMs = 0,
  maxDelayMs = 2000,
): ResolvedDelayConfig {
  if (typeof d !== 'object' || d === null) invalidOption('delay', d, 'must be an object');
  range('minDelayMs', minDelayMs, 0, 10000);
  range('maxDelayMs', maxDelayMs, minDelayMs, 10000);
  const quantile = range('delay.quantile', d.quantile ?? 0.975, 0.5, 0.999);
  return {
    minDelayMs,
    maxDelayMs,
    quantile,
    stallQuantile: range(
      'delay.stallQuantile',
      d.stallQuantile ?? Math.max(quantile, 0.985),
      quantile,
      0.999,
    ),
    forgetFactor: range('delay.forgetFactor', d.forgetFactor ?? 0.997, 0.9, 0.9999),
    intervalMs: range('delay.intervalMs', d.intervalMs ?? 20, 20, 5000),
    windowMs: range('delay.windowMs', d.windowMs ?? 2000, 200, 10000),
    bucketMs: range('delay.bucketMs', d.bucketMs ?? 2, 1, 50),
    startDelayMs: range('delay.startDelayMs', d.startDelayMs ?? 80, 0, 10000),
  };
}

/**
 * Fills defaults and validates {@link PlayoutOptions}.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and the allowed range.
 * @internal
 */
export function resolvePlayoutOptions(options: PlayoutOptions): ResolvedPlayoutOptions {
  if (typeof options !== 'object' || options === null) invalidOption('options', options, 'must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key))
      invalidOption(key, (options as unknown as Record<string, unknown>)[key], 'unknown option');
  }
  const codec = options.codec;
  if (typeof codec !== 'object' || codec === null || typeof codec.decode !== 'function') {
    invalidOption('codec', codec, 'must be an AudioCodec');
  }
  if (codec.info.channels !== 1) invalidOption('codec', codec.info.name, 'the playout takes mono codecs');
  if (codec.info.sampleRateHz % 100 !== 0) {
    invalidOption('codec', codec.info.sampleRateHz, 'sampleRateHz must be a multiple of 100 Hz');
  }
  const minDelayMs = range('minDelayMs', options.minDelayMs ?? 0, 0, 10000);
  const maxDelayMs = range('maxDelayMs', options.maxDelayMs ?? 2000, minDelayMs, 10000);
  return {
    codec,
    maxPackets: range('maxPackets', options.maxPackets ?? 200, 8, 2000, true),
    timestampJumpResetMs: range('timestampJumpResetMs', options.timestampJumpResetMs ?? 5000, 500, 600000),
    comfortNoisePayloadType: range(
      'comfortNoisePayloadType',
      options.comfortNoisePayloadType ?? 13,
      -1,
      127,
      true,
    ),
    redPayloadType: range('redPayloadType', options.redPayloadType ?? -1, -1, 127, true),
    concealment: resolveConcealment(options.concealment, codec),
    delay: resolveDelayConfig(options.delay, minDelayMs, maxDelayMs),
  };
}

function resolveConcealment(value: unknown, codec: AudioCodec): PlayoutConcealment {
  if (value === undefined) return defaultConcealment(codec);
  if (value !== 'pitch' && value !== 'codec')
    invalidOption('concealment', value, "must be 'pitch' or 'codec'");
  if (value === 'codec' && typeof codec.conceal !== 'function') {
    invalidOption('concealment', value, `${codec.info.name} has no codec concealment; use 'pitch'`);
  }
  return value;
}
