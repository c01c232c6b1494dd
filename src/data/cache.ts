// The columnar market-data cache: one partition file per venue/market/symbol/kind(-interval)/month (format in
// cache-format.ts), committed per series as one generation (cache-generation.ts). Writes merge with what is cached;
// reads return typed arrays (several months land in one array with no second copy). Must never hold per-row
// objects or let a reader see part of an import.
import { closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, BookDepthColumns, FundingColumns, TradeColumns } from './columns.js';
import { allocate, type CacheSeries, type ColumnArray, openPartition, type PartitionHeader, readColumns, writePartition } from './cache-format.js';
import { committedDir, committedMonths, SeriesTransaction } from './cache-generation.js';
import { mergeWithCached, priceScaleOf } from './cache-merge.js';
import { rescalePriceUnits } from './price-units.js';
import type { DataKind } from './formats.js';

/** A flat column set: `length` rows, every other field a typed array of that length. */
export type FlatColumns = { readonly length: number } & { readonly [name: string]: ColumnArray | number };

export type { CacheSeries } from './cache-format.js';

/** The time column of each series (rows are ascending by it). */
export const TIME_COLUMN: Readonly<Record<CacheSeries, string>> = {
  bars: 'openTimeMs',
  trades: 'timeMs',
  funding: 'timeMs',
  bookTicker: 'timeMs',
  markPrice: 'timeMs',
  bookDepth: 'timeMs',
};
/** Columns read when the caller does not ask for more: what a backtest needs, 48 bytes a bar, 20 a trade. */
const DEFAULT_FIELDS: Record<CacheSeries, readonly string[]> = {
  bars: ['openTimeMs', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['timeMs', 'priceUnits', 'signedQty'],
  funding: ['timeMs', 'rate'],
  bookTicker: ['timeMs', 'bidPrice', 'bidQty', 'askPrice', 'askQty'],
  markPrice: ['timeMs', 'markPrice', 'indexPrice', 'estimatedSettlePrice', 'fundingRate', 'nextFundingTimeMs'],
  bookDepth: ['timeMs', 'percentage', 'depth', 'notional'],
};

/** Identifies one series in the cache. */
export interface CacheKey {
  readonly venue: string;
  readonly market: string;
  readonly symbol: string;
  readonly kind: DataKind;
  /** Candle interval (`1m`, `1h`); required for candle kinds, absent otherwise. */
  readonly interval?: string;
}

/** `MICROFUT_CACHE`, else `~/.microfut/cache`. */
export function defaultCacheDir(): string {
  return process.env.MICROFUT_CACHE ?? join(homedir(), '.microfut', 'cache');
}

const SAFE_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The directory of a series: `<root>/<venue>/<market>/<SYMBOL>/<kind>[-<interval>]`. */
export function seriesDir(root: string, key: CacheKey): string {
  for (const [field, value] of Object.entries({ venue: key.venue, market: key.market, symbol: key.symbol, interval: key.interval ?? 'x' })) {
    if (!SAFE_PART.test(value) || value.includes('..')) {
      throw new InputError('INVALID_OPTION', `--${field}`, `"${value}" is not a plain name`, 'use letters, digits, "-", "_" or "."');
    }
  }
  return join(root, key.venue, key.market, key.symbol, key.interval ? `${key.kind}-${key.interval}` : key.kind);
}

/** `YYYY-MM` of an epoch-ms time (UTC). */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

function monthStartMs(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
}

function nextMonthStartMs(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1);
}

/** The months cached (committed) for a series, ascending. */
export function listMonths(root: string, key: CacheKey): string[] {
  return committedMonths(seriesDir(root, key));
}

/** The typed-array columns of a flat column set (everything but `length` and absent optionals). */
export function columnsOf(c: object): Record<string, ColumnArray> {
  const out: Record<string, ColumnArray> = {};
  for (const [k, v] of Object.entries(c)) if (ArrayBuffer.isView(v)) out[k] = v as ColumnArray;
  return out;
}

function sliceRows(cols: Record<string, ColumnArray>, from: number, to: number): Record<string, ColumnArray> {
  const out: Record<string, ColumnArray> = {};
  for (const [k, v] of Object.entries(cols)) out[k] = v.subarray(from, to);
  return out;
}

export interface WriteResult {
  readonly month: string;
  /** The partition file, inside the generation the import committed. */
  readonly path: string;
  readonly rows: number;
  /** Rows that were already cached with identical values. */
  readonly alreadyCached: number;
}

/** One month ready to be written: its rows (merged with the cached month when there was one). */
export interface PartitionPlan {
  readonly month: string;
  readonly cols: Record<string, ColumnArray>;
  readonly length: number;
  readonly alreadyCached: number;
  /** Trades only: the decimal scale of `priceUnits`. */
  readonly priceScale: number | undefined;
}

