import { VoxwireError } from '../../errors.js';
import { resolveAudioFormat } from '../format.js';
import { ProcessSink } from '../process/process-sink.js';
import { ProcessSource } from '../process/process-source.js';
import type { AudioSink, AudioSource } from '../types.js';
import { hasProgram, runProgram, selectDevice } from './devices.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const INSTALL = 'install pulseaudio-utils (Debian/Ubuntu) or pulseaudio-utils/pipewire-pulseaudio (Fedora)';
const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/**
 * Linux PulseAudio and PipeWire (through its PulseAudio server): `parec`/`pacat` in raw s16le with
 * the requested rate, channels, device and latency; devices from `pactl list short sources|sinks`.
 * The server is the usual one, or `env.PULSE_SERVER`.
 */
export class PulseBackend implements AudioBackend {
  readonly name = 'pulse';

  /** @param env - Extra environment for every program (e.g. `PULSE_SERVER`), merged under per-call `env`. */
  constructor(private readonly env: Readonly<Record<string, string>> = {}) {}

  async isAvailable(): Promise<boolean> {
    if (!(await hasProgram('parec')) || !(await hasProgram('pacat'))) return false;
    const info = await runProgram('pactl', ['info'], this.env);
    return info.code === 0;
  }

  async listDevices(env?: Readonly<Record<string, string>>): Promise<AudioDevice[]> {
    const merged = { ...this.env, ...env };
    const [sources, sinks, info] = await Promise.all([
      this.#pactl(['list', 'short', 'sources'], merged),
      this.#pactl(['list', 'short', 'sinks'], merged),
      runProgram('pactl', ['info'], merged),
    ]);
    const defaultOf = (label: string): string | undefined =>
      info.stdout.match(new RegExp(`^${label}: (.+)$`, 'm'))?.[1]?.trim();
    const parse = (text: string, kind: 'source' | 'sink', fallback?: string): AudioDevice[] =>
      text
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((cols) => cols.length >= 2 && cols[1] !== '')
        .map((cols) => ({ id: cols[1], name: cols[1], kind, isDefault: cols[1] === fallback }));
    return [
      ...parse(sources, 'source', defaultOf('Default Source')),
      ...parse(sinks, 'sink', defaultOf('Default Sink')),
    ];
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    return new ProcessSource(async () => this.#spec('parec', 'source', format, options), format, options);
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    return new ProcessSink(async () => this.#spec('pacat', 'sink', format, options), format, options);
  }

  async #spec(
    command: string,
    kind: 'source' | 'sink',
    format: { sampleRateHz: number; channels: number },
    options: AudioEndpointOptions,
  ) {
    const env = { ...this.env, ...options.env };
    const args = [
      '--raw',
      '--format=s16le',
      `--rate=${format.sampleRateHz}`,
      `--channels=${format.channels}`,
      `--latency-msec=${options.deviceLatencyMs ?? 20}`,
      '--client-name=voxwire',
    ];
    if (options.device !== undefined) {
      const device = selectDevice(await this.listDevices(env), options.device, kind);
      args.push(`--device=${device.id}`);
    }
    return { command, args, env, installHint: INSTALL };
  }

  async #pactl(args: string[], env: Readonly<Record<string, string>>): Promise<string> {
    const out = await runProgram('pactl', args, env);
    if (out.missing) throw new VoxwireError('ERR_CAPTURE', `pactl is not installed; ${INSTALL}`);
    if (out.code !== 0) {
      throw new VoxwireError(
        'ERR_CAPTURE',
        `pactl ${args.join(' ')} failed: ${out.stderr.trim() || `exit ${out.code}`}`,
      );
    }
    return out.stdout;
  }
}
