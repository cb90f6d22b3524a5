import type { AudioSink, AudioSource } from '../capture/types.js';
import { startTicker, type Ticker } from '../clock/index.js';
import type { AudioCodec } from '../codec/types.js';
import { VoxwireError } from '../errors.js';
import { SafeEventEmitter } from '../events.js';
import { RtpSender } from '../transport/rtp/sender.js';
import { codecImpairment } from './e-model.js';
import { createReceivePlayout, createSessionStages, openEndpoints, releaseAll } from './lifecycle.js';
import { MediaLoop } from './media-loop.js';
import { type ResolvedSessionOptions, resolveSessionOptions, type VoiceSessionOptions } from './options.js';
import { ReceivePath } from './receive-path.js';
import { SendPath } from './send-path.js';
import { estimateMos, type VoiceSessionStats } from './stats.js';
import type { ReceivePlayout } from './stream-mixer.js';

/**
 * Lifecycle of a {@link VoiceSession}: `new` → `starting` → `active` ⇄ `held` → `stopping` → `stopped`.
 * A failed `start()` goes from `starting` to `stopped`.
 */
export type VoiceSessionState = 'new' | 'starting' | 'active' | 'held' | 'stopping' | 'stopped';

/** Events of a {@link VoiceSession} (eventemitter3; a listener that throws is reported as `error`). */
export interface VoiceSessionEvents {
  /** The lifecycle state changed; see {@link VoiceSessionState}. */
  state: (state: VoiceSessionState) => void;
  /** Periodic statistics, every `statsIntervalMs` of the session clock (none when it is 0). */
  stats: (stats: VoiceSessionStats) => void;
  /**
   * The local talker started (true) or stopped (false) speaking: the VAD's decision when a processor
   * gives one, else the capture level above −45 dBov; a spurt ends after 300 ms without voice. Never
   * true while muted.
   */
  speaking: (speaking: boolean) => void;
  /**
   * The remote talker started or stopped being heard: the peer's RFC 6464 voice flag when its packets
   * carry one, else the played level above −45 dBov; 300 ms hangover. Never true while held.
   */
  remoteSpeaking: (speaking: boolean) => void;
  /**
   * Something failed that the session survived: a source, sink or transport error, a listener that
   * threw, a failure while releasing. Malformed packets are not reported here; they are counted in
   * the receiver's statistics.
   */
  error: (error: VoxwireError) => void;
}

const TICK_MS = 10;

/**
 * A voice call: captures from `source`, processes (AEC with the playout as reference, NS, VAD),
 * encodes, packetizes (RTP, RED, audio level) and sends over `transport`; receives, reorders and
 * conceals through the playout and plays into `sink`. One 10 ms ticker on the session's clock drives
 * both directions; network input never throws (malformed datagrams are counted).
 *
 * The session owns its transport, source, sink, codecs and processor: `stop()` releases all of them.
 * Without `source`/`sink` it opens the platform's default capture and playback devices at `start()`.
 */
export class VoiceSession extends SafeEventEmitter<VoiceSessionEvents> {
  readonly #o: ResolvedSessionOptions;
  readonly #encoder: AudioCodec;
  readonly #decoder: AudioCodec;
  readonly #playout: ReceivePlayout;
  readonly #closePlayout: () => void;
  readonly #rateHz: number;
  #state: VoiceSessionState = 'new';
  #source: AudioSource | undefined;
  #sink: AudioSink | undefined;
  #sender: RtpSender | undefined;
  #receive: ReceivePath | undefined;
  #loop: MediaLoop | undefined;
  #ticker: Ticker | undefined;
  #statsTicker: Ticker | undefined;
  #muted = false;
  #stopping: Promise<void> | undefined;
  readonly #onEndpointError = (error: unknown): void => this.#fail(error);

