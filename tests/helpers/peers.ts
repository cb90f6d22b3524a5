import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when `command` runs (`command -version` style probe). */
export function hasCommand(command: string, probeArgs: string[] = ['-version']): boolean {
  const result = spawnSync(command, probeArgs, { stdio: 'ignore' });
  return result.error === undefined;
}

/**
 * Whether a test that needs the external peer `command` may run. In CI (`CI` set) a missing peer is
 * a failure, never a silent skip; on a developer machine the test is skipped with a message.
 */
export function peerAvailable(command: string, probeArgs?: string[]): boolean {
  const present = hasCommand(command, probeArgs);
  if (!present && process.env.CI) {
    throw new Error(`${command} is required in CI (.ci/run installs it) but was not found`);
  }
  if (!present) console.warn(`skipping: ${command} not installed`);
  return present;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Root of the repository. */
export const repoRoot = join(here, '..', '..');

/** Path of a file in ../shared/media (the shared speech material). */
export function mediaPath(name: string): string {
  const path = join(repoRoot, '..', 'shared', 'media', name);
  if (!existsSync(path)) throw new Error(`shared media ${name} not found at ${path}`);
  return path;
}
