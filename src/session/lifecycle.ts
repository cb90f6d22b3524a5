import { AudioProcessor } from '../aec/processor.js';
import { convertSink, convertSource } from '../capture/convert.js';
import { createAudioSink, createAudioSource } from '../capture/registry.js';
import type { AudioFormat, AudioSink, AudioSource } from '../capture/types.js';
import { createCodec } from '../codec/registry.js';
import type { AudioCodec, CodecInfo } from '../codec/types.js';
import { VoxwireError } from '../errors.js';
import { createPlayout } from '../jitter/playout.js';
import type { ResolvedSessionOptions } from './options.js';
import type { SessionProcessor } from './processor.js';
import { type ReceivePlayout, StreamMixer } from './stream-mixer.js';

/** What a session processes and codes with; see {@link createSessionStages}. @internal */
export interface SessionStages {
  encoder: AudioCodec;
  decoder: AudioCodec;
  processor: SessionProcessor | undefined;
  /** Another decoder like `decoder` (one per mixed receive stream). */
  createDecoder(): AudioCodec;
}

/**
 * The session's decoder, processor (the given one, else a built-in `AudioProcessor` when `aec`,
 * `ns` or `vad` is on) and encoder, checked against what a session needs (mono, the packet
 * duration); everything is closed again when the check fails. An Opus encoder behind a processor
 * that works at 16 kHz or less codes only the band that processor leaves (`maxBandwidth`).
 * @throws VoxwireError `ERR_INVALID_OPTION` naming `codec` or `ptimeMs`; `ERR_CODEC_UNKNOWN`.
 * @internal
 */
export function createSessionStages(o: ResolvedSessionOptions): SessionStages {
  const codecOptions: Record<string, unknown> = { name: o.codecName };
  if (o.bitrateBps !== undefined) codecOptions.bitrateBps = o.bitrateBps;
  if (o.complexity !== undefined) codecOptions.complexity = o.complexity;
  if (o.codecRateHz !== undefined) codecOptions.sampleRateHz = o.codecRateHz;
  if (o.dtx) codecOptions.dtx = true;
  const decoderOptions = { ...codecOptions } as { name: string };
  const decoder = createCodec(decoderOptions);
  const rateHz = decoder.info.sampleRateHz;
  let processor = o.processor;
  if (processor === undefined && (o.aec || o.ns || o.vad)) {
    processor = new AudioProcessor({ sampleRateHz: rateHz, aec: o.aec, ns: o.ns, vad: o.vad });
  }
  const bandRateHz = processor?.processingRateHz ?? rateHz;
  if (o.codecName === 'opus' && bandRateHz <= 16_000 && bandRateHz < rateHz) {
    codecOptions.maxBandwidth = bandRateHz <= 8000 ? 'narrowband' : 'wideband';
  }
  let encoder: AudioCodec | undefined;
  let problem: unknown;
  try {
    encoder = createCodec(codecOptions as { name: string });
    problem = sessionCodecProblem(encoder.info, o.ptimeMs);
  } catch (error) {
    problem = error;
  }
  if (problem !== undefined || encoder === undefined) {
    encoder?.close();
    decoder.close();
    if (processor !== o.processor) processor?.close?.();
    throw problem;
  }
  return {
    encoder,
    decoder,
    processor,
    createDecoder: () => createCodec(decoderOptions),
  };
}

/** A source silent this long frees its place in a mixed receive side, ms. */
const STREAM_IDLE_MS = 2000;

/**
 * The session's receive side: one `Playout` on the session's decoder, or with `maxReceiveStreams`
 * above 1 a {@link StreamMixer} making a playout and decoder per source.
 * @internal
 */
export function createReceivePlayout(
  o: ResolvedSessionOptions,
  stages: SessionStages,
): { playout: ReceivePlayout; close(): void } {
  const playoutOf = (codec: AudioCodec) =>
    createPlayout({ codec, minDelayMs: o.minDelayMs, redPayloadType: o.red ? o.redPayloadType : -1 });
  if (o.maxReceiveStreams === 1) return { playout: playoutOf(stages.decoder), close: () => {} };
  const mixer = new StreamMixer({
    maxStreams: o.maxReceiveStreams,
    idleMs: STREAM_IDLE_MS,
    frameSamples: stages.decoder.info.sampleRateHz / 100,
    createStream: () => {
      const codec = stages.createDecoder();
      return { playout: playoutOf(codec), close: () => codec.close() };
    },
  });
  return { playout: mixer, close: () => mixer.close() };
}

function sessionCodecProblem(info: CodecInfo, ptimeMs: number): VoxwireError | undefined {
  if (info.channels !== 1) {
    return new VoxwireError(
      'ERR_INVALID_OPTION',
      `option codec: ${info.name} is not mono; sessions are mono`,
    );
  }
  if (!info.frameDurationsMs.includes(ptimeMs)) {
    return new VoxwireError(
      'ERR_INVALID_OPTION',
      `option ptimeMs: ${ptimeMs} is invalid; ${info.name} takes ${info.frameDurationsMs.join(', ')} ms`,
    );
  }
  return undefined;
}

/** The source and sink a session starts with: the given ones, else the platform's (see {@link openEndpoints}). */
export interface SessionEndpoints {
  /** Started source as given (or created), to stop on release. */
  rawSource: AudioSource;
  /** Started sink as given (or created), to stop on release. */
  rawSink: AudioSink;
  /** The source converted to the session format. */
  source: AudioSource;
  /** The sink converted from the session format. */
  sink: AudioSink;
}

async function platformEndpoint<T>(kind: 'source' | 'sink', create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new VoxwireError(
      'ERR_CAPTURE',
      `VoiceSession: no ${kind} was given and the platform audio backend is not usable (${why}); ` +
        `pass ${kind}: an AudioSource/AudioSink (WavFileSource, ToneSource, …) or install what it names`,
      { cause: error },
    );
  }
}

/**
 * Creates the platform backend's source/sink for what the options leave out (`createAudioSource`
 * with `auto`, in the session format), starts both and converts them to the session format. On
 * failure everything started is stopped again.
 * @param o - Resolved options.
 * @param format - The session format (codec rate, mono).
 * @param created - Receives each endpoint as soon as it exists, so that the caller can release it.
 * @throws VoxwireError `ERR_CAPTURE` when the platform has no usable backend (the message says what to
 *   install) or an endpoint fails to start.
 * @internal
 */
export async function openEndpoints(
  o: ResolvedSessionOptions,
  format: AudioFormat,
  created: (source: AudioSource | undefined, sink: AudioSink | undefined) => void,
): Promise<SessionEndpoints> {
  const rawSource =
    o.source ?? (await platformEndpoint('source', () => createAudioSource({ backend: 'auto', format })));
  created(rawSource, undefined);
  const rawSink =
    o.sink ?? (await platformEndpoint('sink', () => createAudioSink({ backend: 'auto', format })));
  created(rawSource, rawSink);
  await Promise.all([rawSource.start(), rawSink.start()]);
  return { rawSource, rawSink, source: convertSource(rawSource, format), sink: convertSink(rawSink, format) };
}

/**
 * Runs each release step even when an earlier one fails.
 * @returns What failed, in order.
 * @internal
 */
export async function releaseAll(steps: ReadonlyArray<() => unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
