// A run's outputs: the JSON summary, and the files of `--out DIR` (trades.csv, equity.csv, events.jsonl, run.json),
// rendered deterministically (same run, same bytes) and written atomically: everything goes to a temporary folder
// beside DIR first and is moved in only when complete. Must never leave a half-written file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.js';
import { formatCount, type Grid } from '../core/grid.js';
import { formatMoney, type Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { BacktestRun } from './run-backtest.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const money = (m: Money): number => Number(formatMoney(m, 0));
const moneyText = (m: Money): string => formatMoney(m, 0);
/** A float for JSON/CSV: at most 10 decimals, float noise trimmed. */
const num = (x: number): number => Number(x.toFixed(10));
/** A price that may be an average (off the grid): exact on the grid, else 4 more decimals than the tick has. */
const priceText = (x: number, tick: Grid): string => String(Number(x.toFixed(tick.scale + 4)));

/** The summary object `--json` prints and run.json holds. Keys are stable; absent figures are null. */
export function summaryJson(run: BacktestRun): Record<string, unknown> {
  const s = run.summary;
  const f = run.result.funnel;
  return {
    runId: run.runId,
    strategy: run.strategy.name,
    params: run.strategy.params,
    instrument: run.spec.id,
    settleAsset: run.spec.settle,
    from: run.data.bars.length > 0 ? iso(run.data.bars.openTimeMs[0]!) : null,
    to: run.data.bars.length > 0 ? iso(run.data.bars.openTimeMs[run.data.bars.length - 1]! + run.data.intervalMs) : null,
    bars: s.bars,
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    winRate: s.winRatePct === undefined ? null : num(s.winRatePct / 100),
    netPnl: money(s.netPnl),
    averageTrade: s.averageTrade === undefined ? null : num(s.averageTrade),
    averageWin: s.averageWin === undefined ? null : num(s.averageWin),
    averageLoss: s.averageLoss === undefined ? null : num(s.averageLoss),
    expectancy: s.averageTrade === undefined ? null : num(s.averageTrade),
    expectancyR: s.expectancyR === undefined ? null : num(s.expectancyR),
    profitFactor: s.profitFactor === undefined ? null : num(s.profitFactor),
    maxDrawdownPct: num(s.maxDrawdownPct),
    fees: money(s.fees),
    funding: money(s.funding),
    liquidations: s.liquidations,
    startingBalance: money(s.startingBalance),
    finalBalance: money(s.finalBalance),
    finalEquity: num(s.finalEquity),
    openPositions: run.result.openTrips.map((o) => ({
      side: o.trip.side,
      qty: formatCount(Math.abs(o.signedLots), run.spec.lot),
      entryTime: iso(o.trip.entryTimeMs),
      entryPrice: Number(priceText(o.trip.entryPrice, run.spec.tick)),
      markPrice: Number(formatCount(o.markTicks, run.spec.tick)),
      unrealisedNetPnl: money(o.trip.netPnl),
    })),
    strategyNotes: run.result.endNotes,
    funnel: { signals: f.signals, sent: f.sent, acceptedByVenue: f.venueAccepted, fills: f.fills, topRefusals: f.topReasons() },
    warnings: run.warnings,
  };
}

const TRADE_COLUMNS = [
  'id', 'side', 'entry_time', 'exit_time', 'entry_price', 'exit_price', 'qty', 'entries', 'exits',
  'gross_pnl', 'fees', 'funding', 'net_pnl', 'exit_reason', 'entry_tag', 'planned_stop', 'planned_target', 'mae', 'mfe', 'bars_held',
] as const;

/** trades.csv: one row per closed round trip. */
export function tradesCsv(run: BacktestRun): string {
  const tick = run.spec.tick;
  const row = (t: RoundTrip): string =>
    [
      t.id, t.side, iso(t.entryTimeMs), iso(t.exitTimeMs), priceText(t.entryPrice, tick), priceText(t.exitPrice, tick), t.maxContracts,
      t.entries, t.exits, moneyText(t.grossPnl), moneyText(t.fees), moneyText(t.funding), moneyText(t.netPnl), t.exitReason, t.entryTag ?? '',
      t.plannedStop === undefined ? '' : priceText(t.plannedStop, tick), t.plannedTarget === undefined ? '' : priceText(t.plannedTarget, tick),
      moneyText(t.mae), moneyText(t.mfe), t.barsHeld,
    ].join(',');
  return `${TRADE_COLUMNS.join(',')}\n${run.result.trips.map(row).join('\n')}${run.result.trips.length > 0 ? '\n' : ''}`;
}

/** equity.csv: the equity at each bar's close. */
export function equityCsv(run: BacktestRun): string {
  const e = run.result.equity;
  const t = run.data.bars.openTimeMs;
  const parts: string[] = ['time,equity'];
  for (let i = 0; i < e.length; i++) parts.push(`${iso(t[i]! + run.data.intervalMs)},${e[i]!.toFixed(8)}`);
  return `${parts.join('\n')}\n`;
}

/** events.jsonl: the event log, one JSON object a line, prices and quantities as exact decimals. */
export function eventsJsonl(run: BacktestRun): string {
  const tick = run.spec.tick;
  const lot = run.spec.lot;
  const lines: string[] = [];
  for (const e of run.result.log.events()) {
    const isFunding = e.kind === 'funding';
    lines.push(
      JSON.stringify({
        time: iso(e.timeMs),
        kind: e.kind,
        ...(e.clientId !== undefined ? { clientId: e.clientId } : {}),
        ...(e.priceTicks !== undefined ? { [isFunding ? 'mark' : 'price']: formatCount(e.priceTicks, tick) } : {}),
        ...(e.lots !== undefined ? { qty: formatCount(e.lots, lot) } : {}),
        ...(e.amount !== undefined ? { [isFunding ? 'cashFlow' : e.kind === 'liquidation' ? 'realisedPnl' : 'fee']: moneyText(e.amount as Money) } : {}),
        ...(e.extra !== undefined ? (isFunding ? { rate: e.extra } : { fee: moneyText(e.extra as Money) }) : {}),
        ...(e.text !== undefined ? { [e.kind === 'order-filled' ? 'liquidity' : e.kind === 'order-submitted' ? 'order' : e.kind === 'order-modified' ? 'priceKind' : 'text']: e.text } : {}),
      }),
    );
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The package version and `git describe` of the code that ran (undefined where git is not available). */
export function codeVersion(): { readonly version: string; readonly git?: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'microfut') {
        const git = spawnSync('git', ['describe', '--always', '--dirty', '--tags'], { cwd: dir, encoding: 'utf8' });
        const described = git.status === 0 ? git.stdout.trim() : '';
        return { version: pkg.version ?? 'unknown', ...(described !== '' ? { git: described } : {}) };
      }
    }
    dir = dirname(dir);
  }
  return { version: 'unknown' };
}

