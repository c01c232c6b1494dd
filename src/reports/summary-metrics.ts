// The summary of a run (backtest, paper or live alike): period, equity, P&L, drawdown, Sharpe/Sortino/Calmar,
// trade statistics, exposure, costs, liquidations and the market's own move. Pure; must never change its inputs.
import { asMoney, moneyToFloat, negMoney, type Money } from '../core/money.js';
import { MS_PER_DAY } from '../core/time.js';
import type { BarColumns } from '../data/columns.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { maxDrawdown } from './drawdown.js';
import { periodReturns, requireValidCurve, type EquityCurve } from './equity-curve.js';
import { moneyText, moneyTextFromFloat, type MoneyText } from './report-values.js';
import { cagrPct, calmarRatio, ratePerPeriod, sharpeRatio, sortinoRatio } from './risk-ratios.js';
import { totalNetPnl } from './trade-stats.js';
import { rMultiple } from './trade-metrics.js';

/** How return ratios sample the curve. Defaults: UTC daily closes, 365 periods a year, risk-free rate 0. */
export interface SummaryOptions {
  /** Length of one return period in ms; periods are aligned to the epoch (a day is a UTC day). */
  readonly returnPeriodMs?: number;
  /** Periods in a year, for annualising Sharpe and Sortino (365 for daily crypto returns, 8760 for hourly). */
  readonly periodsPerYear?: number;
  /** Yearly risk-free rate in percent; Sharpe subtracts it per period, Sortino uses it as the target. */
  readonly riskFreeRatePerYearPct?: number;
  /** Bars of the traded instrument, for the market change over the period; omit for none. */
  readonly bars?: Pick<BarColumns, 'openTimeMs' | 'open' | 'close'>;
}

/** The deepest drawdown, JSON-ready. Amount and percent are negative. */
export interface DrawdownSummary {
  readonly amount: MoneyText;
  readonly pct: number;
  readonly peakMs: number;
  readonly troughMs: number;
  /** When equity first got back to the peak; undefined while not recovered. */
  readonly recoveryMs: number | undefined;
  /** recoveryMs - peakMs; undefined while not recovered. */
  readonly durationMs: number | undefined;
}

/** One trade named by its id and net P&L. */
export interface TradeRef {
  readonly id: number;
  readonly netPnl: MoneyText;
}

/** Every summary metric; docs/metrics.md defines each. Money as decimal strings, percents as numbers. */
export interface SummaryMetrics {
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly startEquity: MoneyText;
  readonly endEquity: MoneyText;
  /** 100 x (end / start - 1) from the equity curve. */
  readonly totalReturnPct: number;
  readonly cagrPct: number | undefined;
  /** Sums over closed trades (exact): gross before costs, net after fees and funding. */
  readonly grossPnl: MoneyText;
  readonly netPnl: MoneyText;
  /** Undefined when equity never fell below a running peak. */
  readonly maxDrawdown: DrawdownSummary | undefined;
  readonly sharpe: number | undefined;
  readonly sortino: number | undefined;
  readonly calmar: number | undefined;
  readonly returnPeriodMs: number;
  readonly periodsPerYear: number;
  /** Number of period returns the ratios used. */
  readonly returnPeriods: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRatePct: number | undefined;
  readonly averageWin: MoneyText | undefined;
  readonly averageLoss: MoneyText | undefined;
  /** averageWin / |averageLoss|; undefined without both. */
  readonly payoffRatio: number | undefined;
  /** Sum of winning net P&L / |sum of losing net P&L|; undefined without a loss. */
  readonly profitFactor: number | undefined;
  /** Average net P&L per trade. */
  readonly expectancy: MoneyText | undefined;
  /** Average R-multiple over the trades that have one, and how many do. */
  readonly expectancyR: number | undefined;
  readonly tradesWithR: number;
  readonly bestTrade: TradeRef | undefined;
  readonly worstTrade: TradeRef | undefined;
  /** Most consecutive losing (winning) trades in exit order; a zero trade ends both. */
  readonly longestLosingStreak: number;
  readonly longestWinningStreak: number;
  /** Share of the period with at least one position open, in percent. */
  readonly exposurePct: number | undefined;
  /** Fees paid (negative: net rebates) and funding paid (negative: received). */
  readonly feesPaid: MoneyText;
  readonly fundingPaid: MoneyText;
  /** Costs as a share of gross P&L in percent; undefined unless gross P&L > 0. */
  readonly feesShareOfGrossPct: number | undefined;
  readonly fundingShareOfGrossPct: number | undefined;
  readonly liquidations: number;
  /** 100 x (last close / first open - 1) of the bars inside the period; undefined without bars there. */
  readonly marketChangePct: number | undefined;
}

