// `microfut review --week YYYY-Www | --from D --to D`: the weekly review of the journal (src/reports/review.ts) as
// text or one JSON object, with regimes from bars when it can find them. Wiring only: never writes to the journal.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { MS_PER_DAY, formatIsoMs } from '../../../core/time.js';
import type { InstrumentId } from '../../../domain/instrument.js';
import { BAR_INTERVALS, type BarInterval } from '../../../engine/strategy.js';
import type { JournalDb } from '../../../journal/journal-db.js';
import type { RegimeSeries } from '../../../reports/regimes.js';
import type { ReviewPeriod, Violation, WeeklyReview } from '../../../reports/review.js';
import { printJson } from '../output.js';

interface ReviewFlags {
  readonly week?: string;
  readonly from?: string;
  readonly to?: string;
  readonly run?: string;
  readonly json?: boolean;
  readonly journal?: string;
  readonly data?: string;
  readonly riskBudget?: string;
  readonly specs?: string;
}

/** Bars before the period that the regime labels need (ATR percentile over one day of bars, plus ATR and ADX). */
const WARM_UP_MS = 2 * MS_PER_DAY;

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('the weekly review: splits, rule violations, streaks and the three biggest leaks of a week in the journal')
    .option('--week <YYYY-Www>', 'ISO week, Monday to Sunday UTC, e.g. 2025-W20')
    .option('--from <date>', 'first day (UTC) instead of --week')
    .option('--to <date>', 'last day (UTC, included) instead of --week')
    .option('--run <id>', 'only this run (default: every run with trades in the period)')
    .option('--journal <file>', 'the journal (default: $MICROFUT_JOURNAL, else ~/.microfut/journal.sqlite)')
    .option('--data <file|dir>', 'kline file or directory for the regime labels (default: the run\'s data, else the cache)')
    .option('--risk-budget <pct>', 'largest planned risk per trade, percent of equity at entry', '1')
    .option('--specs <file>', 'a spec file that adds or overrides instruments')
    .option('--json', 'print one JSON object')
    .action(async (flags: ReviewFlags) => {
      await runReview(flags);
    });
}

async function periodOf(flags: ReviewFlags): Promise<ReviewPeriod> {
  const { isoWeekPeriod } = await import('../../../reports/review.js');
  if (flags.week !== undefined) {
    if (flags.from !== undefined || flags.to !== undefined) throw new InputError('CONFLICTING_OPTIONS', '--week and --from/--to', 'name the period twice', 'pass either --week or --from and --to');
    return isoWeekPeriod(flags.week);
  }
  if (flags.from === undefined || flags.to === undefined) throw new InputError('MISSING_OPTION', '--week', 'no period given', 'pass --week YYYY-Www, or both --from and --to');
  const { parseDateRange } = await import('../../../journal/date-range.js');
  const r = parseDateRange(flags.from, flags.to);
  return { label: `${flags.from} .. ${flags.to}`, fromMs: r.fromMs!, toMs: r.toMs! };
}

function budgetOf(raw: string | undefined): number {
  const x = Number(raw?.trim().replace(/%$/, ''));
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(x) || x <= 0 || x > 100) {
    throw new InputError('INVALID_NUMBER', '--risk-budget', `"${raw ?? ''}" is not a percent above 0 and at most 100`, 'pass a percent of equity such as 1 or 0.5');
  }
  return x;
}

/**
 * The bar interval the regimes of one instrument are labelled on: the one its runs recorded (`config.interval`), so a
 * trade's regime comes from the bars its strategy saw; 1m for runs that recorded none or when the runs disagree.
 */
function reviewInterval(recorded: readonly unknown[]): BarInterval {
  const known = new Set(recorded.map((i) => (typeof i === 'string' && (BAR_INTERVALS as readonly string[]).includes(i) ? (i as BarInterval) : '1m')));
  return known.size === 1 ? [...known][0]! : '1m';
}

/**
 * Regime series for each instrument traded in the period, from --data, else the data the run recorded, else the
 * cache. A failure with --data is the user's to fix (an error); otherwise the review goes on without that instrument
 * and says so.
 */
