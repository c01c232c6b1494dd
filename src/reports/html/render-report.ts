// Assembles the one self-contained report page: styles, lightweight-charts' standalone build, the data as JSON and
// the page script, all inlined, so the file opens offline. Must never reference a network or file URL.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml, scriptJson } from './html-text.js';
import type { ReportModel } from './report-model.js';
import { drawdownsHtml, headerHtml, leaksHtml, monthlyHtml, splitsHtml, summaryHtml, tradeTableHtml } from './report-sections.js';
import { REPORT_STYLE } from './report-style.js';

let chartsLibrary: string | undefined;

/** lightweight-charts' standalone build (defines window.LightweightCharts), read once from node_modules. */
export function chartsLibrarySource(): string {
  if (chartsLibrary === undefined) {
    // The package exports only its ESM entry and package.json; the standalone build sits beside them in dist/.
    const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
    const path = join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.js');
    // "</script" inside an inline script would end the element early; the build has none, and this keeps it so.
    chartsLibrary = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartsLibrary;
}

function legend(items: readonly { readonly color: string; readonly name: string }[]): string {
  return `<div class="legend">${items.map((i) => `<i style="background:${escapeHtml(i.color)}"></i>${escapeHtml(i.name)}`).join('')}</div>`;
}

/** The whole HTML document of a report. */
export function renderReportHtml(m: ReportModel): string {
  const c = m.chart;
  const grouped = c.displayIntervalMs !== c.barIntervalMs ? ` (shown as ${c.displayIntervalMs / 60_000}-minute candles to keep the page light)` : '';
  const priceBlock =
    c.candles.t.length > 0
      ? `<div class="panel"><div id="price-chart" class="chart"></div>${legend([...c.overlays, { color: '#dc2626', name: 'planned stop' }, { color: '#16a34a', name: 'planned target' }])}` +
        `<div class="legend">▲ long entry · ▼ short entry · ● exit (green win, red loss). Scroll or drag to move, wheel to zoom; click a trade to jump to it${escapeHtml(grouped)}.</div></div>`
      : '<p class="note">No candles: the bars of this run were not found (see the note above).</p>';
  const body = [
    headerHtml(m),
    summaryHtml(m),
    '<h2>Price, trades and overlays</h2>',
    priceBlock,
    '<h2>Equity vs buy-and-hold</h2>',
    `<div class="panel"><div id="equity-chart" class="chart mid"></div>${legend([{ color: '#2563eb', name: 'strategy equity' }, { color: '#94a3b8', name: 'buy & hold (same starting equity, unlevered)' }])}</div>`,
    '<h2>Underwater (drawdown from the running peak)</h2>',
    `<div class="panel"><div id="underwater-chart" class="chart low"></div></div>`,
    '<h3 class="gap">Deepest drawdowns</h3>',
    drawdownsHtml(m),
    '<h2>Monthly returns</h2>',
    monthlyHtml(m),
    leaksHtml(m),
    splitsHtml(m),
    tradeTableHtml(m),
    '<footer class="muted"><p>Charts: TradingView Lightweight Charts™ (Apache-2.0), https://www.tradingview.com/. Definitions of every figure: docs/metrics.md and docs/report.md.</p></footer>',
  ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(`${m.strategy} on ${m.instrument} · ${m.runId}`)}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head><body><main>',
    body,
    '</main>',
    `<script type="application/json" id="report-data">${scriptJson({ runId: m.runId, chart: m.chart })}</script>`,
    `<script>${chartsLibrarySource()}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
