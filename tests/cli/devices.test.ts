import { describe, expect, it } from 'vitest';
import type { AudioBackend } from '../../src/capture/backends/types.js';
import { registerCaptureBackend } from '../../src/capture/registry.js';
import { cliCommands } from '../../src/cli/commands.js';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from './io.js';

function fakeBackend(name: string, available: boolean): AudioBackend {
  return {
    name,
    isAvailable: async () => available,
    listDevices: async () => [
      { id: 'mic0', name: 'Built-in Microphone', kind: 'source', isDefault: true },
      { id: 'usb-headset', name: 'usb-headset', kind: 'source', isDefault: false },
      { id: 'spk0', name: 'Speakers', kind: 'sink', isDefault: true },
    ],
    createSource: () => {
      throw new Error('not used');
    },
    createSink: () => {
      throw new Error('not used');
    },
  };
}

describe('voxwire devices', () => {
  it('lists sources and sinks of the chosen backend, marking defaults', async () => {
    registerCaptureBackend('cli-fake', () => fakeBackend('cli-fake', true));
    const io = captureIo('/tmp');
    expect(await runCli(['devices', '--backend', 'cli-fake'], cliCommands, io)).toBe(0);
    expect(io.stdout).toContain('backend: cli-fake');
    expect(io.stdout).toMatch(
      /Microphones \(sources\):\n {2}\* mic0 {2}Built-in Microphone\n {4}usb-headset\n/,
    );
    expect(io.stdout).toMatch(/Speakers \(sinks\):\n {2}\* spk0 {2}Speakers\n/);
  });

  it('says when a backend cannot run here (exit 1)', async () => {
    registerCaptureBackend('cli-missing', () => fakeBackend('cli-missing', false));
    const io = captureIo('/tmp');
    expect(await runCli(['devices', '--backend', 'cli-missing'], cliCommands, io)).toBe(1);
    expect(io.stderr).toMatch(/the cli-missing backend is not usable here/);
  });

  it('names the registered backends for an unknown one (exit 1)', async () => {
    const io = captureIo('/tmp');
    expect(await runCli(['devices', '--backend', 'nope'], cliCommands, io)).toBe(1);
    expect(io.stderr).toMatch(/no capture backend is registered as "nope"; registered: pulse, alsa/);
  });

  it('lists the commands in the overview', async () => {
    const io = captureIo('/tmp');
    expect(await runCli(['--help'], cliCommands, io)).toBe(0);
    expect(io.stdout).toMatch(/ demo +Call between two sessions/);
    expect(io.stdout).toMatch(/ call +Plain-RTP call/);
    expect(io.stdout).toMatch(/ devices +List the microphones/);
  });
});