/**
 * Splits sorted `data` by UTC month and writes each month's partition, merging with a cached partition when
 * one exists (identical rows are kept once; a row with the same key but other values is an error, unless
 * `replace`). All months are staged in one new generation and committed together by one rename (see
 * cache-generation.ts), so a conflict, a failed write or a crash leaves the cache as it was. Trades carry
 * `priceScale` in the partition's meta.
 */
export function writeSeries(
  root: string,
  key: CacheKey,
  series: CacheSeries,
  data: FlatColumns,
  meta: Readonly<Record<string, unknown>>,
  options: { readonly replace?: boolean } = {},
): WriteResult[] {
  const cols = columnsOf(data);
  const priceScale = series === 'trades' ? (data.priceScale as number) : undefined;
  const times = cols[TIME_COLUMN[series]] as Float64Array;
  const tx = SeriesTransaction.begin(seriesDir(root, key));
  try {
    const results: WriteResult[] = [];
    let start = 0;
    while (start < data.length) {
      const month = monthOf(times[start] as number);
      const end = upperBound(times, nextMonthStartMs(month), start);
      const plan = planMonth(tx.committedPath(month), series, month, sliceRows(cols, start, end), end - start, priceScale, options);
      results.push(writePlan(tx, series, plan, { ...meta, ...key }));
      start = end;
    }
    tx.commit();
    return results;
  } catch (e) {
    tx.abort();
    throw e;
  }
}

/** Writes one plan into the transaction's staging generation; `meta` gets the month (and `priceScale` for trades). */
export function writePlan(tx: SeriesTransaction, series: CacheSeries, plan: PartitionPlan, meta: Readonly<Record<string, unknown>>): WriteResult {
  const extra = plan.priceScale === undefined ? {} : { priceScale: plan.priceScale };
  const path = tx.stagePath(plan.month);
  writePartition(path, series, plan.length, plan.cols, { ...meta, month: plan.month, ...extra });
  return { month: plan.month, path, rows: plan.length, alreadyCached: plan.alreadyCached };
}

/**
 * The partition plan for one month of `series` rows (all in that UTC month, ascending by key): the rows as given,
 * or merged with the cached partition at `cachedPath` when there is one and `replace` is not set (see writeSeries).
 */
export function planMonth(
  cachedPath: string | undefined,
  series: CacheSeries,
  month: string,
  cols: Record<string, ColumnArray>,
  length: number,
  priceScale: number | undefined,
  options: { readonly replace?: boolean } = {},
): PartitionPlan {
  if (cachedPath !== undefined && !options.replace) return { month, ...mergeWithCached(cachedPath, series, cols, length, priceScale) };
  return { month, cols, length, alreadyCached: 0, priceScale };
}

/** First index >= from whose value is >= bound (values ascending). */
function upperBound(values: Float64Array, bound: number, from: number): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ReadOptions {
  /** Inclusive start and exclusive end of the time range in ms; whole months are read, then trimmed. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Columns to read; default: the series' core columns (see DEFAULT_FIELDS); 'all' reads every column. */
  readonly fields?: readonly string[] | 'all';
}

/**
 * Reads a series from the cache into one typed array per column, straight from disk into the final arrays.
 * Throws InputError NOT_FOUND when nothing is cached for the key.
 */
export function readSeries(root: string, key: CacheKey, series: CacheSeries, options: ReadOptions = {}): FlatColumns {
  const opened = openMonths(seriesDir(root, key), options);
  try {
    const first = opened[0] as { header: PartitionHeader };
    const names = options.fields === 'all' ? first.header.columns.map((c) => c.name) : (options.fields ?? DEFAULT_FIELDS[series]);
    const scales = series === 'trades' ? opened.map((o) => priceScaleOf(o.path, o.header)) : undefined;
    const total = opened.reduce((n, o) => n + o.header.length, 0);
    const targets: Record<string, ColumnArray> = {};
    for (const n of names) {
      const e = first.header.columns.find((c) => c.name === n);
      if (!e) throw new InputError('INVALID_OPTION', n, `the cached ${series} have no column "${n}"`, `use one of ${first.header.columns.map((c) => c.name).join(', ')}`);
      targets[n] = allocate(e.type, total);
    }
    const priceScale = scales === undefined ? undefined : Math.max(...scales);
    const direct = scales !== undefined && !sameLayout(opened, scales, 'priceUnits') ? names.filter((n) => n !== 'priceUnits') : names;
    let row = 0;
    for (const o of opened) {
      readColumns(o.path, o.fd, o.header, direct, targets, row);
      row += o.header.length;
    }
    if (direct.length < names.length) targets.priceUnits = unifyPriceUnits(opened, scales as number[], total);
    const scaleFields = priceScale === undefined ? {} : { priceScale, priceDivisor: 10 ** priceScale };
    return trimToRange({ ...scaleFields, ...targets, length: total } as FlatColumns, TIME_COLUMN[series], options);
  } finally {
    for (const o of opened) closeSync(o.fd);
  }
}