/** Trades sorted by exit time, then id: the order streaks and the equity curve see them in. */
export function inExitOrder(trades: readonly RoundTrip[]): readonly RoundTrip[] {
  return [...trades].sort((a, b) => a.exitTimeMs - b.exitTimeMs || a.id - b.id);
}

/** Longest runs of consecutive losses and wins in exit order. */
export function longestStreaks(trades: readonly RoundTrip[]): { readonly losing: number; readonly winning: number } {
  let losing = 0;
  let winning = 0;
  let runL = 0;
  let runW = 0;
  for (const t of inExitOrder(trades)) {
    runL = t.netPnl < 0 ? runL + 1 : 0;
    runW = t.netPnl > 0 ? runW + 1 : 0;
    if (runL > losing) losing = runL;
    if (runW > winning) winning = runW;
  }
  return { losing, winning };
}

/**
 * Share of [startMs, endMs] covered by the union of the trades' [entry, exit] intervals, in percent (overlapping
 * trades on several instruments count once). Undefined for an empty period.
 */
export function exposurePct(trades: readonly RoundTrip[], startMs: number, endMs: number): number | undefined {
  if (!(endMs > startMs)) return undefined;
  const spans = trades
    .map((t) => ({ from: Math.max(startMs, t.entryTimeMs), to: Math.min(endMs, t.exitTimeMs) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  let covered = 0;
  let curFrom = 0;
  let curTo = -Infinity;
  for (const s of spans) {
    if (s.from > curTo) {
      if (curTo > curFrom) covered += curTo - curFrom;
      curFrom = s.from;
      curTo = s.to;
    } else if (s.to > curTo) {
      curTo = s.to;
    }
  }
  if (curTo > curFrom) covered += curTo - curFrom;
  return (100 * covered) / (endMs - startMs);
}

/** Market change over [startMs, endMs]: first open and last close of the bars whose open time lies inside. */
export function marketChangePct(bars: Pick<BarColumns, 'openTimeMs' | 'open' | 'close'>, startMs: number, endMs: number): number | undefined {
  let first: number | undefined;
  let last: number | undefined;
  for (let i = 0; i < bars.openTimeMs.length; i++) {
    const t = bars.openTimeMs[i]!;
    if (t < startMs || t > endMs) continue;
    if (first === undefined) first = i;
    last = i;
  }
  if (first === undefined || last === undefined) return undefined;
  return 100 * (bars.close[last]! / bars.open[first]! - 1);
}

function sumOf(trades: readonly RoundTrip[], pick: (t: RoundTrip) => Money): Money {
  let s = 0;
  for (const t of trades) s += pick(t);
  return asMoney(s);
}

function extremeTrade(trades: readonly RoundTrip[], better: (a: number, b: number) => boolean): TradeRef | undefined {
  let best: RoundTrip | undefined;
  for (const t of inExitOrder(trades)) if (best === undefined || better(t.netPnl, best.netPnl)) best = t;
  return best && { id: best.id, netPnl: moneyText(best.netPnl) };
}

const shareOf = (part: number, whole: number): number | undefined => (whole > 0 ? (100 * part) / whole : undefined);

/**
 * The summary of a run from its closed trades and its equity curve. The curve sets the period, the equity figures,
 * drawdown and the return ratios; the trades set P&L, costs and trade statistics. Throws an InputError for a curve
 * that is empty, unsorted, non-finite or does not start above zero.
 */
export function summaryMetrics(trades: readonly RoundTrip[], curve: EquityCurve, options: SummaryOptions = {}): SummaryMetrics {
  requireValidCurve(curve);
  const returnPeriodMs = options.returnPeriodMs ?? MS_PER_DAY;
  const periodsPerYear = options.periodsPerYear ?? 365;
  const rf = ratePerPeriod(options.riskFreeRatePerYearPct ?? 0, periodsPerYear);
  const n = curve.timeMs.length;
  const startMs = curve.timeMs[0]!;
  const endMs = curve.timeMs[n - 1]!;
  const startEquity = curve.equity[0]!;
  const endEquity = curve.equity[n - 1]!;
  const returns = periodReturns(curve, returnPeriodMs);
  const sharpe = returns.wipedOut ? undefined : sharpeRatio(returns.returns, periodsPerYear, rf);
  const sortino = returns.wipedOut ? undefined : sortinoRatio(returns.returns, periodsPerYear, rf);
  const cagr = cagrPct(startEquity, endEquity, endMs - startMs);
  const dd = maxDrawdown(curve);

  const wins = trades.filter((t) => t.netPnl > 0);
  const losses = trades.filter((t) => t.netPnl < 0);
  const winSum = totalNetPnl(wins);
  const lossSum = totalNetPnl(losses);
  const averageWin = wins.length > 0 ? moneyToFloat(winSum) / wins.length : undefined;
  const averageLoss = losses.length > 0 ? moneyToFloat(lossSum) / losses.length : undefined;
  const net = totalNetPnl(trades);
  const gross = sumOf(trades, (t) => t.grossPnl);
  const fees = sumOf(trades, (t) => t.fees);
  const fundingPaid = negMoney(sumOf(trades, (t) => t.funding));
  const rs = trades.map(rMultiple).filter((r): r is number => r !== undefined);
  const streaks = longestStreaks(trades);

  return {
    startMs,
    endMs,
    durationMs: endMs - startMs,
    startEquity: moneyTextFromFloat(startEquity),
    endEquity: moneyTextFromFloat(endEquity),
    totalReturnPct: 100 * (endEquity / startEquity - 1),
    cagrPct: cagr,
    grossPnl: moneyText(gross),
    netPnl: moneyText(net),
    maxDrawdown: dd && {
      amount: moneyTextFromFloat(dd.amount),
      pct: dd.pct,
      peakMs: dd.peakMs,
      troughMs: dd.troughMs,
      recoveryMs: dd.recoveryMs,
      durationMs: dd.durationMs,
    },
    sharpe,
    sortino,
    calmar: calmarRatio(cagr, dd?.pct),
    returnPeriodMs,
    periodsPerYear,
    returnPeriods: returns.returns.length,
    trades: trades.length,
    wins: wins.length,
    losses: losses.length,
    winRatePct: trades.length > 0 ? (100 * wins.length) / trades.length : undefined,
    averageWin: averageWin === undefined ? undefined : moneyTextFromFloat(averageWin),
    averageLoss: averageLoss === undefined ? undefined : moneyTextFromFloat(averageLoss),
    payoffRatio: averageWin !== undefined && averageLoss !== undefined ? averageWin / Math.abs(averageLoss) : undefined,
    profitFactor: losses.length > 0 ? winSum / Math.abs(lossSum) : undefined,
    expectancy: trades.length > 0 ? moneyTextFromFloat(moneyToFloat(net) / trades.length) : undefined,
    expectancyR: rs.length > 0 ? rs.reduce((a, b) => a + b, 0) / rs.length : undefined,
    tradesWithR: rs.length,
    bestTrade: extremeTrade(trades, (a, b) => a > b),
    worstTrade: extremeTrade(trades, (a, b) => a < b),
    longestLosingStreak: streaks.losing,
    longestWinningStreak: streaks.winning,
    exposurePct: exposurePct(trades, startMs, endMs),
    feesPaid: moneyText(fees),
    fundingPaid: moneyText(fundingPaid),
    feesShareOfGrossPct: shareOf(fees, gross),
    fundingShareOfGrossPct: shareOf(fundingPaid, gross),
    liquidations: trades.filter((t) => t.exitReason === 'liquidation').length,
    marketChangePct: options.bars ? marketChangePct(options.bars, startMs, endMs) : undefined,
  };
}
