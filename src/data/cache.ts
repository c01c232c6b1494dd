// The columnar market-data cache: one partition file per venue/market/symbol/kind(-interval)/month (format in
// cache-format.ts). Writes are atomic per partition and merge with what is cached; reads return typed arrays
// (several months land in one array with no second copy). Must never hold per-row objects or half-written files.
import { closeSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns, FundingColumns, TradeColumns } from './columns.js';
import { allocate, type ColumnArray, openPartition, type PartitionHeader, readColumns, typeOf } from './cache-format.js';
import { commitPartitions, type PartitionPlan } from './cache-staging.js';
import { rescalePriceUnits } from './price-units.js';
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
/** Columns read when the caller does not ask for more: what a backtest needs, 48 bytes a bar, 20 a trade. */
const DEFAULT_FIELDS: Record<CacheSeries, readonly string[]> = {
  bars: ['openTimeMs', 'open', 'high', 'low', 'close', 'volume'],
  trades: ['timeMs', 'priceUnits', 'signedQty'],
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
 * `replace`). Every partition is prepared and staged as a temp file before the first is renamed into place, so
 * a conflict or a failed write leaves the cache as it was. Trades carry `priceScale` in the partition's meta.
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
  const dir = seriesDir(root, key);
  const plans: PartitionPlan[] = [];
  let start = 0;
  while (start < data.length) {
    const month = monthOf(times[start] as number);
    const end = upperBound(times, nextMonthStartMs(month), start);
    plans.push(planMonth(dir, series, month, sliceRows(cols, start, end), end - start, priceScale, options));
    start = end;
  }
  mkdirSync(dir, { recursive: true });
  commitPartitions(series, plans, { ...meta, ...key });
  return plans.map((p) => ({ month: p.month, path: p.path, rows: p.length, alreadyCached: p.alreadyCached }));
}

export { commitPartitions, type PartitionPlan } from './cache-staging.js';

/**
 * The partition plan for one month of `series` rows in `dir` (all rows in that UTC month, ascending): the rows
 * as given, or merged with the cached month when one exists and `replace` is not set (see writeSeries).
 */
export function planMonth(
  dir: string,
  series: CacheSeries,
  month: string,
  cols: Record<string, ColumnArray>,
  length: number,
  priceScale: number | undefined,
  options: { readonly replace?: boolean } = {},
): PartitionPlan {
  const path = join(dir, `${month}.mfc`);
  if (existsSync(path) && !options.replace) return { month, path, ...mergeWithCached(path, series, cols, length, priceScale) };
  return { month, path, cols, length, alreadyCached: 0, priceScale };
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

/** The decimal scale of a trades partition's `priceUnits`; version 1 trades (float prices) must be re-imported. */
function priceScaleOf(path: string, header: PartitionHeader): number {
  const scale = header.meta.priceScale;
  if (header.version < 2 || typeof scale !== 'number') {
    throw new InputError(
      'INVALID_FILE',
      path,
      `trades cached by an older microfut (cache format ${header.version}, float prices) cannot be read by this version`,
      'delete this series folder and run `microfut data import` on its files again',
    );
  }
  return scale;
}

function mergeWithCached(
  path: string,
  series: CacheSeries,
  incomingCols: Record<string, ColumnArray>,
  incomingLength: number,
  incomingScale: number | undefined,
): { cols: Record<string, ColumnArray>; length: number; alreadyCached: number; priceScale: number | undefined } {
  const { fd, header } = openPartition(path);
  let cached: Record<string, ColumnArray>;
  let incoming = incomingCols;
  let priceScale: number | undefined;
  try {
    if (series === 'trades') priceScale = priceScaleOf(path, header);
    cached = readColumns(path, fd, header, header.columns.map((c) => c.name));
  } finally {
    closeSync(fd);
  }
  if (priceScale !== undefined && incomingScale !== undefined && priceScale !== incomingScale) {
    // Compare and store both at the finer step; rescaling is an exact integer product.
    const to = Math.max(priceScale, incomingScale);
    cached = { ...cached, priceUnits: rescalePriceUnits(cached.priceUnits as Int32Array | Float64Array, priceScale, to) };
    incoming = { ...incoming, priceUnits: rescalePriceUnits(incoming.priceUnits as Int32Array | Float64Array, incomingScale, to) };
    priceScale = to;
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
  // A column whose two sides differ in type (Int32 vs Float64 price units) is merged as Float64.
  for (const n of names) {
    const t = typeOf(cached[n] as ColumnArray);
    out[n] = allocate(t === typeOf(incoming[n] as ColumnArray) ? t : 'f64', header.length + incomingLength);
  }
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
  return { cols: trimmed, length: k, alreadyCached: same, priceScale };
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
