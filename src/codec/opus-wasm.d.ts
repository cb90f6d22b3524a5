/**
 * Types of the Emscripten module inside the `opusscript` package (libopus 1.4 in WASM), which
 * voxwire drives directly: the package's own JS wrapper addresses its buffers at twice their heap
 * offset and so writes into memory it does not own.
 */
declare module 'opusscript/build/opusscript_native_wasm.js' {
  /** One libopus encoder and decoder pair (C++ `OpusScriptHandler`). */
  export interface OpusScriptHandlerInstance {
    /** Encodes `samples` interleaved samples stored one byte per 16-bit slot (low, high) at `pcmPtr`. */
    _encode(pcmPtr: number, samples: number, outPtr: number, frameSize: number): number;
    /** Decodes `bytes` bytes at `dataPtr`; writes each sample as two 16-bit slots (low byte, high byte). */
    _decode(dataPtr: number, bytes: number, pcmPtr: number): number;
    /** `opus_encoder_ctl(encoder, ctl, arg)`; `arg` is a heap address for the GET requests. */
    _encoder_ctl(ctl: number, arg: number): number;
    /** `opus_decoder_ctl(decoder, ctl, arg)`. */
    _decoder_ctl(ctl: number, arg: number): number;
  }
  /** The instantiated module. */
  export interface OpusScriptNativeModule {
    OpusScriptHandler: {
      new (sampleRateHz: number, channels: number, application: number): OpusScriptHandlerInstance;
      destroy_handler(handler: OpusScriptHandlerInstance): void;
    };
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  }
  /** Instantiates the module (synchronously under Node). */
  const createModule: () => OpusScriptNativeModule;
  export default createModule;
}
