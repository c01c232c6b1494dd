// The static parts of the HTML report: header, summary cards, leaks, drawdowns, monthly heatmap, split charts and the
// trade table, as HTML strings. Formatting only; must never compute a metric or emit unescaped text.
import { formatDurationMs, formatValue } from '../render-terminal.js';
import type { SplitDimension } from '../splits.js';
import { SUMMARY_FIELDS } from '../summary-fields.js';
import { escapeHtml } from './html-text.js';
import type { ReportModel, ReportTrade } from './report-model.js';
import { splitBarsSvg } from './split-bars.js';

const e = escapeHtml;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

const DIMENSION_TITLES: Record<SplitDimension, string> = {
  regime: 'Regime at entry',
  trend: 'Trend at entry',
  volatility: 'Volatility at entry',
  'volatility-spike': 'ATR percentile at entry (volatility bucket)',
  'return-spike': '|Return z-score| at entry',
  hour: 'Hour of entry (UTC)',
  weekday: 'Weekday of entry (UTC)',
  side: 'Side',
  'exit-reason': 'Exit reason',
  'entry-tag': 'Entry tag',
  instrument: 'Instrument',
};
/** The splits drawn as charts up front; the others follow in a collapsed section. */
const MAIN_SPLITS: readonly SplitDimension[] = ['regime', 'hour', 'volatility-spike'];

const signClass = (text: string | number | undefined): string => {
  const x = Number(text);
  return text === undefined || !Number.isFinite(x) || x === 0 ? '' : x > 0 ? 'pos' : 'neg';
};

/** The header's line on the bars: "3m bars, resampled exactly from the 1m candles of FILE" or "1m bars from FILE". */
export function barsOriginText(b: NonNullable<ReportModel['bars']>): string {
  const file = b.file.split(/[\\/]/).pop() ?? b.file;
  return b.resampledFrom === undefined
    ? `${b.interval} bars (the run's interval) from ${file}`
    : `${b.interval} bars (the run's interval), resampled exactly from the ${b.resampledFrom} candles of ${file} as the backtest did (UTC-aligned buckets)`;
}

