// Reads a run directory written by `backtest --out` (run.json, trades.csv, equity.csv) back into round trips and an
// equity curve for the reports. Must never write into the run directory or guess a value a file does not hold.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { countFromText, gridFromStep } from '../core/grid.js';
import { moneyFromText, type Money } from '../core/money.js';
import { contractMathFor, type ContractTerms } from '../domain/contract-math.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { ExitReason, RoundTrip } from '../domain/round-trip.js';
import type { EquityCurve } from './equity-curve.js';

/** The columns of trades.csv, in order (src/backtest/outputs.ts writes them). */
export const TRADES_CSV_COLUMNS = [
  'id', 'side', 'entry_time', 'exit_time', 'entry_price', 'exit_price', 'qty', 'entries', 'exits', 'gross_pnl', 'fees',
  'funding', 'net_pnl', 'exit_reason', 'entry_tag', 'planned_stop', 'planned_target', 'mae', 'mfe', 'bars_held',
] as const;

const EXIT_REASONS: readonly ExitReason[] = ['take-profit', 'stop-loss', 'trailing-stop', 'liquidation', 'signal', 'time-stop', 'end-of-data', 'manual'];

const runJsonSchema = z.object({
  runId: z.string().min(1),
  config: z.object({ from: z.string().optional(), to: z.string().optional(), data: z.string().optional(), interval: z.string().optional() }).passthrough(),
  strategy: z.object({ name: z.string(), params: z.record(z.string(), z.unknown()).optional() }).passthrough(),
  instrument: z.object({ id: z.string().min(1), tick: z.string(), lot: z.string(), settle: z.string() }).passthrough(),
  data: z.array(z.object({ path: z.string() }).passthrough()).optional(),
  // The run's bars (interval, and the finer klines they were resampled from); absent in runs made before it was recorded.
  bars: z.object({ interval: z.string(), source: z.enum(['klines', 'resampled']).optional() }).passthrough().optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
});

/** The parts of run.json the reports use; the whole file is kept in `raw`. */
export type RunJson = z.infer<typeof runJsonSchema>;

export interface RunFiles {
  readonly dir: string;
  readonly run: RunJson;
  readonly raw: Record<string, unknown>;
  /** Closed round trips in file order. `initialRisk` is set only when contract terms were given. */
  readonly trades: readonly RoundTrip[];
  readonly equity: EquityCurve;
}

export interface ReadRunOptions {
  /**
   * The instrument's contract terms. With them each trade's initial risk (for R-multiples) is recomputed as the
   * engine does: |P&L of the largest size from the rounded average entry to the planned stop|. Without them it
   * stays undefined: trades.csv holds no risk and none is guessed.
   */
  readonly terms?: ContractTerms;
}

const FIX_RERUN = 'Point at a folder written by `microfut backtest --out DIR`, or run the backtest again';

function readText(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) throw new InputError('NOT_FOUND', path, 'is missing, so this is not a complete run folder', FIX_RERUN);
  return readFileSync(path, 'utf8');
}

/** Parses run.json; names the field that is wrong. */
export function parseRunJson(text: string, file: string): { readonly run: RunJson; readonly raw: Record<string, unknown> } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError('INVALID_FILE', file, `is not valid JSON (${(e as Error).message})`, FIX_RERUN);
  }
  const parsed = runJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError('INVALID_FILE', `${file}: ${issue.path.join('.') || '(root)'}`, issue.message, FIX_RERUN);
  }
  return { run: parsed.data, raw: raw as Record<string, unknown> };
}

function isoMs(text: string, where: string, field: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw new InputError('INVALID_DATA', `${where} ${field}`, `"${text}" is not an ISO-8601 UTC time`, FIX_RERUN);
  return ms;
}

function finite(text: string, where: string, field: string): number {
  const x = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(x)) throw new InputError('INVALID_DATA', `${where} ${field}`, `"${text}" is not a number`, FIX_RERUN);
  return x;
}

