// Several runs side by side as one self-contained HTML page: one column per run, one row per summary field, the
// best value of each row highlighted. Static markup and inline styles only; must never compute a metric.
import type { Comparison } from '../comparison.js';
import { formatValue } from '../render-terminal.js';
import { escapeHtml } from './html-text.js';
import { REPORT_STYLE } from './report-style.js';

/** What the page says about each run above its column. */
export interface ComparedRun {
  readonly name: string;
  readonly runId: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly instrument: string;
  readonly settleAsset: string;
}

/** The comparison page. Cells holding the best value of a ranked row are green; "-" marks a run without the figure. */
export function renderComparisonHtml(comparison: Comparison, runs: readonly ComparedRun[]): string {
  const e = escapeHtml;
  const head = runs
    .map((r) => `<th>${e(r.name)}<div class="muted">${e(r.strategy)} · ${e(r.instrument)}<br>${e(Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' '))}<br>${e(r.runId)}</div></th>`)
    .join('');
  const rows = comparison.rows
    .map((row) => {
      const cells = row.values
        .map((v, i) => {
          const best = row.best.includes(i) && runs.length > 1;
          const unit = row.unit === 'money' && v !== undefined ? ` ${runs[i]?.settleAsset ?? ''}` : '';
          return `<td${best ? ' class="best"' : ''}>${e(formatValue(v, row.unit) + unit)}</td>`;
        })
        .join('');
      const hint = row.better === 'none' ? '' : row.better === 'higher' ? ' ↑' : ' ↓';
      return `<tr><th>${e(row.label)}<span class="muted">${hint}</span></th>${cells}</tr>`;
    })
    .join('\n');
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">',
    `<title>${e(`compare: ${runs.map((r) => r.name).join(' vs ')}`)}</title>`,
    `<style>${REPORT_STYLE} td.best { background: #dcfce7; font-weight: 600; } table.compare th[scope] { text-align: left; }</style>`,
    '</head><body><main>',
    `<h1>${runs.length} runs side by side</h1>`,
    '<p class="muted">One row per summary figure (docs/metrics.md). Green marks the best run of a row; ↑ higher is better, ↓ lower is better; rows without an arrow are context and are not ranked.</p>',
    `<div class="table-wrap"><table class="grid compare"><thead><tr><th>metric</th>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
