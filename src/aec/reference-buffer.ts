/**
 * Far-end reference store keyed by absolute sample index, so reference and capture delivered in
 * uneven bursts stay aligned: far sample i pairs with microphone sample i + delay. Samples asked for
 * before they arrive (or after they were overwritten) read as silence and are counted.
 * @internal
 */
export class ReferenceBuffer {
  private readonly ring: Float32Array;
  /** Absolute index one past the newest stored sample. */
  private written = 0;
  /** Samples read as silence because they had not arrived or were overwritten. */
  missingSamples = 0;

  /** @param capacity - Samples kept (must cover the largest delay plus burst jitter). */
  constructor(capacity: number) {
    this.ring = new Float32Array(capacity);
  }

  /** Appends far-end samples (int16 scale). */
  push(far: Int16Array): void {
    const cap = this.ring.length;
    const start = far.length > cap ? far.length - cap : 0;
    this.written += start;
    for (let i = start; i < far.length; i++) {
      this.ring[this.written % cap] = far[i];
      this.written++;
    }
  }

  /**
   * Copies samples with absolute indices `[from, from + out.length)` into `out`; indices not held
   * (negative, not yet written, overwritten) give 0.
   */
  read(from: number, out: Float32Array): void {
    const cap = this.ring.length;
    for (let i = 0; i < out.length; i++) {
      const index = from + i;
      if (index < 0) {
        out[i] = 0;
      } else if (index >= this.written || index < this.written - cap) {
        out[i] = 0;
        this.missingSamples++;
      } else {
        out[i] = this.ring[index % cap];
      }
    }
  }

  /** Forgets every sample and the index count. */
  reset(): void {
    this.ring.fill(0);
    this.written = 0;
    this.missingSamples = 0;
  }
}
