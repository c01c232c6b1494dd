import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import type { BarColumns } from '../data/columns.js';
import { parseFile } from '../data/parse-file.js';
import { efficiencyRatioSeries } from './efficiency-ratio.js';
import { DEFAULT_REGIME_OPTIONS, entryRegime, lastClosedBar, regimeSeries, type RegimeOptions } from './regimes.js';

const MIN = 60_000;

function bars(rows: readonly (readonly [number, number, number, number])[]): BarColumns {
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k]!));
  return {
    length: rows.length,
    openTimeMs: Float64Array.from(rows.map((_, i) => i * MIN)),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(rows.length).fill(1),
  };
}

// open, high, low, close. True ranges from bar 1: 1.2, 1.2, 2.5, 1.1.
const HAND = bars([
  [10, 10.5, 9.5, 10],
  [10, 11.2, 10, 11],
  [11, 11, 9.8, 10],
  [10, 12.5, 10, 12],
  [12, 13.1, 12, 13],
]);
const HAND_OPTIONS: RegimeOptions = {
  trend: { kind: 'efficiency-ratio', period: 2, threshold: 0.5 },
  volatility: { atrPeriod: 1, windowMs: 2 * MIN, thresholdPct: 50 },
  returnZWindowMs: 2 * MIN,
};

describe('efficiency ratio', () => {
  it('is net move over path length, 0 for a window without movement', () => {
    // closes 10, 11, 10, 12, 13, 13, 13 with N = 2: bar 2 |10-10| / (1+1) = 0; bar 3 |12-11| / (1+2) = 1/3;
    // bar 4 |13-10| / (2+1) = 1; bar 6 no movement at all -> 0.
    const er = efficiencyRatioSeries(Float64Array.from([10, 11, 10, 12, 13, 13, 13]), 2);
    expect(er.slice(0, 2), 'lookback N').toEqual([undefined, undefined]);
    expect(er[2]).toBe(0);
    expect(er[3]).toBeCloseTo(1 / 3, 15);
    expect(er[4]).toBe(1);
    expect(er[6]).toBe(0);
  });
});

describe('regime labels on hand-made bars', () => {
  const r = regimeSeries(HAND, HAND_OPTIONS);

  it('labels volatility by the ATR percentile among the previous window', () => {
    // ATR(1) = TR: 1.2, 1.2, 2.5, 1.1 from bar 1. Bar 3: 2.5 vs [1.2, 1.2] -> 100 %; bar 4: 1.1 vs [1.2, 2.5] -> 0 %.
    expect(r.barIntervalMs, 'inferred from the open times').toBe(MIN);
    expect(r.volatilityWindowBars).toBe(2);
    expect(r.atrPercentile).toEqual([undefined, undefined, undefined, 100, 0]);
    expect(r.volatility).toEqual([undefined, undefined, undefined, 'volatile', 'calm']);
  });

  it('labels the trend by the efficiency ratio against its threshold', () => {
    // ER(2): bar 2 = 0, bar 3 = 1/3, bar 4 = |13 - 10| / (2 + 1) = 1; threshold 0.5.
    expect(r.trend).toEqual([undefined, undefined, 'ranging', 'ranging', 'trending']);
  });

  it('scores each return against the window of returns ending at it', () => {
    // Returns 0.1, -0.0909, 0.2, 0.0833 from bar 1; a z-score over two values is the sign of their difference.
    expect(r.returnZ[1]).toBeUndefined();
    expect(r.returnZ.slice(2).map((z) => Math.round(z!))).toEqual([-1, 1, -1]);
  });

  it('gives a trade the regime of the last bar closed at its entry, never the bar it enters in', () => {
    expect(lastClosedBar(r, 4 * MIN), 'bar 3 closes when bar 4 opens').toBe(3);
    expect(lastClosedBar(r, 4 * MIN - 1), 'one ms earlier bar 3 is still open').toBe(2);
    expect(lastClosedBar(r, MIN - 1), 'nothing has closed yet').toBeUndefined();
    expect(entryRegime(r, 4 * MIN).regime).toBe('ranging-volatile');
    expect(entryRegime(r, 5 * MIN).regime).toBe('trending-calm');
    const early = entryRegime(r, 3 * MIN);
    expect(early.trend, 'bar 2 has a trend label').toBe('ranging');
    expect(early.regime, 'but no volatility label yet, so no combined regime').toBeUndefined();
  });

  it('rejects a bad period with the input named', () => {
    expect(() => regimeSeries(HAND, { ...HAND_OPTIONS, trend: { kind: 'adx', period: 0, threshold: 25 } })).toThrow(/trend period: must be a whole number/);
  });
});

describe('regime labels on real BTCUSDT 1m bars', () => {
  let btc: BarColumns;
  beforeAll(async () => {
    const parsed = await parseFile(sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'));
    if (parsed.series !== 'bars') throw new Error('expected bars');
    btc = parsed.bars;
  });

  const prefix = (b: BarColumns, n: number): BarColumns => ({
    length: n,
    openTimeMs: b.openTimeMs.subarray(0, n),
    open: b.open.subarray(0, n),
    high: b.high.subarray(0, n),
    low: b.low.subarray(0, n),
    close: b.close.subarray(0, n),
    volume: b.volume.subarray(0, n),
  });

  it('never looks ahead: labels of the first bars are the same without the bars after them', () => {
    const whole = regimeSeries(prefix(btc, 6000));
    const cut = regimeSeries(prefix(btc, 4000));
    expect(cut.trend, 'trend labels').toEqual(whole.trend.slice(0, 4000));
    expect(cut.atrPercentile, 'ATR percentiles').toEqual(whole.atrPercentile.slice(0, 4000));
    expect(cut.returnZ, 'return z-scores').toEqual(whole.returnZ.slice(0, 4000));
  });

  it('labels every bar after the one-day warm-up, with both trends and both volatilities present', () => {
    const r = regimeSeries(btc, DEFAULT_REGIME_OPTIONS);
    expect(r.volatilityWindowBars, 'one day of 1m bars').toBe(1440);
    const warmup = 14 + 1440;
    expect(r.volatility[warmup - 1], 'ATR(14) then 1440 ATR values before the first rank').toBeUndefined();
    expect(r.volatility.slice(warmup).every((v) => v !== undefined)).toBe(true);
    const share = (xs: readonly (string | undefined)[], v: string) => xs.filter((x) => x === v).length / xs.length;
    // A percentile rank >= 80 % of the previous day is, by construction, roughly the top fifth of bars.
    expect(share(r.volatility.slice(warmup), 'volatile')).toBeGreaterThan(0.1);
    expect(share(r.volatility.slice(warmup), 'volatile')).toBeLessThan(0.35);
    expect(share(r.trend.slice(27), 'trending'), 'ADX >= 25 is common but not the rule on 1m bars').toBeGreaterThan(0.2);
    expect(share(r.trend.slice(27), 'trending')).toBeLessThan(0.8);
  });
});
