import { AudioProcessor } from '../aec/processor.js';
import { rmsDbov } from '../audio/level.js';
import { convertSink, convertSource } from '../capture/convert.js';
import type { AudioSink, AudioSource } from '../capture/types.js';
import { startTicker, type Ticker } from '../clock/index.js';
import { createCodec } from '../codec/registry.js';
import type { AudioCodec } from '../codec/types.js';
import { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { createPlayout, type Playout } from '../jitter/playout.js';
import { decodeAudioLevel } from '../transport/rtp/audio-level.js';
import { findHeaderExtension } from '../transport/rtp/header-extensions.js';
import { RtpReceiver } from '../transport/rtp/receiver.js';
import type { ReceivedRtpPacket } from '../transport/rtp/receiver-types.js';
import { RtpSender } from '../transport/rtp/sender.js';
import type { ReceivedDatagram } from '../transport/types.js';
import { SPEECH_LEVEL_DBOV, SpeechActivity } from './activity.js';
import { codecImpairment } from './e-model.js';
import { type ResolvedSessionOptions, resolveSessionOptions, type VoiceSessionOptions } from './options.js';
import { SendPath } from './send-path.js';
import { estimateMos, LossBurstTracker, type VoiceSessionStats } from './stats.js';

/** Lifecycle of a {@link VoiceSession}: `new` → `starting` → `active` ⇄ `held` → `stopping` → `stopped`. */
export type VoiceSessionState = 'new' | 'starting' | 'active' | 'held' | 'stopping' | 'stopped';

/** Events of a {@link VoiceSession}. */
export interface VoiceSessionEvents {
  /** The lifecycle state changed. */
  state: (state: VoiceSessionState) => void;
  /** Periodic statistics, every `statsIntervalMs`. */
  stats: (stats: VoiceSessionStats) => void;
  /** The local talker started (true) or stopped (false) speaking (VAD, else the capture level). */
  speaking: (speaking: boolean) => void;
  /** The remote talker started or stopped being heard (its RFC 6464 voice flag, else the played level). */
  remoteSpeaking: (speaking: boolean) => void;
  /** Something failed that the session survived (a bad packet is counted, not reported). */
  error: (error: VoxwireError) => void;
}

const TICK_MS = 10;

/**
 * A voice call: captures from `source`, processes (AEC with the playout as reference, NS, VAD),
 * encodes, packetizes (RTP, RED, audio level) and sends over `transport`; receives, reorders and
 * conceals through the playout and plays into `sink`. One 10 ms ticker on the session's clock drives
 * everything; network input never throws (malformed datagrams are counted by the receiver).
 *
 * The session owns its transport, source, sink, codecs and processor: `stop()` releases all of them.
 */
export class VoiceSession extends SafeEventEmitter<VoiceSessionEvents> {
  readonly #o: ResolvedSessionOptions;
  readonly #encoder: AudioCodec;
  readonly #decoder: AudioCodec;
  readonly #playout: Playout;
  readonly #rateHz: number;
  readonly #frameSamples: number;
  readonly #capture: Int16Array;
  readonly #processed: Int16Array;
  readonly #played: Int16Array;
  readonly #silence: Int16Array;
  readonly #loss = new LossBurstTracker();
  #state: VoiceSessionState = 'new';
  #source: AudioSource;
  #sink: AudioSink;
  #sender: RtpSender | undefined;
  #receiver: RtpReceiver | undefined;
  #sendPath: SendPath | undefined;
  #ticker: Ticker | undefined;
  #statsTicker: Ticker | undefined;
  #muted = false;
  readonly #local = new SpeechActivity();
  readonly #remote = new SpeechActivity();
  #remoteVoiceFlag = false;
  #remoteFlagSeen = false;
  #stopping: Promise<void> | undefined;
  readonly #onEndpointError = (error: unknown): void => this.#fail(error);
  readonly #onDatagram = (d: ReceivedDatagram): void => {
    try {
      this.#receiver?.receive(d.data, d.arrivalMs, d.channel);
    } catch (error) {
      this.#fail(error);
    }
  };

  /**
   * @param options - See {@link VoiceSessionOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option; `ERR_CODEC_UNKNOWN` for an
   *   unregistered codec.
   */
  constructor(options: VoiceSessionOptions) {
    super();
    this.#o = resolveSessionOptions(options);
    const o = this.#o;
    const codecOptions: Record<string, unknown> = { name: o.codecName };
    if (o.bitrateBps !== undefined) codecOptions.bitrateBps = o.bitrateBps;
    if (o.dtx) codecOptions.dtx = true;
    this.#encoder = createCodec(codecOptions as { name: string });
    this.#decoder = createCodec(codecOptions as { name: string });
    const info = this.#encoder.info;
    if (info.channels !== 1) {
      this.#encoder.close();
      this.#decoder.close();
      throw new VoxwireError(
        'ERR_INVALID_OPTION',
        `option codec: ${info.name} is not mono; sessions are mono`,
      );
    }
    if (!info.frameDurationsMs.includes(o.ptimeMs)) {
      this.#encoder.close();
      this.#decoder.close();
      throw new VoxwireError(
        'ERR_INVALID_OPTION',
        `option ptimeMs: ${o.ptimeMs} is invalid; ${info.name} takes ${info.frameDurationsMs.join(', ')} ms`,
      );
    }
    this.#rateHz = info.sampleRateHz;
    this.#frameSamples = this.#rateHz / 100;
    this.#capture = new Int16Array(this.#frameSamples);
    this.#processed = new Int16Array(this.#frameSamples);
    this.#played = new Int16Array(this.#frameSamples);
    this.#silence = new Int16Array(this.#frameSamples);
    this.#playout = createPlayout({
      codec: this.#decoder,
      minDelayMs: o.minDelayMs,
      redPayloadType: o.red ? o.redPayloadType : -1,
    });
    this.#source = o.source;
    this.#sink = o.sink;
    if (o.processor === undefined && (o.aec || o.ns || o.vad)) {
      o.processor = new AudioProcessor({ sampleRateHz: this.#rateHz, aec: o.aec, ns: o.ns, vad: o.vad });
    }
  }

  /** The lifecycle state. */
  get state(): VoiceSessionState {
    return this.#state;
  }

  /** True while muted (nothing is sent; timestamps keep running). */
  get muted(): boolean {
    return this.#muted;
  }

  /** PCM rate the session runs at (the codec's), Hz. Source and sink are converted to it. */
  get sampleRateHz(): number {
    return this.#rateHz;
  }

  /**
   * Opens source and sink, starts RTP/RTCP and the 10 ms media ticker.
   * @throws VoxwireError `ERR_INVALID_STATE` unless the session is new; `ERR_CAPTURE` when the source
   *   or sink cannot start (the session is then stopped and everything released).
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') {
      throw new VoxwireError('ERR_INVALID_STATE', `VoiceSession.start() in state ${this.#state}`);
    }
    this.#setState('starting');
    const o = this.#o;
    try {
      await Promise.all([o.source.start(), o.sink.start()]);
      const format = { sampleRateHz: this.#rateHz, channels: 1 };
      this.#source = convertSource(o.source, format);
      this.#sink = convertSink(o.sink, format);
    } catch (error) {
      await this.#release();
      this.#setState('stopped');
      throw error;
    }
    if (this.#stopping) return; // stop() was called meanwhile
    const info = this.#encoder.info;
    this.#receiver = new RtpReceiver({ clockRateHz: info.clockRateHz });
    this.#receiver.on('packet', (e) => this.#onPacket(e));
    this.#receiver.on('error', (e) => this.#fail(e));
    this.#sender = new RtpSender({
      transport: o.transport,
      clock: o.clock,
      payloadType: o.red ? o.redPayloadType : info.payloadType,
      clockRateHz: info.clockRateHz,
      cname: o.cname,
      random: o.random,
      audioLevelExtensionId: o.audioLevelExtensionId || undefined,
      receiver: this.#receiver,
    });
    const vadDtx = o.vad && o.dtx && info.supportsDtx;
    this.#sendPath = new SendPath(
      this.#encoder,
      this.#sender,
      o.ptimeMs,
      o.red,
      o.audioLevelExtensionId > 0,
      vadDtx,
    );
    o.transport.on('datagram', this.#onDatagram);
    o.transport.on('error', this.#onEndpointError);
    this.#source.on('error', this.#onEndpointError);
    this.#sink.on('error', this.#onEndpointError);
    this.#ticker = startTicker(o.clock, TICK_MS, () => this.#tick());
    if (o.statsIntervalMs > 0) {
      this.#statsTicker = startTicker(o.clock, o.statsIntervalMs, () => {
        this.safeEmit('stats', this.getStats());
      });
    }
    this.#setState('active');
  }

  /** Stops sending (timestamps keep running, so the peer sees silence, not loss). */
  mute(): void {
    this.#muted = true;
  }

  /** Sends again after {@link mute}. */
  unmute(): void {
    this.#muted = false;
  }

  /**
   * Puts the call on hold: nothing is sent and the sink receives silence; RTCP continues.
   * @throws VoxwireError `ERR_INVALID_STATE` unless active.
   */
  hold(): void {
    if (this.#state === 'held') return;
    if (this.#state !== 'active')
      throw new VoxwireError('ERR_INVALID_STATE', `hold() in state ${this.#state}`);
    this.#setState('held');
  }

  /**
   * Takes the call off hold.
   * @throws VoxwireError `ERR_INVALID_STATE` unless held or active.
   */
  resume(): void {
    if (this.#state === 'active') return;
    if (this.#state !== 'held')
      throw new VoxwireError('ERR_INVALID_STATE', `resume() in state ${this.#state}`);
    this.#setState('active');
  }

  /**
   * Says goodbye (RTCP BYE) and releases the transport, source, sink, codecs, processor and timers.
   * Harmless when called twice; resolves when everything is released.
   */
  stop(): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#stopping = (async () => {
      if (this.#state !== 'stopped') this.#setState('stopping');
      await this.#release();
      this.#setState('stopped');
    })();
    return this.#stopping;
  }

  /** A snapshot of the statistics (see {@link VoiceSessionStats}). */
  getStats(): VoiceSessionStats {
    const rx = this.#receiver?.getStats();
    const playout = this.#playout.getStats();
    const remoteInbound = rx?.remoteInbound;
    const outbound = this.#sender?.getStats() ?? {
      ssrc: 0,
      packetsSent: 0,
      bytesSent: 0,
      headerBytesSent: 0,
      reportsSent: 0,
    };
    return {
      timestampMs: this.#o.clock.now(),
      inbound: rx?.inbound,
      outbound,
      remoteInbound,
      playout,
      processor: this.#o.processor?.getStats?.(),
      mos: estimateMos({
        playout,
        roundTripTimeS: remoteInbound?.roundTripTime,
        ptimeMs: this.#o.ptimeMs,
        codec: codecImpairment(this.#encoder.info.name),
        deviceLatencyMs: this.#source.latencyMs + this.#sink.latencyMs,
        burstRatio: this.#loss.burstRatio,
      }),
    };
  }

  #tick(): void {
    try {
      this.#playAndCapture();
    } catch (error) {
      this.#fail(error);
    }
  }

  #playAndCapture(): void {
    const o = this.#o;
    const held = this.#state === 'held';
    const played = this.#playout.pull(this.#played).pcm;
    this.#sink.write(held ? this.#silence : played);
    o.processor?.processReference(held ? this.#silence : played);
    this.#updateRemoteSpeaking(played, held);

    this.#source.read(this.#capture);
    const processed = o.processor
      ? o.processor.processCapture(this.#capture, this.#processed)
      : this.#capture;
    const levelDbov = o.processor?.levelDbov ?? rmsDbov(processed);
    const voice = o.processor?.speaking ?? levelDbov > SPEECH_LEVEL_DBOV;
    this.#updateSpeaking(voice);
    this.#sendPath?.push(processed, levelDbov, voice, !held && !this.#muted);
  }

  #updateSpeaking(voice: boolean): void {
    if (this.#local.update(voice && !this.#muted)) this.safeEmit('speaking', this.#local.speaking);
  }

  #updateRemoteSpeaking(played: Int16Array, held: boolean): void {
    const voice = this.#remoteFlagSeen ? this.#remoteVoiceFlag : rmsDbov(played) > SPEECH_LEVEL_DBOV;
    if (this.#remote.update(voice && !held)) this.safeEmit('remoteSpeaking', this.#remote.speaking);
  }

  #onPacket({ packet, arrivalMs }: ReceivedRtpPacket): void {
    this.#loss.observe(packet.sequenceNumber);
    const id = this.#o.audioLevelExtensionId;
    if (id > 0) {
      const ext = findHeaderExtension(packet.extensions, id);
      if (ext !== undefined && ext.data.length >= 1) {
        this.#remoteFlagSeen = true;
        this.#remoteVoiceFlag = decodeAudioLevel(ext.data)?.voiceActivity ?? false;
      }
    }
    this.#playout.insert(packet, arrivalMs);
  }

  #fail(error: unknown): void {
    const wrapped =
      error instanceof VoxwireError
        ? error
        : new VoxwireError('ERR_INVALID_STATE', `voice session: ${String(error)}`, { cause: error });
    if (this.listenerCount('error') > 0) this.safeEmit('error', wrapped);
  }

  async #release(): Promise<void> {
    const o = this.#o;
    this.#ticker?.stop();
    this.#statsTicker?.stop();
    o.transport.off('datagram', this.#onDatagram);
    o.transport.off('error', this.#onEndpointError);
    this.#source.off('error', this.#onEndpointError);
    this.#sink.off('error', this.#onEndpointError);
    const errors: unknown[] = [];
    const attempt = async (fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    await attempt(() => (o.transport.closed ? undefined : this.#sender?.bye()));
    this.#sender?.close();
    this.#receiver?.close();
    await attempt(() => o.transport.close());
    await attempt(() => this.#source.stop());
    await attempt(() => this.#sink.stop());
    await attempt(() => this.#encoder.close());
    await attempt(() => this.#decoder.close());
    await attempt(() => o.processor?.close?.());
    for (const error of errors) this.#fail(error);
  }

  #setState(state: VoiceSessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.safeEmit('state', state);
  }
}
