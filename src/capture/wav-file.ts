import type { WavEncoding } from '../audio/index.js';
import { readWavFile, WavWriter, wavToInt16 } from '../audio/index.js';
import { invalidOption, isVoxwireError, VoxwireError } from '../errors.js';
import { BaseAudioSink, BaseAudioSource } from './base.js';
import { PcmBufferSource } from './buffer.js';
import { resolveAudioFormat } from './format.js';
import type { AudioFormat } from './types.js';

/** Options of {@link WavFileSource}. */
export interface WavFileSourceOptions {
  /** Start over at the end instead of ending (default false). */
  readonly loop?: boolean;
}

/** The format a {@link WavFileSource} reports before its file is read. */
const UNKNOWN_FORMAT: AudioFormat = Object.freeze({ sampleRateHz: 0, channels: 0 });

/**
 * A source that plays a WAV file (any encoding `readWavFile` reads, 1 or 2 channels, a rate of
 * `SUPPORTED_SAMPLE_RATES_HZ`), one 10 ms frame per `read`, as fast as pulled: pace it with a
 * session's ticker or {@link paceSource}. The file is read at `start()`; `format` is
 * `{ sampleRateHz: 0, channels: 0 }` until then (use {@link WavFileSource.open} to know it first).
 */
export class WavFileSource extends BaseAudioSource {
  readonly #path: string;
  readonly #loop: boolean;
  #inner: PcmBufferSource | undefined;

  /**
   * Reads the file and returns a source whose `format` is known (`start()` will not read again).
   * @throws VoxwireError `ERR_CAPTURE` when the file cannot be read or has an unsupported format.
   */
  static async open(path: string, options: WavFileSourceOptions = {}): Promise<WavFileSource> {
    const source = new WavFileSource(path, options);
    await source.load();
    return source;
  }

  /**
   * @param path - The WAV file.
   * @param options - `loop`.
   * @throws VoxwireError `ERR_INVALID_OPTION` when `path` is not a non-empty string.
   */
  constructor(path: string, options: WavFileSourceOptions = {}) {
    super(UNKNOWN_FORMAT);
    if (typeof path !== 'string' || path === '') invalidOption('path', path, 'a non-empty file path');
    this.#path = path;
    this.#loop = options.loop === true;
  }

  protected async open(): Promise<void> {
    await this.load();
    await this.#inner?.start();
  }

  protected pull(out: Int16Array): boolean {
    const inner = this.#inner;
    if (inner === undefined || !inner.read(out)) {
      this.shutdown().catch(() => undefined);
      return false;
    }
    return true;
  }

  protected async close(): Promise<void> {
    await this.#inner?.stop();
  }

  private async load(): Promise<void> {
    if (this.#inner) return;
    let format: AudioFormat;
    let samples: Int16Array;
    try {
      const audio = await readWavFile(this.#path);
      format = resolveAudioFormat({ sampleRateHz: audio.sampleRateHz, channels: audio.channels }, 'file');
      samples = wavToInt16(audio);
    } catch (error) {
      const why = isVoxwireError(error) || error instanceof Error ? error.message : String(error);
      throw new VoxwireError('ERR_CAPTURE', `WavFileSource: cannot play ${this.#path}: ${why}`, {
        cause: error,
      });
    }
    this.#inner = new PcmBufferSource(samples, format, { loop: this.#loop });
    this.sourceFormat = format;
  }
}

/** Options of {@link WavFileSink}. */
export interface WavFileSinkOptions {
  /** Sample encoding of the file (default `pcm16`). */
  readonly encoding?: WavEncoding;
  /** Bytes queued for the disk above which `write` returns false (default 1 MiB). */
  readonly highWaterMarkBytes?: number;
}

/**
 * A sink that streams frames into a WAV file (`WavWriter`): the header is written with unknown sizes
 * at `start()` and fixed by `stop()`. Disk errors stop the sink with an `ERR_CAPTURE` `error` event.
 */
export class WavFileSink extends BaseAudioSink {
  readonly #path: string;
  readonly #encoding: WavEncoding;
  readonly #highWaterMark: number;
  #writer: WavWriter | undefined;
  #pendingBytes = 0;
  #blocked = false;

  /**
   * @param path - The file to create or truncate.
   * @param format - Rate and channels `write` accepts and the file stores.
   * @param options - `encoding`, `highWaterMarkBytes`.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad path, format or option.
   */
  constructor(path: string, format: AudioFormat, options: WavFileSinkOptions = {}) {
    super(resolveAudioFormat(format));
    if (typeof path !== 'string' || path === '') invalidOption('path', path, 'a non-empty file path');
    const { encoding = 'pcm16', highWaterMarkBytes = 1 << 20 } = options;
    if (!(highWaterMarkBytes > 0)) invalidOption('highWaterMarkBytes', highWaterMarkBytes, '> 0');
    this.#path = path;
    this.#encoding = encoding;
    this.#highWaterMark = highWaterMarkBytes;
  }

  /** Frames written to the file so far (samples per channel). */
  get samplesPerChannel(): number {
    return this.#writer?.samplesPerChannel ?? 0;
  }

  protected async open(): Promise<void> {
    try {
      this.#writer = await WavWriter.open(this.#path, { ...this.format, encoding: this.#encoding });
    } catch (error) {
      throw new VoxwireError('ERR_CAPTURE', `WavFileSink: cannot create ${this.#path}`, { cause: error });
    }
    this.#pendingBytes = 0;
    this.#blocked = false;
  }

  protected push(frame: Int16Array): boolean {
    const writer = this.#writer;
    if (writer === undefined) return false;
    const bytes = frame.byteLength;
    this.#pendingBytes += bytes;
    writer.write(frame).then(
      () => {
        this.#pendingBytes -= bytes;
        if (this.#blocked && this.#pendingBytes <= this.#highWaterMark / 2) {
          this.#blocked = false;
          this.emitDrain();
        }
      },
      (error: unknown) => {
        this.fail(
          new VoxwireError('ERR_CAPTURE', `WavFileSink: writing ${this.#path} failed`, { cause: error }),
        );
      },
    );
    if (this.#pendingBytes > this.#highWaterMark) this.#blocked = true;
    return !this.#blocked;
  }

  protected async close(): Promise<void> {
    const writer = this.#writer;
    this.#writer = undefined;
    await writer?.close().catch((error: unknown) => {
      throw new VoxwireError('ERR_CAPTURE', `WavFileSink: finishing ${this.#path} failed`, { cause: error });
    });
  }
}
