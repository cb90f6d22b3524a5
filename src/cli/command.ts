import type { ParseArgsConfig } from 'node:util';

/** Where a command writes and what it may read of its environment; tests pass their own. */
export interface CliIo {
  /** Writes to standard output (no newline added). */
  out(text: string): void;
  /** Writes to standard error (no newline added). */
  err(text: string): void;
  /** True when standard output is a terminal (live status lines rewrite themselves). */
  readonly interactive: boolean;
  /** Directory relative paths resolve against. */
  readonly cwd: string;
}

/** Flag values as `node:util` `parseArgs` returns them. */
export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `voxwire <name>` subcommand. */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text after the usage line. */
  readonly help: string;
  /** Usage line without the program name, e.g. `demo [options]`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Whether positional arguments are allowed. */
  readonly positionals?: boolean;
  /** Runs the command; resolves to the process exit code. */
  run(values: CliValues, positionals: string[], io: CliIo): Promise<number>;
}

/** A user mistake on the command line: printed in plain words with exit code 2, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads a numeric flag, or throws a {@link UsageError} naming it. */
export function numberFlag(
  values: CliValues,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a string flag restricted to `allowed`, or throws a {@link UsageError} naming it. */
export function choiceFlag<T extends string>(
  values: CliValues,
  name: string,
  fallback: T,
  allowed: readonly T[],
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
}
