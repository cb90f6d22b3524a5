import { parseArgs } from 'node:util';
import { isVoxwireError } from '../errors.js';
import { type CliCommand, type CliIo, UsageError } from './command.js';

const PROGRAM = 'voxwire';

/**
 * Runs the `voxwire` command line: picks the subcommand, parses its flags, prints help and turns
 * failures into plain messages and exit codes (0 success, 1 failure, 2 usage error).
 * @param argv - Arguments after the program name.
 * @param commands - The subcommands, in the order `--help` lists them.
 * @param io - Output streams and working directory.
 * @returns The exit code.
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`${PROGRAM}: unknown command ${JSON.stringify(name)}. Run \`${PROGRAM} --help\` for the list.\n`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(command));
      return 0;
    }
    const { values, positionals } = parseFlags(command, rest);
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `${PROGRAM} ${command.name}: ${error.message}\nRun \`${PROGRAM} ${command.name} --help\` for usage.\n`,
      );
      return 2;
    }
    const message = isVoxwireError(error) ? `${error.message} (${error.code})` : String(error);
    io.err(`${PROGRAM} ${command.name}: ${message}\n`);
    return 1;
  }
}

function parseFlags(command: CliCommand, args: string[]) {
  try {
    return parseArgs({
      args,
      options: command.options,
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function overview(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: ${PROGRAM} <command> [options]\n\nReal-time voice calls for Node.js.\n\nCommands:\n${list}\n\nRun \`${PROGRAM} <command> --help\` for a command's options.\n`;
}

function commandHelp(command: CliCommand): string {
  return `Usage: ${PROGRAM} ${command.usage}\n\n${command.summary}\n\n${command.help.trimEnd()}\n`;
}
