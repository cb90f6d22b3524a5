/**
 * The G.711 codecs `pcmu` (μ-law, RTP payload type 0) and `pcma` (A-law, payload type 8) as
 * {@link AudioCodec}s: 8 kHz mono, one byte per sample (RFC 3551 §4.5.14).
 */

import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../audio/g711.js';
import { invalidOption, VoxwireError } from '../errors.js';
import type { AudioCodec, CodecInfo } from './types.js';

/** Samples per 10 ms at 8 kHz. */
const SAMPLES_PER_10_MS = 80;
/** Frame durations G.711 `encode` accepts, ms (RFC 3551 allows any; voxwire packetises in 10 ms steps). */
const G711_FRAME_DURATIONS_MS: readonly number[] = Object.freeze([10, 20, 30, 40, 50, 60]);
/** Initial decode buffer: 60 ms. Grows (rarely) for a peer that sends longer packets. */
const INITIAL_DECODE_SAMPLES = 480;

/** Options of {@link createPcmuCodec} and {@link createPcmaCodec}. Every field is optional. */
export interface G711CodecOptions {
  /**
   * RTP payload type to advertise, 0–127. Default: the static assignment of RFC 3551 (0 for PCMU,
   * 8 for PCMA); change it only to mirror a peer that maps G.711 to a dynamic type.
   */
  payloadType?: number;
  /**
   * The one frame duration `encode` will accept, ms: 10, 20, 30, 40, 50 or 60. Default: any of them
   * (`info.frameDurationsMs` lists what is accepted).
   */
  frameDurationMs?: number;
}

/** {@link G711CodecOptions} with every field resolved. @internal */
interface ResolvedG711Options {
  payloadType: number;
  frameDurationsMs: readonly number[];
}

const KNOWN_OPTIONS = new Set(['payloadType', 'frameDurationMs']);

function resolveG711Options(options: G711CodecOptions, defaultPayloadType: number): ResolvedG711Options {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      invalidOption(
        key,
        (options as Record<string, unknown>)[key],
        'G.711 accepts payloadType, frameDurationMs',
      );
    }
  }
  const payloadType = options.payloadType ?? defaultPayloadType;
  if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) {
    invalidOption('payloadType', payloadType, 'an integer 0–127');
  }
  let frameDurationsMs = G711_FRAME_DURATIONS_MS;
  if (options.frameDurationMs !== undefined) {
    if (!G711_FRAME_DURATIONS_MS.includes(options.frameDurationMs)) {
      invalidOption('frameDurationMs', options.frameDurationMs, 'one of 10, 20, 30, 40, 50, 60 (ms)');
    }
    frameDurationsMs = Object.freeze([options.frameDurationMs]);
  }
  return { payloadType, frameDurationsMs };
}

type Encoder = (pcm: Int16Array, out: Uint8Array) => Uint8Array;
type Decoder = (codes: Uint8Array, out: Int16Array) => Int16Array;

/**
 * A G.711 codec (μ-law or A-law). Use {@link createPcmuCodec} / {@link createPcmaCodec} or
 * `createCodec('pcmu' | 'pcma')` rather than the constructor.
 *
 * - `encode` takes exactly 10, 20, 30, 40, 50 or 60 ms (80–480 samples in steps of 80) of 8 kHz mono
 *   PCM (or the one duration set by `frameDurationMs`) and returns one byte per sample.
 * - `decode` takes a payload of any length from a peer (each byte is one sample; an empty payload
 *   gives no samples) and returns as many samples.
 * - Without `out`, results are views of internal buffers, valid until the next call of the same
 *   method; a steady frame size allocates nothing per frame. With `out`, a result of exactly
 *   `out.length` is `out` itself and a shorter one a view of it.
 * - No native concealment: lost G.711 audio is left to the playout's concealment.
 */
export class G711Codec implements AudioCodec {
  /** What this codec is on the wire. */
  readonly info: CodecInfo;
  private readonly encodeFn: Encoder;
  private readonly decodeFn: Decoder;
  private readonly validFrameSamples: ReadonlySet<number>;
  private readonly encodeBuffer: Uint8Array;
  private decodeBuffer: Int16Array;
  // One cached view per direction: a stream of equal-sized frames reuses it without allocating.
  private encodeView: Uint8Array;
  private decodeView: Int16Array;
  private closed = false;

