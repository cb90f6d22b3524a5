/**
 * The Opus codec (RFC 6716, RTP payload format RFC 7587) as an {@link AudioCodec}, over libopus 1.4
 * compiled to WASM by the `opusscript` package.
 */
import { invalidOption, isVoxwireError, VoxwireError } from '../errors.js';
import {
  decodeFrameByFrame,
  encodeMultiframe,
  MAX_DECODE_INTERLEAVED,
  MAX_ENCODE_INTERLEAVED,
} from './opus-multiframe.js';
import {
  NATIVE_MAX_DECODE_SAMPLES,
  OPUS_APPLICATION_CODES,
  OpusCtl,
  OpusEngine,
  opusErrorName,
} from './opus-native.js';
import {
  buildOpusFmtp,
  OPUS_BANDWIDTHS,
  type OpusCodecOptions,
  type ResolvedOpusOptions,
  resolveOpusOptions,
} from './opus-options.js';
import {
  measureOpusPacket,
  OPUS_MAX_PACKET_SAMPLES,
  type OpusBandwidth,
  opusPacketProblem,
} from './opus-toc.js';
import type { AudioCodec, CodecInfo } from './types.js';

export type { OpusApplication, OpusCodecOptions } from './opus-options.js';

/** Encoder parameters as libopus reports them (read back, not the options as given). */
export interface OpusEncoderSettings {
  /** Target bitrate, bit/s. */
  readonly bitrateBps: number;
  /** Complexity 0–10. */
  readonly complexity: number;
  /** Widest band coded. */
  readonly maxBandwidth: OpusBandwidth;
  /** Whether DTX is on. */
  readonly dtx: boolean;
  /** Whether in-band FEC is on. */
  readonly inbandFec: boolean;
  /** Expected packet loss, percent. */
  readonly packetLossPercent: number;
  /** Algorithmic delay of the encoder, samples per channel at the codec's PCM rate. */
  readonly lookaheadSamples: number;
}

/**
 * Opus. Use {@link createOpusCodec} or `createCodec('opus' | { name: 'opus', … })`.
 *
 * - `encode` takes exactly one frame of 2.5, 5, 10, 20, 40 or 60 ms of interleaved PCM at
 *   `info.sampleRateHz` (or the one duration set by `frameDurationMs`) and returns one packet. With
 *   `dtx`, a frame that libopus marks as not worth sending (a packet of 2 bytes or less) gives an empty
 *   payload: send nothing.
 * - `decode` first validates the packet's framing (RFC 6716 §3, see {@link parseOpusPacket}), so
 *   libopus never sees a malformed packet; any packet of 2.5–120 ms decodes, mono or stereo.
 * - `conceal(n)` returns exactly `n` samples per channel of libopus' own packet-loss concealment,
 *   continuing the last decoded audio (zeros before the first packet).
 * - Without `out`, results are views of internal buffers, valid until the next call of the same
 *   method (`conceal` shares the decode buffer); with `out`, results are views of `out`.
 *
 * Limits (of the `opusscript` build of libopus):
 * - In-band FEC is encoded (`inbandFec`) but cannot be decoded: the library exposes no
 *   `decode_fec`, so a lost packet is concealed even when the next one carries its FEC copy.
 * - libopus conceals through the handler only in 5760-sample blocks (120 ms at 48 kHz, 720 ms at
 *   8 kHz). `conceal` instead feeds libopus a packet of empty frames (RFC 6716 §3.2.1: a 0-byte
 *   frame is concealed) of 10 ms, or of 20 ms frames for longer requests, and keeps the surplus of a
 *   request that is not a multiple of 10 ms (under 20 ms) for the next call. A decoded packet drops
 *   that surplus, so odd request sizes can skip up to 20 ms of concealment; 10 ms requests never do.
 * - Packets of 80–120 ms decode but are not produced by `encode`.
 */
export class OpusCodec implements AudioCodec {
  /** What this codec is on the wire. */
  readonly info: CodecInfo;
  private readonly options: ResolvedOpusOptions;
  private readonly engine: OpusEngine;
  private readonly channels: number;
  private readonly validFrameSamples: ReadonlySet<number>;
  private readonly encodeBuffer = new Uint8Array(1276 * 3);
  private readonly decodeBuffer: Int16Array;
  private decodeView: Int16Array;
  /** Concealment generated but not yet served (interleaved), always under 20 ms. */
  private readonly surplus: Int16Array;
  private surplusStart = 0;
  private surplusLength = 0;
  /** TOC byte of the last decoded packet, -1 before the first. */
  private lastToc = -1;
  private readonly plcPacket = new Uint8Array(2);
  private readonly frameScratch = new Uint8Array(3 * 1276);
  private closed = false;