async function loadRegimes(j: JournalDb, flags: ReviewFlags, period: ReviewPeriod): Promise<Map<InstrumentId, RegimeSeries>> {
  const { listTrades, getRun } = await import('../../../journal/journal-queries.js');
  const { loadBacktestData } = await import('../../../backtest/load-data.js');
  const { loadRegistry } = await import('../../../data/spec-files.js');
  const { defaultCacheDir } = await import('../../../data/cache.js');
  const { regimeSeries, DEFAULT_REGIME_OPTIONS } = await import('../../../reports/regimes.js');
  const { existsSync } = await import('node:fs');
  const trades = listTrades(j.db, { fromMs: period.fromMs, toMs: period.toMs, ...(flags.run !== undefined ? { runId: flags.run } : {}) });
  const registry = loadRegistry(flags.specs === undefined ? {} : { userSpecsFile: flags.specs });
  const out = new Map<InstrumentId, RegimeSeries>();
  for (const instrument of new Set(trades.map((t) => t.instrument))) {
    if (registry.originOf(instrument) === undefined) continue;
    const spec = registry.get(instrument);
    const configs = [...new Set(trades.filter((t) => t.instrument === instrument).map((t) => t.runId))].map((id) => getRun(j.db, id)?.config);
    const recorded = configs.map((c) => c?.data).find((d): d is string => typeof d === 'string' && existsSync(d));
    const interval = reviewInterval(configs.map((c) => c?.interval));
    const sources = flags.data !== undefined ? [flags.data] : [...(recorded !== undefined ? [recorded] : []), undefined];
    for (const data of sources) {
      try {
        // The same loader as the backtest: klines of the runs' interval, else finer ones resampled exactly to it.
        const loaded = await loadBacktestData({ spec, interval, ...(data !== undefined ? { data } : {}), fundingOn: false, fromMs: period.fromMs - WARM_UP_MS, toMs: period.toMs + 1, cacheDir: defaultCacheDir() });
        out.set(instrument, regimeSeries(loaded.bars, { ...DEFAULT_REGIME_OPTIONS, barIntervalMs: loaded.intervalMs }));
        break;
      } catch (e) {
        if (!(e instanceof InputError) || flags.data !== undefined) throw e;
      }
    }
  }
  return out;
}

async function runReview(flags: ReviewFlags): Promise<void> {
  const period = await periodOf(flags);
  const riskBudgetPct = budgetOf(flags.riskBudget);
  const { openJournalDb, resolveJournalPath } = await import('../../../journal/journal-db.js');
  const { weeklyReview } = await import('../../../reports/review.js');
  const where = resolveJournalPath(flags.journal);
  const j = openJournalDb(where.file, { create: false, inputName: where.inputName });
  let review: WeeklyReview;
  try {
    const regimes = await loadRegimes(j, flags, period);
    review = weeklyReview(j.db, { period, riskBudgetPct, regimes, ...(flags.run !== undefined ? { runId: flags.run } : {}) });
  } finally {
    j.close();
  }
  if (flags.json === true) {
    printJson(review);
    return;
  }
  process.stdout.write(await renderReview(review));
}

const day = (ms: number): string => formatIsoMs(ms).slice(0, 16).replace('T', ' ');

function violationText(v: Violation): string {
  const where = `${day(v.timeMs)} run ${v.runId}${v.tradeId !== undefined ? ` trade ${v.tradeId}` : ''}`;
  switch (v.kind) {
    case 'risk-above-budget':
      return `${where}: risk ${v.risk} = ${v.riskPct.toFixed(2)}% of equity ${v.equityAtEntry}, above the ${v.budgetPct}% budget`;
    case 'no-stop':
      return `${where}: entered without a planned stop (risk unbounded)`;
    case 'stop-moved-wider':
      return `${where}: stop ${v.clientId} moved wider, ${v.fromPrice} -> ${v.toPrice}`;
    case 'add-while-not-in-profit':
      return `${where}: added to the ${v.side} (${v.clientId}) at ${v.fillPrice} while not in profit (average entry ${v.averageEntry})`;
  }
}

/** The review as text: period and runs, the whole, violations, streaks, leaks, then every split. */
export async function renderReview(r: WeeklyReview): Promise<string> {
  const { renderLeaks, renderSplits } = await import('../../../reports/render-terminal.js');
  const lines: string[] = [`review ${r.period.label} (${day(r.period.fromMs)} .. ${day(r.period.toMs)} UTC, by entry time)`];
  for (const run of r.runs) lines.push(`  run ${run.runId}: ${run.strategy} (${run.source}), ${run.trades} trades`);
  if (r.runs.length === 0) lines.push('  no trades entered in this period');
  const w = r.whole;
  lines.push('', `trades ${w.count}, wins ${w.wins}, losses ${w.losses}, win rate ${w.winRatePct === undefined ? '-' : `${w.winRatePct.toFixed(1)}%`}, average ${w.averageNet ?? '-'}, total ${w.totalNet}`);
  lines.push('', `rule violations: ${r.violations.length}`);
  for (const v of r.violations.slice(0, 50)) lines.push(`  ${violationText(v)}`);
  if (r.violations.length > 50) lines.push(`  ... ${r.violations.length - 50} more (--json lists them all)`);
  const streak = (name: string, s: WeeklyReview['streaks']['longestLosing']): string =>
    s === undefined ? `${name}: none` : `${name}: ${s.count} trades, ${s.total}, ${day(s.fromMs)} .. ${day(s.toMs)}; trades ${s.tradeIds.join(', ')}`;
  lines.push('', streak('longest losing streak', r.streaks.longestLosing), streak('longest winning streak', r.streaks.longestWinning));
  lines.push('', 'biggest leaks (groups known at entry that cost the most):', renderLeaks(r.leaks).trimEnd());
  lines.push('', renderSplits(r.splits).trimEnd());
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  return `${lines.join('\n')}\n`;
}
