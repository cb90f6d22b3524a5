import { describe, expect, it } from 'vitest';
import { demoDatagrams, main } from '../../examples/custom-transport/main.js';

describe('examples/custom-transport', () => {
  it('carries datagrams intact both ways over TCP and ends by itself', async () => {
    const lines: string[] = [];
    const { atClient, atServer } = await main((line) => lines.push(line));
    const expectSame = (got: typeof atClient, sent: ReturnType<typeof demoDatagrams>): void => {
      expect(got.map((d) => d.channel)).toEqual(sent.map((d) => d.channel));
      for (const [i, d] of got.entries())
        expect(Buffer.from(d.data).equals(Buffer.from(sent[i].data))).toBe(true);
    };
    expectSame(atServer, demoDatagrams(0));
    expectSame(atClient, demoDatagrams(1));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('server received 8 datagrams');
  });
});
