// "Where it fails": a run's trades split by regime, time of day, weekday, volatility spike at entry, side, exit
// reason, entry tag and instrument, each bucket tested against the rest. Every trade lands in exactly one bucket
// of every dimension, so each split sums back to the whole; must never drop a trade it cannot label (it is "unknown").
import { moneyToFloat } from '../core/money.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { entryRegime, REGIMES, type EntryRegime, type RegimeSeries } from './regimes.js';
import { tradeStats, type TradeStats } from './trade-stats.js';
import { welchTestLess } from './welch-t-test.js';

export type SplitDimension =
  | 'regime'
  | 'trend'
  | 'volatility'
  | 'volatility-spike'
  | 'return-spike'
  | 'hour'
  | 'weekday'
  | 'side'
  | 'exit-reason'
  | 'entry-tag'
  | 'instrument';

export const SPLIT_DIMENSIONS: readonly SplitDimension[] = [
  'regime',
  'trend',
  'volatility',
  'volatility-spike',
  'return-spike',
  'hour',
  'weekday',
  'side',
  'exit-reason',
  'entry-tag',
  'instrument',
];

/** The bucket of trades that could not be labelled (no bars for the instrument, or entry inside the warm-up). */
export const UNKNOWN_BUCKET = 'unknown';
/** The entry-tag bucket of trades without a tag. */
export const NO_TAG_BUCKET = '(none)';

export interface SplitOptions {
  readonly dimensions?: readonly SplitDimension[];
  /** One-sided significance level of the "worse than the rest" test. Default 0.05. */
  readonly alpha?: number;
  /** Fewest trades a bucket needs to be tested at all. Default 10. */
  readonly minTrades?: number;
  /** Edges of the ATR-percentile buckets at entry (percent, ascending). Default [50, 80, 95]. */
  readonly atrPercentileEdges?: readonly number[];
  /** Edges of the |return z-score| buckets at entry (ascending). Default [1, 2, 3]. */
  readonly returnZEdges?: readonly number[];
}

/** Regime series per instrument; trades on an instrument without one are "unknown" in the regime dimensions. */
export type RegimesByInstrument = ReadonlyMap<InstrumentId, RegimeSeries>;

/** The outcome of testing a bucket against the rest of the trades. */
export type BucketTest =
  | {
      readonly kind: 'tested';
      /** Welch's t of the bucket's mean net P&L minus the rest's; negative when the bucket is worse. */
      readonly t: number;
      readonly df: number;
      /** One-sided p-value of "the bucket's mean net P&L is below the rest's". */
      readonly pValue: number;
      /** pValue < alpha. */
      readonly significantlyWorse: boolean;
    }
  | { readonly kind: 'too-few-trades' }
  | { readonly kind: 'no-rest' }
  | { readonly kind: 'no-spread' };

export interface SplitBucket extends TradeStats {
  readonly key: string;
  /** Ids of the bucket's trades, in the order given. */
  readonly tradeIds: readonly number[];
  readonly test: BucketTest;
}

export interface Split {
  readonly dimension: SplitDimension;
  /** Non-empty buckets in the dimension's natural order (hours 00..23, Mon..Sun, low to high), unknown last. */
  readonly buckets: readonly SplitBucket[];
}