export function headerHtml(m: ReportModel): string {
  const params = Object.entries(m.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const notes = m.notes.map((n) => `<p class="note">${e(n)}</p>`).join('');
  return (
    `<header><h1>${e(m.strategy)} <span class="muted">on</span> ${e(m.instrument)}</h1>` +
    `<p class="muted">run ${e(m.runId)} · ${e(iso(m.fromMs))} → ${e(iso(m.toMs))} UTC · ${e(params)}</p>` +
    (m.bars === undefined ? '' : `<p class="muted" id="bars-origin">${e(barsOriginText(m.bars))}</p>`) +
    `${notes}</header>`
  );
}

const CARDS: readonly string[] = ['netPnl', 'totalReturnPct', 'maxDrawdownPct', 'winRatePct', 'profitFactor', 'expectancy', 'expectancyR', 'sharpe', 'trades', 'feesPaid', 'fundingPaid', 'marketChangePct'];

export function summaryHtml(m: ReportModel): string {
  const fields = new Map(SUMMARY_FIELDS.map((f) => [f.key, f]));
  const card = (key: string): string => {
    const f = fields.get(key)!;
    const v = f.read(m.summary);
    const unit = f.unit === 'money' && v !== undefined ? ` ${m.settleAsset}` : '';
    // Cards round money to cents so it fits; the exact amount is in the table below and in the title.
    const shown = f.unit === 'money' && typeof v === 'string' ? Number(v).toFixed(2) : formatValue(v, f.unit);
    const cls = f.better === 'none' || f.unit === 'count' || key === 'feesPaid' || key === 'fundingPaid' ? '' : signClass(key === 'profitFactor' && typeof v === 'number' ? v - 1 : v);
    return `<div class="card"><div class="label">${e(f.label)}</div><div class="value ${cls}" title="${e(formatValue(v, f.unit))}">${e(shown)}<small>${e(unit)}</small></div></div>`;
  };
  const rows = SUMMARY_FIELDS.map((f) => {
    const v = f.read(m.summary);
    return `<tr><th>${e(f.label)}</th><td>${e(formatValue(v, f.unit))}${f.unit === 'money' && v !== undefined ? ` ${e(m.settleAsset)}` : ''}</td></tr>`;
  }).join('');
  const s = m.summary;
  return (
    `<section><div class="cards">${CARDS.map(card).join('')}</div>` +
    `<details><summary>All summary metrics</summary><table class="kv">${rows}` +
    `<tr><th>ratio sampling</th><td>${e(formatDurationMs(s.returnPeriodMs))} returns ×${s.returnPeriods}, ${s.periodsPerYear}/year</td></tr></table></details></section>`
  );
}

export function leaksHtml(m: ReportModel): string {
  if (m.leaks.length === 0) return '<section><h2>Biggest leaks</h2><p class="muted">No group of trades known at entry lost money while doing worse than the rest.</p></section>';
  const items = m.leaks
    .map((l) => {
      const flag = l.test.kind === 'tested' && l.test.significantlyWorse ? ` <span class="flag">significantly worse (p ${l.test.pValue.toFixed(3)})</span>` : '';
      const ids = l.tradeIds.map((id) => `<a href="#" data-trade="${id}">${id}</a>`).join(' ');
      return `<li><b>${e(DIMENSION_TITLES[l.dimension])} = ${e(l.key)}</b>: skipping its ${l.count} trades adds <b class="pos">${e(l.gain)} ${e(m.settleAsset)}</b> (win ${l.winRatePct === undefined ? '-' : l.winRatePct.toFixed(1)}%, avg ${e(l.averageNet ?? '-')})${flag}<div class="ids">trades: ${ids}</div></li>`;
    })
    .join('');
  return `<section><h2>Biggest leaks</h2><p class="muted">Groups of trades known at entry that cost the most; disjoint, so their gains add up. Click a trade id to see it on the chart.</p><ol class="leaks">${items}</ol></section>`;
}

export function drawdownsHtml(m: ReportModel): string {
  if (m.chart.drawdowns.length === 0) return '<p class="muted">Equity never fell below a running peak.</p>';
  const rows = m.chart.drawdowns
    .map((d) => `<tr><td>#${d.rank}</td><td class="neg">${d.pct.toFixed(2)}%</td><td class="neg">${d.amount.toFixed(2)}</td><td>${e(iso(d.peakT * 1000))}</td><td>${e(iso(d.troughT * 1000))}</td><td>${d.recoveryT === null ? 'not recovered' : e(iso(d.recoveryT * 1000))}</td></tr>`)
    .join('');
  return `<table class="grid"><thead><tr><th></th><th>depth</th><th>amount (${e(m.settleAsset)})</th><th>peak</th><th>trough</th><th>recovered</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Cell colour: green for gains, red for losses, stronger with size (saturating at +/-10 %). */
function heat(pct: number): string {
  const a = Math.min(1, Math.abs(pct) / 10) * 0.75 + 0.1;
  return pct >= 0 ? `rgba(22,163,74,${a.toFixed(2)})` : `rgba(220,38,38,${a.toFixed(2)})`;
}

export function monthlyHtml(m: ReportModel): string {
  const years = [...new Set(m.monthly.map((r) => r.year))];
  const rows = years
    .map((y) => {
      let year = 1;
      const cells = MONTHS.map((_, k) => {
        const r = m.monthly.find((x) => x.year === y && x.month === k + 1);
        if (!r) return '<td class="empty"></td>';
        year *= 1 + r.returnPct / 100;
        return `<td style="background:${heat(r.returnPct)}" title="${MONTHS[k]} ${y}: ${r.returnPct.toFixed(3)}%">${r.returnPct.toFixed(2)}%</td>`;
      }).join('');
      const total = 100 * (year - 1);
      return `<tr><th>${y}</th>${cells}<td class="year" style="background:${heat(total)}">${total.toFixed(2)}%</td></tr>`;
    })
    .join('');
  return `<table class="heatmap"><thead><tr><th></th>${MONTHS.map((x) => `<th>${x}</th>`).join('')}<th>year</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function splitTable(buckets: ReportModel['splits']['splits'][number]['buckets'], settle: string): string {
  const rows = buckets
    .map((b) => {
      const worse = b.test.kind === 'tested' && b.test.significantlyWorse;
      const p = b.test.kind === 'tested' ? b.test.pValue.toFixed(3) : '-';
      return `<tr${worse ? ' class="worse"' : ''}><td>${e(b.key)}</td><td>${b.count}</td><td>${b.winRatePct === undefined ? '-' : b.winRatePct.toFixed(1)}%</td><td class="${signClass(b.averageNet)}">${e(b.averageNet ?? '-')}</td><td class="${signClass(b.totalNet)}">${e(b.totalNet)}</td><td>${p}${worse ? ' !' : ''}</td></tr>`;
    })
    .join('');
  return `<table class="grid small"><thead><tr><th>bucket</th><th>trades</th><th>win</th><th>avg (${e(settle)})</th><th>total</th><th>p</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function splitsHtml(m: ReportModel): string {
  const block = (dim: SplitDimension): string => {
    const split = m.splits.splits.find((s) => s.dimension === dim);
    if (!split) return '';
    return `<div class="split"><h3>${e(DIMENSION_TITLES[dim])}</h3>${splitBarsSvg(split.buckets, m.settleAsset)}<details><summary>numbers</summary>${splitTable(split.buckets, m.settleAsset)}</details></div>`;
  };
  const others = m.splits.splits.filter((s) => !MAIN_SPLITS.includes(s.dimension)).map((s) => block(s.dimension)).join('');
  const method = `Columns are total net P&L per bucket; "!" marks a bucket significantly worse than the rest of the trades (Welch one-sided t-test on net P&L per trade, p &lt; ${m.splits.method.alpha}, buckets of ${m.splits.method.minTrades}+ trades). At this level about one bucket in twenty is flagged by chance.`;
  return `<section><h2>Where it fails</h2><p class="muted">${method}</p><div class="splits">${MAIN_SPLITS.map(block).join('')}</div><details><summary>More splits: trend, volatility, weekday, side, exit reason, entry tag, instrument</summary><div class="splits">${others}</div></details></section>`;
}

const TRADE_COLUMNS: readonly { readonly title: string; readonly cell: (t: ReportTrade) => { readonly text: string; readonly sort: string | number; readonly cls?: string } }[] = [
  { title: '#', cell: (t) => ({ text: String(t.id), sort: t.id }) },
  { title: 'side', cell: (t) => ({ text: t.side, sort: t.side }) },
  { title: 'entry (UTC)', cell: (t) => ({ text: iso(t.entryTimeMs), sort: t.entryTimeMs }) },
  { title: 'exit (UTC)', cell: (t) => ({ text: iso(t.exitTimeMs), sort: t.exitTimeMs }) },
  { title: 'held', cell: (t) => ({ text: formatDurationMs(t.heldMs), sort: t.heldMs }) },
  { title: 'qty', cell: (t) => ({ text: t.maxContracts, sort: Number(t.maxContracts) }) },
  { title: 'entry', cell: (t) => ({ text: String(t.entryPrice), sort: t.entryPrice }) },
  { title: 'exit', cell: (t) => ({ text: String(t.exitPrice), sort: t.exitPrice }) },
  { title: 'stop', cell: (t) => ({ text: t.plannedStop === undefined ? '' : String(t.plannedStop), sort: t.plannedStop ?? '' }) },
  { title: 'target', cell: (t) => ({ text: t.plannedTarget === undefined ? '' : String(t.plannedTarget), sort: t.plannedTarget ?? '' }) },
  { title: 'net P&L', cell: (t) => ({ text: t.netPnl, sort: Number(t.netPnl), cls: signClass(t.netPnl) }) },
  { title: 'R', cell: (t) => ({ text: t.rMultiple === undefined ? '' : t.rMultiple.toFixed(2), sort: t.rMultiple ?? '', cls: signClass(t.rMultiple) }) },
  { title: 'MAE', cell: (t) => ({ text: t.mae, sort: Number(t.mae) }) },
  { title: 'MFE', cell: (t) => ({ text: t.mfe, sort: Number(t.mfe) }) },
  { title: 'fees', cell: (t) => ({ text: t.fees, sort: Number(t.fees) }) },
  { title: 'funding', cell: (t) => ({ text: t.funding, sort: Number(t.funding) }) },
  { title: 'exit reason', cell: (t) => ({ text: t.exitReason, sort: t.exitReason }) },
  { title: 'tag', cell: (t) => ({ text: t.entryTag ?? '', sort: t.entryTag ?? '' }) },
  { title: 'regime', cell: (t) => ({ text: t.regime ?? 'unknown', sort: t.regime ?? 'unknown' }) },
];

/** The trade table: one row per trade, every cell carrying its sort value; the page's script sorts and exports it. */
export function tradeTableHtml(m: ReportModel): string {
  const head = TRADE_COLUMNS.map((c, k) => `<th data-col="${k}">${e(c.title)}</th>`).join('');
  const body = m.trades
    .map((t) => {
      const cells = TRADE_COLUMNS.map((c) => {
        const v = c.cell(t);
        return `<td data-v="${e(String(v.sort))}"${v.cls ? ` class="${v.cls}"` : ''}>${e(v.text)}</td>`;
      }).join('');
      return `<tr data-trade="${t.id}">${cells}</tr>`;
    })
    .join('\n');
  return (
    `<section><h2>Trades <span class="muted">(${m.trades.length})</span></h2>` +
    `<p class="muted">Click a column to sort, a row to show the trade on the chart. Amounts in ${e(m.settleAsset)}; R = net P&amp;L / planned risk. <button id="csv">Export CSV</button></p>` +
    `<div class="table-wrap"><table id="trades" class="grid"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div></section>`
  );
}
