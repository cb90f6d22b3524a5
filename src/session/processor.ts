/**
 * What a session needs of its audio processor stage (echo cancellation, noise suppression, voice
 * activity, level): the built-in `AudioProcessor` fits it, and so does a plugin. Frames are 10 ms of
 * mono Int16 at the session's codec rate.
 */
export interface SessionProcessor {
  /** Takes 10 ms of what is being played out (the echo canceller's far-end reference). */
  processReference(frame: Int16Array): void;
  /**
   * Processes 10 ms of capture in place or into `out`.
   * @returns The processed frame (`out` when given, else a view the processor owns).
   */
  processCapture(frame: Int16Array, out?: Int16Array): Int16Array;
  /** Voice activity of the last captured frame. */
  readonly speaking?: boolean;
  /**
   * Rate the processor works at, Hz, when below the session rate: its output then carries nothing
   * above half of it, and the session lets the encoder code only that band (Opus `maxBandwidth`).
   */
  readonly processingRateHz?: number;
  /** Level of the last processed capture frame, dBov (−127–0). */
  readonly levelDbov?: number;
  /** Processor counters, reported as `processor` in the session statistics. */
  getStats?(): unknown;
  /** Frees the processor's resources; called by the session's `stop()`. */
  close?(): void;
}
