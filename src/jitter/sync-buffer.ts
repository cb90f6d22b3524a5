import { floatSampleToInt16 } from '../audio/pcm.js';

/**
 * Decoded audio around the play point (NetEQ's SyncBuffer), Float32 at full scale 1: the history
 * already played (what concealment extrapolates from) and the future not yet played (what
 * time-stretching works on). Fixed capacity, allocation-free: old history is shifted out as needed.
 * @internal
 */
export class SyncBuffer {
  /** The samples; [0, playPos) is history, [playPos, end) the future. */
  readonly data: Float32Array;
  /** Index of the next sample to play. */
  playPos = 0;
  /** Index after the last decoded sample. */
  end = 0;
  readonly #historySamples: number;

  /**
   * @param historySamples - History kept when space is reclaimed, samples.
   * @param futureSamples - Largest future the buffer must hold, samples.
   */
  constructor(historySamples: number, futureSamples: number) {
    this.#historySamples = historySamples;
    this.data = new Float32Array(historySamples + futureSamples);
    this.clear();
  }

  /** Samples decoded and not yet played. */
  get futureSamples(): number {
    return this.end - this.playPos;
  }

  /** Empties the buffer to a silent history. */
  clear(): void {
    this.data.fill(0);
    this.playPos = this.#historySamples;
    this.end = this.#historySamples;
  }

  /**
   * Makes room for `n` more samples at `end` by dropping the oldest history.
   * @returns The samples that fit (less than `n` only for a future beyond capacity).
   */
  reserve(n: number): number {
    if (this.end + n > this.data.length) {
      const drop = Math.max(0, this.playPos - this.#historySamples);
      if (drop > 0) {
        this.data.copyWithin(0, drop, this.end);
        this.playPos -= drop;
        this.end -= drop;
      }
    }
    return Math.max(0, Math.min(n, this.data.length - this.end));
  }

  /** Appends float samples from src[0 .. n). */
  append(src: Float32Array, n: number): void {
    const room = this.reserve(n);
    this.data.set(src.subarray(0, room), this.end);
    this.end += room;
  }

  /** Appends Int16 samples, scaled to full scale 1. */
  appendInt16(src: Int16Array): number {
    const room = this.reserve(src.length);
    const d = this.data;
    const at = this.end;
    for (let i = 0; i < room; i++) d[at + i] = src[i] / 32768;
    this.end += room;
    return room;
  }

  /**
   * Replaces the future segment [playPos, playPos + oldLength) with src[0 .. newLength), moving
   * what follows (time-stretching changes the length).
   */
  replaceFuture(oldLength: number, src: Float32Array, newLength: number): void {
    const d = this.data;
    if (newLength > oldLength) this.reserve(newLength - oldLength);
    const start = this.playPos; // after reserve, which may shift
    d.copyWithin(start + newLength, start + oldLength, this.end);
    d.set(src.subarray(0, newLength), start);
    this.end += newLength - oldLength;
  }

  /** Moves the play position `n` samples on (at most to the end of the future). */
  skip(n: number): void {
    this.playPos += Math.min(n, this.futureSamples);
  }

  /** Plays `n` samples into `out` as Int16 (clamped); missing future plays as silence. */
  play(out: Int16Array, n: number): void {
    const d = this.data;
    const available = Math.min(n, this.futureSamples);
    for (let i = 0; i < available; i++) out[i] = floatSampleToInt16(d[this.playPos + i]);
    out.fill(0, available, n);
    this.playPos += available;
  }
}
