// The columnar market-data cache: one partition file per venue/market/symbol/kind(-interval)/month (format in
// cache-format.ts). Writes are atomic per partition and merge with what is cached; reads return typed arrays
// (several months land in one array with no second copy). Must never hold per-row objects or half-written files.
import { closeSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, FundingColumns, TradeColumns } from './columns.js';
import { allocate, type ColumnArray, openPartition, type PartitionHeader, readColumns, writePartition } from './cache-format.js';
import type { DataKind } from './formats.js';

/** A flat column set: `length` rows, every other field a typed array of that length. */
export type FlatColumns = { readonly length: number } & { readonly [name: string]: ColumnArray | number };

/** Which series a cache entry holds, and its key and time columns. */
export type CacheSeries = 'bars' | 'trades' | 'funding' | 'bookTicker' | 'markPrice';

const TIME_COLUMN: Record<CacheSeries, string> = {
  bars: 'openTimeMs',
  trades: 'timeMs',
  funding: 'timeMs',
  bookTicker: 'timeMs',
  markPrice: 'timeMs',
};
/** The column that identifies a row when merging (equal key = same record). */
const KEY_COLUMN: Record<CacheSeries, string> = {
  bars: 'openTimeMs',
  trades: 'id',
  funding: 'timeMs',
  bookTicker: 'updateId',
  markPrice: 'timeMs',
};
/** Columns read when the caller does not ask for more: what a backtest needs, 48 bytes a bar, 25 a trade. */
const DEFAULT_FIELDS: Record<CacheSeries, readonly string[]> = {
  bars: ['openTimeMs', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['timeMs', 'price', 'qty', 'isBuyerMaker'],
  funding: ['timeMs', 'rate'],
  bookTicker: ['timeMs', 'bidPrice', 'bidQty', 'askPrice', 'askQty'],
  markPrice: ['timeMs', 'markPrice', 'indexPrice', 'estimatedSettlePrice', 'fundingRate', 'nextFundingTimeMs'],
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

/** The months cached for a series, ascending. */
export function listMonths(root: string, key: CacheKey): string[] {
  const dir = seriesDir(root, key);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}\.mfc$/.test(f))
    .map((f) => f.slice(0, 7))
    .sort();
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
  readonly path: string;
  readonly rows: number;
  /** Rows that were already cached with identical values. */
  readonly alreadyCached: number;
}

