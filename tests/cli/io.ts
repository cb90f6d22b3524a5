import type { CliIo } from '../../src/cli/command.js';

/** A {@link CliIo} that records what a command prints. */
export function captureIo(cwd: string, interactive = false): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    interactive,
    cwd,
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}
