import type { DeviceOptions } from '../process/options.js';
import type { AudioFormat, AudioSink, AudioSource } from '../types.js';

/** A capture or playback device as a backend sees it. */
export interface AudioDevice {
  /** What the backend's program takes to select it (PulseAudio name, ALSA PCM, dshow name, index). */
  readonly id: string;
  /** Human-readable name (often the same as `id`). */
  readonly name: string;
  /** `source` for capture devices, `sink` for playback devices. */
  readonly kind: 'source' | 'sink';
  /** True for the system's default device of its kind, when the backend knows it. */
  readonly isDefault: boolean;
}

/** Options of {@link AudioBackend.createSource} and {@link AudioBackend.createSink}. */
export interface AudioEndpointOptions extends DeviceOptions {
  /**
   * Device to open: its `id`, its `name`, or a case-insensitive part of either matching one device
   * (default: the system default). Resolved at `start()`, which rejects with `ERR_CAPTURE` listing the
   * devices when nothing matches.
   */
  readonly device?: string;
  /** Format delivered or accepted (default 48 kHz mono). */
  readonly format?: AudioFormat;
  /** Extra environment for the backend's programs (e.g. `PULSE_SERVER`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * One way of reaching the platform's audio: PulseAudio, ALSA, avfoundation, dshow, PortAudio, or a
 * user's plugin. Sources and sinks it creates follow the `AudioSource`/`AudioSink` contract.
 */
export interface AudioBackend {
  /** Registry name (`pulse`, `alsa`, …). */
  readonly name: string;
  /** True when the programs or modules it needs are installed (never throws). */
  isAvailable(): Promise<boolean>;
  /** Devices it sees. @throws VoxwireError `ERR_CAPTURE` when the listing program fails. */
  listDevices(): Promise<AudioDevice[]>;
  /** A capture source (not started). @throws VoxwireError `ERR_INVALID_OPTION` for a bad format or option. */
  createSource(options?: AudioEndpointOptions): AudioSource;
  /** A playback sink (not started). @throws VoxwireError `ERR_INVALID_OPTION` for a bad format or option. */
  createSink(options?: AudioEndpointOptions): AudioSink;
}