type OpenedPartition = { readonly path: string; readonly fd: number; readonly header: PartitionHeader };

/**
 * Opens the committed months of a series that touch the range. An import committing meanwhile may remove the
 * generation being opened (open descriptors stay valid): then HEAD is read again and the months reopened.
 */
function openMonths(dir: string, options: ReadOptions): OpenedPartition[] {
  for (let attempt = 0; ; attempt++) {
    const gen = committedDir(dir);
    const months = committedMonths(dir).filter(
      (m) => (options.fromMs === undefined || nextMonthStartMs(m) > options.fromMs) && (options.toMs === undefined || monthStartMs(m) < options.toMs),
    );
    if (gen === undefined || months.length === 0) {
      throw new InputError('NOT_FOUND', dir, 'nothing is cached for this series and range', 'run `microfut data import FILE...` first');
    }
    const opened: OpenedPartition[] = [];
    try {
      for (const m of months) {
        const path = join(gen, `${m}.mfc`);
        opened.push({ path, ...openPartition(path) });
      }
      return opened;
    } catch (e) {
      for (const o of opened) closeSync(o.fd);
      if ((e as { code?: string }).code !== 'ENOENT' || attempt >= 3) throw e;
    }
  }
}

/** True when every partition stores `column` with one type and one price scale, so raw bytes can be concatenated. */
function sameLayout(opened: readonly OpenedPartition[], scales: readonly number[], column: string): boolean {
  const typeIn = (o: OpenedPartition): string | undefined => o.header.columns.find((c) => c.name === column)?.type;
  const t = typeIn(opened[0] as OpenedPartition);
  return opened.every((o, i) => typeIn(o) === t && scales[i] === scales[0]);
}

/** Months cached at different price steps: each month's units re-expressed at the finest step (exact products). */
function unifyPriceUnits(opened: readonly OpenedPartition[], scales: readonly number[], total: number): Int32Array | Float64Array {
  const to = Math.max(...scales);
  const parts = opened.map((o, i) => {
    const raw = readColumns(o.path, o.fd, o.header, ['priceUnits']).priceUnits as Int32Array | Float64Array;
    return rescalePriceUnits(raw, scales[i] as number, to);
  });
  const out = parts.every((p) => p instanceof Int32Array) ? new Int32Array(total) : new Float64Array(total);
  let row = 0;
  for (const p of parts) {
    out.set(p, row);
    row += p.length;
  }
  return out;
}

function trimToRange(c: FlatColumns, timeName: string, options: ReadOptions): FlatColumns {
  const times = c[timeName];
  if (!(times instanceof Float64Array) || (options.fromMs === undefined && options.toMs === undefined)) return c;
  const from = options.fromMs === undefined ? 0 : upperBound(times, options.fromMs, 0);
  const to = options.toMs === undefined ? c.length : upperBound(times, options.toMs, from);
  if (from === 0 && to === c.length) return c;
  const out: Record<string, ColumnArray | number> = {};
  for (const [k, v] of Object.entries(c)) out[k] = ArrayBuffer.isView(v) ? v.slice(from, to) : v;
  return { ...out, length: to - from };
}

/** Cached candles (default columns: openTimeMs and OHLCV, 48 bytes a bar). */
export function readBars(root: string, key: CacheKey, options: ReadOptions = {}): BarColumns {
  return readSeries(root, key, 'bars', options) as unknown as BarColumns;
}

/**
 * Cached trades (default columns: timeMs, priceUnits, signedQty: 20 bytes a trade; add 'id' to fields for ids),
 * with `priceScale` / `priceDivisor` set. Trades cached by format version 1 are refused with a re-import message.
 */
export function readTrades(root: string, key: CacheKey, options: ReadOptions = {}): TradeColumns {
  return readSeries(root, key, 'trades', options) as unknown as TradeColumns;
}

/** Cached funding settlements. */
export function readFunding(root: string, key: CacheKey, options: ReadOptions = {}): FundingColumns {
  return readSeries(root, key, 'funding', options) as unknown as FundingColumns;
}

/** Cached percentage book depth (data.binance.vision bookDepth): time, percentage band, depth, notional. */
export function readBookDepth(root: string, key: CacheKey, options: ReadOptions = {}): BookDepthColumns {
  return readSeries(root, key, 'bookDepth', options) as unknown as BookDepthColumns;
}
