import { decodeAudioLevel } from '../transport/rtp/audio-level.js';
import { findHeaderExtension } from '../transport/rtp/header-extensions.js';
import { RtpReceiver } from '../transport/rtp/receiver.js';
import type { ReceivedRtpPacket } from '../transport/rtp/receiver-types.js';
import type { ReceivedDatagram } from '../transport/types.js';
import { LossBurstTracker } from './stats.js';
import type { ReceivePlayout } from './stream-mixer.js';

/**
 * The receive side of a session: datagrams from the transport into the `RtpReceiver` (which parses,
 * counts and drops malformed input), each media packet into the playout, with the loss-burst
 * tracking the E-model needs and the peer's RFC 6464 voice flag. Never throws into the transport.
 * @internal
 */
export class ReceivePath {
  /** Parses RTP/RTCP and keeps the W3C inbound and remote-inbound statistics. */
  readonly receiver: RtpReceiver;
  /** Losses and their bursts, for `BurstR`. */
  readonly loss = new LossBurstTracker();
  readonly #playout: ReceivePlayout;
  readonly #audioLevelExtensionId: number;
  readonly #onError: (error: unknown) => void;
  #voiceFlag: boolean | undefined;

  /**
   * @param clockRateHz - RTP clock rate of the codec, Hz.
   * @param playout - Takes every media packet (owned by the caller).
   * @param audioLevelExtensionId - RFC 6464 extension id, 1–14, or 0 for none.
   * @param onError - Receives what the receiver reports and any exception of the path.
   */
  constructor(
    clockRateHz: number,
    playout: ReceivePlayout,
    audioLevelExtensionId: number,
    onError: (error: unknown) => void,
  ) {
    this.#playout = playout;
    this.#audioLevelExtensionId = audioLevelExtensionId;
    this.#onError = onError;
    this.receiver = new RtpReceiver({ clockRateHz });
    this.receiver.on('packet', (e) => this.#onPacket(e));
    this.receiver.on('error', onError);
  }

  /** The peer's voice flag of the last packet that carried an audio level; undefined before one. */
  get remoteVoiceFlag(): boolean | undefined {
    return this.#voiceFlag;
  }

  /** Transport `datagram` listener. */
  readonly onDatagram = (d: ReceivedDatagram): void => {
    try {
      this.receiver.receive(d.data, d.arrivalMs, d.channel);
    } catch (error) {
      this.#onError(error);
    }
  };

  /** Stops the receiver's timers. */
  close(): void {
    this.receiver.close();
  }

  #onPacket({ packet, arrivalMs }: ReceivedRtpPacket): void {
    this.loss.observe(packet.sequenceNumber);
    const id = this.#audioLevelExtensionId;
    if (id > 0) {
      const ext = findHeaderExtension(packet.extensions, id);
      if (ext !== undefined && ext.data.length >= 1) {
        this.#voiceFlag = decodeAudioLevel(ext.data)?.voiceActivity ?? false;
      }
    }
    this.#playout.insert(packet, arrivalMs);
  }
}
