import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/cli/html-report.js';

const report = {
  title: 'Call <demo> & co',
  summary: [
    ['MOS', '4.1'],
    ['loss', '5 %'],
  ] as const,
  notes: ['heard-a.wav is what side A heard'],
  charts: [
    {
      title: 'Playout delay',
      unit: 'ms',
      series: [
        {
          label: 'side A',
          points: [
            [0, 40],
            [1000, 60],
            [2000, Number.NaN],
            [3000, 55],
          ] as const,
        },
        {
          label: 'side B',
          points: [
            [0, 30],
            [3000, 90],
          ] as const,
        },
      ],
    },
    { title: 'Empty', unit: '%', series: [{ label: 'x', points: [] }] },
  ],
};

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(report);

  it('is one self-contained page: no scripts, no external fetches', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|https?:\/\/|src=/i);
  });

  it('escapes text it is given', () => {
    expect(html).toContain('Call &#60;demo&#62; &#38; co');
    expect(html).not.toContain('<demo>');
  });

  it('draws one path per series and breaks lines at non-finite values', () => {
    const paths = [...html.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(paths).toHaveLength(2);
    expect(paths[0]?.match(/M/g)).toHaveLength(2);
    expect(paths[0]?.match(/L/g)).toHaveLength(1);
    expect(paths[1]?.match(/[ML]/g)).toHaveLength(2);
  });

  it('says so when a chart has no data, and keeps the summary rows', () => {
    expect(html).toContain('<h2>Empty</h2><p class="note">no data</p>');
    expect(html).toContain('<tr><th>MOS</th><td>4.1</td></tr>');
  });
});
