import { resolveAudioFormat } from '../format.js';
import type { ProgramSpec } from '../process/child.js';
import { ProcessSink } from '../process/process-sink.js';
import { ProcessSource } from '../process/process-source.js';
import type { AudioFormat, AudioSink, AudioSource } from '../types.js';
import { hasProgram, runProgram, selectDevice } from './devices.js';
import { parseAvfoundationList } from './ffmpeg-devices.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const INSTALL = 'install ffmpeg or sox (Homebrew: brew install ffmpeg sox)';
const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/** Raw s16le output arguments of sox. */
function soxRaw(format: AudioFormat): string[] {
  return [
    '-t',
    'raw',
    '-r',
    String(format.sampleRateHz),
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    String(format.channels),
  ];
}

/**
 * macOS: capture through `ffmpeg -f avfoundation` (device by index or name, listed by
 * `-list_devices`) or, without ffmpeg, `sox -t coreaudio`; playback through `sox -t coreaudio` or,
 * without sox, `ffmpeg -f audiotoolbox`.
 */
export class MacOsBackend implements AudioBackend {
  readonly name = 'macos';

  async isAvailable(): Promise<boolean> {
    return (await hasProgram('ffmpeg', ['-version'])) || (await hasProgram('sox'));
  }

  async listDevices(): Promise<AudioDevice[]> {
    const out = await runProgram('ffmpeg', [
      '-hide_banner',
      '-f',
      'avfoundation',
      '-list_devices',
      'true',
      '-i',
      '',
    ]);
    return out.missing ? [] : parseAvfoundationList(out.stderr);
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    const spec = async (): Promise<ProgramSpec> => {
      if (await hasProgram('ffmpeg', ['-version'])) {
        const index =
          options.device === undefined
            ? '0'
            : selectDevice(await this.listDevices(), options.device, 'source').id;
        const args = ['-hide_banner', '-loglevel', 'error', '-f', 'avfoundation', '-i', `:${index}`];
        args.push('-f', 's16le', '-ar', String(format.sampleRateHz), '-ac', String(format.channels), '-');
        return { command: 'ffmpeg', args, env: options.env, installHint: INSTALL };
      }
      const device = options.device === undefined ? [] : [options.device];
      const args = ['-q', '-t', 'coreaudio', ...device, ...soxRaw(format), '-'];
      return { command: 'sox', args, env: options.env, installHint: INSTALL };
    };
    return new ProcessSource(spec, format, options);
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    const spec = async (): Promise<ProgramSpec> => {
      const device = options.device === undefined ? [] : [options.device];
      if (await hasProgram('sox')) {
        const args = ['-q', ...soxRaw(format), '-', '-t', 'coreaudio', ...device];
        return { command: 'sox', args, env: options.env, installHint: INSTALL };
      }
      const args = ['-hide_banner', '-loglevel', 'error', '-f', 's16le', '-ar', String(format.sampleRateHz)];
      args.push('-ac', String(format.channels), '-i', '-', '-f', 'audiotoolbox', '-');
      return { command: 'ffmpeg', args, env: options.env, installHint: INSTALL };
    };
    return new ProcessSink(spec, format, options);
  }
}
