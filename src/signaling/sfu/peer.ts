import {
  type MediaStreamTrack,
  type PeerConfig,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  useAudioLevelIndication,
  useSdesMid,
} from 'werift';
import { installDtlsRetransmitFix } from '../../transport/webrtc/dtls-retransmit-fix.js';
import type { ClientRelayMessage, IceCandidateInit } from '../protocol.js';
import type { SfuSink } from './router.js';

installDtlsRetransmitFix();

/** Codecs an SFU room may forward (one per room: forwarding never transcodes). */
export type SfuCodecName = 'opus' | 'pcmu' | 'pcma';

/** What every server-side peer of a room is built from. @internal */
export interface SfuPeerConfig {
  codec: SfuCodecName;
  slots: number;
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  hostAddresses: string[] | undefined;
  icePortRange: [number, number] | undefined;
}

/** A signal the server sends to the participant: offer or candidate. @internal */
export type SfuPeerSignal =
  | { type: 'offer'; sdp: string }
  | { type: 'candidate'; candidate: IceCandidateInit | null };

/** RTP parameters per codec (Chromium's payload types). */
export const SFU_CODECS: Record<SfuCodecName, { payloadType: number; clockRateHz: number }> = {
  opus: { payloadType: 111, clockRateHz: 48_000 },
  pcmu: { payloadType: 0, clockRateHz: 8000 },
  pcma: { payloadType: 8, clockRateHz: 8000 },
};

/** The audio-level extension id the SFU offers (werift numbers extensions 1… in list order). */
export const SFU_AUDIO_LEVEL_ID = 1;

function codecParameters(codec: SfuCodecName): RTCRtpCodecParameters {
  if (codec === 'opus') {
    return new RTCRtpCodecParameters({
      mimeType: 'audio/opus',
      clockRate: 48_000,
      channels: 2,
      payloadType: 111,
      parameters: 'minptime=10;useinbandfec=1',
    });
  }
  const { payloadType, clockRateHz } = SFU_CODECS[codec];
  return new RTCRtpCodecParameters({
    mimeType: codec === 'pcmu' ? 'audio/PCMU' : 'audio/PCMA',
    clockRate: clockRateHz,
    channels: 1,
    payloadType,
  });
}

function peerConfig(c: SfuPeerConfig): Partial<PeerConfig> {
  // Audio level first: it gets id 1 (SFU_AUDIO_LEVEL_ID). No RED: forwarded packets stay as sent.
  const config: Partial<PeerConfig> = {
    codecs: { audio: [codecParameters(c.codec)] },
    headerExtensions: { audio: [useAudioLevelIndication(), useSdesMid()] },
    iceServers: c.iceServers,
    bundlePolicy: 'max-bundle',
  };
  if (c.icePortRange) config.icePortRange = c.icePortRange;
  const hosts = c.hostAddresses;
  if (hosts) {
    config.iceAdditionalHostAddresses = hosts;
    const v4 = hosts.find((a) => !a.includes(':'));
    if (v4) config.iceInterfaceAddresses = { udp4: v4 };
    config.iceFilterCandidatePair = (pair) =>
      pair.localCandidate.type !== 'host' || hosts.includes(pair.localCandidate.host);
    if (hosts.every((a) => !a.includes(':'))) config.iceUseIpv6 = false;
  }
  return config;
}

/**
 * The server end of one participant's single peer connection (werift): m-line 0 is `sendrecv` (the
 * participant's audio up, slot 0 down), m-lines 1 … slots − 1 are `sendonly` (the other slots), so
 * the slot count is fixed at the offer and never renegotiated. The server offers; the participant
 * answers. @internal
 */
export class SfuPeer implements SfuSink {
  readonly #pc: RTCPeerConnection;
  readonly #transceivers: RTCRtpTransceiver[] = [];
  readonly #signal: (message: SfuPeerSignal) => void;
  readonly #hosts: string[] | undefined;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #answered = false;
  /** Candidates that arrived before the answer (a participant may trickle before answering). */
  #early: IceCandidateInit[] = [];
  /** Connection state as werift reports it. */
  state = 'new';
  /** Packets the peer could not send (not connected yet, SRTP failure). */
  sendFailures = 0;