  /**
   * @param options - See {@link OpusCodecOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown option or a value out of range;
   *   `ERR_CODEC_FAILURE` when libopus cannot be loaded or configured.
   */
  constructor(options: OpusCodecOptions = {}) {
    const resolved = resolveOpusOptions(options);
    this.options = resolved;
    this.channels = resolved.channels;
    this.info = Object.freeze({
      name: 'opus',
      encodingName: 'opus',
      clockRateHz: 48000,
      sampleRateHz: resolved.sampleRateHz,
      channels: resolved.channels,
      payloadType: resolved.payloadType,
      sdpChannels: 2,
      fmtp: buildOpusFmtp(resolved),
      frameDurationsMs: resolved.frameDurationsMs,
      supportsDtx: true,
    });
    const samplesPerMs = resolved.sampleRateHz / 1000;
    this.validFrameSamples = new Set(resolved.frameDurationsMs.map((ms) => ms * samplesPerMs));
    this.decodeBuffer = new Int16Array(NATIVE_MAX_DECODE_SAMPLES * this.channels);
    this.decodeView = this.decodeBuffer.subarray(0, 0);
    this.surplus = new Int16Array(20 * samplesPerMs * this.channels);
    this.engine = new OpusEngine(
      resolved.sampleRateHz,
      resolved.channels,
      OPUS_APPLICATION_CODES[resolved.application],
    );
    try {
      this.configure(resolved);
    } catch (error) {
      this.engine.free();
      throw error;
    }
  }

