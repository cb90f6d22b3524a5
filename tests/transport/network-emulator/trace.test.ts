import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../../src/errors.js';
import { loadNetworkTrace, parseNetworkTrace } from '../../../src/transport/network-emulator/trace.js';

function parseError(text: string): Error {
  try {
    parseNetworkTrace(text);
  } catch (error) {
    expect(isVoxwireError(error, 'ERR_TRACE_MALFORMED')).toBe(true);
    return error as Error;
  }
  throw new Error(`parsed without error: ${JSON.stringify(text)}`);
}

describe('parseNetworkTrace', () => {
  it('parses index traces with comments, CRLF, a BOM, spaces, any column order and extra columns', () => {
    const text =
      '\uFEFF# recorded on LTE\r\nlost , delay_ms, index ,note\r\n\r\n0, 20.5 ,0,a\r\nyes,,1,b\r\nfalse,1e1,2,\r\n';
    expect(parseNetworkTrace(text)).toEqual({
      kind: 'index',
      entries: [
        { key: 0, delayMs: 20.5, lost: false },
        { key: 1, delayMs: 0, lost: true },
        { key: 2, delayMs: 10, lost: false },
      ],
    });
  });

  it('parses send-time traces, lost column optional', () => {
    expect(parseNetworkTrace('send_ms,delay_ms\n0,10\n20.5,12\n')).toEqual({
      kind: 'time',
      entries: [
        { key: 0, delayMs: 10, lost: false },
        { key: 20.5, delayMs: 12, lost: false },
      ],
    });
  });

  it.each([
    ['', /line 1: no header/],
    ['# only a comment\n', /no header/],
    ['index,delay_ms\n', /header but no rows/],
    ['delay_ms,lost\n0,0\n', /line 1: .*exactly one of the columns index and send_ms/],
    ['index,send_ms,delay_ms\n0,0,1\n', /line 1: .*exactly one/],
    ['index,lost\n0,0\n', /line 1: .*delay_ms/],
    ['index,delay_ms,delay_ms\n', /line 1: column "delay_ms" appears twice/],
    ['index,delay_ms\n0,10\n1,abc\n', /line 3: delay_ms "abc" is not a number/],
    ['index,delay_ms\n0,10\n1,-3\n', /line 3: delay_ms "-3"/],
    ['index,delay_ms\n0,0x10\n', /line 2: delay_ms "0x10"/],
    ['index,delay_ms\n0,\n', /line 2: delay_ms ""/],
    ['index,delay_ms\n0,10,5\n', /line 2: 3 fields where the header has 2/],
    ['index,delay_ms\n0,10\n2,10\n', /line 3: index 2 where 1 was expected/],
    ['index,delay_ms\n0.5,10\n', /line 2: index "0.5"/],
    ['index,delay_ms,lost\n0,10,maybe\n', /line 2: lost "maybe"/],
    ['send_ms,delay_ms\n10,1\n# c\n10,2\n', /line 4: send_ms 10 does not increase/],
    ['send_ms,delay_ms\n-1,1\n', /line 2: send_ms "-1"/],
  ])('rejects %j', (text, message) => {
    expect(parseError(text).message).toMatch(message);
  });

  it('loads a trace file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxwire-trace-'));
    const path = join(dir, 'trace.csv');
    writeFileSync(path, 'index,delay_ms\n0,5\n');
    expect((await loadNetworkTrace(path)).entries).toEqual([{ key: 0, delayMs: 5, lost: false }]);
  });
});