  constructor(
    config: SfuPeerConfig,
    signal: (message: SfuPeerSignal) => void,
    onRtp: (data: Uint8Array) => void,
    onState: (state: string) => void,
  ) {
    this.#signal = signal;
    this.#hosts = config.hostAddresses;
    this.#pc = new RTCPeerConnection(peerConfig(config));
    for (let i = 0; i < config.slots; i++) {
      this.#transceivers.push(
        this.#pc.addTransceiver('audio', { direction: i === 0 ? 'sendrecv' : 'sendonly' }),
      );
    }
    this.#pc.onIceCandidate.subscribe((candidate) => this.#onCandidate(candidate));
    this.#pc.connectionStateChange.subscribe((state) => {
      this.state = state;
      onState(state);
    });
    this.#pc.onTrack.subscribe((track: MediaStreamTrack) => {
      track.onReceiveRtp.subscribe((packet) => {
        if (!this.#closed) onRtp(packet.serialize());
      });
    });
  }

  /** Creates and sends the offer. Failures are reported through `onError`. */
  start(onError: (error: unknown) => void): void {
    this.#enqueue(async () => {
      const offer = await this.#pc.createOffer();
      await this.#pc.setLocalDescription(offer);
      this.#signal({ type: 'offer', sdp: this.#pc.localDescription?.sdp ?? offer.sdp });
    }, onError);
  }

  /** Applies the participant's answer or candidate; anything else is ignored (returns false). */
  handle(message: ClientRelayMessage, onError: (error: unknown) => void): boolean {
    if (this.#closed) return false;
    if (message.type === 'answer') {
      if (this.#answered) return false;
      this.#enqueue(async () => {
        await this.#pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
        this.#answered = true;
        for (const c of this.#early.splice(0)) await this.#addCandidate(c).catch(onError);
      }, onError);
      return true;
    }
    if (message.type === 'candidate') {
      const c = message.candidate;
      if (c === null || c.candidate === '') return true;
      if (this.#early.length >= 64) return false;
      this.#enqueue(async () => {
        if (this.#answered) await this.#addCandidate(c);
        else this.#early.push(c);
      }, onError);
      return true;
    }
    return false; // The server offers; an offer from the participant is not part of the SFU exchange.
  }

  /** Sends a rewritten packet on a slot (copied: the router reuses its buffer). */
  send(slot: number, packet: Uint8Array): boolean {
    const t = this.#transceivers[slot];
    if (this.#closed || t === undefined || this.state !== 'connected') {
      this.sendFailures++;
      return false;
    }
    t.sender.sendRtp(Buffer.from(packet)).catch(() => {
      this.sendFailures++;
    });
    return true;
  }

  /** Closes the peer connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pc.close().catch(() => {});
  }

  #addCandidate(c: IceCandidateInit): Promise<void> {
    return this.#pc.addIceCandidate({
      candidate: c.candidate,
      sdpMid: c.sdpMid ?? undefined,
      sdpMLineIndex: c.sdpMLineIndex ?? undefined,
      usernameFragment: c.usernameFragment ?? undefined,
    });
  }

  #enqueue(task: () => Promise<unknown>, onError: (error: unknown) => void): void {
    this.#queue = this.#queue
      .then(async () => {
        if (!this.#closed) await task();
      })
      .catch((error: unknown) => {
        if (!this.#closed) onError(error);
      });
  }

  #onCandidate(candidate: { candidate: string; sdpMid?: string; sdpMLineIndex?: number } | undefined): void {
    if (this.#closed) return;
    if (!candidate) {
      this.#signal({ type: 'candidate', candidate: null });
      return;
    }
    const address = candidate.candidate.split(' ')[4];
    if (this.#hosts && / typ host/.test(candidate.candidate) && !this.#hosts.includes(address)) return;
    this.#signal({
      type: 'candidate',
      candidate: {
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? null,
        sdpMLineIndex: candidate.sdpMLineIndex ?? null,
      },
    });
  }
}
