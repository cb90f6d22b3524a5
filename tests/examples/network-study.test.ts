import { describe, expect, it } from 'vitest';
import { main } from '../../examples/network-study.js';

describe('examples/network-study.ts', () => {
  it('prints a table whose MOS falls with loss and recovers with RED', async () => {
    const lines: string[] = [];
    const cells = await main({ lossPercent: [0, 20], jitterMs: [30], red: [false, true] }, (l) =>
      lines.push(l),
    );
    expect(lines[0]).toMatch(/loss %\s+jitter ms\s+RED\s+MOS\s+concealed %/);
    expect(lines).toHaveLength(5);
    const cell = (loss: number, red: boolean) => cells.find((c) => c.lossPercent === loss && c.red === red);
    expect(cell(0, false)?.mos).toBeGreaterThan(3.5);
    expect(cell(20, false)?.mos).toBeLessThan((cell(0, false)?.mos ?? 0) - 1);
    expect(cell(20, false)?.concealedPercent).toBeGreaterThan(10);
    expect(cell(20, true)?.concealedPercent).toBeLessThan((cell(20, false)?.concealedPercent ?? 0) / 2);
  }, 120_000);
});
