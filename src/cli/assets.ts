import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Path of a bundled file under the package's `assets/` folder (e.g. `speech/hello-8k.wav`). Looks
 * upwards from this module, so it works from `src/cli` (tsx) and from the bundled `dist/`.
 * @throws Error when the package has no such asset (a broken install).
 */
export function assetPath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`bundled asset ${relative} not found; reinstall voxwire`);
}
