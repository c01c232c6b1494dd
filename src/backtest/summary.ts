// The numbers a backtest reports, computed from its round trips, equity curve and account: trades, win rate, average
// trade, expectancy, profit factor, max drawdown, fees, funding, liquidations, final equity. Pure; must never count
// a position still open as a trade.
import type { Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { EngineResult } from '../engine/engine.js';

export interface BacktestSummary {
  readonly bars: number;
  /** Closed round trips only. */
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** wins / trades, percent; undefined without trades. */
  readonly winRatePct: number | undefined;
  /** Sum of the closed trades' net P&L (after fees and funding). */
  readonly netPnl: Money;
  /** netPnl / trades (the expectancy per trade in money); undefined without trades. */
  readonly averageTrade: number | undefined;
  readonly averageWin: number | undefined;
  readonly averageLoss: number | undefined;
  /** Mean net P&L in R (initial risk to the planned stop), over trades that had a stop; undefined when none did. */
  readonly expectancyR: number | undefined;
  /** Gross winnings / gross losses of closed trades (net); undefined when there is no losing trade. */
  readonly profitFactor: number | undefined;
  /** Largest fall of the equity curve from a prior peak (the starting balance counts as one), percent of the peak. */
  readonly maxDrawdownPct: number;
  /** Account totals over the whole run (open position included). */
  readonly fees: Money;
  readonly funding: Money;
  readonly liquidations: number;
  readonly startingBalance: Money;
  readonly finalBalance: Money;
  /** Balance + unrealised P&L of any open position at the last close (settle asset, float). */
  readonly finalEquity: number;
  /** Positions still open at the end, valued at the last close: not counted as trades. */
  readonly openPositions: number;
  readonly openPnl: number;
}

/** Largest peak-to-trough fall of `equity`, percent of the peak, with `start` as the first peak. */
export function maxDrawdownPct(equity: Float64Array, start: number): number {
  let peak = start;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    else if (peak > 0 && (peak - e) / peak > worst) worst = (peak - e) / peak;
  }
  return worst * 100;
}

const mean = (xs: readonly number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

export function summarize(result: EngineResult): BacktestSummary {
  const trips: readonly RoundTrip[] = result.trips;
  const nets = trips.map((t) => t.netPnl / 1e8);
  const winners = nets.filter((x) => x > 0);
  const losers = nets.filter((x) => x <= 0);
  const grossWin = winners.reduce((a, b) => a + b, 0);
  const grossLoss = -losers.reduce((a, b) => a + b, 0);
  const rs = trips.filter((t) => t.initialRisk !== undefined && t.initialRisk > 0).map((t) => t.netPnl / t.initialRisk!);
  const ledger = result.ledger;
  const start = ledger.startingBalance / 1e8;
  const finalEquity = result.equity.length > 0 ? result.equity[result.equity.length - 1]! : start;
  const openPnl = result.openTrips.reduce((a, o) => a + o.trip.netPnl / 1e8, 0);
  return {
    bars: result.bars,
    trades: trips.length,
    wins: winners.length,
    losses: losers.length,
    winRatePct: trips.length === 0 ? undefined : (100 * winners.length) / trips.length,
    netPnl: trips.reduce((a, t) => a + t.netPnl, 0) as Money,
    averageTrade: mean(nets),
    averageWin: mean(winners),
    averageLoss: mean(losers),
    expectancyR: mean(rs),
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : undefined,
    maxDrawdownPct: maxDrawdownPct(result.equity, start),
    fees: ledger.feesMoney,
    funding: ledger.fundingMoney,
    liquidations: ledger.liquidations,
    startingBalance: ledger.startingBalance,
    finalBalance: ledger.balanceMoney,
    finalEquity,
    openPositions: result.openTrips.length,
    openPnl,
  };
}
