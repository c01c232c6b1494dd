// The small statistics every trade group shares (the whole run, a split bucket, a leak): count, wins, win rate,
// total and average net P&L. Pure; must never reorder or drop trades.
import { InvariantError } from '../core/errors.js';
import { asMoney, moneyToFloat, type Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { moneyText, moneyTextFromFloat, type MoneyText } from './report-values.js';

/** Statistics of a group of round trips. A win has net P&L > 0, a loss < 0; a zero trade is neither. */
export interface TradeStats {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  /** 100 x wins / count; undefined for an empty group. */
  readonly winRatePct: number | undefined;
  /** Sum of net P&L (exact). */
  readonly totalNet: MoneyText;
  /** Total / count, rounded to 1e-8; undefined for an empty group. */
  readonly averageNet: MoneyText | undefined;
}

/** Exact sum of the trades' net P&L in 1e-8 units; throws if it leaves the safe-integer range (a bug upstream). */
export function totalNetPnl(trades: readonly RoundTrip[]): Money {
  let s = 0;
  for (const t of trades) s += t.netPnl;
  if (!Number.isSafeInteger(s)) throw new InvariantError('a net P&L sum within safe-integer range', String(s));
  return asMoney(s);
}

/** Count, wins, losses, win rate, total and average of net P&L. */
export function tradeStats(trades: readonly RoundTrip[]): TradeStats {
  let wins = 0;
  let losses = 0;
  for (const t of trades) {
    if (t.netPnl > 0) wins++;
    else if (t.netPnl < 0) losses++;
  }
  const count = trades.length;
  const total = totalNetPnl(trades);
  return {
    count,
    wins,
    losses,
    winRatePct: count === 0 ? undefined : (100 * wins) / count,
    totalNet: moneyText(total),
    averageNet: count === 0 ? undefined : moneyTextFromFloat(moneyToFloat(total) / count),
  };
}