function count(text: string, where: string, field: string): number {
  const x = finite(text, where, field);
  if (!Number.isSafeInteger(x) || x < 0) throw new InputError('INVALID_DATA', `${where} ${field}`, `"${text}" is not a whole number`, FIX_RERUN);
  return x;
}

function money(text: string, where: string, field: string): Money {
  const m = moneyFromText(text);
  if (m === undefined) throw new InputError('INVALID_DATA', `${where} ${field}`, `"${text}" is not an amount with at most 8 decimals`, FIX_RERUN);
  return m;
}

/**
 * The initial risk of a trade, as src/engine/round-trips.ts records it: |P&L of maxLots from the average entry
 * rounded to a tick to the planned stop|, in the settle asset. Undefined without a planned stop.
 */
function initialRiskOf(terms: ContractTerms, maxLots: number, entryPrice: number, plannedStop: number | undefined): Money | undefined {
  if (plannedStop === undefined) return undefined;
  const math = contractMathFor(terms);
  // The inverse of the engine's price = ticks x stepUnits / 10^scale, so grid prices map back exactly.
  const toTicks = (price: number): number => Math.round((price * 10 ** terms.tick.scale) / terms.tick.stepUnits);
  const entryTicks = toTicks(entryPrice);
  const stopTicks = toTicks(plannedStop);
  return Math.abs(math.pnl(maxLots, entryTicks, stopTicks)) as Money;
}

/** Parses trades.csv (header checked column by column). Errors name the file, the line and the column. */
export function parseTradesCsv(text: string, file: string, run: RunJson, options: ReadRunOptions = {}): RoundTrip[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = lines[0]?.replace(/\r$/, '') ?? '';
  if (header !== TRADES_CSV_COLUMNS.join(',')) {
    throw new InputError('INVALID_FILE', `${file} line 1`, `has the header "${header.slice(0, 80)}", expected "${TRADES_CSV_COLUMNS.join(',')}"`, FIX_RERUN);
  }
  const lot = gridFromStep(run.instrument.lot);
  if (lot === undefined) throw new InputError('INVALID_FILE', `${file}: instrument.lot`, `"${run.instrument.lot}" is not a lot step`, FIX_RERUN);
  const trades: RoundTrip[] = [];
  for (let i = 1; i < lines.length; i++) {
    const where = `${file} line ${i + 1}`;
    const cells = lines[i]!.replace(/\r$/, '').split(',');
    if (cells.length !== TRADES_CSV_COLUMNS.length) {
      throw new InputError('INVALID_DATA', where, `has ${cells.length} fields, expected ${TRADES_CSV_COLUMNS.length}`, FIX_RERUN);
    }
    const c = Object.fromEntries(TRADES_CSV_COLUMNS.map((name, k) => [name, cells[k]!])) as Record<(typeof TRADES_CSV_COLUMNS)[number], string>;
    if (c.side !== 'long' && c.side !== 'short') throw new InputError('INVALID_DATA', `${where} side`, `"${c.side}" is not long or short`, FIX_RERUN);
    const exitReason = EXIT_REASONS.find((r) => r === c.exit_reason);
    if (exitReason === undefined) throw new InputError('INVALID_DATA', `${where} exit_reason`, `"${c.exit_reason}" is not one of ${EXIT_REASONS.join(', ')}`, FIX_RERUN);
    const maxLots = countFromText(c.qty, lot, 'exact');
    if (!maxLots.ok) throw new InputError('INVALID_DATA', `${where} qty`, `"${c.qty}" is not on the lot step ${run.instrument.lot}`, FIX_RERUN);
    const entryPrice = finite(c.entry_price, where, 'entry_price');
    const plannedStop = c.planned_stop === '' ? undefined : finite(c.planned_stop, where, 'planned_stop');
    const plannedTarget = c.planned_target === '' ? undefined : finite(c.planned_target, where, 'planned_target');
    const initialRisk = options.terms === undefined ? undefined : initialRiskOf(options.terms, maxLots.value, entryPrice, plannedStop);
    trades.push({
      id: count(c.id, where, 'id'),
      runId: run.runId,
      source: 'backtest',
      instrument: run.instrument.id as InstrumentId,
      side: c.side,
      entryTimeMs: isoMs(c.entry_time, where, 'entry_time'),
      exitTimeMs: isoMs(c.exit_time, where, 'exit_time'),
      entryPrice,
      exitPrice: finite(c.exit_price, where, 'exit_price'),
      maxLots: maxLots.value,
      maxContracts: c.qty,
      entries: count(c.entries, where, 'entries'),
      exits: count(c.exits, where, 'exits'),
      grossPnl: money(c.gross_pnl, where, 'gross_pnl'),
      fees: money(c.fees, where, 'fees'),
      funding: money(c.funding, where, 'funding'),
      netPnl: money(c.net_pnl, where, 'net_pnl'),
      exitReason,
      ...(c.entry_tag === '' ? {} : { entryTag: c.entry_tag }),
      ...(plannedStop === undefined ? {} : { plannedStop }),
      ...(plannedTarget === undefined ? {} : { plannedTarget }),
      ...(initialRisk === undefined ? {} : { initialRisk }),
      mae: money(c.mae, where, 'mae'),
      mfe: money(c.mfe, where, 'mfe'),
      barsHeld: count(c.bars_held, where, 'bars_held'),
    });
  }
  return trades;
}

