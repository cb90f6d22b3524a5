/** Helpers shared by the benchmark suites. Benchmarks print figures; they never assert times. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Our C/C++ harnesses of the anchors (speexdsp, spandsp, WebRTC APM), compiled at run time. */
const ANCHORS = join(process.cwd(), 'bench', 'anchors');

/**
 * Compiles the anchor harness `source` with `compiler` against the pkg-config package `pkg` into
 * `dir`; null when the package or the compiler is missing (the suite prints "peer missing").
 */
export function compileAnchor(
  dir: string,
  source: string,
  compiler: 'gcc' | 'g++',
  pkg: string,
): string | null {
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', pkg], { encoding: 'utf8' });
  if (flags.status !== 0) return null;
  const exe = join(dir, source.replace(/\.\w+$/, ''));
  const args = ['-O2', '-o', exe, join(ANCHORS, source), ...flags.stdout.trim().split(/\s+/)];
  if (compiler === 'g++') args.unshift('-std=c++11');
  return spawnSync(compiler, args, { stdio: 'ignore' }).status === 0 ? exe : null;
}

/** One printed table. */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Lines printed under the table (method, caveats). */
  notes?: string[];
}

/** Prints a table with aligned columns. Numbers are printed as given; format them first. */
export function printTable(table: BenchTable): void {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]): string => row.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  console.log(`\n## ${table.title}\n`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
  for (const note of table.notes ?? []) console.log(`  ${note}`);
}

/**
 * Runs `fn` repeatedly for about `minMs` after a warm-up and returns operations per second, where
 * one call of `fn` performs `opsPerCall` operations.
 */
export function measureRate(fn: () => void, opsPerCall: number, minMs = 400): number {
  const warmupEnd = performance.now() + minMs / 4;
  while (performance.now() < warmupEnd) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 8; i++) fn();
    calls += 8;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (calls * opsPerCall) / (elapsed / 1000);
}

/** Formats a number with a fixed count of decimals. */
export function fixed(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : String(value);
}
