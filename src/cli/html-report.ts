/** One line on a chart: values over call time. */
export interface ReportSeries {
  /** Legend text. */
  readonly label: string;
  /** `[timeMs, value]` pairs in time order. Non-finite values break the line. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A chart of one quantity (one unit) over call time. */
export interface ReportChart {
  /** Heading above the chart. */
  readonly title: string;
  /** Unit of the y axis, e.g. `'ms'`, `'%'`, `'MOS'`. */
  readonly unit: string;
  readonly series: readonly ReportSeries[];
}

/** What the report shows: a title, a table of key figures, and charts. */
export interface CallReport {
  readonly title: string;
  /** Label/value rows of the summary table, in order. */
  readonly summary: ReadonlyArray<readonly [string, string]>;
  readonly charts: readonly ReportChart[];
  /** Notes under the summary (how the call was set up, where the WAVs are). */
  readonly notes?: readonly string[];
}

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { left: 56, right: 16, top: 12, bottom: 32 };
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c'];

/**
 * Renders a call report as one self-contained HTML page: inline CSS and SVG, no scripts, no network
 * fetches, so it opens in any browser from disk.
 * @param report - What to show.
 * @returns The HTML document.
 */
export function renderHtmlReport(report: CallReport): string {
  const rows = report.summary
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const notes = (report.notes ?? []).map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('');
  const charts = report.charts.map(renderChart).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:760px;color:#111}
table{border-collapse:collapse;margin:12px 0}th,td{padding:3px 12px;border-bottom:1px solid #ddd;text-align:left}
th{font-weight:600}h2{font-size:15px;margin:24px 0 4px}.note{color:#555;margin:4px 0}
svg text{font:11px system-ui,sans-serif;fill:#444}.legend span{margin-right:14px}
</style></head><body>
<h1>${escapeHtml(report.title)}</h1>
<table>${rows}</table>${notes}${charts}
</body></html>
`;
}

function renderChart(chart: ReportChart): string {
  const all = chart.series.flatMap((s) =>
    s.points.filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v)),
  );
  if (all.length === 0) return `<h2>${escapeHtml(chart.title)}</h2><p class="note">no data</p>`;
  const tMax = Math.max(1, ...all.map(([t]) => t));
  const vMax = niceCeiling(Math.max(...all.map(([, v]) => v)));
  const vMin = Math.min(0, ...all.map(([, v]) => v));
  const x = (t: number) => PAD.left + (t / tMax) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) =>
    HEIGHT - PAD.bottom - ((v - vMin) / (vMax - vMin || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  const grid = ticks(vMin, vMax)
    .map(
      (v) =>
        `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>` +
        `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${formatTick(v)}</text>`,
    )
    .join('');
  const timeTicks = ticks(0, tMax / 1000)
    .map((s) => `<text x="${x(s * 1000)}" y="${HEIGHT - 12}" text-anchor="middle">${formatTick(s)} s</text>`)
    .join('');
  const lines = chart.series
    .map((series, i) => {
      const colour = COLOURS[i % COLOURS.length];
      return `<path d="${pathOf(series.points, x, y)}" fill="none" stroke="${colour}" stroke-width="1.5"/>`;
    })
    .join('');
  const legend = chart.series
    .map((s, i) => `<span style="color:${COLOURS[i % COLOURS.length]}">■ ${escapeHtml(s.label)}</span>`)
    .join('');
  return `<h2>${escapeHtml(chart.title)} (${escapeHtml(chart.unit)})</h2>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${escapeHtml(chart.title)}">${grid}${timeTicks}${lines}</svg>
<div class="legend">${legend}</div>`;
}

function pathOf(
  points: ReadonlyArray<readonly [number, number]>,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = 'M';
  for (const [t, v] of points) {
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      pen = 'M';
      continue;
    }
    d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = 'L';
  }
  return d;
}

/** The next "round" number at or above `value` (1, 2, 5 × 10^n) so axes read cleanly. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function ticks(min: number, max: number): number[] {
  const step = niceCeiling((max - min) / 5);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(v);
  return out;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 2 : 1);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
