import { getCaptureBackend } from '../capture/registry.js';
import type { CliCommand } from './command.js';

const HELP = `Lists the microphones (sources) and speakers (sinks) the audio backend sees. Use a device's
id or part of its name with \`voxwire call --in mic --device NAME\`.

Options:
  --backend NAME   pulse, alsa, macos, dshow, portaudio, or auto (default: the first usable one)

When no backend is usable, says what to install on this platform.
`;

/** `voxwire devices`: lists capture and playback devices of the selected backend. */
export const devicesCommand: CliCommand = {
  name: 'devices',
  summary: 'List the microphones and speakers the audio backend sees.',
  usage: 'devices [--backend NAME]',
  help: HELP,
  options: { backend: { type: 'string' } },
  async run(values, _positionals, io) {
    const backend = await getCaptureBackend(typeof values.backend === 'string' ? values.backend : 'auto');
    if (!(await backend.isAvailable())) {
      io.err(`voxwire devices: the ${backend.name} backend is not usable here (its programs are missing)\n`);
      return 1;
    }
    const devices = await backend.listDevices();
    io.out(`backend: ${backend.name}\n`);
    for (const kind of ['source', 'sink'] as const) {
      const list = devices.filter((d) => d.kind === kind);
      io.out(`\n${kind === 'source' ? 'Microphones (sources)' : 'Speakers (sinks)'}:\n`);
      if (list.length === 0) io.out('  (none)\n');
      for (const d of list) {
        const name = d.name !== d.id ? `  ${d.name}` : '';
        io.out(`  ${d.isDefault ? '*' : ' '} ${d.id}${name}\n`);
      }
    }
    io.out('\n* = default\n');
    return 0;
  },
};
