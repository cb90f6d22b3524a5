import { readFile } from 'node:fs/promises';
import { VoxwireError } from '../../errors.js';

/** One row of a {@link NetworkTrace}. */
export interface NetworkTraceEntry {
  /**
   * Index mode: the 0-based index of the packet the row applies to. Time mode: the time the row
   * starts to apply, ms after the trace started (it lasts until the next row's `sendMs`).
   */
  readonly key: number;
  /** One-way delay, ms (≥ 0). Meaningless (0) when `lost`. */
  readonly delayMs: number;
  /** True when the packet (index mode) or every packet sent in the row's interval (time mode) is lost. */
  readonly lost: boolean;
}

/**
 * A per-packet delay and loss trace, replayed exactly by the {@link NetworkEmulator}.
 *
 * - `'index'`: row `i` applies to the `i`-th packet sent after the trace was installed.
 * - `'time'`: a packet sent `t` ms after the trace was installed takes the row with the largest
 *   `sendMs ≤ t` (rows before the first row's time take the first row).
 */
export interface NetworkTrace {
  /** How rows are keyed. */
  readonly kind: 'index' | 'time';
  /** Rows in key order (strictly increasing keys; in index mode exactly 0, 1, 2, …). */
  readonly entries: readonly NetworkTraceEntry[];
}

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no', '']);

/**
 * Parses a trace from CSV text. The format:
 *
 * ```text
 * # comments and blank lines are ignored; CRLF or LF; fields are trimmed
 * index,delay_ms,lost        <- header (required): index OR send_ms, then delay_ms, optional lost
 * 0,20.5,0
 * 1,,1                       <- a lost packet may leave delay_ms empty
 * ```
 *
 * `send_ms,delay_ms[,lost]` keys rows by send time instead (see {@link NetworkTrace}). `lost` is
 * `0/1`, `true/false` or `yes/no` (empty = 0). Columns may come in any order; unknown columns are
 * ignored. Index rows must be numbered 0, 1, 2, … with no gap; `send_ms` must strictly increase.
 * @param text - The CSV.
 * @returns The parsed trace.
 * @throws VoxwireError `ERR_TRACE_MALFORMED` naming the 1-based line and the problem.
 */
export function parseNetworkTrace(text: string): NetworkTrace {
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let keyColumn = -1;
  let delayColumn = -1;
  let lostColumn = -1;
  let kind: 'index' | 'time' = 'index';
  const entries: NetworkTraceEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = (i === 0 ? lines[i].replace(/^\uFEFF/, '') : lines[i]).trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(',').map((field) => field.trim());
    if (header === undefined) {
      header = fields.map((name) => name.toLowerCase());
      const seen = new Set<string>();
      for (const name of header) {
        if (seen.has(name)) malformed(lineNo, `column "${name}" appears twice`);
        seen.add(name);
      }
      const indexColumn = header.indexOf('index');
      const sendColumn = header.indexOf('send_ms');
      if (indexColumn < 0 === sendColumn < 0) {
        malformed(lineNo, 'the header must name exactly one of the columns index and send_ms');
      }
      kind = indexColumn >= 0 ? 'index' : 'time';
      keyColumn = indexColumn >= 0 ? indexColumn : sendColumn;
      delayColumn = header.indexOf('delay_ms');
      if (delayColumn < 0) malformed(lineNo, 'the header must name the column delay_ms');
      lostColumn = header.indexOf('lost');
      continue;
    }
    if (fields.length !== header.length) {
      malformed(lineNo, `${fields.length} fields where the header has ${header.length}`);
    }
    let lost = false;
    if (lostColumn >= 0) {
      const word = fields[lostColumn].toLowerCase();
      if (TRUE_WORDS.has(word)) lost = true;
      else if (!FALSE_WORDS.has(word))
        malformed(lineNo, `lost "${fields[lostColumn]}" is not 0/1/true/false`);
    }
    const keyText = fields[keyColumn];
    const key = parseNumber(keyText);
    const previous = entries.length > 0 ? entries[entries.length - 1].key : undefined;
    if (kind === 'index') {
      if (!Number.isInteger(key) || key < 0) malformed(lineNo, `index "${keyText}" is not an integer ≥ 0`);
      const expected = entries.length;
      if (key !== expected)
        malformed(lineNo, `index ${key} where ${expected} was expected (rows must be 0, 1, 2, …)`);
    } else {
      if (!(key >= 0) || !Number.isFinite(key)) malformed(lineNo, `send_ms "${keyText}" is not a number ≥ 0`);
      if (previous !== undefined && key <= previous) {
        malformed(lineNo, `send_ms ${key} does not increase (previous row: ${previous})`);
      }
    }
    const delayText = fields[delayColumn];
    let delayMs = 0;
    if (!(lost && delayText === '')) {
      delayMs = parseNumber(delayText);
      if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
        malformed(lineNo, `delay_ms "${delayText}" is not a number ≥ 0`);
      }
    }
    entries.push({ key, delayMs: lost ? 0 : delayMs, lost });
  }
  if (header === undefined) malformed(lines.length, 'no header line (e.g. "index,delay_ms,lost")');
  if (entries.length === 0) malformed(lines.length, 'the trace has a header but no rows');
  return { kind, entries };
}

/**
 * Reads and parses a trace file (UTF-8 CSV, see {@link parseNetworkTrace}).
 * @param path - The file.
 * @throws VoxwireError `ERR_TRACE_MALFORMED` for bad content; the file system's error (ENOENT, …) otherwise.
 */
export async function loadNetworkTrace(path: string): Promise<NetworkTrace> {
  return parseNetworkTrace(await readFile(path, 'utf8'));
}

/** Strict decimal parse: `Number('')` is 0 and `Number('0x1f')` is 31, neither is a trace value. */
function parseNumber(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
}

function malformed(lineNo: number, problem: string): never {
  throw new VoxwireError('ERR_TRACE_MALFORMED', `network trace line ${lineNo}: ${problem}`);
}
