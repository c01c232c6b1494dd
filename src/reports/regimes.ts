// Market regime labels per bar (trending / ranging, volatile / calm) and the regime a trade entered in. Labels at a
// bar use only that bar and earlier ones; a trade takes the label of the last bar closed at its entry. Never later.
import { InputError } from '../core/errors.js';
import type { BarColumns } from '../data/columns.js';
import { adxBatch } from '../indicators/adx.js';
import { atrBatch } from '../indicators/atr.js';
import { requireFinite, requireInteger } from '../indicators/indicator.js';
import { percentileRankBatch } from '../indicators/percentile-rank.js';
import { zScoreBatch } from '../indicators/z-score.js';
import { MS_PER_DAY } from '../core/time.js';
import { efficiencyRatioSeries } from './efficiency-ratio.js';

export type TrendRegime = 'trending' | 'ranging';
export type VolatilityRegime = 'volatile' | 'calm';
export type Regime = `${TrendRegime}-${VolatilityRegime}`;
export const REGIMES: readonly Regime[] = ['trending-volatile', 'trending-calm', 'ranging-volatile', 'ranging-calm'];

/**
 * Trending when the value is at or above the threshold, ranging below it.
 * - 'adx': ADX(period) (Wilder, = TA-Lib ADX), threshold in ADX points (25: Wilder's "trending" line).
 * - 'efficiency-ratio': Kaufman's ER(period) of closes, threshold 0..1.
 */
export type TrendRule =
  | { readonly kind: 'adx'; readonly period: number; readonly threshold: number }
  | { readonly kind: 'efficiency-ratio'; readonly period: number; readonly threshold: number };

/** Volatile when the percentile rank of ATR(atrPeriod) among the previous `windowMs` of bars is >= thresholdPct. */
export interface VolatilityRule {
  readonly atrPeriod: number;
  readonly windowMs: number;
  readonly thresholdPct: number;
}

export interface RegimeOptions {
  readonly trend: TrendRule;
  readonly volatility: VolatilityRule;
  /** Window of the return z-score (the volatility-spike measure at entry), in ms of bars. */
  readonly returnZWindowMs: number;
  /** The bar length; inferred as the smallest gap between bar open times when omitted. */
  readonly barIntervalMs?: number;
}

/** ADX(14) >= 25 trending; ATR(14) percentile over one day of bars >= 80 % volatile; return z over one day. */
export const DEFAULT_REGIME_OPTIONS: RegimeOptions = {
  trend: { kind: 'adx', period: 14, threshold: 25 },
  volatility: { atrPeriod: 14, windowMs: MS_PER_DAY, thresholdPct: 80 },
  returnZWindowMs: MS_PER_DAY,
};

/** Per-bar regime inputs and labels of one instrument. `undefined` marks a bar still inside the warm-up. */
export interface RegimeSeries {
  readonly options: RegimeOptions;
  readonly barIntervalMs: number;
  /** Bars in the percentile and z-score windows (windowMs / barIntervalMs). */
  readonly volatilityWindowBars: number;
  readonly returnZWindowBars: number;
  readonly openTimeMs: Float64Array;
  /** ADX or ER at each bar, per the trend rule. */
  readonly trendValue: readonly (number | undefined)[];
  readonly trend: readonly (TrendRegime | undefined)[];
  /** Percentile rank (0..100) of ATR among the previous window of ATR values. */
  readonly atrPercentile: readonly (number | undefined)[];
  readonly volatility: readonly (VolatilityRegime | undefined)[];
  /** z-score of the bar's close-to-close return among the window of returns ending at it. */
  readonly returnZ: readonly (number | undefined)[];
}

/** What was known at a trade's entry: the labels and measures of the last bar closed at or before it. */
export interface EntryRegime {
  /** Index of that bar; undefined when no bar had closed yet. */
  readonly barIndex: number | undefined;
  readonly trend: TrendRegime | undefined;
  readonly volatility: VolatilityRegime | undefined;
  /** Both labels joined, undefined while either is. */
  readonly regime: Regime | undefined;
  readonly atrPercentile: number | undefined;
  readonly returnZ: number | undefined;
}

const defined = (x: number): number | undefined => (Number.isNaN(x) ? undefined : x);

function inferBarInterval(openTimeMs: Float64Array): number {
  let best: number | undefined;
  for (let i = 1; i < openTimeMs.length; i++) {
    const gap = openTimeMs[i]! - openTimeMs[i - 1]!;
    if (gap > 0 && (best === undefined || gap < best)) best = gap;
  }
  if (best === undefined) {
    throw new InputError('INVALID_OPTION', 'regime bars', 'have fewer than two distinct open times, so the bar length is unknown', 'pass barIntervalMs or more bars');
  }
  return best;
}

