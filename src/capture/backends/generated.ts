import { resolveAudioFormat } from '../format.js';
import { SilenceSource, ToneSource } from '../generators.js';
import { NullSink } from '../null-sink.js';
import type { AudioSink, AudioSource } from '../types.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/**
 * A device-free backend: sources generate a 440 Hz tone (`tone`) or silence (`silence`), sinks
 * discard. For tests, CI and machines without audio. Devices: none.
 */
export class GeneratedBackend implements AudioBackend {
  /** @param name - `tone` or `silence`. */
  constructor(readonly name: 'tone' | 'silence') {}

  async isAvailable(): Promise<boolean> {
    return true;
  }

  async listDevices(): Promise<AudioDevice[]> {
    return [];
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    return this.name === 'tone' ? new ToneSource({ format, amplitude: 0.25 }) : new SilenceSource({ format });
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    return new NullSink(resolveAudioFormat(options.format ?? DEFAULT_FORMAT));
  }
}
