import type { Clock } from '../clock/index.js';
import { startTicker } from '../clock/index.js';
import { frameLength } from './format.js';
import type { AudioSource } from './types.js';

/** A running pacer; see {@link paceSource}. */
export interface Pacer {
  /** Stops pulling; no `onFrame` after it returns. Does not stop the source. */
  stop(): void;
  /** Frames pulled so far. */
  readonly frames: number;
}

/**
 * Pulls one frame from a started `source` every 10 ms of `clock` (drift-free, via `startTicker`) and
 * hands it to `onFrame`, for standalone real-time use without a `VoiceSession`. Stops by itself when
 * the source ends.
 * @param source - A source whose `start()` resolved.
 * @param clock - The time base (`RealClock` for real time, `VirtualClock` in tests).
 * @param onFrame - Receives the frame (reused: copy it to keep it), whether it was real audio, and
 *   the time the frame was due, ms of `clock`.
 */
export function paceSource(
  source: AudioSource,
  clock: Clock,
  onFrame: (frame: Int16Array, real: boolean, dueMs: number) => void,
): Pacer {
  const frame = new Int16Array(frameLength(source.format));
  let frames = 0;
  const onEnd = (): void => ticker.stop();
  const ticker = startTicker(clock, 10, (_index, dueMs) => {
    if (!source.running) {
      pacer.stop();
      return;
    }
    const real = source.read(frame);
    frames++;
    onFrame(frame, real, dueMs);
  });
  source.once('end', onEnd);
  const pacer: Pacer = {
    stop() {
      ticker.stop();
      source.off('end', onEnd);
    },
    get frames() {
      return frames;
    },
  };
  return pacer;
}
