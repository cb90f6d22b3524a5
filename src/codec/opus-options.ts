/**
 * Options of the Opus codec: the public {@link OpusCodecOptions}, their defaults and validation, and
 * the SDP `a=fmtp` line they imply (RFC 7587 §6.1).
 */
import { invalidOption } from '../errors.js';
import type { OpusBandwidth } from './opus-toc.js';

/**
 * libopus application: `'voip'` favours speech intelligibility, `'audio'` fidelity to the input,
 * `'lowdelay'` (RESTRICTED_LOWDELAY) drops SILK for the lowest algorithmic delay (CELT only, 2.5 ms less).
 */
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';

/** libopus OPUS_BANDWIDTH_* codes and the capture rate each implies (RFC 7587 `sprop-maxcapturerate`). @internal */
export const OPUS_BANDWIDTHS: Readonly<Record<OpusBandwidth, { code: number; captureRateHz: number }>> =
  Object.freeze({
    narrowband: { code: 1101, captureRateHz: 8000 },
    mediumband: { code: 1102, captureRateHz: 12000 },
    wideband: { code: 1103, captureRateHz: 16000 },
    superwideband: { code: 1104, captureRateHz: 24000 },
    fullband: { code: 1105, captureRateHz: 48000 },
  });

/** Options of {@link createOpusCodec}. Every field is optional. */
export interface OpusCodecOptions {
  /** PCM rate of `encode` input and `decode` output, Hz: 8000, 12000, 16000, 24000 or 48000. Default 48000. */
  sampleRateHz?: number;
  /** PCM channels, 1 or 2 (interleaved). Default 1. */
  channels?: number;
  /** libopus application. Default `'voip'`. */
  application?: OpusApplication;
  /** Target bitrate, bit/s, 6000–510000. Default 32000 mono, 64000 stereo. */
  bitrateBps?: number;
  /** Encoder complexity 0–10: CPU against quality. Default 9 (libopus' own default). */
  complexity?: number;
  /**
   * Widest band the encoder codes. Default `'fullband'`. Set it when the input carries nothing
   * above a band's edge (e.g. audio processed at 16 kHz: `'wideband'`): the encoder then stays in
   * SILK mode, which costs less CPU and spends no bits on an empty band. Advertised in SDP as
   * `sprop-maxcapturerate`.
   */
  maxBandwidth?: OpusBandwidth;
  /** Discontinuous transmission: in silence `encode` returns empty payloads (send nothing). Default false. */
  dtx?: boolean;
  /**
   * Put in-band FEC (a low-bitrate copy of the previous frame, SILK and hybrid modes only) in the
   * packets sent. Default false. Only effective while `packetLossPercent` is above 0.
   */
  inbandFec?: boolean;
  /**
   * Expected packet loss, percent 0–100: makes the encoder more robust and sizes the FEC. Default
   * 10 when `inbandFec` is true, otherwise 0.
   */
  packetLossPercent?: number;
  /**
   * The one frame duration `encode` will accept, ms: 2.5, 5, 10, 20, 40 or 60. Default: any of them
   * (`info.frameDurationsMs` lists what is accepted).
   */
  frameDurationMs?: number;
  /** RTP payload type to advertise, dynamic range 96–127. Default 111 (what browsers use). */
  payloadType?: number;
}

/** {@link OpusCodecOptions} with every field resolved. @internal */
export interface ResolvedOpusOptions {
  readonly sampleRateHz: number;
  readonly channels: number;
  readonly application: OpusApplication;
  readonly bitrateBps: number;
  readonly complexity: number;
  readonly maxBandwidth: OpusBandwidth;
  readonly dtx: boolean;
  readonly inbandFec: boolean;
  readonly packetLossPercent: number;
  readonly frameDurationsMs: readonly number[];
  readonly payloadType: number;
}

/** Frame durations Opus encodes, ms (RFC 6716 §2.1.4; 80–120 ms packets are left out). */
export const OPUS_FRAME_DURATIONS_MS: readonly number[] = Object.freeze([2.5, 5, 10, 20, 40, 60]);
/** PCM rates libopus works at, Hz. */
export const OPUS_SAMPLE_RATES_HZ: readonly number[] = Object.freeze([8000, 12000, 16000, 24000, 48000]);
const APPLICATIONS: readonly OpusApplication[] = ['voip', 'audio', 'lowdelay'];
const KNOWN_OPTIONS = new Set([
  'sampleRateHz',
  'channels',
  'application',
  'bitrateBps',
  'complexity',
  'maxBandwidth',
  'dtx',
  'inbandFec',
  'packetLossPercent',
  'frameDurationMs',
  'payloadType',
]);

