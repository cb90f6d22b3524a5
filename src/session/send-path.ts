import type { AudioCodec } from '../codec/types.js';
import { RedEncoder } from '../transport/red/index.js';
import type { AudioLevel } from '../transport/rtp/audio-level.js';
import type { RtpSender } from '../transport/rtp/sender.js';

/** Counters of the send path. @internal */
export interface SendPathStats {
  /** Packets the encoder produced. */
  framesEncoded: number;
  /** Packets not sent because DTX judged them silence. */
  framesDtx: number;
  /** Packets not sent while muted or on hold. */
  framesSuppressed: number;
}

/**
 * The encoder side of a session: gathers 10 ms frames into packets of `ptimeMs`, encodes, wraps in
 * RED when asked, and hands to the `RtpSender` with the audio level. An empty payload from the
 * encoder (codec DTX) skips the packet's timestamps instead of sending. Allocation-free per frame.
 * @internal
 */
export class SendPath {
  /** Counters since construction. */
  readonly stats: SendPathStats = { framesEncoded: 0, framesDtx: 0, framesSuppressed: 0 };
  readonly #codec: AudioCodec;
  readonly #sender: RtpSender;
  readonly #red: RedEncoder | undefined;
  readonly #packet: Int16Array;
  readonly #samplesPerTs: number;
  readonly #level: AudioLevel = { voiceActivity: false, levelDbov: 127 };
  readonly #withLevel: boolean;
  readonly #vadDtx: boolean;
  #filled = 0;
  #peakLevel = 127;
  #voice = false;

  /**
   * @param codec - The encoder (owned by the caller).
   * @param sender - Sends the packets (payload type already RED's when `red`).
   * @param ptimeMs - Packet duration, ms.
   * @param red - Wrap each packet in RFC 2198 with one previous frame.
   * @param withLevel - Pass the RFC 6464 audio level with each packet.
   * @param vadDtx - Send nothing for a packet the VAD judged silent (the codec's own DTX still applies).
   */
  constructor(
    codec: AudioCodec,
    sender: RtpSender,
    ptimeMs: number,
    red: boolean,
    withLevel: boolean,
    vadDtx: boolean,
  ) {
    this.#codec = codec;
    this.#sender = sender;
    this.#packet = new Int16Array((codec.info.sampleRateHz * codec.info.channels * ptimeMs) / 1000);
    this.#samplesPerTs = codec.info.clockRateHz / codec.info.sampleRateHz;
    this.#red = red ? new RedEncoder({ distance: 1 }) : undefined;
    this.#withLevel = withLevel;
    this.#vadDtx = vadDtx;
  }

  /**
   * Takes one 10 ms frame.
   * @param frame - 10 ms of PCM at the codec's rate.
   * @param levelDbov - Level of the frame, dBov (−127–0).
   * @param voice - Voice activity of the frame.
   * @param send - False while muted or on hold: the packet's time passes without sending.
   */
  push(frame: Int16Array, levelDbov: number, voice: boolean, send: boolean): void {
    this.#packet.set(frame, this.#filled);
    this.#filled += frame.length;
    const level = Math.max(0, Math.min(127, Math.round(-levelDbov)));
    if (level < this.#peakLevel) this.#peakLevel = level;
    this.#voice ||= voice;
    if (this.#filled < this.#packet.length) return;
    const packet = this.#packet;
    const samplesTs = (packet.length / this.#codec.info.channels) * this.#samplesPerTs;
    this.#filled = 0;
    this.#level.levelDbov = this.#peakLevel;
    this.#level.voiceActivity = this.#voice;
    this.#peakLevel = 127;
    this.#voice = false;
    if (!send) {
      this.stats.framesSuppressed++;
      this.#red?.reset();
      this.#sender.skip(samplesTs);
      return;
    }
    // VAD-driven DTX still runs the encoder so its state follows the signal.
    const encoded = this.#codec.encode(packet);
    const payload = this.#vadDtx && !this.#level.voiceActivity ? encoded.subarray(0, 0) : encoded;
    if (payload.length === 0) {
      this.stats.framesDtx++;
      this.#red?.encode(payload, this.#sender.nextTimestamp, this.#codec.info.payloadType);
      this.#sender.skip(samplesTs);
      return;
    }
    this.stats.framesEncoded++;
    const wire =
      this.#red === undefined
        ? payload
        : this.#red.encode(payload, this.#sender.nextTimestamp, this.#codec.info.payloadType);
    this.#sender.send(wire, {
      samples: samplesTs,
      audioLevel: this.#withLevel ? this.#level : undefined,
    });
  }
}
