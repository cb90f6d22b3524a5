import type { AudioCodec } from '../codec/types.js';

/**
 * Packet-loss concealment as the playout drives it. {@link Expand} (pitch-based) implements it;
 * {@link CodecConcealer} adapts a codec's own concealment (`AudioCodec.conceal`). Mono float PCM
 * in [-1, 1) at the playout's rate.
 */
export interface Concealer {
  /**
   * Starts a concealment after the audio played so far.
   * @param history - Recent output, oldest first; `history[start .. end)` is read.
   */
  start(history: Float32Array, start: number, end: number): void;
  /** Writes the next `length` concealed samples at `out[offset..]` and counts them. */
  conceal(out: Float32Array, offset: number, length: number): void;
  /** Like {@link conceal} without counting (a merge counts what it plays). Advances the concealment. */
  synthesize(out: Float32Array, offset: number, length: number): void;
  /** Counts `samples` of {@link synthesize} output that were played. */
  addConcealedSamples(samples: number): void;
  /** Concealed samples that were (near) silent, total. */
  readonly silentConcealedSamples: number;
}

/** A 10 ms block below this RMS (float PCM, about −60 dBFS) counts as silent concealment. */
const SILENT_RMS = 0.001;

/**
 * {@link Concealer} over a codec's own concealment (`AudioCodec.conceal`, e.g. libopus PLC through
 * opusscript). The codec keeps the decoder state, so `start` reads no history. Requests are split
 * into blocks of at most 10 ms: opusscript's concealment is exact only per 10/20 ms frame and
 * caps a single call (120 ms), so small blocks never lose or skip audio.
 */
export class CodecConcealer implements Concealer {
  /** Concealed samples counted so far. */
  concealedSamples = 0;
  /** Of those, samples in near-silent 10 ms blocks. */
  silentConcealedSamples = 0;
  readonly #codec: AudioCodec;
  readonly #block: number;
  readonly #pcm: Int16Array;

  /**
   * @param codec - A mono codec with `conceal`.
   * @param sampleRateHz - Its PCM rate, Hz (a multiple of 100).
   */
  constructor(codec: AudioCodec, sampleRateHz: number) {
    this.#codec = codec;
    this.#block = sampleRateHz / 100;
    this.#pcm = new Int16Array(this.#block);
  }

  /** Nothing to read: the codec continues from its own last decoded frame. */
  start(_history: Float32Array, _start: number, _end: number): void {}

  conceal(out: Float32Array, offset: number, length: number): void {
    this.#run(out, offset, length, true);
  }

  synthesize(out: Float32Array, offset: number, length: number): void {
    this.#run(out, offset, length, false);
  }

  addConcealedSamples(samples: number): void {
    this.concealedSamples += samples;
  }

  #run(out: Float32Array, offset: number, length: number, count: boolean): void {
    const end = Math.min(out.length, offset + length);
    for (let at = offset; at < end; ) {
      const n = Math.min(this.#block, end - at);
      let pcm: Int16Array;
      try {
        pcm = this.#codec.conceal!(n, this.#pcm.subarray(0, n));
      } catch {
        pcm = this.#pcm.subarray(0, n).fill(0); // a failing codec conceals with silence
      }
      let energy = 0;
      for (let i = 0; i < n; i++) {
        const v = pcm[i] / 32768;
        out[at + i] = v;
        energy += v * v;
      }
      if (count) {
        this.concealedSamples += n;
        if (Math.sqrt(energy / n) < SILENT_RMS) this.silentConcealedSamples += n;
      }
      at += n;
    }
  }
}