  /**
   * Encodes one frame.
   * @param pcm - Interleaved PCM at `info.sampleRateHz`: one of `info.frameDurationsMs` × channels.
   * @param out - Optional destination; 1276 bytes always suffice.
   * @returns The packet (empty when DTX decided to send nothing; see the class notes on buffers).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for another frame length or a short `out`;
   *   `ERR_CODEC_FAILURE` when libopus fails; `ERR_INVALID_STATE` after `close()`.
   */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array {
    this.assertOpen('encode');
    const samplesPerChannel = pcm.length / this.channels;
    if (!this.validFrameSamples.has(samplesPerChannel)) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `opus encode: ${pcm.length} samples is not ${this.info.frameDurationsMs.join('/')} ms of ` +
          `${this.channels}-channel PCM at ${this.info.sampleRateHz} Hz`,
      );
    }
    const target = out ?? this.encodeBuffer;
    if (pcm.length > MAX_ENCODE_INTERLEAVED) {
      const subSamples = this.info.sampleRateHz / 50;
      const { channels, frameScratch } = this;
      const dtx = this.options.dtx;
      const written = this.guard('encode', () =>
        encodeMultiframe(this.engine, pcm, channels, subSamples, target, frameScratch, dtx),
      );
      return target.subarray(0, written);
    }
    const length = this.guard('encode', () => this.engine.encode(pcm, samplesPerChannel));
    if (length < 0) {
      throw new VoxwireError('ERR_CODEC_FAILURE', `opus encode: libopus failed: ${opusErrorName(length)}`);
    }
    // libopus asks for DTX frames of 2 bytes or less not to be sent.
    if (this.options.dtx && length <= 2) return target.subarray(0, 0);
    if (target.length < length) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `opus encode: out holds ${target.length} bytes, ${length} needed`,
      );
    }
    target.set(this.engine.packetBytes(length));
    return target.subarray(0, length);
  }

  /**
   * Decodes one packet.
   * @param payload - One Opus packet (RTP payload), mono or stereo, 2.5–120 ms.
   * @param out - Optional destination of at least the packet's duration × channels samples.
   * @returns Interleaved PCM at `info.sampleRateHz` (see the class notes on buffers).
   * @throws VoxwireError `ERR_CODEC_MALFORMED` for a packet whose framing is invalid or that libopus
   *   rejects; `ERR_INVALID_ARGUMENT` for a short `out`; `ERR_CODEC_FAILURE` when libopus fails
   *   otherwise; `ERR_INVALID_STATE` after `close()`.
   */
  decode(payload: Uint8Array, out?: Int16Array): Int16Array {
    this.assertOpen('decode');
    if (!(payload instanceof Uint8Array)) {
      throw new VoxwireError('ERR_INVALID_ARGUMENT', 'opus decode: the payload must be a Uint8Array');
    }
    const samples48k = measureOpusPacket(payload);
    if (samples48k < 0) {
      throw new VoxwireError('ERR_CODEC_MALFORMED', `opus decode: ${opusPacketProblem(samples48k)}`);
    }
    const expected = ((samples48k * this.info.sampleRateHz) / 48000) * this.channels;
    if (out !== undefined && out.length < expected) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `opus decode: out holds ${out.length} samples, ${expected} needed`,
      );
    }
    const target = out ?? this.decodeTarget(expected);
    const channels = this.channels;
    const decoded = this.guard('decode', () => {
      if (expected <= MAX_DECODE_INTERLEAVED) return this.engine.decode(payload);
      return decodeFrameByFrame(this.engine, payload, this.frameScratch, (samples, offset) =>
        this.engine.readPcm(
          target,
          offset * channels,
          0,
          Math.min(samples * channels, expected - offset * channels),
        ),
      );
    });
    if (decoded < 0) {
      throw new VoxwireError(
        decoded === -4 ? 'ERR_CODEC_MALFORMED' : 'ERR_CODEC_FAILURE',
        `opus decode: libopus rejected the packet: ${opusErrorName(decoded)}`,
      );
    }
    this.surplusLength = 0;
    this.lastToc = payload[0];
    const count = Math.min(decoded * channels, expected);
    if (expected <= MAX_DECODE_INTERLEAVED) this.engine.readPcm(target, 0, 0, count);
    return target.length === count ? target : target.subarray(0, count);
  }

  /**
   * Synthesises lost audio with libopus' packet-loss concealment, continuing from the last decoded
   * packet (silence before the first). See the class notes for how sizes are met exactly.
   * @param samplesPerChannel - Audio to produce, samples per channel, 0 to 120 ms' worth.
   * @param out - Optional destination of at least `samplesPerChannel × channels` samples.
   * @returns Exactly `samplesPerChannel × channels` interleaved samples.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` for a count that is not an integer in range or a
   *   short `out`; `ERR_CODEC_FAILURE` when libopus fails; `ERR_INVALID_STATE` after `close()`.
   */
  conceal(samplesPerChannel: number, out?: Int16Array): Int16Array {
    this.assertOpen('conceal');
    const max = (OPUS_MAX_PACKET_SAMPLES * this.info.sampleRateHz) / 48000;
    if (!Number.isInteger(samplesPerChannel) || samplesPerChannel < 0 || samplesPerChannel > max) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `opus conceal: samplesPerChannel ${samplesPerChannel} is not an integer 0–${max}`,
      );
    }
    const total = samplesPerChannel * this.channels;
    if (out !== undefined && out.length < total) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        `opus conceal: out holds ${out.length} samples, ${total} needed`,
      );
    }
    const target = out ?? this.decodeTarget(total);
    let filled = Math.min(this.surplusLength, total);
    target.set(this.surplus.subarray(this.surplusStart, this.surplusStart + filled));
    this.surplusStart += filled;
    this.surplusLength -= filled;
    if (this.lastToc < 0) {
      target.fill(0, filled, total);
      filled = total;
    }
    while (filled < total) filled += this.concealChunk(target, filled, total - filled);
    return target.length === total ? target : target.subarray(0, total);
  }

  /**
   * The encoder parameters libopus is using, read back from it (to check what options did).
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`.
   */
  readEncoderSettings(): OpusEncoderSettings {
    this.assertOpen('readEncoderSettings');
    const get = (setCtl: number): number => this.engine.getEncoderCtl(setCtl + 1);
    return Object.freeze({
      bitrateBps: get(OpusCtl.setBitrate),
      complexity: get(OpusCtl.setComplexity),
      maxBandwidth: bandwidthOfCode(get(OpusCtl.setMaxBandwidth)),
      dtx: get(OpusCtl.setDtx) === 1,
      inbandFec: get(OpusCtl.setInbandFec) === 1,
      packetLossPercent: get(OpusCtl.setPacketLossPerc),
      lookaheadSamples: this.engine.getEncoderCtl(OpusCtl.getLookahead),
    });
  }

  /** Frees the libopus encoder and decoder (WASM memory). Calling it again does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.free();
  }

  /** Runs libopus' PLC for up to 120 ms; writes at most `wanted` interleaved samples, keeps the rest. */
  private concealChunk(target: Int16Array, at: number, wanted: number): number {
    const perMs = this.info.sampleRateHz / 1000;
    const wantedPerChannel = wanted / this.channels;
    const chunkMs = wantedPerChannel <= 10 * perMs ? 10 : 20;
    const chunkSamples = chunkMs * perMs;
    const budget = Math.floor(MAX_DECODE_INTERLEAVED / (chunkSamples * this.channels));
    const frames = Math.min(6, budget, Math.ceil(wantedPerChannel / chunkSamples));
    this.plcPacket[0] = plcToc(this.lastToc, chunkMs) | 3;
    this.plcPacket[1] = frames; // code 3, CBR, no padding: `frames` frames of 0 bytes
    const produced = this.guard('conceal', () => this.engine.decode(this.plcPacket));
    if (produced < 0) {
      throw new VoxwireError('ERR_CODEC_FAILURE', `opus conceal: libopus failed: ${opusErrorName(produced)}`);
    }
    const available = produced * this.channels;
    const used = Math.min(available, wanted);
    this.engine.readPcm(target, at, 0, used);
    this.surplusStart = 0;
    this.surplusLength = Math.min(available - used, this.surplus.length);
    if (produced * this.channels > MAX_DECODE_INTERLEAVED) this.surplusLength = 0;
    this.engine.readPcm(this.surplus, 0, used, this.surplusLength);
    return used;
  }

  private decodeTarget(count: number): Int16Array {
    if (this.decodeView.length !== count) this.decodeView = this.decodeBuffer.subarray(0, count);
    return this.decodeView;
  }

  private configure(options: ResolvedOpusOptions): void {
    const set = (ctl: number, value: number, option: string): void => {
      const status = this.engine.setEncoderCtl(ctl, value);
      if (status < 0) invalidOption(option, value, `libopus refused it (${opusErrorName(status)})`);
    };
    set(OpusCtl.setBitrate, options.bitrateBps, 'bitrateBps');
    set(OpusCtl.setComplexity, options.complexity, 'complexity');
    set(OpusCtl.setMaxBandwidth, OPUS_BANDWIDTHS[options.maxBandwidth].code, 'maxBandwidth');
    set(OpusCtl.setDtx, options.dtx ? 1 : 0, 'dtx');
    set(OpusCtl.setInbandFec, options.inbandFec ? 1 : 0, 'inbandFec');
    set(OpusCtl.setPacketLossPerc, options.packetLossPercent, 'packetLossPercent');
  }

  /** Runs a libopus call, turning a WASM trap or binding error into `ERR_CODEC_FAILURE`. */
  private guard(method: string, call: () => number): number {
    try {
      return call();
    } catch (cause) {
      if (isVoxwireError(cause)) throw cause;
      throw new VoxwireError('ERR_CODEC_FAILURE', `opus ${method}: libopus failed`, { cause });
    }
  }

  private assertOpen(method: string): void {
    if (this.closed) throw new VoxwireError('ERR_INVALID_STATE', `opus ${method}: the codec is closed`);
  }
}

