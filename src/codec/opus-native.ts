/**
 * A thin, allocation-free binding to libopus inside the `opusscript` package's WASM module.
 *
 * The package's JS wrapper (`new OpusScript(...)`) is not used: it addresses its heap buffers at
 * twice their real offset (`HEAPU16.subarray(bytePointer, …)`), so every encode and decode writes
 * into memory owned by other allocations (other codecs' state once a few exist), truncates the
 * 120 ms that its concealment returns, and allocates a Buffer per call. Here the same C++ handler is
 * driven with buffers this module allocates and addresses correctly.
 * @internal
 */
import createOpusscriptModule, {
  type OpusScriptHandlerInstance,
  type OpusScriptNativeModule,
} from 'opusscript/build/opusscript_native_wasm.js';
import { VoxwireError } from '../errors.js';

/** libopus application constants. */
export const OPUS_APPLICATION_CODES = { voip: 2048, audio: 2049, lowdelay: 2051 } as const;

/** libopus encoder CTL requests (opus_defines.h); a GET is its SET + 1. */
export const OpusCtl = {
  setBitrate: 4002,
  setMaxBandwidth: 4004,
  setVbr: 4006,
  setComplexity: 4010,
  setInbandFec: 4012,
  setPacketLossPerc: 4014,
  setDtx: 4016,
  getLookahead: 4027,
} as const;

/** The C++ handler always decodes into a 5760-sample (per channel) buffer and conceals that much. */
export const NATIVE_MAX_DECODE_SAMPLES = 5760;
/** Output buffer of the C++ `_encode` (3 × 1276 bytes). */
const NATIVE_MAX_PACKET_BYTES = 3828;
/** Longest frame `encode` takes: 60 ms at 48 kHz, samples per channel. */
const MAX_ENCODE_SAMPLES = 2880;

const OPUS_ERRORS: Record<number, string> = {
  [-1]: 'bad argument',
  [-2]: 'buffer too small',
  [-3]: 'internal error',
  [-4]: 'invalid packet',
  [-5]: 'unimplemented',
  [-6]: 'invalid state',
  [-7]: 'memory allocation failed',
};

/** Name of a libopus error code. */
export function opusErrorName(code: number): string {
  return OPUS_ERRORS[code] ?? `error ${code}`;
}

let sharedModule: OpusScriptNativeModule | undefined;

/** The WASM module, instantiated once on first use (about 16 MiB of linear memory). */
function nativeModule(): OpusScriptNativeModule {
  if (sharedModule === undefined) {
    try {
      sharedModule = createOpusscriptModule();
    } catch (cause) {
      throw new VoxwireError('ERR_CODEC_FAILURE', 'opus: the opusscript WASM module failed to load', {
        cause,
      });
    }
  }
  return sharedModule;
}

/** The WASM linear memory shared by every Opus codec (undefined before the first one exists). */
export function opusWasmHeap(): Uint8Array | undefined {
  return sharedModule?.HEAPU8;
}

/** Static data of the module lies below this address, under its 64 KiB stack (measured from the binary). */
export const OPUS_WASM_STATIC_END = 60464;

/**
 * One libopus encoder + decoder pair and its heap buffers. Methods return negative libopus error
 * codes rather than throwing; WASM traps propagate as exceptions for the caller to wrap.
 * @internal
 */
export class OpusEngine {
  private readonly module: OpusScriptNativeModule;
  private handler: OpusScriptHandlerInstance | undefined;
  private readonly channels: number;
  private pcmInPtr: number;
  private packetOutPtr: number;
  private pcmOutPtr: number;
  private argPtr: number;
  private packetInPtr: number;
  private packetInBytes: number;
  // Views of the heap; rebuilt when the memory grows (growth detaches the old ArrayBuffer).
  private heap: ArrayBuffer | undefined;
  private heapU8!: Uint8Array;
  private heapU16!: Uint16Array;
  private heapI32!: Int32Array;

  /**
   * @param sampleRateHz - 8000, 12000, 16000, 24000 or 48000.
   * @param channels - 1 or 2.
   * @param application - One of {@link OPUS_APPLICATION_CODES}.
   * @throws VoxwireError `ERR_CODEC_FAILURE` when the module or libopus cannot create the pair.
   */
  constructor(sampleRateHz: number, channels: number, application: number) {
    this.module = nativeModule();
    this.channels = channels;
    const m = this.module;
    try {
      this.handler = new m.OpusScriptHandler(sampleRateHz, channels, application);
    } catch (cause) {
      throw new VoxwireError('ERR_CODEC_FAILURE', 'opus: libopus could not create an encoder/decoder', {
        cause,
      });
    }
    this.pcmInPtr = m._malloc(MAX_ENCODE_SAMPLES * channels * 4);
    this.packetOutPtr = m._malloc(NATIVE_MAX_PACKET_BYTES);
    this.pcmOutPtr = m._malloc(NATIVE_MAX_DECODE_SAMPLES * channels * 4);
    this.argPtr = m._malloc(4);
    this.packetInBytes = 1500;
    this.packetInPtr = m._malloc(this.packetInBytes);
    if (!this.pcmInPtr || !this.packetOutPtr || !this.pcmOutPtr || !this.argPtr || !this.packetInPtr) {
      this.free();
      throw new VoxwireError('ERR_CODEC_FAILURE', 'opus: out of WASM memory');
    }
    this.refreshViews();
  }

