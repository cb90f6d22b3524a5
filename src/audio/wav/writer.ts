/**
 * Streaming WAV writer: the header goes out first with placeholder sizes, frames are appended as
 * they come, and `close()` patches the real sizes. Until then the file reads as a streaming WAV
 * (sizes 0xFFFFFFFF, as ffmpeg writes to a pipe), so a recording cut short by a crash stays readable.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { VoxwireError } from '../../errors.js';
import type { PcmSamples } from '../pcm.js';
import { bytesPerSample } from './format.js';
import {
  buildWavHeader,
  type ResolvedWavWriteFormat,
  resolveWavWriteFormat,
  UNKNOWN_SIZE,
  type WavWriteFormat,
} from './header.js';
import { encodeWavData } from './samples.js';
import { checkSamples } from './write.js';

/** Where a {@link WavWriter} puts its bytes: positioned writes (the header is rewritten at 0), then close. */
export interface WavOutput {
  /** Writes all of `bytes` at byte offset `position`. The writer does not reuse `bytes` afterwards. */
  write(bytes: Uint8Array, position: number): Promise<void>;
  /** Releases the output; called once, by {@link WavWriter.close}. */
  close(): Promise<void>;
}

/** A {@link WavOutput} over an open `node:fs/promises` file handle (closed by the writer's `close`). */
export function fileHandleOutput(handle: FileHandle): WavOutput {
  return {
    async write(bytes, position) {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
        done += bytesWritten;
      }
    },
    close: () => handle.close(),
  };
}

/** Most audio bytes a RIFF file can describe once its header is counted. */
const MAX_DATA_BYTES = 0xffffffff - 80;

/**
 * Writes a WAV file incrementally. Writes are queued in call order, so callers may await each one or
 * not; a failed write rejects its own promise and every later `write` and `close`.
 *
 * ```ts
 * const writer = await WavWriter.open('heard.wav', { sampleRateHz: 16000, channels: 1, encoding: 'pcm16' });
 * await writer.write(frame); // Int16Array or Float32Array, whole frames
 * await writer.close();      // patches the RIFF, fact and data sizes
 * ```
 */
export class WavWriter {
  /** The validated format being written. */
  readonly format: ResolvedWavWriteFormat;
  private readonly output: WavOutput;
  private frames = 0;
  private dataBytes = 0;
  private tail: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closing: Promise<void> | undefined;

  /**
   * Creates (or truncates) the file at `path` and starts a writer on it.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format (before the file is touched); the file
   *   system's own error when the file cannot be opened.
   */
  static async open(path: string, format: WavWriteFormat): Promise<WavWriter> {
    resolveWavWriteFormat(format);
    return new WavWriter(fileHandleOutput(await open(path, 'w')), format);
  }

  /**
   * Starts a writer on `output` and queues the placeholder header.
   * @param output - Destination; owned by the writer from now on.
   * @param format - Sample rate, channels, encoding (see {@link WavWriteFormat}).
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format.
   */
  constructor(output: WavOutput, format: WavWriteFormat) {
    this.format = resolveWavWriteFormat(format);
    this.output = output;
    const header = buildWavHeader(this.format, UNKNOWN_SIZE, 0);
    // A header failure is recorded and surfaces at the next write or close.
    this.enqueue(() => output.write(header, 0)).catch(() => {});
  }

  /** Frames (samples per channel) accepted so far. */
  get samplesPerChannel(): number {
    return this.frames;
  }

  /**
   * Appends interleaved samples (encoded at once; the caller may reuse `samples` immediately).
   * @param samples - Whole frames, Int16 (full scale 32768) or Float32 (full scale 1.0).
   * @returns Resolves when these bytes are written.
   * @throws VoxwireError `ERR_INVALID_STATE` after `close()`; `ERR_INVALID_ARGUMENT` for samples that
   *   are not Int16/Float32 or not whole frames, or that would pass the 4 GiB RIFF limit; the output's
   *   error when an earlier or this write failed.
   */
  async write(samples: PcmSamples): Promise<void> {
    if (this.closing !== undefined)
      throw new VoxwireError('ERR_INVALID_STATE', 'WavWriter.write after close()');
    const frames = checkSamples(samples, this.format.channels, 'WavWriter.write');
    const size = samples.length * bytesPerSample(this.format.encoding);
    if (this.dataBytes + size > MAX_DATA_BYTES) {
      throw new VoxwireError(
        'ERR_INVALID_ARGUMENT',
        'WavWriter.write: the file would pass the 4 GiB RIFF limit',
      );
    }
    const bytes = encodeWavData(this.format.encoding, samples);
    const position = this.format.headerBytes + this.dataBytes;
    this.dataBytes += size;
    this.frames += frames;
    return this.enqueue(() => this.output.write(bytes, position));
  }

  /**
   * Waits for queued writes, writes the pad byte of an odd-sized `data` chunk, rewrites the header
   * with the real sizes and closes the output. Idempotent: later calls return the same promise.
   * @throws The first write failure, if any (the output is closed regardless).
   */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    await this.tail;
    try {
      if (this.failure === undefined) {
        const end = this.format.headerBytes + this.dataBytes;
        if (this.dataBytes & 1) await this.output.write(new Uint8Array(1), end);
        await this.output.write(buildWavHeader(this.format, this.dataBytes, this.frames), 0);
      }
    } finally {
      await this.output.close();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(() => {
      if (this.failure !== undefined) throw this.failure;
      return task();
    });
    this.tail = run.then(
      () => {},
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    return run;
  }
}
