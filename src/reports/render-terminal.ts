// Plain-text renderings of the summary, the splits, the leaks and a run comparison, for a terminal. Returns
// strings; must never write to stdout itself or change a value (formatting only).
import type { Comparison } from './comparison.js';
import type { Leak } from './leaks.js';
import type { SplitBucket, SplitDimension, SplitReport } from './splits.js';
import { SUMMARY_FIELDS, type FieldUnit } from './summary-fields.js';
import type { SummaryMetrics } from './summary-metrics.js';

/** The mark next to a bucket that tested significantly worse than the rest. */
export const WORSE_MARK = '!';

const DIMENSION_TITLES: Record<SplitDimension, string> = {
  regime: 'by regime at entry',
  trend: 'by trend at entry',
  volatility: 'by volatility at entry',
  'volatility-spike': 'by ATR percentile at entry',
  'return-spike': 'by |return z-score| at entry',
  hour: 'by hour of entry (UTC)',
  weekday: 'by weekday of entry (UTC)',
  side: 'by side',
  'exit-reason': 'by exit reason',
  'entry-tag': 'by entry tag',
  instrument: 'by instrument',
};

/** Aligns rows into columns; cells that look numeric are right-aligned. */
export function renderTextTable(header: readonly string[] | undefined, rows: readonly (readonly string[])[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const numeric = /^[-+]?[\d,]*\.?\d+(%|[a-z]{1,2})?( ?!)?$/;
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i > 0 && numeric.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  ').trimEnd());
  return `${out.join('\n')}\n`;
}

/** A duration as days, hours and minutes ("2d 3h 5m", "45m", "12s" below a minute). */
export function formatDurationMs(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const totalMinutes = Math.round(ms / 60_000);
  const d = Math.floor(totalMinutes / 1440);
  const h = Math.floor((totalMinutes % 1440) / 60);
  const m = totalMinutes % 60;
  return [d > 0 ? `${d}d` : '', h > 0 ? `${h}h` : '', m > 0 || (d === 0 && h === 0) ? `${m}m` : ''].filter(Boolean).join(' ');
}

/** One value as text by its unit; "-" for undefined. */
export function formatValue(value: string | number | undefined, unit: FieldUnit): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'money':
      return String(value);
    case 'pct':
      return `${value.toFixed(2)}%`;
    case 'ratio':
      return value.toFixed(2);
    case 'count':
      return String(value);
    case 'time-ms':
      return `${new Date(value).toISOString().slice(0, 16).replace('T', ' ')}Z`;
    case 'duration-ms':
      return formatDurationMs(value);
  }
}

/** The summary as a two-column table, plus the drawdown's length and the sampling the ratios used. */
export function renderSummary(summary: SummaryMetrics, settleAsset = ''): string {
  const suffix = settleAsset ? ` ${settleAsset}` : '';
  const rows = SUMMARY_FIELDS.map((f): [string, string] => {
    const v = f.read(summary);
    return [f.label, formatValue(v, f.unit) + (f.unit === 'money' && v !== undefined ? suffix : '')];
  });
  const dd = summary.maxDrawdown;
  rows.push(['drawdown length', dd === undefined ? '-' : dd.durationMs === undefined ? 'not recovered' : formatDurationMs(dd.durationMs)]);
  rows.push(['ratio sampling', `${formatDurationMs(summary.returnPeriodMs)} returns x${summary.returnPeriods}, ${summary.periodsPerYear}/year`]);
  return renderTextTable(undefined, rows);
}

function bucketRow(b: SplitBucket): string[] {
  const p = b.test.kind === 'tested' ? b.test.pValue.toFixed(3) : '-';
  const flag = b.test.kind === 'tested' && b.test.significantlyWorse ? `${WORSE_MARK} worse` : '';
  return [b.key, String(b.count), b.winRatePct === undefined ? '-' : `${b.winRatePct.toFixed(1)}%`, b.averageNet ?? '-', b.totalNet, p, flag];
}

/** Every split as a titled table: bucket, trades, win rate, average and total net P&L, p-value and the flag. */
export function renderSplits(report: SplitReport): string {
  const w = report.whole;
  const parts = [
    `all trades: ${w.count}, win rate ${w.winRatePct === undefined ? '-' : `${w.winRatePct.toFixed(1)}%`}, average ${w.averageNet ?? '-'}, total ${w.totalNet}`,
    `${WORSE_MARK} = significantly worse than the rest (Welch one-sided t-test on net P&L per trade, p < ${report.method.alpha}, buckets of ${report.method.minTrades}+ trades)`,
  ];
  for (const split of report.splits) {
    parts.push('', DIMENSION_TITLES[split.dimension], renderTextTable(['bucket', 'trades', 'win', 'avg', 'total', 'p', ''], split.buckets.map(bucketRow)).trimEnd());
  }
  return `${parts.join('\n')}\n`;
}

/** Trade ids as a list, the first `max` of them and how many more (the data keeps them all). */
function idList(ids: readonly number[], max: number): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} ... (${ids.length - max} more)`;
}

/** The leaks, biggest first, with the trades behind each (up to `maxIds` ids a leak). */
export function renderLeaks(leaks: readonly Leak[], maxIds = 20): string {
  if (leaks.length === 0) return 'no leaks: no group of trades known at entry lost money while doing worse than the rest\n';
  return leaks
    .map((l, i) => {
      const win = l.winRatePct === undefined ? '-' : `${l.winRatePct.toFixed(1)}%`;
      const flag = l.test.kind === 'tested' && l.test.significantlyWorse ? ` ${WORSE_MARK} worse (p ${l.test.pValue.toFixed(3)})` : '';
      return `${i + 1}. ${DIMENSION_TITLES[l.dimension]} = ${l.key}: skipping ${l.count} trades adds ${l.gain} (win rate ${win}, average ${l.averageNet ?? '-'}, ${l.belowRest} below the rest)${flag}; trades ${idList(l.tradeIds, maxIds)}\n`;
    })
    .join('');
}

/** Runs as columns, summary fields as rows; the best run of each row is marked with "*". */
export function renderComparison(comparison: Comparison): string {
  const rows = comparison.rows.map((r) => [r.label, ...r.values.map((v, i) => formatValue(v, r.unit) + (r.best.includes(i) && comparison.runs.length > 1 ? ' *' : ''))]);
  return renderTextTable(['metric', ...comparison.runs], rows);
}
