#!/usr/bin/env node
import { cliCommands } from './commands.js';
import { runCli } from './main.js';

// The executable: real process streams; the exit code comes from the command. No top-level await, so
// the same entry also builds as CommonJS.
void runCli(process.argv.slice(2), cliCommands, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  interactive: process.stdout.isTTY === true,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