  /** Sets an encoder parameter. @returns 0 or a negative libopus error. */
  setEncoderCtl(ctl: number, value: number): number {
    return this.live()._encoder_ctl(ctl, value);
  }

  /** Reads an encoder parameter (`ctl` is the GET request). @returns The value, or throws on error. */
  getEncoderCtl(ctl: number): number {
    const status = this.live()._encoder_ctl(ctl, this.argPtr);
    if (status < 0) {
      throw new VoxwireError(
        'ERR_CODEC_FAILURE',
        `opus: encoder ctl ${ctl} failed: ${opusErrorName(status)}`,
      );
    }
    this.refreshViews();
    return this.heapI32[this.argPtr >> 2];
  }

  /**
   * Encodes `pcm` (interleaved, `frameSize` samples per channel).
   * @returns The packet length in bytes (read it with {@link packetBytes}) or a negative libopus error.
   */
  encode(pcm: Int16Array, frameSize: number): number {
    const handler = this.live();
    this.refreshViews();
    const slots = this.heapU16;
    const base = this.pcmInPtr >> 1;
    // The C++ side expects each sample as two 16-bit slots holding its low and high byte.
    for (let i = 0, j = base; i < pcm.length; i++, j += 2) {
      const s = pcm[i];
      slots[j] = s & 0xff;
      slots[j + 1] = (s >> 8) & 0xff;
    }
    return handler._encode(this.pcmInPtr, pcm.length, this.packetOutPtr, frameSize);
  }

  /** The last encoded packet (a view of the WASM heap, valid until the next call). */
  packetBytes(length: number): Uint8Array {
    return this.heapU8.subarray(this.packetOutPtr, this.packetOutPtr + length);
  }

  /**
   * Decodes one packet (an empty one runs the packet-loss concealment for 5760 samples per channel).
   * @returns Samples per channel decoded (copy them with {@link readPcm}) or a negative libopus error.
   */
  decode(packet: Uint8Array): number {
    const handler = this.live();
    if (packet.length > this.packetInBytes) this.growPacketIn(packet.length);
    this.refreshViews();
    this.heapU8.set(packet, this.packetInPtr);
    const samples = handler._decode(this.packetInPtr, packet.length, this.pcmOutPtr);
    this.refreshViews();
    return samples;
  }

  /**
   * Copies decoded samples into `out`, starting at decoded sample (interleaved index) `from`.
   * @param count - Interleaved samples to copy.
   */
  readPcm(out: Int16Array, outOffset: number, from: number, count: number): void {
    const slots = this.heapU16;
    let j = (this.pcmOutPtr >> 1) + 2 * from;
    for (let i = outOffset, end = outOffset + count; i < end; i++, j += 2) {
      out[i] = slots[j] | (slots[j + 1] << 8);
    }
  }

  /** Frees the libopus state and the heap buffers. Safe to call twice. */
  free(): void {
    const m = this.module;
    if (this.handler !== undefined) m.OpusScriptHandler.destroy_handler(this.handler);
    this.handler = undefined;
    for (const ptr of [this.pcmInPtr, this.packetOutPtr, this.pcmOutPtr, this.argPtr, this.packetInPtr]) {
      if (ptr) m._free(ptr);
    }
    this.pcmInPtr = this.packetOutPtr = this.pcmOutPtr = this.argPtr = this.packetInPtr = 0;
  }

  /** Channels of the PCM this engine handles. */
  get channelCount(): number {
    return this.channels;
  }

  private live(): OpusScriptHandlerInstance {
    if (this.handler === undefined) throw new VoxwireError('ERR_INVALID_STATE', 'opus: the codec is closed');
    return this.handler;
  }

  private growPacketIn(bytes: number): void {
    const ptr = this.module._malloc(bytes);
    if (!ptr)
      throw new VoxwireError('ERR_CODEC_FAILURE', `opus: out of WASM memory for a ${bytes}-byte packet`);
    this.module._free(this.packetInPtr);
    this.packetInPtr = ptr;
    this.packetInBytes = bytes;
  }

  private refreshViews(): void {
    const buffer = this.module.HEAPU8.buffer as ArrayBuffer;
    if (buffer === this.heap) return;
    this.heap = buffer;
    this.heapU8 = new Uint8Array(buffer);
    this.heapU16 = new Uint16Array(buffer);
    this.heapI32 = new Int32Array(buffer);
  }
}