  /**
   * @param law - `'mulaw'` (PCMU) or `'alaw'` (PCMA).
   * @param options - See {@link G711CodecOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown law, an unknown option or a value out of range.
   */
  constructor(law: 'mulaw' | 'alaw', options: G711CodecOptions = {}) {
    if (law !== 'mulaw' && law !== 'alaw') invalidOption('law', law, "'mulaw' or 'alaw'");
    const isMuLaw = law === 'mulaw';
    const resolved = resolveG711Options(options, isMuLaw ? 0 : 8);
    this.info = Object.freeze({
      name: isMuLaw ? 'pcmu' : 'pcma',
      encodingName: isMuLaw ? 'PCMU' : 'PCMA',
      clockRateHz: 8000,
      sampleRateHz: 8000,
      channels: 1,
      payloadType: resolved.payloadType,
      sdpChannels: 1,
      fmtp: '',
      frameDurationsMs: resolved.frameDurationsMs,
      supportsDtx: false,
    });
    this.encodeFn = isMuLaw ? encodeMuLaw : encodeALaw;
    this.decodeFn = isMuLaw ? decodeMuLaw : decodeALaw;
    this.validFrameSamples = new Set(resolved.frameDurationsMs.map((ms) => (ms / 10) * SAMPLES_PER_10_MS));
    this.encodeBuffer = new Uint8Array(Math.max(...this.validFrameSamples));
    this.decodeBuffer = new Int16Array(INITIAL_DECODE_SAMPLES);
    this.encodeView = this.encodeBuffer.subarray(0, 0);
    this.decodeView = this.decodeBuffer.subarray(0, 0);
  }

  /**
   * Encodes one frame of 8 kHz mono PCM.
   * @param pcm - 80, 160, 240, 320, 400 or 480 samples (10–60 ms), or the configured frame size.
   * @param out - Optional destination of at least `pcm.length` bytes.
   * @returns One G.711 code per sample (see the class notes on buffer ownership).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for another frame length or a short `out`;
   *   `ERR_INVALID_STATE` after `close()`.
   */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array {
    this.assertOpen('encode');
    const n = pcm.length;
    if (!this.validFrameSamples.has(n)) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `${this.info.name} encode: a frame of ${n} samples is not ${this.info.frameDurationsMs.join('/')} ms at 8 kHz`,
      );
    }
    if (out !== undefined) return this.encodeFn(pcm, out);
    if (this.encodeView.length !== n) this.encodeView = this.encodeBuffer.subarray(0, n);
    return this.encodeFn(pcm, this.encodeView);
  }

  /**
   * Decodes one payload.
   * @param payload - G.711 codes, one per sample, any length.
   * @param out - Optional destination of at least `payload.length` samples.
   * @returns 8 kHz mono PCM (see the class notes on buffer ownership).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a short `out`; `ERR_INVALID_STATE` after `close()`.
   */
  decode(payload: Uint8Array, out?: Int16Array): Int16Array {
    this.assertOpen('decode');
    const n = payload.length;
    if (out !== undefined) return this.decodeFn(payload, out);
    if (this.decodeView.length !== n) {
      if (n > this.decodeBuffer.length) this.decodeBuffer = new Int16Array(n);
      this.decodeView = this.decodeBuffer.subarray(0, n);
    }
    return this.decodeFn(payload, this.decodeView);
  }

  /** Ends the codec. Calling it again does nothing; `encode`/`decode` then throw `ERR_INVALID_STATE`. */
  close(): void {
    this.closed = true;
  }

  private assertOpen(method: string): void {
    if (this.closed) {
      throw new VoxwireError('ERR_INVALID_STATE', `${this.info.name} ${method}: the codec is closed`);
    }
  }
}

/**
 * Creates a PCMU (G.711 μ-law) codec: `PCMU/8000`, payload type 0, 8 kHz mono.
 * @param options - See {@link G711CodecOptions}.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown option or a value out of range.
 */
export function createPcmuCodec(options?: G711CodecOptions): G711Codec {
  return new G711Codec('mulaw', options);
}

/**
 * Creates a PCMA (G.711 A-law) codec: `PCMA/8000`, payload type 8, 8 kHz mono.
 * @param options - See {@link G711CodecOptions}.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown option or a value out of range.
 */
export function createPcmaCodec(options?: G711CodecOptions): G711Codec {
  return new G711Codec('alaw', options);
}
