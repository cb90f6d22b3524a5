import type { EventEmitter } from 'eventemitter3';
import type { VoxwireError } from '../errors.js';

/** The PCM a source delivers or a sink accepts: interleaved signed 16-bit samples. */
export interface AudioFormat {
  /** Samples per second per channel, Hz. */
  readonly sampleRateHz: number;
  /** Interleaved channels, 1 or 2. */
  readonly channels: number;
}

/** Counters every source and sink keeps; device backends fill the xrun fields. */
export interface AudioEndpointStats {
  /** 10 ms frames delivered by `read` (source) or accepted by `write` (sink). */
  readonly frames: number;
  /** Times `read` found less than a frame buffered (a silent frame was returned instead). */
  readonly underruns: number;
  /** Samples per channel dropped because the internal buffer was full (device faster than the reader). */
  readonly overrunSamples: number;
}

/** Events of an {@link AudioSource}. */
export interface AudioSourceEvents {
  /** The source failed (process died, stalled, device vanished). It stops itself; `end` follows. */
  error: (error: VoxwireError) => void;
  /** No more audio will come: end of file without loop, after `stop()`, or after an error. */
  end: () => void;
}

/**
 * Where audio comes from: a microphone backend, a WAV file, a tone, a Node stream, or a plugin.
 *
 * The unit is a 10 ms frame and the model is pull: whoever consumes (a `VoiceSession`'s ticker, a
 * test) calls `read` once per 10 ms of its own clock. Device backends buffer what the device
 * delivers in bursts and hand out steady frames, counting underruns and overruns.
 */
export interface AudioSource extends EventEmitter<AudioSourceEvents> {
  /** What `read` delivers. Fixed once `start()` resolved. */
  readonly format: AudioFormat;
  /** Delay from the sound at the device to the frame in `read`, ms (0 for files and generators). */
  readonly latencyMs: number;
  /** True between a resolved `start()` and `stop()` or `end`. */
  readonly running: boolean;
  /**
   * Opens the device or file. Resolves once audio can be read.
   * @throws VoxwireError `ERR_CAPTURE` when the device or program is missing or refuses the format.
   */
  start(): Promise<void>;
  /**
   * Copies the next 10 ms frame into `out` (`format.sampleRateHz / 100 * format.channels` samples).
   * @returns True when real audio was copied; false when none was buffered or the source ended, in
   *   which case `out` holds silence (counted as an underrun while running).
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `out` is not one frame long.
   */
  read(out: Int16Array): boolean;
  /** Releases the device, process or file. Harmless when called twice. */
  stop(): Promise<void>;
  /** Counters since `start()`. */
  getStats(): AudioEndpointStats;
}

/** Events of an {@link AudioSink}. */
export interface AudioSinkEvents {
  /** The sink failed (process died, stalled, device vanished). It stops itself. */
  error: (error: VoxwireError) => void;
  /** The sink's buffer drained below its limit after `write` returned false. */
  drain: () => void;
}

/**
 * Where audio goes: a speaker backend, a WAV file, a Node stream, nothing, or a plugin. The writer
 * calls `write` once per 10 ms frame.
 */
export interface AudioSink extends EventEmitter<AudioSinkEvents> {
  /** What `write` accepts. Fixed once `start()` resolved. */
  readonly format: AudioFormat;
  /** Delay from `write` to sound at the device, ms (0 for files). */
  readonly latencyMs: number;
  /** True between a resolved `start()` and `stop()`. */
  readonly running: boolean;
  /**
   * Opens the device or file.
   * @throws VoxwireError `ERR_CAPTURE` when the device or program is missing or refuses the format.
   */
  start(): Promise<void>;
  /**
   * Queues one 10 ms frame (copied before returning).
   * @returns False when the sink's buffer is over its limit (backpressure: wait for `drain`); the frame
   *   was still queued unless the buffer was full, in which case it was dropped and counted as overrun.
   * @throws VoxwireError `ERR_INVALID_ARGUMENT` when `frame` is not one frame long.
   */
  write(frame: Int16Array): boolean;
  /** Plays or writes out what is queued, then releases the device or file. Harmless when called twice. */
  stop(): Promise<void>;
  /** Counters since `start()`. */
  getStats(): AudioEndpointStats;
}