/**
 * Splits sorted `data` by UTC month and writes each month's partition, merging with a cached partition when
 * one exists (identical rows are kept once; a row with the same key but other values is an error, unless
 * `replace`). Every partition is prepared in memory before the first is written, so a conflict writes nothing.
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
  const times = cols[TIME_COLUMN[series]] as Float64Array;
  const dir = seriesDir(root, key);
  const plans: { month: string; path: string; cols: Record<string, ColumnArray>; length: number; alreadyCached: number }[] = [];
  let start = 0;
  while (start < data.length) {
    const month = monthOf(times[start] as number);
    const end = upperBound(times, nextMonthStartMs(month), start);
    const part = sliceRows(cols, start, end);
    const path = join(dir, `${month}.mfc`);
    if (existsSync(path) && !options.replace) {
      const merged = mergeWithCached(path, series, part, end - start);
      plans.push({ month, path, ...merged });
    } else plans.push({ month, path, cols: part, length: end - start, alreadyCached: 0 });
    start = end;
  }
  mkdirSync(dir, { recursive: true });
  for (const p of plans) writePartition(p.path, series, p.length, p.cols, { ...meta, ...key, month: p.month });
  return plans.map((p) => ({ month: p.month, path: p.path, rows: p.length, alreadyCached: p.alreadyCached }));
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

function mergeWithCached(
  path: string,
  series: CacheSeries,
  incoming: Record<string, ColumnArray>,
  incomingLength: number,
): { cols: Record<string, ColumnArray>; length: number; alreadyCached: number } {
  const { fd, header } = openPartition(path);
  let cached: Record<string, ColumnArray>;
  try {
    cached = readColumns(path, fd, header, header.columns.map((c) => c.name));
  } finally {
    closeSync(fd);
  }
  const names = Object.keys(incoming).sort();
  const cachedNames = Object.keys(cached).sort();
  if (names.join() !== cachedNames.join()) {
    throw new InputError(
      'CONFLICTING_OPTIONS',
      path,
      `the cached partition has columns ${cachedNames.join(', ')} but the new data has ${names.join(', ')}`,
      'import a file of the same layout, or pass --replace to overwrite the cached month',
    );
  }
  const keyName = KEY_COLUMN[series] in incoming ? KEY_COLUMN[series] : undefined;
  if (!keyName) {
    throw new InputError('CONFLICTING_OPTIONS', path, 'this month is already cached and the rows carry no id to merge on', 'pass --replace to overwrite it');
  }
  const a = cached[keyName] as Float64Array;
  const b = incoming[keyName] as Float64Array;
  const out: Record<string, ColumnArray> = {};
  for (const n of names) out[n] = allocate(typeOfArray(cached[n] as ColumnArray), header.length + incomingLength);
  let i = 0;
  let j = 0;
  let k = 0;
  let same = 0;
  const copy = (src: Record<string, ColumnArray>, row: number): void => {
    for (const n of names) (out[n] as ColumnArray)[k] = (src[n] as ColumnArray)[row] as number;
    k++;
  };
  while (i < header.length || j < incomingLength) {
    if (j >= incomingLength || (i < header.length && (a[i] as number) < (b[j] as number))) copy(cached, i++);
    else if (i >= header.length || (b[j] as number) < (a[i] as number)) copy(incoming, j++);
    else {
      for (const n of names) {
        if (!Object.is((cached[n] as ColumnArray)[i], (incoming[n] as ColumnArray)[j])) {
          throw new InputError(
            'INVALID_DATA',
            path,
            `${keyName} ${b[j]} is cached with ${n} = ${(cached[n] as ColumnArray)[i]} but the new data has ${(incoming[n] as ColumnArray)[j]}`,
            'check which source is right; pass --replace to overwrite the cached month',
          );
        }
      }
      copy(cached, i++);
      j++;
      same++;
    }
  }
  const trimmed: Record<string, ColumnArray> = {};
  for (const n of names) trimmed[n] = (out[n] as ColumnArray).slice(0, k);
  return { cols: trimmed, length: k, alreadyCached: same };
}

function typeOfArray(a: ColumnArray): 'f64' | 'u8' | 'u32' {
  return a instanceof Float64Array ? 'f64' : a instanceof Uint32Array ? 'u32' : 'u8';
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
  const months = listMonths(root, key).filter(
    (m) => (options.fromMs === undefined || nextMonthStartMs(m) > options.fromMs) && (options.toMs === undefined || monthStartMs(m) < options.toMs),
  );
  if (months.length === 0) {
    throw new InputError('NOT_FOUND', seriesDir(root, key), 'nothing is cached for this series and range', 'run `microfut data import FILE...` first');
  }
  const dir = seriesDir(root, key);
  const opened: { path: string; fd: number; header: PartitionHeader }[] = [];
  try {
    for (const m of months) {
      const path = join(dir, `${m}.mfc`);
      opened.push({ path, ...openPartition(path) });
    }
    const first = opened[0] as { header: PartitionHeader };
    const names = options.fields === 'all' ? first.header.columns.map((c) => c.name) : (options.fields ?? DEFAULT_FIELDS[series]);
    const total = opened.reduce((n, o) => n + o.header.length, 0);
    const targets: Record<string, ColumnArray> = {};
    for (const n of names) {
      const e = first.header.columns.find((c) => c.name === n);
      if (!e) throw new InputError('INVALID_OPTION', n, `the cached ${series} have no column "${n}"`, `use one of ${first.header.columns.map((c) => c.name).join(', ')}`);
      targets[n] = allocate(e.type, total);
    }
    let row = 0;
    for (const o of opened) {
      readColumns(o.path, o.fd, o.header, names, targets, row);
      row += o.header.length;
    }
    return trimToRange({ length: total, ...targets }, TIME_COLUMN[series], options);
  } finally {
    for (const o of opened) closeSync(o.fd);
  }
}

function trimToRange(c: FlatColumns, timeName: string, options: ReadOptions): FlatColumns {
  const times = c[timeName];
  if (!(times instanceof Float64Array) || (options.fromMs === undefined && options.toMs === undefined)) return c;
  const from = options.fromMs === undefined ? 0 : upperBound(times, options.fromMs, 0);
  const to = options.toMs === undefined ? c.length : upperBound(times, options.toMs, from);
  if (from === 0 && to === c.length) return c;
  const out: Record<string, ColumnArray> = {};
  for (const [k, v] of Object.entries(columnsOf(c))) out[k] = v.slice(from, to);
  return { length: to - from, ...out };
}

/** Cached candles (default columns: openTimeMs and OHLCV, 48 bytes a bar). */
export function readBars(root: string, key: CacheKey, options: ReadOptions = {}): BarColumns {
  return readSeries(root, key, 'bars', options) as unknown as BarColumns;
}

/** Cached trades (default columns: timeMs, price, qty, isBuyerMaker: 25 bytes a trade; add 'id' to fields for ids). */
export function readTrades(root: string, key: CacheKey, options: ReadOptions = {}): TradeColumns {
  return readSeries(root, key, 'trades', options) as unknown as TradeColumns;
}

/** Cached funding settlements. */
export function readFunding(root: string, key: CacheKey, options: ReadOptions = {}): FundingColumns {
  return readSeries(root, key, 'funding', options) as unknown as FundingColumns;
}
