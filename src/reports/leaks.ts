// The biggest leaks of a run in money terms: the buckets (known at entry) whose trades, if skipped, would have
// added the most net P&L, each with the trades behind it. Pure; must never count one trade in two leaks.
import { asMoney, moneyToFloat, negMoney } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { moneyText, moneyTextFromFloat, type MoneyText } from './report-values.js';
import {
  entryRegimes,
  groupByBucket,
  testBucket,
  UNKNOWN_BUCKET,
  type BucketTest,
  type RegimesByInstrument,
  type SplitDimension,
  type SplitOptions,
} from './splits.js';
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
  /** Largest share (0..1) of the remaining trades a leak may hold: a leak is a part, not the bulk. Default 0.5. */
  readonly maxShare?: number;
}

/** A leak: skipping the trades of `dimension` = `key` (not already in a bigger leak) would add `gain`. */
export interface Leak extends TradeStats {
  readonly dimension: SplitDimension;
  readonly key: string;
  /** Net P&L the skipped trades lost, as a positive amount: what skipping them adds. */
  readonly gain: MoneyText;
  /** The bucket's total net P&L over all its trades, including those counted in earlier leaks. */
  readonly bucketTotal: MoneyText;
  /**
   * How much worse the skipped trades did than the other remaining trades would have on the same count:
   * total - count x (average of the others). Negative; rounded to 1e-8.
   */
  readonly belowRest: MoneyText;
  /** Ids of the trades this leak skips. */
  readonly tradeIds: readonly number[];
  /** Welch's test of the skipped trades against the other trades still in play (see splits.ts). */
  readonly test: BucketTest;
}

interface Candidate {
  readonly dimension: SplitDimension;
  readonly key: string;
  readonly trades: readonly RoundTrip[];
  readonly total: number;
}

/**
 * Greedy: take the bucket with the most negative total net P&L among the remaining trades, remove its trades, and
 * repeat on what is left, so the leaks are disjoint and their gains add up. A bucket is a leak only when it loses
 * money in total, its average trade is below the average of the other remaining trades, and it holds at most
 * `maxShare` of them: when a whole strategy loses, "skip the biggest bucket" is no finding, "skip the part that
 * does worse than the rest" is. "Unknown" buckets are never leaks. Ties go to the smaller bucket, then dimension
 * order, then key. Stops early when no bucket qualifies.
 */
export function biggestLeaks(trades: readonly RoundTrip[], regimes: RegimesByInstrument | undefined, options: LeakOptions = {}): readonly Leak[] {
  const dimensions = options.dimensions ?? ENTRY_DIMENSIONS;
  const count = options.count ?? 3;
  const maxShare = options.maxShare ?? 0.5;
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
    const remainingTotal = totalNetPnl(remaining);
    let best: Candidate | undefined;
    for (const dimension of dimensions) {
      for (const g of groupByBucket(dimension, remaining, entries, options)) {
        if (g.key === UNKNOWN_BUCKET || g.trades.length === remaining.length || g.trades.length > maxShare * remaining.length) continue;
        const total = totalNetPnl(g.trades);
        if (total >= 0) continue;
        const restTotal = remainingTotal - total;
        // Average below the rest's: total / n < restTotal / m, compared without dividing.
        if (!(total * (remaining.length - g.trades.length) < restTotal * g.trades.length)) continue;
        if (best === undefined || total < best.total || (total === best.total && g.trades.length < best.trades.length)) {
          best = { dimension, key: g.key, trades: g.trades, total };
        }
      }
    }
    if (!best) break;
    const skipped = new Set(best.trades);
    const others = remaining.filter((t) => !skipped.has(t));
    const othersAverage = moneyToFloat(totalNetPnl(others)) / others.length;
    leaks.push({
      dimension: best.dimension,
      key: best.key,
      ...tradeStats(best.trades),
      gain: moneyText(negMoney(asMoney(best.total))),
      bucketTotal: moneyText(asMoney(bucketTotals.get(`${best.dimension}\u0000${best.key}`) ?? best.total)),
      belowRest: moneyTextFromFloat(moneyToFloat(asMoney(best.total)) - best.trades.length * othersAverage),
      tradeIds: best.trades.map((t) => t.id),
      test: testBucket(best.trades, others, options.alpha ?? 0.05, options.minTrades ?? 10),
    });
    remaining = others;
  }
  return leaks;
}
