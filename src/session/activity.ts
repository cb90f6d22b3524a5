/** Level above which a frame counts as speech when no VAD decides, dBov. @internal */
export const SPEECH_LEVEL_DBOV = -45;

/**
 * Turns per-frame voice decisions into talk spurts with a hangover, so that `speaking` events do not
 * flicker between syllables. @internal
 */
export class SpeechActivity {
  #ticks = 0;
  #speaking = false;

  /** @param hangoverFrames - Frames without voice before a spurt ends. */
  constructor(private readonly hangoverFrames = 30) {}

  /** True during a spurt. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /**
   * Takes one frame's decision.
   * @returns True when `speaking` changed.
   */
  update(voice: boolean): boolean {
    this.#ticks = voice ? this.hangoverFrames : Math.max(0, this.#ticks - 1);
    const speaking = this.#ticks > 0;
    if (speaking === this.#speaking) return false;
    this.#speaking = speaking;
    return true;
  }
}
