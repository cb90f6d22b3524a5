import { SafeEventEmitter } from '../events.js';
import { FrameConverter } from './channel-rate.js';
import { checkFrame, frameLength, resolveAudioFormat, sameFormat } from './format.js';
import type {
  AudioEndpointStats,
  AudioFormat,
  AudioSink,
  AudioSinkEvents,
  AudioSource,
  AudioSourceEvents,
} from './types.js';

/**
 * A source that delivers `target` frames from a source of another rate or channel count (stereo is
 * downmixed to the mean, mono copied to both channels, rates changed by the streaming `Resampler`).
 * The wrapper forwards `start`, `stop`, events and stats; `latencyMs` adds the resampler's delay.
 * @param source - Any source; a format still unknown (0 Hz, a WAV file before `start()`) is taken at `start()`.
 * @param target - The format `read` should deliver.
 * @returns `source` itself when the formats already match, else a wrapper.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an unsupported target or source format.
 */
export function convertSource(source: AudioSource, target: AudioFormat): AudioSource {
  const to = resolveAudioFormat(target, 'target');
  if (source.format.sampleRateHz !== 0) {
    resolveAudioFormat(source.format, 'source.format');
    if (sameFormat(source.format, to)) return source;
  }
  return new ConvertedSource(source, to);
}

/**
 * A sink that accepts `from` frames and writes them to a sink of another rate or channel count (see
 * {@link convertSource} for the conversion).
 * @param sink - Any sink; its `format` must be known at call time.
 * @param from - The format `write` should accept.
 * @returns `sink` itself when the formats already match, else a wrapper.
 * @throws VoxwireError `ERR_INVALID_OPTION` for an unsupported format.
 */
export function convertSink(sink: AudioSink, from: AudioFormat): AudioSink {
  const input = resolveAudioFormat(from, 'from');
  if (sameFormat(sink.format, input)) return sink;
  return new ConvertedSink(sink, input);
}

class ConvertedSource extends SafeEventEmitter<AudioSourceEvents> implements AudioSource {
  readonly #inner: AudioSource;
  #converter: FrameConverter | undefined;
  #scratch: Int16Array | undefined;
  #delayMs = 0;
  #builtFor: AudioFormat | undefined;

  constructor(
    inner: AudioSource,
    readonly format: AudioFormat,
  ) {
    super();
    this.#inner = inner;
    // A file source learns its format at start(); build then.
    if (inner.format.sampleRateHz !== 0) this.#build();
    inner.on('error', (error) => this.safeEmit('error', error));
    inner.on('end', () => this.safeEmit('end'));
  }

  get latencyMs(): number {
    return this.#inner.latencyMs + this.#delayMs;
  }

  get running(): boolean {
    return this.#inner.running;
  }

  async start(): Promise<void> {
    await this.#inner.start();
    this.#build();
    this.#converter?.reset();
  }

  read(out: Int16Array): boolean {
    checkFrame(out, this.format, 'AudioSource.read');
    if (this.#builtFor === undefined) {
      out.fill(0);
      return false;
    }
    if (this.#converter === undefined || this.#scratch === undefined) return this.#inner.read(out);
    const real = this.#inner.read(this.#scratch);
    this.#converter.convert(this.#scratch, out);
    return real;
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  getStats(): AudioEndpointStats {
    return this.#inner.getStats();
  }

  #build(): void {
    const from = this.#inner.format;
    if (this.#builtFor !== undefined && sameFormat(this.#builtFor, from)) return;
    const resolved = resolveAudioFormat(from, 'source.format');
    this.#builtFor = resolved;
    if (sameFormat(resolved, this.format)) {
      this.#converter = undefined;
      this.#scratch = undefined;
      this.#delayMs = 0;
      return;
    }
    this.#converter = new FrameConverter(resolved, this.format);
    this.#scratch = new Int16Array(frameLength(resolved));
    this.#delayMs = (this.#converter.delaySamples / this.format.sampleRateHz) * 1000;
  }
}

class ConvertedSink extends SafeEventEmitter<AudioSinkEvents> implements AudioSink {
  readonly #inner: AudioSink;
  readonly #converter: FrameConverter;
  readonly #scratch: Int16Array;
  readonly #delayMs: number;

  constructor(
    inner: AudioSink,
    readonly format: AudioFormat,
  ) {
    super();
    this.#inner = inner;
    const to = resolveAudioFormat(inner.format, 'sink.format');
    this.#converter = new FrameConverter(format, to);
    this.#scratch = new Int16Array(frameLength(to));
    this.#delayMs = (this.#converter.delaySamples / to.sampleRateHz) * 1000;
    inner.on('error', (error) => this.safeEmit('error', error));
    inner.on('drain', () => this.safeEmit('drain'));
  }

  get latencyMs(): number {
    return this.#inner.latencyMs + this.#delayMs;
  }

  get running(): boolean {
    return this.#inner.running;
  }

  start(): Promise<void> {
    this.#converter.reset();
    return this.#inner.start();
  }

  write(frame: Int16Array): boolean {
    checkFrame(frame, this.format, 'AudioSink.write');
    this.#converter.convert(frame, this.#scratch);
    return this.#inner.write(this.#scratch);
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  getStats(): AudioEndpointStats {
    return this.#inner.getStats();
  }
}
