import { convertSink, convertSource } from '../capture/convert.js';
import { createAudioSink, createAudioSource } from '../capture/registry.js';
import type { AudioFormat, AudioSink, AudioSource } from '../capture/types.js';
import { createCodec } from '../codec/registry.js';
import type { AudioCodec } from '../codec/types.js';
import { VoxwireError } from '../errors.js';
import type { ResolvedSessionOptions } from './options.js';

/**
 * The session's encoder and decoder, checked against what a session needs (mono, the packet
 * duration); both are closed again when the check fails.
 * @throws VoxwireError `ERR_INVALID_OPTION` naming `codec` or `ptimeMs`; `ERR_CODEC_UNKNOWN`.
 * @internal
 */
export function createSessionCodecs(o: ResolvedSessionOptions): { encoder: AudioCodec; decoder: AudioCodec } {
  const codecOptions: Record<string, unknown> = { name: o.codecName };
  if (o.bitrateBps !== undefined) codecOptions.bitrateBps = o.bitrateBps;
  if (o.dtx) codecOptions.dtx = true;
  const encoder = createCodec(codecOptions as { name: string });
  const decoder = createCodec(codecOptions as { name: string });
  const info = encoder.info;
  let problem: VoxwireError | undefined;
  if (info.channels !== 1) {
    problem = new VoxwireError(
      'ERR_INVALID_OPTION',
      `option codec: ${info.name} is not mono; sessions are mono`,
    );
  } else if (!info.frameDurationsMs.includes(o.ptimeMs)) {
    problem = new VoxwireError(
      'ERR_INVALID_OPTION',
      `option ptimeMs: ${o.ptimeMs} is invalid; ${info.name} takes ${info.frameDurationsMs.join(', ')} ms`,
    );
  }
  if (problem) {
    encoder.close();
    decoder.close();
    throw problem;
  }
  return { encoder, decoder };
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
