import type { Readable, Writable } from 'node:stream';
import { invalidOption, VoxwireError } from '../errors.js';
import { BaseAudioSink, BaseAudioSource } from './base.js';
import { frameLength, resolveAudioFormat } from './format.js';
import { PcmRing } from './ring.js';
import type { AudioFormat } from './types.js';

/** Buffering options of sources fed by a device or stream (see {@link PcmRing}). */
export interface RingOptions {
  /** Audio buffered before the first frame and after an underrun, ms (default 40). */
  readonly targetFillMs?: number;
  /** Audio held at most; above it the oldest is dropped (counted as overrun), ms (default 500). */
  readonly capacityMs?: number;
  /**
   * Drop a start-up backlog and a standing excess above the target fill (counted as overrun), so
   * latency stays near `targetFillMs` (default: true for device sources, false for `StreamSource`).
   */
  readonly trimLatency?: boolean;
}

/** Builds the ring for `format` from {@link RingOptions}. @internal */
export function ringFor(format: AudioFormat, options: RingOptions, trimByDefault: boolean): PcmRing {
  const { targetFillMs = 40, capacityMs = 500 } = options;
  if (!(targetFillMs >= 0 && Number.isFinite(targetFillMs)))
    invalidOption('targetFillMs', targetFillMs, '≥ 0');
  if (!(capacityMs >= targetFillMs + 20 && Number.isFinite(capacityMs))) {
    invalidOption('capacityMs', capacityMs, `≥ targetFillMs + 20 (${targetFillMs + 20})`);
  }
  const perMs = (format.sampleRateHz / 1000) * format.channels;
  const frame = frameLength(format);
  const capacity = Math.ceil((capacityMs * perMs) / frame) * frame;
  const target = Math.round((targetFillMs * perMs) / format.channels) * format.channels;
  return new PcmRing(capacity, target, format.channels, (options.trimLatency ?? trimByDefault) ? 100 : 0);
}

/**
 * Turns byte chunks of raw s16le PCM (any split, odd bytes carried over) into ring writes. @internal
 */
export class S16leAssembler {
  readonly #carry = new Uint8Array(2 * 2);
  #carryLength = 0;
  readonly #frameBytes: number;

  constructor(
    readonly ring: PcmRing,
    channels: number,
  ) {
    this.#frameBytes = 2 * channels;
  }

  /** Appends `chunk` to the ring (whole sample frames; a partial one waits for the next chunk). */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.#carryLength > 0) {
      const need = this.#frameBytes - this.#carryLength;
      const take = Math.min(need, bytes.length);
      this.#carry.set(bytes.subarray(0, take), this.#carryLength);
      this.#carryLength += take;
      bytes = bytes.subarray(take);
      if (this.#carryLength < this.#frameBytes) return;
      this.ring.write(new Int16Array(this.#carry.buffer.slice(0, this.#frameBytes)));
      this.#carryLength = 0;
    }
    const whole = bytes.length - (bytes.length % this.#frameBytes);
    if (whole > 0) {
      // Int16Array views need 2-byte alignment; Buffers from pools often are not aligned.
      const aligned = bytes.byteOffset % 2 === 0;
      const view = aligned
        ? new Int16Array(bytes.buffer, bytes.byteOffset, whole / 2)
        : new Int16Array(Uint8Array.from(bytes.subarray(0, whole)).buffer);
      this.ring.write(view);
    }
    const rest = bytes.length - whole;
    if (rest > 0) {
      this.#carry.set(bytes.subarray(whole), 0);
      this.#carryLength = rest;
    }
  }

  /** Forgets a partial frame. */
  reset(): void {
    this.#carryLength = 0;
  }
}

/**
 * A source reading raw interleaved s16le PCM from a Node `Readable` (a socket, a child's stdout,
 * a decoder). Bursty delivery is absorbed by a ring buffer: steady frames once `targetFillMs` is
 * buffered, underruns and overruns counted. At the stream's end what is buffered is delivered, then
 * `end`; a stream error becomes an `ERR_CAPTURE` `error` event.
 */
export class StreamSource extends BaseAudioSource {
  readonly #stream: Readable;
  readonly #ring: PcmRing;
  readonly #assembler: S16leAssembler;
  #ended = false;
  readonly #onData = (chunk: Buffer): void => this.#assembler.push(chunk);
  readonly #onEnd = (): void => {
    this.#ended = true;
  };
  readonly #onError = (error: Error): void => {
    this.fail(
      new VoxwireError('ERR_CAPTURE', `StreamSource: the stream failed: ${error.message}`, { cause: error }),
    );
  };