function windowBars(input: string, windowMs: number, barIntervalMs: number): number {
  requireFinite(input, windowMs, barIntervalMs);
  return requireInteger(`${input} in bars`, Math.round(windowMs / barIntervalMs), 1);
}

/**
 * Labels every bar. Each label uses bar i and earlier bars only (all indicators are causal), so the label of bar i
 * is the same whether or not later bars exist. Throws an InputError for a bad period, threshold or window.
 */
export function regimeSeries(bars: BarColumns, options: RegimeOptions = DEFAULT_REGIME_OPTIONS): RegimeSeries {
  const n = bars.length;
  const barIntervalMs = options.barIntervalMs ?? inferBarInterval(bars.openTimeMs);
  const trendRule = options.trend;
  requireInteger('trend period', trendRule.period, 2);
  requireFinite('trend threshold', trendRule.threshold, 0);
  const vol = options.volatility;
  requireInteger('ATR period', vol.atrPeriod, 1);
  requireFinite('ATR percentile threshold', vol.thresholdPct, 0);
  const volatilityWindowBars = windowBars('volatility window', vol.windowMs, barIntervalMs);
  const returnZWindowBars = Math.max(2, windowBars('return z-score window', options.returnZWindowMs, barIntervalMs));

  let trendValue: (number | undefined)[];
  switch (trendRule.kind) {
    case 'adx': {
      const adx = new Float64Array(n);
      adxBatch(bars, trendRule.period, adx, new Float64Array(n), new Float64Array(n));
      trendValue = Array.from(adx, defined);
      break;
    }
    case 'efficiency-ratio':
      trendValue = efficiencyRatioSeries(bars.close, trendRule.period);
      break;
  }
  const trend = trendValue.map((v): TrendRegime | undefined => (v === undefined ? undefined : v >= trendRule.threshold ? 'trending' : 'ranging'));

  const atr = new Float64Array(n);
  atrBatch(bars, vol.atrPeriod, atr);
  const pct = new Float64Array(n).fill(NaN);
  // ATR's warm-up holds NaN; ranking starts at its first value so no NaN enters a window.
  if (n > vol.atrPeriod) percentileRankBatch(atr.subarray(vol.atrPeriod), volatilityWindowBars, pct.subarray(vol.atrPeriod));
  const atrPercentile = Array.from(pct, defined);
  const volatility = atrPercentile.map((p): VolatilityRegime | undefined => (p === undefined ? undefined : p >= vol.thresholdPct ? 'volatile' : 'calm'));

  const z = new Float64Array(n).fill(NaN);
  if (n > 1) {
    const returns = new Float64Array(n - 1);
    for (let i = 1; i < n; i++) returns[i - 1] = bars.close[i]! / bars.close[i - 1]! - 1;
    zScoreBatch(returns, returnZWindowBars, z.subarray(1));
  }
  return {
    options,
    barIntervalMs,
    volatilityWindowBars,
    returnZWindowBars,
    openTimeMs: bars.openTimeMs,
    trendValue,
    trend,
    atrPercentile,
    volatility,
    returnZ: Array.from(z, defined),
  };
}

/**
 * The last bar closed at or before `timeMs`: the largest i with openTimeMs[i] + barIntervalMs <= timeMs.
 * A trade entering at a bar's open sees the bar before it, never the bar it enters in. Undefined when none.
 */
export function lastClosedBar(series: Pick<RegimeSeries, 'openTimeMs' | 'barIntervalMs'>, timeMs: number): number | undefined {
  const times = series.openTimeMs;
  const limit = timeMs - series.barIntervalMs;
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : lo - 1;
}

/** The regime a trade entered in (see lastClosedBar); every field undefined before the first closed bar. */
export function entryRegime(series: RegimeSeries, entryTimeMs: number): EntryRegime {
  const i = lastClosedBar(series, entryTimeMs);
  if (i === undefined) {
    return { barIndex: undefined, trend: undefined, volatility: undefined, regime: undefined, atrPercentile: undefined, returnZ: undefined };
  }
  const trend = series.trend[i];
  const volatility = series.volatility[i];
  return {
    barIndex: i,
    trend,
    volatility,
    regime: trend !== undefined && volatility !== undefined ? `${trend}-${volatility}` : undefined,
    atrPercentile: series.atrPercentile[i],
    returnZ: series.returnZ[i],
  };
}
