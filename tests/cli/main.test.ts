import { describe, expect, it } from 'vitest';
import { type CliCommand, type CliIo, choiceFlag, numberFlag } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { VoxwireError } from '../../src/errors.js';

function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    interactive: false,
    cwd: '/tmp',
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}

const echo: CliCommand = {
  name: 'echo',
  summary: 'Prints its flags.',
  usage: 'echo [--loss N] [--codec C]',
  help: '  --loss N   loss in percent',
  options: { loss: { type: 'string' }, codec: { type: 'string' }, fail: { type: 'boolean' } },
  async run(values, _positionals, io) {
    if (values.fail) throw new VoxwireError('ERR_TRANSPORT', 'port 5004 is in use');
    const loss = numberFlag(values, 'loss', 5, 0, 100);
    const codec = choiceFlag(values, 'codec', 'opus', ['opus', 'pcmu', 'pcma'] as const);
    io.out(`loss=${loss} codec=${codec}\n`);
    return 0;
  },
};

describe('runCli', () => {
  it('runs the named command with parsed flags', async () => {
    const io = captureIo();
    expect(await runCli(['echo', '--loss', '7.5', '--codec', 'pcmu'], [echo], io)).toBe(0);
    expect(io.stdout).toBe('loss=7.5 codec=pcmu\n');
  });

  it('lists commands on --help (exit 0) and with no command (exit 2)', async () => {
    const help = captureIo();
    expect(await runCli(['--help'], [echo], help)).toBe(0);
    expect(help.stdout).toContain('echo  Prints its flags.');
    expect(await runCli([], [echo], captureIo())).toBe(2);
  });

  it("prints a command's own help", async () => {
    const io = captureIo();
    expect(await runCli(['echo', '--help'], [echo], io)).toBe(0);
    expect(io.stdout).toContain('Usage: voxwire echo [--loss N]');
    expect(io.stdout).toContain('loss in percent');
  });

  it.each([
    [['nope'], /unknown command "nope"/],
    [['echo', '--bogus'], /Unknown option '--bogus'/],
    [['echo', '--loss'], /argument missing/],
    [['echo', '--loss', 'lots'], /--loss must be a number from 0 to 100, got "lots"/],
    [['echo', '--loss', '101'], /--loss must be a number/],
    [['echo', '--codec', 'g729'], /--codec must be one of opus, pcmu, pcma/],
    [['echo', 'extra'], /Unexpected argument 'extra'/],
  ])('answers %j with a plain usage error and exit code 2', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, [echo], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });

  it('turns a failure into its message and exit code 1, without a stack trace', async () => {
    const io = captureIo();
    expect(await runCli(['echo', '--fail'], [echo], io)).toBe(1);
    expect(io.stderr).toBe('voxwire echo: port 5004 is in use (ERR_TRANSPORT)\n');
  });
});
