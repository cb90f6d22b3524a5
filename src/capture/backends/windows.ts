import { VoxwireError } from '../../errors.js';
import { resolveAudioFormat } from '../format.js';
import type { ProgramSpec } from '../process/child.js';
import { ProcessSink } from '../process/process-sink.js';
import { ProcessSource } from '../process/process-source.js';
import type { AudioSink, AudioSource } from '../types.js';
import { hasProgram, runProgram, selectDevice } from './devices.js';
import { parseDshowList } from './ffmpeg-devices.js';
import type { AudioBackend, AudioDevice, AudioEndpointOptions } from './types.js';

const INSTALL =
  'install ffmpeg with ffplay (winget install ffmpeg, or choco install ffmpeg) and put it on PATH';
const DEFAULT_FORMAT = { sampleRateHz: 48000, channels: 1 };

/**
 * Windows: capture through `ffmpeg -f dshow -i audio=<name>` (devices from `-list_devices`; the
 * first one by default), playback through `ffplay -nodisp` reading raw s16le on stdin.
 */
export class WindowsBackend implements AudioBackend {
  readonly name = 'dshow';

  async isAvailable(): Promise<boolean> {
    return (await hasProgram('ffmpeg', ['-version'])) && (await hasProgram('ffplay', ['-version']));
  }

  async listDevices(): Promise<AudioDevice[]> {
    const out = await runProgram('ffmpeg', [
      '-hide_banner',
      '-list_devices',
      'true',
      '-f',
      'dshow',
      '-i',
      'dummy',
    ]);
    if (out.missing) throw new VoxwireError('ERR_CAPTURE', `ffmpeg is not installed; ${INSTALL}`);
    return parseDshowList(out.stderr);
  }

  createSource(options: AudioEndpointOptions = {}): AudioSource {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    const spec = async (): Promise<ProgramSpec> => {
      const devices = await this.listDevices();
      const device =
        options.device === undefined
          ? devices.find((d) => d.isDefault)
          : selectDevice(devices, options.device, 'source');
      if (device === undefined) throw new VoxwireError('ERR_CAPTURE', 'dshow lists no audio capture device');
      const args = ['-hide_banner', '-loglevel', 'error', '-f', 'dshow'];
      args.push(
        '-audio_buffer_size',
        String(Math.round(options.deviceLatencyMs ?? 20)),
        '-i',
        `audio=${device.id}`,
      );
      args.push('-f', 's16le', '-ar', String(format.sampleRateHz), '-ac', String(format.channels), '-');
      return { command: 'ffmpeg', args, env: options.env, installHint: INSTALL };
    };
    return new ProcessSource(spec, format, options);
  }

  createSink(options: AudioEndpointOptions = {}): AudioSink {
    const format = resolveAudioFormat(options.format ?? DEFAULT_FORMAT);
    const layout = format.channels === 1 ? 'mono' : 'stereo';
    const args = ['-hide_banner', '-loglevel', 'error', '-nodisp', '-autoexit', '-f', 's16le'];
    args.push('-sample_rate', String(format.sampleRateHz), '-ch_layout', layout, '-i', '-');
    return new ProcessSink(
      { command: 'ffplay', args, env: options.env, installHint: INSTALL },
      format,
      options,
    );
  }
}
