import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { type AudioSource, ProcessSource, PulseBackend } from '../../src/capture/index.js';
import { RealClock, startTicker } from '../../src/clock/index.js';
import { isVoxwireError, type VoxwireError } from '../../src/errors.js';
import { mediaPath, peerAvailable } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';
import { type PulseServer, startPulseServer } from './pulse-server.js';

const hasPulse = peerAvailable('pulseaudio', ['--version']) && peerAvailable('parec', ['--version']);
const format = { sampleRateHz: 16000, channels: 1 };

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function nextError(source: {
  once(event: 'error', cb: (e: VoxwireError) => void): unknown;
}): Promise<VoxwireError> {
  return new Promise((resolve) => source.once('error', resolve));
}

/** Lag (samples, `b` behind `a`) from 10 ms energy envelopes, then refined on the waveform. */
function alignSpeech(a: Int16Array, b: Int16Array): { lag: number; correlation: number } {
  const env = (x: Int16Array): Float64Array => {
    const out = new Float64Array(Math.floor(x.length / 160));
    for (let i = 0; i < out.length; i++) {
      let s = 0;
      for (let j = 0; j < 160; j++) s += Math.abs(x[i * 160 + j]);
      out[i] = s;
    }
    return out;
  };
  const coarse = alignedCorrelation(env(a), env(b), 150);
  const shift = coarse.lag * 160;
  const shifted = b.subarray(Math.max(0, shift));
  const fine = alignedCorrelation(a, shifted, 320);
  return { lag: shift + fine.lag, correlation: fine.correlation };
}

describe.skipIf(!hasPulse)('PulseBackend against a private pulseaudio server', () => {
  let server: PulseServer;
  let backend: PulseBackend;
  const clock = new RealClock();

  beforeAll(async () => {
    server = await startPulseServer();
    backend = new PulseBackend(server.env);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists the null sink and its monitor', async () => {
    const devices = await backend.listDevices();
    expect(devices).toContainEqual({ id: 'vox_null', name: 'vox_null', kind: 'sink', isDefault: true });
    expect(devices).toContainEqual({
      id: 'vox_null.monitor',
      name: 'vox_null.monitor',
      kind: 'source',
      isDefault: true,
    });
    expect(await backend.isAvailable()).toBe(true);
  });

  it('plays speech into the null sink and captures it back from the monitor', async () => {
    const speech = wavToInt16(await readWavFile(mediaPath('speech-a-16k.wav'))).subarray(0, 16000 * 3);
    // Generous buffers: this machine is shared and timers run late; a playback underrun would
    // insert a gap (time warp) that no alignment can undo.
    const source = backend.createSource({
      device: 'monitor',
      format,
      clock,
      capacityMs: 2000,
      targetFillMs: 150,
    });
    const sink = backend.createSink({ device: 'vox_null', format, clock, deviceLatencyMs: 150 });
    await source.start();
    await sink.start();
    const frames = speech.length / 160 + 150;
    const captured = new Int16Array(frames * 160);
    const frame = new Int16Array(160);
    const silence = new Int16Array(160);
    let writeErrors = 0;
    sink.on('error', () => writeErrors++);
    await new Promise<void>((resolve) => {
      const ticker = startTicker(clock, 10, (i) => {
        if (i >= frames) {
          ticker.stop();
          resolve();
          return;
        }
        const at = i * 160;
        sink.write(at < speech.length ? speech.subarray(at, at + 160) : silence);
        source.read(frame);
        captured.set(frame, at);
      });
    });
    const sourceStats = source.getStats();
    await sink.stop();
    await source.stop();
    const { lag, correlation } = alignSpeech(speech, captured);
    const latencyMs = (lag / format.sampleRateHz) * 1000;
    console.log(
      `pulse loopback: correlation ${correlation.toFixed(4)}, sink-write-to-source-frame latency ${latencyMs.toFixed(1)} ms ` +
        `(source reports ${source.latencyMs} ms, sink ${sink.latencyMs} ms); source stats ${JSON.stringify(sourceStats)}`,
    );
    expect(writeErrors).toBe(0);
    expect(correlation).toBeGreaterThanOrEqual(0.95);
    expect(lag).toBeGreaterThan(0);
  });

  it('reports a killed capture process as an error and leaves no process', async () => {
    const source = backend.createSource({ format, clock }) as ProcessSource;
    await source.start();
    const pid = source.pid;
    expect(alive(pid)).toBe(true);
    const error = nextError(source);
    const ended = new Promise<void>((resolve) => source.once('end', resolve));
    process.kill(pid as number, 'SIGKILL');
    const e = await error;
    expect(e.code).toBe('ERR_CAPTURE');
    expect(e.message).toMatch(/parec was killed by SIGKILL/);
    await ended;
    expect(source.running).toBe(false);
    expect(alive(pid)).toBe(false);
  });

  it('detects a stalled capture process (SIGSTOP) and kills it', async () => {
    const source = backend.createSource({ format, clock, stallMs: 400 }) as ProcessSource;
    await source.start();
    const pid = source.pid as number;
    const error = nextError(source);
    const ended = new Promise<void>((resolve) => source.once('end', resolve));
    process.kill(pid, 'SIGSTOP');
    const e = await error;
    expect(e.code).toBe('ERR_CAPTURE');
    expect(e.message).toMatch(/stalled: no audio for \d+ ms/);
    await ended;
    expect(alive(pid)).toBe(false);
  });

  it('reports a killed playback process as an error', async () => {
    const sink = backend.createSink({ format, clock });
    await sink.start();
    const pid = (sink as unknown as { pid: number }).pid;
    const error = nextError(sink);
    process.kill(pid, 'SIGKILL');
    expect((await error).message).toMatch(/pacat was killed by SIGKILL/);
    expect(sink.running).toBe(false);
    expect(sink.write(new Int16Array(160))).toBe(false);
    await sink.stop();
    expect(alive(pid)).toBe(false);
  });

  it('rejects a bad device name, listing what exists', async () => {
    const source = backend.createSource({ device: 'no-such-mic', format, clock });
    await expect(source.start()).rejects.toThrowError(
      /matches no capture device; available: "vox_null.monitor"/,
    );
    const sink = backend.createSink({ device: 'no-such-speaker', format, clock });
    await expect(sink.start()).rejects.toSatisfy((e: unknown) => isVoxwireError(e, 'ERR_CAPTURE'));
  });

  it('rejects a device the server refuses at start, quoting the program', async () => {
    const source: AudioSource = new ProcessSource(
      {
        command: 'parec',
        args: ['--raw', '--format=s16le', '--rate=16000', '--channels=1', '--device=vanished'],
        env: server.env,
        installHint: 'install pulseaudio-utils',
      },
      format,
      { clock },
    );
    await expect(source.start()).rejects.toThrowError(/parec exited with code 1.*No such entity/);
    expect(source.running).toBe(false);
  });

  it('rejects unsupported formats', () => {
    expect(() => backend.createSource({ format: { sampleRateHz: 11025, channels: 1 } })).toThrowError(
      /sampleRateHz/,
    );
    expect(() => backend.createSink({ format: { sampleRateHz: 16000, channels: 6 } })).toThrowError(
      /channels/,
    );
  });
});
