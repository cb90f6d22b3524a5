import { rmsDbov } from '../audio/level.js';
import type { AudioSink, AudioSource } from '../capture/types.js';
import type { Clock } from '../clock/types.js';
import { SPEECH_LEVEL_DBOV, SpeechActivity } from './activity.js';
import type { SessionProcessor } from './processor.js';
import type { SendPath } from './send-path.js';
import type { ReceivePlayout } from './stream-mixer.js';

/** What the media loop reports upward. @internal */
export interface MediaLoopListener {
  /** The local talk spurt started or ended. */
  speaking(speaking: boolean): void;
  /** The remote talk spurt started or ended. */
  remoteSpeaking(speaking: boolean): void;
}

/**
 * One 10 ms step of a session, both directions: pull the playout into the sink and the echo
 * canceller's reference; read the source, process (AEC, NS, VAD), hand to the send path; track who
 * speaks. Allocation-free per frame.
 * @internal
 */
export class MediaLoop {
  readonly #playout: ReceivePlayout;
  readonly #source: AudioSource;
  readonly #sink: AudioSink;
  readonly #processor: SessionProcessor | undefined;
  readonly #sendPath: SendPath;
  readonly #remoteVoiceFlag: () => boolean | undefined;
  readonly #listener: MediaLoopListener;
  readonly #clock: Clock;
  readonly #capture: Int16Array;
  readonly #processed: Int16Array;
  readonly #played: Int16Array;
  readonly #silence: Int16Array;
  readonly #local = new SpeechActivity();
  readonly #remote = new SpeechActivity();

  /**
   * @param frameSamples - Samples per 10 ms at the session rate.
   * @param parts - The stages (owned by the session); `remoteVoiceFlag` reads the peer's RFC 6464 flag.
   */
  constructor(
    frameSamples: number,
    parts: {
      playout: ReceivePlayout;
      source: AudioSource;
      sink: AudioSink;
      processor: SessionProcessor | undefined;
      sendPath: SendPath;
      remoteVoiceFlag: () => boolean | undefined;
      listener: MediaLoopListener;
      /** The session's clock: pull times let the playout tell the owner's stalls from network jitter. */
      clock: Clock;
    },
  ) {
    this.#playout = parts.playout;
    this.#source = parts.source;
    this.#sink = parts.sink;
    this.#processor = parts.processor;
    this.#sendPath = parts.sendPath;
    this.#remoteVoiceFlag = parts.remoteVoiceFlag;
    this.#listener = parts.listener;
    this.#clock = parts.clock;
    this.#capture = new Int16Array(frameSamples);
    this.#processed = new Int16Array(frameSamples);
    this.#played = new Int16Array(frameSamples);
    this.#silence = new Int16Array(frameSamples);
  }

  /**
   * Runs one 10 ms step.
   * @param held - On hold: the sink and the reference get silence, nothing is sent.
   * @param muted - Muted: nothing is sent and the local talker is not reported speaking.
   */
  step(held: boolean, muted: boolean): void {
    const processor = this.#processor;
    const played = this.#playout.pull(this.#played, this.#clock.now()).pcm;
    const out = held ? this.#silence : played;
    this.#sink.write(out);
    processor?.processReference(out);
    this.#updateRemote(played, held);

    this.#source.read(this.#capture);
    const processed = processor ? processor.processCapture(this.#capture, this.#processed) : this.#capture;
    const levelDbov = processor?.levelDbov ?? rmsDbov(processed);
    const voice = processor?.speaking ?? levelDbov > SPEECH_LEVEL_DBOV;
    if (this.#local.update(voice && !muted)) this.#listener.speaking(this.#local.speaking);
    this.#sendPath.push(processed, levelDbov, voice, !held && !muted);
  }

  #updateRemote(played: Int16Array, held: boolean): void {
    // The peer's voice flag when it sends one (cheaper and truer than a level), else the played level.
    const voice = this.#remoteVoiceFlag() ?? rmsDbov(played) > SPEECH_LEVEL_DBOV;
    if (this.#remote.update(voice && !held)) this.#listener.remoteSpeaking(this.#remote.speaking);
  }
}
