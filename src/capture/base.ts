import type { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { checkFrame, frameLength } from './format.js';
import type {
  AudioEndpointStats,
  AudioFormat,
  AudioSink,
  AudioSinkEvents,
  AudioSource,
  AudioSourceEvents,
} from './types.js';

/** Mutable counters behind {@link AudioEndpointStats}, for subclasses of the base source and sink. */
export interface MutableStats {
  /** See {@link AudioEndpointStats.frames}. */
  frames: number;
  /** See {@link AudioEndpointStats.underruns}. */
  underruns: number;
  /** See {@link AudioEndpointStats.overrunSamples}. */
  overrunSamples: number;
}

function zeroStats(): MutableStats {
  return { frames: 0, underruns: 0, overrunSamples: 0 };
}

/**
 * Shared life cycle of the built-in sources: `start` → `read`… → `stop` or end/error, with the frame
 * check, the counters and one `end` event per run. Subclasses implement `open`, `pull` and `close`.
 * Extend it to write a custom backend (see examples/custom-capture-backend.ts).
 */
export abstract class BaseAudioSource extends SafeEventEmitter<AudioSourceEvents> implements AudioSource {
  /** Delay from the sound at the device to the frame in `read`, ms. */
  latencyMs = 0;
  /** Counters of the current run; subclasses add overruns here. */
  protected stats: MutableStats = zeroStats();
  #running = false;
  #closing: Promise<void> | undefined;
  #starting: Promise<void> | undefined;

  /** What `read` delivers; a subclass that learns it at `open()` (a file) assigns it there. */
  protected sourceFormat: AudioFormat;

  /** @param format - What `read` delivers; checked by the subclass. */
  constructor(format: AudioFormat) {
    super();
    this.sourceFormat = format;
  }

  /** What `read` delivers. Fixed once `start()` resolved. */
  get format(): AudioFormat {
    return this.sourceFormat;
  }

  /** True between a resolved `start()` and `stop()`, `end` or an error. */
  get running(): boolean {
    return this.#running;
  }

  /** Opens the source; a second call while running resolves at once. @throws VoxwireError `ERR_CAPTURE`. */
  async start(): Promise<void> {
    if (this.#running) return;
    if (this.#starting) return this.#starting;
    if (this.#closing) await this.#closing;
    this.#starting = (async () => {
      this.stats = zeroStats();
      await this.open();
      this.#closing = undefined;
      this.#running = true;
    })();
    try {
      await this.#starting;
    } finally {
      this.#starting = undefined;
    }
  }

  /**
   * Copies the next 10 ms frame into `out`; silence and false when nothing is buffered or the source ended.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is not one frame long.
   */
  read(out: Int16Array): boolean {
    checkFrame(out, this.format, 'AudioSource.read');
    if (!this.#running) {
      out.fill(0);
      return false;
    }
    const got = this.pull(out);
    if (got === true) {
      this.stats.frames++;
      return true;
    }
    out.fill(0);
    if (got === false && this.#running) this.stats.underruns++;
    return false;
  }

  /** Releases what `open` took, then emits `end`. Harmless when called twice. */
  stop(): Promise<void> {
    if (this.#starting)
      return this.#starting.then(
        () => this.stop(),
        () => undefined,
      );
    if (this.#closing) return this.#closing;
    if (!this.#running) return Promise.resolve();
    return this.shutdown();
  }

  /** Counters since `start()`. */
  getStats(): AudioEndpointStats {
    return { ...this.stats };
  }

  /** Ends the run (end of data): `running` turns false now, `end` follows once `close` is done. */
  protected shutdown(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#running = false;
    this.#closing = (async () => {
      try {
        await this.close();
      } finally {
        this.safeEmit('end');
      }
    })();
    return this.#closing;
  }

  /** Reports `error`, then stops (the `end` event follows). */
  protected fail(error: VoxwireError): void {
    if (!this.#running || this.#closing) return;
    this.safeEmit('error', error);
    this.shutdown().catch(() => undefined);
  }

  /** Acquires the device, file or process. @throws VoxwireError `ERR_CAPTURE`. */
  protected abstract open(): Promise<void>;
  /**
   * Fills `out` with the next frame. False when none is available (an underrun; the base fills
   * silence); null while still priming after start (silence, not counted).
   */
  protected abstract pull(out: Int16Array): boolean | null;
  /** Releases what `open` acquired; must not throw for an already dead resource. */
  protected abstract close(): Promise<void>;
}

/**
 * Shared life cycle of the built-in sinks: the frame check, counters, `drain`, and writes after a stop
 * or failure dropped and counted as overrun rather than thrown into the media loop.
 */
export abstract class BaseAudioSink extends SafeEventEmitter<AudioSinkEvents> implements AudioSink {
  /** Delay from `write` to sound at the device, ms. */
  latencyMs = 0;
  /** Counters of the current run. */
  protected stats: MutableStats = zeroStats();
  #running = false;
  #closing: Promise<void> | undefined;

  /** @param format - What `write` accepts; checked by the subclass. */
  constructor(readonly format: AudioFormat) {
    super();
  }

  /** True between a resolved `start()` and `stop()` or an error. */
  get running(): boolean {
    return this.#running;
  }

  /** Opens the sink. @throws VoxwireError `ERR_CAPTURE`. */
  async start(): Promise<void> {
    if (this.#running) return;
    if (this.#closing) await this.#closing;
    this.stats = zeroStats();
    await this.open();
    this.#closing = undefined;
    this.#running = true;
  }

  /**
   * Queues one 10 ms frame. When not running the frame is dropped, counted as overrun, and false returned.
   * @returns False under backpressure (wait for `drain`) or when the frame was dropped.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `frame` is not one frame long.
   */
  write(frame: Int16Array): boolean {
    checkFrame(frame, this.format, 'AudioSink.write');
    if (!this.#running) {
      this.stats.overrunSamples += frame.length / this.format.channels;
      return false;
    }
    this.stats.frames++;
    return this.push(frame);
  }

  /** Writes out what is queued, then releases the sink. Harmless when called twice. */
  stop(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (!this.#running) return Promise.resolve();
    this.#running = false;
    this.#closing = this.close();
    return this.#closing;
  }

  /** Counters since `start()`. */
  getStats(): AudioEndpointStats {
    return { ...this.stats };
  }

  /** Samples (all channels) in one frame of this sink's format. */
  protected get frameLength(): number {
    return frameLength(this.format);
  }

  /** Reports `error` and stops, discarding what is queued. */
  protected fail(error: VoxwireError): void {
    if (!this.#running) return;
    this.safeEmit('error', error);
    this.#running = false;
    this.#closing = this.close().catch(() => undefined);
  }

  /** Emits `drain` (for subclasses whose buffer fell below its limit). */
  protected emitDrain(): void {
    this.safeEmit('drain');
  }

  /** Acquires the device, file or process. @throws VoxwireError `ERR_CAPTURE`. */
  protected abstract open(): Promise<void>;
  /** Queues a checked frame (copy it if kept); false for backpressure. */
  protected abstract push(frame: Int16Array): boolean;
  /** Flushes and releases; must not throw for an already dead resource. */
  protected abstract close(): Promise<void>;
}