/** run.json: config, data checksums and absolute paths, code version, models, the summary. No wall-clock time, so reruns match. */
export function runJson(run: BacktestRun): string {
  const { out: _out, json: _json, ...config } = run.config;
  const body = {
    runId: run.runId,
    code: codeVersion(),
    config,
    strategy: { ...run.strategy, origin: run.strategy.origin === 'built-in' ? 'built-in' : relative(process.cwd(), run.strategy.origin) },
    instrument: { id: run.spec.id, tick: run.spec.tick.step, lot: run.spec.lot.step, settle: run.spec.settle, fees: run.spec.fees },
    // Absolute, so `microfut report <runDir>` finds the candles from any working directory.
    data: run.data.files.map((f) => ({ ...f, path: f.path.startsWith('cache:') ? f.path : resolve(f.path) })),
    bars: barsJson(run),
    verify: run.data.verify.map((v) => ({ ...v, file: resolve(v.file) })),
    models: run.models,
    marks: run.marks,
    summary: summaryJson(run),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * run.json `bars`: the run's interval and how its bars were made: `klines` (files of that interval), `resampled`
 * (from finer klines: which interval and files, and the buckets left out for a missing source bar), or built from
 * the trade tape or the quotes by the fill model.
 */
export function barsJson(run: BacktestRun): Record<string, unknown> {
  const made = { bar: 'klines', trades: 'the trade tape', quotes: 'bookTicker quotes (mid)' }[run.config.fill];
  const r = run.data.barOrigin?.resampledFrom;
  if (r === undefined) return { interval: run.interval, source: made };
  return {
    interval: run.interval,
    source: 'resampled',
    resampledFrom: { interval: r.interval, files: r.sources, incompleteBucketsLeftOut: r.incompleteBuckets.map(iso) },
    method: 'src/data/resample.ts: UTC-aligned buckets; open of the first, max high, min low, close of the last, exact decimal sum of volume; a bucket missing any source bar is left out (a gap)',
  };
}

/** Refuses an --out that cannot become a directory, before the run starts (so nothing is computed for nothing). */
export function checkOutDir(out: string): void {
  const dir = resolve(out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new InputError('INVALID_OPTION', '--out', `${out} exists and is not a directory`, 'pass a new or existing directory');
  }
}

export const OUTPUT_FILES = ['trades.csv', 'equity.csv', 'events.jsonl', 'run.json'] as const;

/** Writes every output file into `out` atomically (a temporary folder beside it, then renames). */
export function writeOutputs(run: BacktestRun, out: string): readonly string[] {
  checkOutDir(out);
  const dir = resolve(out);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(dir), `.${basename(dir)}.tmp-`));
  try {
    const contents: Record<(typeof OUTPUT_FILES)[number], string> = {
      'trades.csv': tradesCsv(run),
      'equity.csv': equityCsv(run),
      'events.jsonl': eventsJsonl(run),
      'run.json': runJson(run),
    };
    for (const name of OUTPUT_FILES) writeFileSync(join(tmp, name), contents[name]);
    if (!existsSync(dir)) {
      renameSync(tmp, dir);
    } else {
      for (const name of OUTPUT_FILES) renameSync(join(tmp, name), join(dir, name));
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return OUTPUT_FILES.map((f) => join(out, f));
}
