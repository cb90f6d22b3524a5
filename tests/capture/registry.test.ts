import { describe, expect, it } from 'vitest';
import { parseAlsaList } from '../../src/capture/backends/alsa.js';
import { parseAvfoundationList, parseDshowList } from '../../src/capture/backends/ffmpeg-devices.js';
import {
  AlsaBackend,
  captureBackendNames,
  createAudioSink,
  createAudioSource,
  getCaptureBackend,
  ProcessSource,
  registerCaptureBackend,
  ToneSource,
} from '../../src/capture/index.js';
import { RealClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { peerAvailable } from '../helpers/peers.js';

const format = { sampleRateHz: 16000, channels: 1 };

describe('capture backend registry', () => {
  it('lists the built-ins and selects by name', async () => {
    expect(captureBackendNames()).toEqual(
      expect.arrayContaining(['pulse', 'alsa', 'macos', 'dshow', 'portaudio']),
    );
    const source = await createAudioSource({ backend: 'tone', format });
    expect(source).toBeInstanceOf(ToneSource);
    const sink = await createAudioSink('silence');
    expect(sink.format).toEqual({ sampleRateHz: 48000, channels: 1 });
  });

  it('refuses unknown names and bad registrations', async () => {
    await expect(getCaptureBackend('nope')).rejects.toThrowError(
      /no capture backend is registered as "nope"/,
    );
    expect(() => registerCaptureBackend('auto', () => new AlsaBackend())).toThrowError(/name/);
    expect(() => registerCaptureBackend('Bad Name', () => new AlsaBackend())).toThrowError(/name/);
  });

  it('auto says what to install when nothing is usable', async () => {
    const error = await getCaptureBackend('auto', 'win32').catch((e: unknown) => e);
    // This Linux machine has no ffplay.exe/dshow; PortAudio (naudiodon) is not installed.
    if (isVoxwireError(error))
      expect(error.message).toMatch(/no usable audio backend found on win32; install ffmpeg/);
    const unknown = await getCaptureBackend('auto', 'aix').catch((e: unknown) => e);
    expect(isVoxwireError(unknown, 'ERR_CAPTURE')).toBe(true);
    expect((unknown as Error).message).toMatch(/naudiodon/);
  });

  it('a missing program is ERR_CAPTURE with the install hint', async () => {
    const source = new ProcessSource(
      { command: 'voxwire-no-such-recorder', args: [], installHint: 'install the recorder' },
      format,
    );
    await expect(source.start()).rejects.toThrowError(
      /voxwire-no-such-recorder is not installed; install the recorder/,
    );
  });
});

describe('device list parsers', () => {
  it('parses arecord -L, avfoundation and dshow listings', () => {
    expect(
      parseAlsaList('null\n    Discard all samples\ndefault\n    Default ALSA Output\n', 'source'),
    ).toEqual([
      { id: 'null', name: 'Discard all samples', kind: 'source', isDefault: false },
      { id: 'default', name: 'Default ALSA Output', kind: 'source', isDefault: true },
    ]);
    const avf = [
      '[AVFoundation indev @ 0x7f] AVFoundation video devices:',
      '[AVFoundation indev @ 0x7f] [0] FaceTime HD Camera',
      '[AVFoundation indev @ 0x7f] AVFoundation audio devices:',
      '[AVFoundation indev @ 0x7f] [0] MacBook Pro Microphone',
      '[AVFoundation indev @ 0x7f] [1] USB Headset',
    ].join('\n');
    expect(parseAvfoundationList(avf).map((d) => [d.id, d.name])).toEqual([
      ['0', 'MacBook Pro Microphone'],
      ['1', 'USB Headset'],
    ]);
    const dshow = [
      '[dshow @ 0000] "Integrated Webcam" (video)',
      '[dshow @ 0000] "Microphone Array (Realtek(R) Audio)" (audio)',
      '[dshow @ 0000]   Alternative name "@device_cm_{33D9A762}"',
    ].join('\n');
    expect(parseDshowList(dshow).map((d) => d.id)).toEqual(['Microphone Array (Realtek(R) Audio)']);
  });
});

describe.skipIf(!peerAvailable('arecord', ['--version']))('AlsaBackend on the null PCM', () => {
  it('captures from -D null, stops cleanly, refuses an unknown PCM', async () => {
    const backend = new AlsaBackend();
    const devices = await backend.listDevices();
    expect(devices.some((d) => d.id === 'null' && d.kind === 'source')).toBe(true);
    const source = backend.createSource({ device: 'null', format, clock: new RealClock() });
    await source.start();
    const ended = new Promise<void>((resolve) => source.once('end', resolve));
    await source.stop();
    await ended;
    await expect(backend.createSource({ device: 'no-such-pcm', format }).start()).rejects.toThrowError(
      /matches no capture device/,
    );
  });
});
