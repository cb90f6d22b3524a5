import { callCommand } from './call.js';
import type { CliCommand } from './command.js';
import { demoCommand } from './demo.js';
import { devicesCommand } from './devices.js';
import { joinCommand } from './join.js';
import { serveCommand } from './serve.js';

/** The `voxwire` subcommands, in the order `voxwire --help` lists them. */
export const cliCommands: readonly CliCommand[] = [
  demoCommand,
  callCommand,
  devicesCommand,
  serveCommand,
  joinCommand,
];
