import { VoxwireError } from '../../errors.js';
import { resolveAudioFormat } from '../format.js';
import { ProcessSink } from '../process/process-sink.js';
import { ProcessSource } from '../process/process-source.js';
import type { AudioFormat, AudioSink, AudioSource } from '../types.js';
import { hasProgram, runProgram, selectDevice } from './devices.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const INSTALL = 'install alsa-utils (Debian/Ubuntu/Fedora)';
const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/** Parses `arecord -L` / `aplay -L`: PCM names at column 0, descriptions indented below. @internal */
export function parseAlsaList(text: string, kind: 'source' | 'sink'): AudioDevice[] {
  const devices: AudioDevice[] = [];
  let current: { id: string; lines: string[] } | undefined;
  const flush = (): void => {
    if (current) {
      const name = current.lines.join(', ') || current.id;
      devices.push({ id: current.id, name, kind, isDefault: current.id === 'default' });
    }
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) current?.lines.push(line.trim());
    else {
      flush();
      current = { id: line.trim(), lines: [] };
    }
  }
  flush();
  return devices;
}

/**
 * Linux ALSA directly: `arecord`/`aplay` in raw S16_LE with the requested rate, channels, PCM device
 * (`-D`) and buffer time; devices from `arecord -L` / `aplay -L`.
 */
export class AlsaBackend implements AudioBackend {
  readonly name = 'alsa';

  async isAvailable(): Promise<boolean> {
    return (await hasProgram('arecord')) && (await hasProgram('aplay'));
  }

  async listDevices(): Promise<AudioDevice[]> {
    const [capture, playback] = await Promise.all([this.#list('arecord'), this.#list('aplay')]);
    return [...parseAlsaList(capture, 'source'), ...parseAlsaList(playback, 'sink')];
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    return new ProcessSource(async () => this.#spec('arecord', 'source', format, options), format, options);
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    return new ProcessSink(async () => this.#spec('aplay', 'sink', format, options), format, options);
  }

  async #spec(command: string, kind: 'source' | 'sink', format: AudioFormat, options: AudioEndpointOptions) {
    const bufferUs = Math.round((options.deviceLatencyMs ?? 20) * 1000) * 2;
    const args = [
      '-q',
      '-t',
      'raw',
      '-f',
      'S16_LE',
      '-r',
      String(format.sampleRateHz),
      '-c',
      String(format.channels),
      `--buffer-time=${bufferUs}`,
    ];
    if (options.device !== undefined) {
      const device = selectDevice(await this.listDevices(), options.device, kind);
      args.push('-D', device.id);
    }
    return { command, args, env: options.env, installHint: INSTALL };
  }

  async #list(command: string): Promise<string> {
    const out = await runProgram(command, ['-L']);
    if (out.missing) throw new VoxwireError('ERR_CAPTURE', `${command} is not installed; ${INSTALL}`);
    if (out.code !== 0) throw new VoxwireError('ERR_CAPTURE', `${command} -L failed: ${out.stderr.trim()}`);
    return out.stdout;
  }
}
