/**
 * Runs every suite in bench/suites (or those whose file name contains an argument) and prints
 * their tables: `npm run bench`, `npm run bench -- codec`.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchTable, printTable } from './lib.js';

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const filters = process.argv.slice(2);
const files = readdirSync(suitesDir)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

for (const file of files) {
  const suite = (await import(join(suitesDir, file))) as { run: () => Promise<BenchTable[]> };
  for (const table of await suite.run()) printTable(table);
}