  /**
   * @param stream - Raw s16le PCM in `format`; `start()` attaches, `stop()` detaches (not destroyed).
   * @param format - Rate and channels of the stream.
   * @param options - Ring buffer sizes.
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format or sizes.
   */
  constructor(stream: Readable, format: AudioFormat, options: RingOptions = {}) {
    const resolved = resolveAudioFormat(format);
    super(resolved);
    if (stream === null || typeof stream !== 'object' || typeof stream.on !== 'function') {
      invalidOption('stream', stream, 'a Readable');
    }
    this.#stream = stream;
    this.#ring = ringFor(resolved, options, false);
    this.#assembler = new S16leAssembler(this.#ring, resolved.channels);
    this.latencyMs = options.targetFillMs ?? 40;
  }

  protected async open(): Promise<void> {
    this.#ring.clear();
    this.#ring.overrunSamples = 0;
    this.#assembler.reset();
    this.#ended = false;
    this.#stream.on('data', this.#onData);
    this.#stream.on('end', this.#onEnd);
    this.#stream.on('error', this.#onError);
    this.#stream.resume();
  }

  protected pull(out: Int16Array): boolean | null {
    if (this.#ended) {
      if (this.#ring.length === 0) {
        this.shutdown().catch(() => undefined);
        return false;
      }
      this.#ring.drainInto(out);
      return true;
    }
    const got = this.#ring.read(out);
    this.stats.overrunSamples = this.#ring.overrunSamples;
    return got;
  }

  protected async close(): Promise<void> {
    this.#stream.off('data', this.#onData);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('error', this.#onError);
    this.stats.overrunSamples = this.#ring.overrunSamples;
  }
}

/**
 * A sink writing raw interleaved s16le PCM to a Node `Writable`, passing the stream's backpressure
 * on: `write` returns false when the stream's buffer is over its high-water mark, `drain` follows.
 * A stream error becomes an `ERR_CAPTURE` `error` event. `stop()` ends the stream unless `end: false`.
 */
export class StreamSink extends BaseAudioSink {
  readonly #stream: Writable;
  readonly #endOnStop: boolean;
  readonly #onDrain = (): void => this.emitDrain();
  readonly #onError = (error: Error): void => {
    this.fail(
      new VoxwireError('ERR_CAPTURE', `StreamSink: the stream failed: ${error.message}`, { cause: error }),
    );
  };

  /**
   * @param stream - Receives s16le bytes.
   * @param format - Rate and channels `write` accepts.
   * @param options - `end`: end the stream at `stop()` (default true).
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad stream or format.
   */
  constructor(stream: Writable, format: AudioFormat, options: { readonly end?: boolean } = {}) {
    super(resolveAudioFormat(format));
    if (stream === null || typeof stream !== 'object' || typeof stream.write !== 'function') {
      invalidOption('stream', stream, 'a Writable');
    }
    this.#stream = stream;
    this.#endOnStop = options.end !== false;
  }

  protected async open(): Promise<void> {
    this.#stream.on('drain', this.#onDrain);
    this.#stream.on('error', this.#onError);
  }

  protected push(frame: Int16Array): boolean {
    if (this.#stream.destroyed || this.#stream.writableEnded) {
      this.stats.frames--;
      this.stats.overrunSamples += frame.length / this.format.channels;
      return false;
    }
    // Copied: the caller reuses `frame`.
    return this.#stream.write(
      Buffer.from(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)),
    );
  }

  protected async close(): Promise<void> {
    const stream = this.#stream;
    stream.off('drain', this.#onDrain);
    if (this.#endOnStop && !stream.writableEnded && !stream.destroyed) {
      await new Promise<void>((resolve) => {
        stream.once('error', () => resolve());
        stream.end(() => resolve());
      });
    }
    stream.off('error', this.#onError);
  }
}