/** Parses equity.csv (`time,equity`, ISO times that never decrease). */
export function parseEquityCsv(text: string, file: string): EquityCurve {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if ((lines[0] ?? '').replace(/\r$/, '') !== 'time,equity') {
    throw new InputError('INVALID_FILE', `${file} line 1`, `has the header "${(lines[0] ?? '').slice(0, 40)}", expected "time,equity"`, FIX_RERUN);
  }
  if (lines.length < 2) throw new InputError('INVALID_DATA', file, 'has no equity rows', FIX_RERUN);
  const timeMs = new Float64Array(lines.length - 1);
  const equity = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const where = `${file} line ${i + 1}`;
    const [t, e, extra] = lines[i]!.replace(/\r$/, '').split(',');
    if (t === undefined || e === undefined || extra !== undefined) throw new InputError('INVALID_DATA', where, 'does not have 2 fields (time,equity)', FIX_RERUN);
    timeMs[i - 1] = isoMs(t, where, 'time');
    equity[i - 1] = finite(e, where, 'equity');
    if (i > 1 && timeMs[i - 1]! < timeMs[i - 2]!) throw new InputError('INVALID_DATA', `${where} time`, 'goes back in time', FIX_RERUN);
  }
  if (!(equity[0]! > 0)) throw new InputError('INVALID_DATA', `${file} line 2 equity`, 'the first equity is not above 0', FIX_RERUN);
  return { timeMs, equity };
}

/** Reads a run folder back. Throws an InputError naming the folder, file, line and field for anything missing or corrupt. */
export function readRunDir(dir: string, options: ReadRunOptions = {}): RunFiles {
  if (!existsSync(dir)) throw new InputError('NOT_FOUND', dir, 'does not exist', FIX_RERUN);
  if (!statSync(dir).isDirectory()) throw new InputError('INVALID_FILE', dir, 'is not a folder', FIX_RERUN);
  const { run, raw } = parseRunJson(readText(dir, 'run.json'), join(dir, 'run.json'));
  const trades = parseTradesCsv(readText(dir, 'trades.csv'), join(dir, 'trades.csv'), run, options);
  const equity = parseEquityCsv(readText(dir, 'equity.csv'), join(dir, 'equity.csv'));
  return { dir, run, raw, trades, equity };
}

/** The candle file a run read (the first data file named like Binance klines), as run.json recorded it. */
export function barsFileOf(run: RunJson): string | undefined {
  return run.data?.map((d) => d.path).find((p) => !p.startsWith('cache:') && /klines/i.test(p) && !/(mark|index|premium)PriceKlines/i.test(p));
}