  /**
   * Validates the options and creates the codecs, playout and processor; opens nothing yet.
   * @param options - See {@link VoiceSessionOptions}.
   * @throws VoxwireError `ERR_INVALID_OPTION` naming a bad option; `ERR_CODEC_UNKNOWN` for an
   *   unregistered codec.
   */
  constructor(options: VoiceSessionOptions) {
    super();
    this.#o = resolveSessionOptions(options);
    const o = this.#o;
    const stages = createSessionStages(o);
    ({ encoder: this.#encoder, decoder: this.#decoder, processor: o.processor } = stages);
    this.#rateHz = this.#encoder.info.sampleRateHz;
    ({ playout: this.#playout, close: this.#closePlayout } = createReceivePlayout(o, stages));
    this.#source = o.source;
    this.#sink = o.sink;
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
   * Opens source and sink (the platform's when not given), starts RTP/RTCP and the 10 ms media ticker.
   * @throws VoxwireError `ERR_INVALID_STATE` unless the session is new; `ERR_CAPTURE` when the source
   *   or sink cannot start, or none was given and the platform has no usable audio backend (the
   *   message says what to install). The session is then stopped and everything released.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') {
      throw new VoxwireError('ERR_INVALID_STATE', `VoiceSession.start() in state ${this.#state}`);
    }
    this.#setState('starting');
    const o = this.#o;
    const format = { sampleRateHz: this.#rateHz, channels: 1 };
    let endpoints: Awaited<ReturnType<typeof openEndpoints>>;
    try {
      endpoints = await openEndpoints(o, format, (source, sink) => {
        this.#source = source;
        this.#sink = sink;
      });
    } catch (error) {
      await this.#release();
      this.#setState('stopped');
      throw error;
    }
    if (this.#stopping) {
      // stop() ran meanwhile; platform endpoints it could not yet see are released here.
      await releaseAll([
        () => (o.source ? undefined : endpoints.rawSource.stop()),
        () => (o.sink ? undefined : endpoints.rawSink.stop()),
      ]);
      return;
    }
    const info = this.#encoder.info;
    this.#receive = new ReceivePath(info.clockRateHz, this.#playout, o.audioLevelExtensionId, (e) =>
      this.#fail(e),
    );
    this.#sender = new RtpSender({
      transport: o.transport,
      clock: o.clock,
      payloadType: o.red ? o.redPayloadType : info.payloadType,
      clockRateHz: info.clockRateHz,
      cname: o.cname,
      random: o.random,
      audioLevelExtensionId: o.audioLevelExtensionId || undefined,
      receiver: this.#receive.receiver,
    });
    const vadDtx = o.vad && o.dtx && info.supportsDtx;
    const sendPath = new SendPath(
      this.#encoder,
      this.#sender,
      o.ptimeMs,
      o.red,
      o.audioLevelExtensionId > 0,
      vadDtx,
    );
    const receive = this.#receive;
    this.#loop = new MediaLoop(this.#rateHz / 100, {
      playout: this.#playout,
      source: endpoints.source,
      sink: endpoints.sink,
      processor: o.processor,
      sendPath,
      remoteVoiceFlag: () => receive.remoteVoiceFlag,
      clock: o.clock,
      listener: {
        speaking: (v) => this.safeEmit('speaking', v),
        remoteSpeaking: (v) => this.safeEmit('remoteSpeaking', v),
      },
    });
    o.transport.on('datagram', receive.onDatagram);
    o.transport.on('error', this.#onEndpointError);
    endpoints.source.on('error', this.#onEndpointError);
    endpoints.sink.on('error', this.#onEndpointError);
    this.#source = endpoints.source;
    this.#sink = endpoints.sink;
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
   * @throws VoxwireError `ERR_INVALID_STATE` unless active or held.
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
   * Harmless when called twice; resolves when everything is released (failures are `error` events).
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

  /** A snapshot of the statistics (see {@link VoiceSessionStats}); cheap enough to call every tick. */
  getStats(): VoiceSessionStats {
    const rx = this.#receive?.receiver.getStats();
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
        deviceLatencyMs: (this.#source?.latencyMs ?? 0) + (this.#sink?.latencyMs ?? 0),
        burstRatio: this.#receive?.loss.burstRatio ?? 1,
      }),
    };
  }

  #tick(): void {
    try {
      this.#loop?.step(this.#state === 'held', this.#muted);
    } catch (error) {
      this.#fail(error);
    }
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
    if (this.#receive) o.transport.off('datagram', this.#receive.onDatagram);
    o.transport.off('error', this.#onEndpointError);
    this.#source?.off('error', this.#onEndpointError);
    this.#sink?.off('error', this.#onEndpointError);
    const errors = await releaseAll([
      () => (o.transport.closed ? undefined : this.#sender?.bye()),
      () => this.#sender?.close(),
      () => this.#receive?.close(),
      () => o.transport.close(),
      () => this.#source?.stop(),
      () => this.#sink?.stop(),
      () => this.#encoder.close(),
      () => this.#decoder.close(),
      () => this.#closePlayout(),
      () => o.processor?.close?.(),
    ]);
    for (const error of errors) this.#fail(error);
  }

  #setState(state: VoiceSessionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.safeEmit('state', state);
  }
}