function integerIn(name: string, value: number, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidOption(name, value, `an integer ${min}–${max}${unit}`);
  }
  return value;
}

function booleanOption(name: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidOption(name, value, 'true or false');
  return value;
}

/**
 * Applies defaults and validates.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming the option, the value and what is allowed.
 * @internal
 */
export function resolveOpusOptions(options: OpusCodecOptions = {}): ResolvedOpusOptions {
  if (typeof options !== 'object' || options === null) {
    invalidOption('options', options, 'an object of OpusCodecOptions');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      invalidOption(
        key,
        (options as Record<string, unknown>)[key],
        `Opus accepts ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const sampleRateHz = options.sampleRateHz ?? 48000;
  if (!OPUS_SAMPLE_RATES_HZ.includes(sampleRateHz)) {
    invalidOption('sampleRateHz', sampleRateHz, 'one of 8000, 12000, 16000, 24000, 48000 (Hz)');
  }
  const channels = options.channels ?? 1;
  if (channels !== 1 && channels !== 2) invalidOption('channels', channels, '1 or 2');
  const application = options.application ?? 'voip';
  if (!APPLICATIONS.includes(application)) {
    invalidOption('application', application, "'voip', 'audio' or 'lowdelay'");
  }
  const bitrateBps = integerIn(
    'bitrateBps',
    options.bitrateBps ?? 32000 * channels,
    6000,
    510000,
    ' (bit/s)',
  );
  const complexity = integerIn('complexity', options.complexity ?? 9, 0, 10, '');
  const maxBandwidth = options.maxBandwidth ?? 'fullband';
  if (!Object.hasOwn(OPUS_BANDWIDTHS, maxBandwidth)) {
    invalidOption(
      'maxBandwidth',
      maxBandwidth,
      "'narrowband', 'mediumband', 'wideband', 'superwideband' or 'fullband'",
    );
  }
  const dtx = booleanOption('dtx', options.dtx, false);
  const inbandFec = booleanOption('inbandFec', options.inbandFec, false);
  const packetLossPercent = integerIn(
    'packetLossPercent',
    options.packetLossPercent ?? (inbandFec ? 10 : 0),
    0,
    100,
    ' (%)',
  );
  let frameDurationsMs = OPUS_FRAME_DURATIONS_MS;
  if (options.frameDurationMs !== undefined) {
    if (!OPUS_FRAME_DURATIONS_MS.includes(options.frameDurationMs)) {
      invalidOption('frameDurationMs', options.frameDurationMs, 'one of 2.5, 5, 10, 20, 40, 60 (ms)');
    }
    frameDurationsMs = Object.freeze([options.frameDurationMs]);
  }
  const payloadType = integerIn(
    'payloadType',
    options.payloadType ?? 111,
    96,
    127,
    ' (dynamic RTP payload type)',
  );
  return {
    sampleRateHz,
    channels,
    application,
    bitrateBps,
    complexity,
    maxBandwidth,
    dtx,
    inbandFec,
    packetLossPercent,
    frameDurationsMs,
    payloadType,
  };
}

/**
 * The `a=fmtp` parameters (RFC 7587 §6.1) for resolved options: always `minptime=10;useinbandfec=1`
 * (this side accepts 10 ms packets and packets that carry FEC), then `stereo=1;sprop-stereo=1` when
 * sending stereo, `usedtx=1` with DTX and `sprop-maxcapturerate` below fullband. The defaults give
 * exactly `minptime=10;useinbandfec=1`.
 * @internal
 */
export function buildOpusFmtp(options: ResolvedOpusOptions): string {
  const parts = ['minptime=10', 'useinbandfec=1'];
  if (options.channels === 2) parts.push('stereo=1', 'sprop-stereo=1');
  if (options.dtx) parts.push('usedtx=1');
  if (options.maxBandwidth !== 'fullband') {
    parts.push(`sprop-maxcapturerate=${OPUS_BANDWIDTHS[options.maxBandwidth].captureRateHz}`);
  }
  return parts.join(';');
}
