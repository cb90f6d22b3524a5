import { resolve } from 'node:path';
import { readWavFile, wavToInt16 } from '../audio/wav/index.js';
import { PcmBufferSource } from '../capture/buffer.js';
import { createAudioSink, createAudioSource } from '../capture/registry.js';
import type { AudioSink, AudioSource } from '../capture/types.js';
import { WavFileSink } from '../capture/wav-file.js';
import { type CliValues, numberFlag } from './command.js';

/** The flags of every live-call command (`call`, `join`): audio in and out, device, length. */
export const ENDPOINT_OPTIONS = {
  in: { type: 'string' },
  out: { type: 'string' },
  device: { type: 'string' },
  duration: { type: 'string' },
} as const;

/** Where a live call's audio comes from and goes, read from {@link ENDPOINT_OPTIONS}. */
export interface EndpointSettings {
  /** `'mic'` or an absolute WAV path. */
  readonly input: string;
  /** `'speaker'` or an absolute WAV path. */
  readonly output: string;
  /** Device name for the microphone and speaker backends. */
  readonly device: string | undefined;
  /** Call length, ms; undefined: the WAV's length plus 1 s, or 60 s from the microphone. */
  readonly durationMs: number | undefined;
}

/** Reads the endpoint flags; throws `UsageError` naming a bad one. */
export function endpointSettings(values: CliValues, cwd: string): EndpointSettings {
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const input = str('in') ?? 'mic';
  const output = str('out') ?? 'speaker';
  return {
    input: input === 'mic' ? input : resolve(cwd, input),
    output: output === 'speaker' ? output : resolve(cwd, output),
    device: str('device'),
    durationMs:
      values.duration === undefined ? undefined : numberFlag(values, 'duration', 60, 1, 86_400) * 1000,
  };
}

/** Opens the source the settings name and says how long the call lasts. */
export async function openInput(s: EndpointSettings): Promise<{ source: AudioSource; durationMs: number }> {
  if (s.input === 'mic') {
    return { source: await createAudioSource({ device: s.device }), durationMs: s.durationMs ?? 60_000 };
  }
  const wav = await readWavFile(s.input);
  const samples = wavToInt16(wav);
  const source = new PcmBufferSource(samples, { sampleRateHz: wav.sampleRateHz, channels: wav.channels });
  return {
    source,
    durationMs: s.durationMs ?? (1000 * samples.length) / wav.channels / wav.sampleRateHz + 1000,
  };
}

/** Opens the sink the settings name; a WAV is written mono at `sampleRateHz`. */
export async function openOutput(s: EndpointSettings, sampleRateHz: number): Promise<AudioSink> {
  return s.output === 'speaker'
    ? await createAudioSink({ device: s.device })
    : new WavFileSink(s.output, { sampleRateHz, channels: 1 });
}
