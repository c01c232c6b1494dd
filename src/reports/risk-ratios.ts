// Return-based ratios of a run: Sharpe, Sortino, CAGR and Calmar. Pure arithmetic on period returns and equity;
// must never resample or annualise implicitly (the caller passes the periods per year).
import { MS_PER_DAY } from '../core/time.js';

/** The year CAGR compounds over: 365 days, as crypto trades every day (and as sqrt(365) annualises Sharpe). */
export const YEAR_MS = 365 * MS_PER_DAY;

/**
 * Annualised Sharpe ratio: mean(r - rf) / sd(r) x sqrt(periodsPerYear), with sd the sample standard deviation
 * (divisor n - 1) of the period returns r (fractions) and rf the risk-free return per period (a fraction).
 * Sharpe (1994), "The Sharpe Ratio", Journal of Portfolio Management 21(1); annualising by sqrt(periods) as
 * NautilusTrader's SharpeRatio does (https://nautilustrader.io/docs/rust-api-latest/nautilus_analysis/statistics/).
 * Undefined with fewer than 2 returns or when every return is the same (sd 0).
 */
export function sharpeRatio(returns: Float64Array, periodsPerYear: number, riskFreePerPeriod = 0): number | undefined {
  const n = returns.length;
  if (n < 2) return undefined;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i]! - riskFreePerPeriod;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = returns[i]! - riskFreePerPeriod - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return undefined;
  return (mean / sd) * Math.sqrt(periodsPerYear);
}

/**
 * Annualised Sortino ratio: mean(r - target) / DD x sqrt(periodsPerYear), where the downside deviation
 * DD = sqrt(sum(min(0, r - target)^2) / n) over all n returns (not only the negative ones), as Sortino and Price
 * (1994) define it and NautilusTrader implements it
 * (https://nautilustrader.io/docs/rust-api-latest/nautilus_analysis/statistics/sortino_ratio/struct.SortinoRatio.html).
 * Undefined with fewer than 2 returns or when no return fell below the target (DD 0).
 */
export function sortinoRatio(returns: Float64Array, periodsPerYear: number, targetPerPeriod = 0): number | undefined {
  const n = returns.length;
  if (n < 2) return undefined;
  let sum = 0;
  let downside = 0;
  for (let i = 0; i < n; i++) {
    const excess = returns[i]! - targetPerPeriod;
    sum += excess;
    if (excess < 0) downside += excess * excess;
  }
  const dd = Math.sqrt(downside / n);
  if (!(dd > 0)) return undefined;
  return (sum / n / dd) * Math.sqrt(periodsPerYear);
}

/** A yearly rate in percent as the compounding rate per period: (1 + pct/100)^(1/periodsPerYear) - 1. */
export function ratePerPeriod(ratePerYearPct: number, periodsPerYear: number): number {
  return Math.pow(1 + ratePerYearPct / 100, 1 / periodsPerYear) - 1;
}

/**
 * Compound annual growth rate in percent: 100 x ((end / start)^(YEAR_MS / durationMs) - 1). -100 when the end
 * equity is at or below zero; undefined for a zero-length period or a start at or below zero. A short run
 * annualises wildly (a week at +2 % is about +180 % a year): read it with the period.
 */
export function cagrPct(startEquity: number, endEquity: number, durationMs: number): number | undefined {
  if (!(durationMs > 0) || !(startEquity > 0)) return undefined;
  if (endEquity <= 0) return -100;
  return 100 * (Math.pow(endEquity / startEquity, YEAR_MS / durationMs) - 1);
}

/**
 * Calmar ratio: CAGR / |max drawdown|, both in percent (Young, 1991, over the whole run rather than 36 months).
 * Undefined when either is missing or there was no drawdown.
 */
export function calmarRatio(cagr: number | undefined, maxDrawdownPct: number | undefined): number | undefined {
  if (cagr === undefined || maxDrawdownPct === undefined || maxDrawdownPct === 0) return undefined;
  return cagr / Math.abs(maxDrawdownPct);
}
