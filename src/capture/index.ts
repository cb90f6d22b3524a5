export { AlsaBackend } from './backends/alsa.js';
export { GeneratedBackend } from './backends/generated.js';
export { MacOsBackend } from './backends/macos.js';
export { PortAudioBackend } from './backends/portaudio.js';
export { PulseBackend } from './backends/pulse.js';
export type { AudioBackend, AudioDevice, AudioEndpointOptions } from './backends/types.js';
export { WindowsBackend } from './backends/windows.js';
export type { MutableStats } from './base.js';
export { BaseAudioSink, BaseAudioSource } from './base.js';
export type { PcmBufferSourceOptions } from './buffer.js';
export { PcmBufferSink, PcmBufferSource } from './buffer.js';
export { convertSink, convertSource } from './convert.js';
export { frameLength, resolveAudioFormat, sameFormat, samplesPerFrame } from './format.js';
export type { GeneratorOptions, SweepSourceOptions, ToneSourceOptions } from './generators.js';
export { SilenceSource, SweepSource, ToneSource } from './generators.js';
export { NullSink } from './null-sink.js';
export type { Pacer } from './pace.js';
export { paceSource } from './pace.js';
export type { ProgramSpec } from './process/child.js';
export type { DeviceOptions } from './process/options.js';
export { ProcessSink } from './process/process-sink.js';
export { ProcessSource } from './process/process-source.js';
export type { CaptureBackendFactory, CreateAudioEndpointOptions } from './registry.js';
export {
  captureBackendNames,
  createAudioSink,
  createAudioSource,
  getCaptureBackend,
  registerCaptureBackend,
} from './registry.js';
export { PcmRing } from './ring.js';
export type { RingOptions } from './stream.js';
export { StreamSink, StreamSource } from './stream.js';
export type {
  AudioEndpointStats,
  AudioFormat,
  AudioSink,
  AudioSinkEvents,
  AudioSource,
  AudioSourceEvents,
} from './types.js';
export type { WavFileSinkOptions, WavFileSourceOptions } from './wav-file.js';
export { WavFileSink, WavFileSource } from './wav-file.js';
