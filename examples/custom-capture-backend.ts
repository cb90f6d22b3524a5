/**
 * A user-written capture backend, registered by name and then selected like a built-in one.
 *
 * The backend here is "noise": its sources generate seeded white noise (a stand-in for a network
 * microphone, an SDR, a test rig…) and its sinks measure the level of what is played. Any
 * `AudioBackend` works: extend `BaseAudioSource`/`BaseAudioSink` for the life cycle and counters.
 *
 * Run: npx tsx examples/custom-capture-backend.ts
 */
import {
  type AudioBackend,
  type AudioDevice,
  type AudioEndpointOptions,
  type AudioFormat,
  BaseAudioSink,
  BaseAudioSource,
  createAudioSink,
  createAudioSource,
  registerCaptureBackend,
} from '../src/capture/index.js';

/** White noise from a seeded xorshift PRNG, `level` of full scale. */
class NoiseSource extends BaseAudioSource {
  #state = 1;

  constructor(
    format: AudioFormat,
    private readonly seed: number,
    private readonly level: number,
  ) {
    super(format);
  }

  protected async open(): Promise<void> {
    this.#state = this.seed || 1;
  }

  protected pull(out: Int16Array): boolean {
    for (let i = 0; i < out.length; i++) {
      let x = this.#state;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.#state = x >>> 0;
      out[i] = Math.round(((this.#state / 0x100000000) * 2 - 1) * this.level * 32767);
    }
    return true;
  }

  protected async close(): Promise<void> {}
}

/** A sink that keeps the RMS level of everything played, in dBFS. */
class LevelMeterSink extends BaseAudioSink {
  #sumSquares = 0;
  #count = 0;

  /** RMS of all samples written, dB relative to full scale. */
  get rmsDbfs(): number {
    return 10 * Math.log10(this.#sumSquares / Math.max(1, this.#count) / 32768 ** 2);
  }

  protected async open(): Promise<void> {}

  protected push(frame: Int16Array): boolean {
    for (const v of frame) this.#sumSquares += v * v;
    this.#count += frame.length;
    return true;
  }

  protected async close(): Promise<void> {}
}

/** The backend: one virtual device of each kind. */
class NoiseBackend implements AudioBackend {
  readonly name = 'noise';

  async isAvailable(): Promise<boolean> {
    return true;
  }

  async listDevices(): Promise<AudioDevice[]> {
    return [
      { id: 'noise0', name: 'Seeded white noise', kind: 'source', isDefault: true },
      { id: 'meter0', name: 'Level meter', kind: 'sink', isDefault: true },
    ];
  }

  createSource(options: AudioEndpointOptions = {}): BaseAudioSource {
    return new NoiseSource(options.format ?? { sampleRateHz: 16000, channels: 1 }, 42, 0.1);
  }

  createSink(options: AudioEndpointOptions = {}): LevelMeterSink {
    return new LevelMeterSink(options.format ?? { sampleRateHz: 16000, channels: 1 });
  }
}

/** Registers the backend, runs one second of audio from its source to its sink, returns the level. */
export async function main(
  log: (line: string) => void = console.log,
): Promise<{ frames: number; rmsDbfs: number }> {
  registerCaptureBackend('noise', () => new NoiseBackend());
  const source = await createAudioSource({ backend: 'noise' });
  const sink = (await createAudioSink('noise')) as LevelMeterSink;
  await source.start();
  await sink.start();
  const frame = new Int16Array((source.format.sampleRateHz / 100) * source.format.channels);
  for (let i = 0; i < 100; i++) {
    source.read(frame);
    sink.write(frame);
  }
  await source.stop();
  await sink.stop();
  const result = { frames: sink.getStats().frames, rmsDbfs: sink.rmsDbfs };
  log(`noise backend: ${result.frames} frames played, level ${result.rmsDbfs.toFixed(1)} dBFS`);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
