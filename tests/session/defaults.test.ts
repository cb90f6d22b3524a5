import { afterAll, describe, expect, it } from 'vitest';
import { AlsaBackend } from '../../src/capture/backends/alsa.js';
import { MacOsBackend } from '../../src/capture/backends/macos.js';
import { PortAudioBackend } from '../../src/capture/backends/portaudio.js';
import { PulseBackend } from '../../src/capture/backends/pulse.js';
import type { AudioBackend, AudioEndpointOptions } from '../../src/capture/backends/types.js';
import { WindowsBackend } from '../../src/capture/backends/windows.js';
import { PcmBufferSink } from '../../src/capture/buffer.js';
import { ToneSource } from '../../src/capture/generators.js';
import { registerCaptureBackend } from '../../src/capture/registry.js';
import type { AudioSink, AudioSource } from '../../src/capture/types.js';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';

// The platform backends `auto` may pick, on any OS; replaced here by fakes, restored after.
const AUTO_NAMES = ['pulse', 'alsa', 'portaudio', 'macos', 'dshow'];

class FakeBackend implements AudioBackend {
  readonly sources: AudioSource[] = [];
  readonly sinks: PcmBufferSink[] = [];
  readonly formats: unknown[] = [];
  constructor(
    readonly name: string,
    private readonly available: boolean,
  ) {}
  async isAvailable(): Promise<boolean> {
    return this.available;
  }
  async listDevices() {
    return [];
  }
  createSource(options: AudioEndpointOptions = {}): AudioSource {
    this.formats.push(options.format);
    const format = options.format ?? { sampleRateHz: 48000, channels: 1 };
    const source = new ToneSource({ format, amplitude: 0.3 });
    this.sources.push(source);
    return source;
  }
  createSink(options: AudioEndpointOptions = {}): AudioSink {
    const sink = new PcmBufferSink(options.format ?? { sampleRateHz: 48000, channels: 1 });
    this.sinks.push(sink);
    return sink;
  }
}

function useBackends(make: (name: string) => AudioBackend): void {
  for (const name of AUTO_NAMES) registerCaptureBackend(name, () => make(name));
}

afterAll(() => {
  registerCaptureBackend('pulse', () => new PulseBackend());
  registerCaptureBackend('alsa', () => new AlsaBackend());
  registerCaptureBackend('portaudio', () => new PortAudioBackend());
  registerCaptureBackend('macos', () => new MacOsBackend());
  registerCaptureBackend('dshow', () => new WindowsBackend());
});

describe('VoiceSession defaults', () => {
  it('opens the platform backend at the session rate when no source or sink is given', async () => {
    const backend = new FakeBackend('fake', true);
    useBackends(() => backend);
    const clock = new VirtualClock();
    const [ta, tb] = LoopbackTransport.pair({ clock });
    const a = new VoiceSession({ codec: 'pcmu', transport: ta, clock });
    const heard = new PcmBufferSink({ sampleRateHz: 8000, channels: 1 });
    const b = new VoiceSession({
      codec: 'pcmu',
      transport: tb,
      clock,
      source: new ToneSource({ format: { sampleRateHz: 8000, channels: 1 }, amplitude: 0 }),
      sink: heard,
    });
    await a.start();
    await b.start();
    expect(backend.formats[0]).toEqual({ sampleRateHz: 8000, channels: 1 });
    clock.advance(1000);
    await Promise.all([a.stop(), b.stop()]);
    const samples = heard.samples();
    let energy = 0;
    for (const x of samples.subarray(4000)) energy += x * x;
    expect(Math.sqrt(energy / (samples.length - 4000))).toBeGreaterThan(3000); // a's tone arrived
    expect(backend.sinks[0].samples().length).toBeGreaterThan(7000); // a played into the backend's sink
  });

  it('fails start() with ERR_CAPTURE saying what to install when no backend is usable', async () => {
    useBackends((name) => new FakeBackend(name, false));
    const clock = new VirtualClock();
    const [ta] = LoopbackTransport.pair({ clock });
    const session = new VoiceSession({ codec: 'pcmu', transport: ta, clock });
    const error = await session.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVoxwireError(error, 'ERR_CAPTURE')).toBe(true);
    expect((error as Error).message).toMatch(/no source was given/);
    expect((error as Error).message).toMatch(/install/);
    expect(session.state).toBe('stopped');
    expect(ta.closed).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});
