import { invalidOption, VoxwireError } from '../errors.js';
import { AlsaBackend } from './backends/alsa.js';
import { GeneratedBackend } from './backends/generated.js';
import { MacOsBackend } from './backends/macos.js';
import { PortAudioBackend } from './backends/portaudio.js';
import { PulseBackend } from './backends/pulse.js';
import type { AudioBackend, AudioEndpointOptions } from './backends/types.js';
import { WindowsBackend } from './backends/windows.js';
import type { AudioSink, AudioSource } from './types.js';

/** Makes a backend when it is first selected. */
export type CaptureBackendFactory = () => AudioBackend;

/** Options of {@link createAudioSource} and {@link createAudioSink}. */
export interface CreateAudioEndpointOptions extends AudioEndpointOptions {
  /** Registered backend name, or `auto` (default): the first available for this platform. */
  readonly backend?: string;
}

const factories = new Map<string, CaptureBackendFactory>([
  ['pulse', () => new PulseBackend()],
  ['alsa', () => new AlsaBackend()],
  ['macos', () => new MacOsBackend()],
  ['dshow', () => new WindowsBackend()],
  ['portaudio', () => new PortAudioBackend()],
  ['tone', () => new GeneratedBackend('tone')],
  ['silence', () => new GeneratedBackend('silence')],
]);

/** Backends tried by `auto`, best first, per `process.platform`. */
const AUTO_ORDER: Readonly<Record<string, readonly string[]>> = {
  linux: ['pulse', 'alsa', 'portaudio'],
  darwin: ['macos', 'portaudio'],
  win32: ['dshow', 'portaudio'],
};

/** What to install when `auto` finds nothing, per platform. */
const INSTALL_HINT: Readonly<Record<string, string>> = {
  linux: 'install pulseaudio-utils (PulseAudio/PipeWire: parec, pacat, pactl) or alsa-utils (arecord, aplay)',
  darwin: 'install ffmpeg or sox (brew install ffmpeg sox), or npm install naudiodon',
  win32: 'install ffmpeg with ffplay (winget install ffmpeg) and put it on PATH, or npm install naudiodon',
};

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Registers a capture/playback backend under `name`, selectable in session options, the CLI and
 * {@link createAudioSource}. Registering an existing name replaces it (so a user can override `pulse`).
 * @param name - Lower-case letters, digits, `-`, `_`; 1–32 characters, starting with a letter; not `auto`.
 * @param factory - Makes the backend (called at each selection).
 * @throws VoxwireError `ERR_INVALID_OPTION` for a bad name or factory.
 */
export function registerCaptureBackend(name: string, factory: CaptureBackendFactory): void {
  if (typeof name !== 'string' || !NAME.test(name) || name === 'auto') {
    invalidOption('name', name, 'lower-case letters, digits, - or _, starting with a letter, not "auto"');
  }
  if (typeof factory !== 'function')
    invalidOption('factory', factory, 'a function returning an AudioBackend');
  factories.set(name, factory);
}

/** Names of the registered backends (built-in and user), in registration order. */
export function captureBackendNames(): string[] {
  return [...factories.keys()];
}

/**
 * The backend registered as `name`, or for `auto` the first available one on `platform`.
 * @throws VoxwireError `ERR_CAPTURE` for an unknown name, or when `auto` finds nothing usable (the
 *   message says what to install on that platform).
 */
export async function getCaptureBackend(
  name = 'auto',
  platform: string = process.platform,
): Promise<AudioBackend> {
  if (name !== 'auto') {
    const factory = factories.get(name);
    if (factory === undefined) {
      throw new VoxwireError(
        'ERR_CAPTURE',
        `no capture backend is registered as ${JSON.stringify(name)}; registered: ${captureBackendNames().join(', ')}`,
      );
    }
    return factory();
  }
  for (const candidate of AUTO_ORDER[platform] ?? ['portaudio']) {
    const factory = factories.get(candidate);
    const backend = factory?.();
    if (backend && (await backend.isAvailable())) return backend;
  }
  const hint = INSTALL_HINT[platform] ?? 'npm install naudiodon (PortAudio)';
  throw new VoxwireError('ERR_CAPTURE', `no usable audio backend found on ${platform}; ${hint}`);
}

function splitOptions(
  nameOrOptions: string | CreateAudioEndpointOptions | undefined,
): CreateAudioEndpointOptions {
  if (nameOrOptions === undefined) return {};
  if (typeof nameOrOptions === 'string') return { backend: nameOrOptions };
  if (typeof nameOrOptions !== 'object' || nameOrOptions === null) {
    invalidOption('options', nameOrOptions, 'a backend name or an options object');
  }
  return nameOrOptions;
}

/**
 * A capture source (not started) from a registered backend: `createAudioSource('pulse')` or
 * `createAudioSource({ backend: 'auto', device: 'USB', format: { sampleRateHz: 16000, channels: 1 } })`.
 * @throws VoxwireError `ERR_CAPTURE` (see {@link getCaptureBackend}); `ERR_INVALID_OPTION` for bad options.
 */
export async function createAudioSource(
  nameOrOptions?: string | CreateAudioEndpointOptions,
): Promise<AudioSource> {
  const options = splitOptions(nameOrOptions);
  return (await getCaptureBackend(options.backend)).createSource(options);
}

/**
 * A playback sink (not started) from a registered backend; see {@link createAudioSource}.
 * @throws VoxwireError `ERR_CAPTURE` (see {@link getCaptureBackend}); `ERR_INVALID_OPTION` for bad options.
 */
export async function createAudioSink(
  nameOrOptions?: string | CreateAudioEndpointOptions,
): Promise<AudioSink> {
  const options = splitOptions(nameOrOptions);
  return (await getCaptureBackend(options.backend)).createSink(options);
}
