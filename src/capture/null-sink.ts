import { BaseAudioSink } from './base.js';
import { resolveAudioFormat } from './format.js';
import type { AudioFormat } from './types.js';

/** A sink that discards every frame (counting them); never applies backpressure. */
export class NullSink extends BaseAudioSink {
  /**
   * @param format - Rate and channels `write` accepts (default 48 kHz mono).
   * @throws VoxwireError `ERR_INVALID_OPTION` for a bad format.
   */
  constructor(format: AudioFormat = { sampleRateHz: 48000, channels: 1 }) {
    super(resolveAudioFormat(format));
  }

  protected async open(): Promise<void> {}

  protected push(): boolean {
    return true;
  }

  protected async close(): Promise<void> {}
}