export interface SplitReport {
  readonly whole: TradeStats;
  readonly method: { readonly test: 'welch-t-one-sided'; readonly alpha: number; readonly minTrades: number };
  readonly splits: readonly Split[];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const WEEK_ORDER = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const DEFAULT_ATR_EDGES = [50, 80, 95];
const DEFAULT_Z_EDGES = [1, 2, 3];

/** Bucket names of a value against ascending edges: "<e0", "e0-e1", ..., ">=eN". */
export function edgeBucketKeys(edges: readonly number[]): readonly string[] {
  const keys = [`<${edges[0]}`];
  for (let i = 1; i < edges.length; i++) keys.push(`${edges[i - 1]}-${edges[i]}`);
  keys.push(`>=${edges[edges.length - 1]}`);
  return keys;
}

function edgeBucket(value: number | undefined, edges: readonly number[]): string {
  if (value === undefined) return UNKNOWN_BUCKET;
  const keys = edgeBucketKeys(edges);
  let i = 0;
  while (i < edges.length && value >= edges[i]!) i++;
  return keys[i]!;
}

/** The regime each trade entered in, aligned with `trades`. */
export function entryRegimes(trades: readonly RoundTrip[], regimes: RegimesByInstrument | undefined): readonly (EntryRegime | undefined)[] {
  return trades.map((t) => {
    const series = regimes?.get(t.instrument);
    return series && entryRegime(series, t.entryTimeMs);
  });
}

/** The bucket of one trade in one dimension. Hour and weekday are of the entry time, in UTC. */
export function bucketKey(dimension: SplitDimension, trade: RoundTrip, entry: EntryRegime | undefined, options: SplitOptions = {}): string {
  switch (dimension) {
    case 'regime':
      return entry?.regime ?? UNKNOWN_BUCKET;
    case 'trend':
      return entry?.trend ?? UNKNOWN_BUCKET;
    case 'volatility':
      return entry?.volatility ?? UNKNOWN_BUCKET;
    case 'volatility-spike':
      return edgeBucket(entry?.atrPercentile, options.atrPercentileEdges ?? DEFAULT_ATR_EDGES);
    case 'return-spike':
      return edgeBucket(entry?.returnZ === undefined ? undefined : Math.abs(entry.returnZ), options.returnZEdges ?? DEFAULT_Z_EDGES);
    case 'hour':
      return String(new Date(trade.entryTimeMs).getUTCHours()).padStart(2, '0');
    case 'weekday':
      return WEEKDAYS[new Date(trade.entryTimeMs).getUTCDay()]!;
    case 'side':
      return trade.side;
    case 'exit-reason':
      return trade.exitReason;
    case 'entry-tag':
      return trade.entryTag ?? NO_TAG_BUCKET;
    case 'instrument':
      return trade.instrument;
  }
}

/** Sort rank of a key within its dimension; keys of equal rank sort by name. */
function keyRank(dimension: SplitDimension, key: string, options: SplitOptions): number {
  if (key === UNKNOWN_BUCKET) return Number.MAX_SAFE_INTEGER;
  switch (dimension) {
    case 'regime':
      return REGIMES.indexOf(key as (typeof REGIMES)[number]);
    case 'hour':
      return Number(key);
    case 'weekday':
      return WEEK_ORDER.indexOf(key);
    case 'volatility-spike':
      return edgeBucketKeys(options.atrPercentileEdges ?? DEFAULT_ATR_EDGES).indexOf(key);
    case 'return-spike':
      return edgeBucketKeys(options.returnZEdges ?? DEFAULT_Z_EDGES).indexOf(key);
    case 'trend':
    case 'volatility':
    case 'side':
    case 'exit-reason':
    case 'entry-tag':
    case 'instrument':
      return 0;
  }
}

/** A dimension's trades grouped by bucket, in the dimension's order. Trade order within a bucket is kept. */
export function groupByBucket(
  dimension: SplitDimension,
  trades: readonly RoundTrip[],
  entries: readonly (EntryRegime | undefined)[],
  options: SplitOptions = {},
): readonly { readonly key: string; readonly trades: readonly RoundTrip[] }[] {
  const groups = new Map<string, RoundTrip[]>();
  trades.forEach((t, i) => {
    const key = bucketKey(dimension, t, entries[i], options);
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  });
  return [...groups.entries()]
    .map(([key, ts]) => ({ key, trades: ts }))
    .sort((a, b) => keyRank(dimension, a.key, options) - keyRank(dimension, b.key, options) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Tests whether a bucket's trades do significantly worse than the rest: Welch's one-sided t-test on net P&L per
 * trade (settle-asset units), H1 "the bucket's mean is below the rest's mean", flagged when p < alpha. A bucket
 * with fewer than `minTrades` trades, or a rest with fewer than 2, is not tested.
 */
export function testBucket(bucket: readonly RoundTrip[], rest: readonly RoundTrip[], alpha: number, minTrades: number): BucketTest {
  if (bucket.length < Math.max(2, minTrades)) return { kind: 'too-few-trades' };
  if (rest.length < 2) return { kind: 'no-rest' };
  const w = welchTestLess(
    bucket.map((t) => moneyToFloat(t.netPnl)),
    rest.map((t) => moneyToFloat(t.netPnl)),
  );
  if (!w) return { kind: 'no-spread' };
  return { kind: 'tested', t: w.t, df: w.df, pValue: w.pLess, significantlyWorse: w.pLess < alpha };
}

/** Splits the trades along each dimension (all of SPLIT_DIMENSIONS by default) and tests every bucket. */
export function splitTrades(trades: readonly RoundTrip[], regimes: RegimesByInstrument | undefined, options: SplitOptions = {}): SplitReport {
  const alpha = options.alpha ?? 0.05;
  const minTrades = options.minTrades ?? 10;
  const entries = entryRegimes(trades, regimes);
  const splits = (options.dimensions ?? SPLIT_DIMENSIONS).map((dimension): Split => {
    const groups = groupByBucket(dimension, trades, entries, options);
    const buckets = groups.map(({ key, trades: inBucket }): SplitBucket => {
      const members = new Set(inBucket);
      const rest = trades.filter((t) => !members.has(t));
      return { key, ...tradeStats(inBucket), tradeIds: inBucket.map((t) => t.id), test: testBucket(inBucket, rest, alpha, minTrades) };
    });
    return { dimension, buckets };
  });
  return { whole: tradeStats(trades), method: { test: 'welch-t-one-sided', alpha, minTrades }, splits };
}