/**
 * A TOC byte (code bits clear) with the mode, bandwidth and stereo flag of `lastToc` and frames of
 * 10 or 20 ms: every mode has both sizes, and libopus conceals an empty frame in the previous mode.
 */
function plcToc(lastToc: number, frameMs: 10 | 20): number {
  const config = lastToc >> 3;
  const stereo = lastToc & 4;
  let plcConfig: number;
  if (config < 12) plcConfig = (config & ~3) | (frameMs === 10 ? 0 : 1);
  else if (config < 16) plcConfig = (config & ~1) | (frameMs === 10 ? 0 : 1);
  else plcConfig = (config & ~3) | (frameMs === 10 ? 2 : 3);
  return (plcConfig << 3) | stereo;
}

/**
 * Creates an Opus codec: `opus/48000/2`, payload type 111, 48 kHz mono 32 kbit/s by default.
 * @param options - See {@link OpusCodecOptions}.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an unknown option or a value out of range;
 *   `ERR_CODEC_FAILURE` when libopus cannot be loaded.
 */
export function createOpusCodec(options?: OpusCodecOptions): OpusCodec {
  return new OpusCodec(options);
}

function bandwidthOfCode(code: number): OpusBandwidth {
  const names = Object.keys(OPUS_BANDWIDTHS) as OpusBandwidth[];
  return names.find((name) => OPUS_BANDWIDTHS[name].code === code) ?? 'fullband';
}
