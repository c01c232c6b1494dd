// The biggest leaks of a run in money terms: the buckets (known at entry) whose trades, if skipped, would have
// added the most net P&L, each with the trades behind it. Pure; must never count one trade in two leaks.
import { asMoney, negMoney } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { moneyText, type MoneyText } from './report-values.js';
import { entryRegimes, groupByBucket, UNKNOWN_BUCKET, type RegimesByInstrument, type SplitDimension, type SplitOptions } from './splits.js';
import { totalNetPnl, tradeStats, type TradeStats } from './trade-stats.js';

/**
 * The dimensions a trader can act on before entering: everything but the exit reason (skipping "the trades that
 * hit their stop" is hindsight, not a rule).
 */
export const ENTRY_DIMENSIONS: readonly SplitDimension[] = [
  'regime',
  'trend',
  'volatility',
  'volatility-spike',
  'return-spike',
  'hour',
  'weekday',
  'side',
  'entry-tag',
  'instrument',
];

export interface LeakOptions extends SplitOptions {
  /** How many leaks to find. Default 3. */
  readonly count?: number;
}

/** A leak: skipping the trades of `dimension` = `key` (not already in a bigger leak) would add `gain`. */
export interface Leak extends TradeStats {
  readonly dimension: SplitDimension;
  readonly key: string;
  /** Net P&L the skipped trades lost, as a positive amount: what skipping them adds. */
  readonly gain: MoneyText;
  /** The bucket's total net P&L over all its trades, including those counted in earlier leaks. */
  readonly bucketTotal: MoneyText;
  /** Ids of the trades this leak skips. */
  readonly tradeIds: readonly number[];
}

interface Candidate {
  readonly dimension: SplitDimension;
  readonly key: string;
  readonly trades: readonly RoundTrip[];
  readonly total: number;
}

/**
 * Greedy: take the bucket with the most negative total net P&L among the remaining trades, remove its trades, and
 * repeat on what is left, so the leaks are disjoint and their gains add up. Buckets that are "unknown" or hold
 * every remaining trade (skipping everything is not a finding) are never leaks; ties go to the smaller bucket,
 * then dimension order, then key. Stops early when no bucket loses money.
 */
export function biggestLeaks(trades: readonly RoundTrip[], regimes: RegimesByInstrument | undefined, options: LeakOptions = {}): readonly Leak[] {
  const dimensions = options.dimensions ?? ENTRY_DIMENSIONS;
  const count = options.count ?? 3;
  const entryOf = new Map<RoundTrip, ReturnType<typeof entryRegimes>[number]>();
  entryRegimes(trades, regimes).forEach((e, i) => entryOf.set(trades[i]!, e));
  const bucketTotals = new Map<string, number>();
  const allEntries = trades.map((t) => entryOf.get(t));
  for (const dimension of dimensions) {
    for (const g of groupByBucket(dimension, trades, allEntries, options)) bucketTotals.set(`${dimension}\u0000${g.key}`, totalNetPnl(g.trades));
  }

  const leaks: Leak[] = [];
  let remaining = trades;
  while (leaks.length < count && remaining.length > 0) {
    const entries = remaining.map((t) => entryOf.get(t));
    let best: Candidate | undefined;
    for (const dimension of dimensions) {
      for (const g of groupByBucket(dimension, remaining, entries, options)) {
        if (g.key === UNKNOWN_BUCKET || g.trades.length === remaining.length) continue;
        const total = totalNetPnl(g.trades);
        if (total >= 0) continue;
        if (best === undefined || total < best.total || (total === best.total && g.trades.length < best.trades.length)) {
          best = { dimension, key: g.key, trades: g.trades, total };
        }
      }
    }
    if (!best) break;
    const skipped = new Set(best.trades);
    leaks.push({
      dimension: best.dimension,
      key: best.key,
      ...tradeStats(best.trades),
      gain: moneyText(negMoney(asMoney(best.total))),
      bucketTotal: moneyText(asMoney(bucketTotals.get(`${best.dimension}\u0000${best.key}`) ?? best.total)),
      tradeIds: best.trades.map((t) => t.id),
    });
    remaining = remaining.filter((t) => !skipped.has(t));
  }
  return leaks;
}
