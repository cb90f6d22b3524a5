import type { Readable, Writable } from 'node:stream';
import { VoxwireError } from '../../errors.js';
import { BaseAudioSink, BaseAudioSource } from '../base.js';
import { resolveAudioFormat } from '../format.js';
import { StreamSink, StreamSource } from '../stream.js';
import type { AudioFormat, AudioSink, AudioSource } from '../types.js';
import { selectDevice } from './devices.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const INSTALL = 'install the optional PortAudio binding: npm install naudiodon';
const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/** The part of naudiodon voxwire uses. */
interface Naudiodon {
  SampleFormat16Bit: number;
  getDevices(): { id: number; name: string; maxInputChannels: number; maxOutputChannels: number }[];
  AudioIO: new (
    options: Record<string, unknown>,
  ) => (Readable | Writable) & { start(): void; quit(cb?: () => void): void };
}

/** Loads naudiodon when installed; undefined otherwise (never throws). @internal */
export async function loadNaudiodon(): Promise<Naudiodon | undefined> {
  try {
    const name = 'naudiodon'; // a variable keeps bundlers and tsc from requiring it
    const module = (await import(name)) as { default?: Naudiodon } & Naudiodon;
    return module.default ?? module;
  } catch {
    return undefined;
  }
}

async function requireNaudiodon(): Promise<Naudiodon> {
  const pa = await loadNaudiodon();
  if (pa === undefined) throw new VoxwireError('ERR_CAPTURE', `PortAudio is not available; ${INSTALL}`);
  return pa;
}

/**
 * PortAudio through the optional `naudiodon` package, used only when it is installed (loaded with a
 * dynamic import at first use; `isAvailable()` is false otherwise). Its streams are wrapped by
 * {@link StreamSource}/{@link StreamSink}, so buffering and counters are the same as elsewhere.
 */
export class PortAudioBackend implements AudioBackend {
  readonly name = 'portaudio';

  async isAvailable(): Promise<boolean> {
    return (await loadNaudiodon()) !== undefined;
  }

  async listDevices(): Promise<AudioDevice[]> {
    const pa = await requireNaudiodon();
    const devices: AudioDevice[] = [];
    for (const d of pa.getDevices()) {
      if (d.maxInputChannels > 0)
        devices.push({ id: String(d.id), name: d.name, kind: 'source', isDefault: false });
      if (d.maxOutputChannels > 0)
        devices.push({ id: String(d.id), name: d.name, kind: 'sink', isDefault: false });
    }
    return devices;
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    return new PortAudioSource(resolveAudioFormat(options.format ?? DEFAULT_FORMAT), options, this);
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    return new PortAudioSink(resolveAudioFormat(options.format ?? DEFAULT_FORMAT), options, this);
  }

  /** @internal */
  async open(kind: 'source' | 'sink', format: AudioFormat, options: AudioEndpointOptions) {
    const pa = await requireNaudiodon();
    const deviceId =
      options.device === undefined
        ? -1
        : Number(selectDevice(await this.listDevices(), options.device, kind).id);
    const io = new pa.AudioIO({
      [kind === 'source' ? 'inOptions' : 'outOptions']: {
        channelCount: format.channels,
        sampleFormat: pa.SampleFormat16Bit,
        sampleRate: format.sampleRateHz,
        deviceId,
        closeOnError: true,
      },
    });
    return io;
  }
}

class PortAudioSource extends BaseAudioSource {
  #inner: StreamSource | undefined;
  #io: { quit(cb?: () => void): void } | undefined;

  constructor(
    format: AudioFormat,
    private readonly options: AudioEndpointOptions,
    private readonly backend: PortAudioBackend,
  ) {
    super(format);
  }

  protected async open(): Promise<void> {
    const io = await this.backend.open('source', this.format, this.options);
    const inner = new StreamSource(io as Readable, this.format, this.options);
    inner.on('error', (error) => this.fail(error));
    await inner.start();
    io.start();
    this.#inner = inner;
    this.#io = io;
    this.latencyMs = inner.latencyMs;
  }

  protected pull(out: Int16Array): boolean | null {
    const got = this.#inner?.read(out) ?? false;
    this.stats.overrunSamples = this.#inner?.getStats().overrunSamples ?? 0;
    return got;
  }

  protected async close(): Promise<void> {
    await this.#inner?.stop();
    const io = this.#io;
    this.#io = undefined;
    if (io) await new Promise<void>((resolve) => io.quit(() => resolve()));
  }
}

class PortAudioSink extends BaseAudioSink {
  #inner: StreamSink | undefined;

  constructor(
    format: AudioFormat,
    private readonly options: AudioEndpointOptions,
    private readonly backend: PortAudioBackend,
  ) {
    super(format);
  }

  protected async open(): Promise<void> {
    const io = await this.backend.open('sink', this.format, this.options);
    const inner = new StreamSink(io as Writable, this.format);
    inner.on('error', (error) => this.fail(error));
    inner.on('drain', () => this.emitDrain());
    await inner.start();
    io.start();
    this.#inner = inner;
  }

  protected push(frame: Int16Array): boolean {
    return this.#inner?.write(frame) ?? false;
  }

  protected async close(): Promise<void> {
    await this.#inner?.stop();
    this.#inner = undefined;
  }
}
