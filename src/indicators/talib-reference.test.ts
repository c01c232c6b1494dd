// Reference: TA-Lib (C, built from source by the npm package `talib` 1.1.6, run here in the test) on real
// Binance USD-M 1m klines from ../shared/data. Every value must agree to 1e-9 relative, and the first value must
// appear at TA-Lib's begIndex. Inputs go to talib as plain arrays: its binding misreads Float64Array.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BTC_1M, FIL_1M, loadKlines, type KlineColumns } from '../../test/support/kline-columns.js';
import { Adx } from './adx.js';
import { Atr } from './atr.js';
import { BollingerBands } from './bollinger-bands.js';
import { Ema } from './ema.js';
import { Macd } from './macd.js';
import { RollingStdDev } from './rolling-std-dev.js';
import { Stochastic } from './stochastic.js';
import { TrueRange } from './true-range.js';
import type { BarIndicator, ScalarIndicator } from './indicator.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';
import { Wma } from './wma.js';

interface TalibResult {
  begIndex: number;
  nbElement: number;
  result: Record<string, number[]>;
}
interface Talib {
  execute(params: Record<string, unknown>): TalibResult;
}
const talib = createRequire(import.meta.url)('talib') as Talib;

const RELATIVE_TOLERANCE = 1e-9;
/**
 * ATR, RSI and ADX multiply by 1/N and (N - 1)/N where TA-Lib divides by N (wilder-smoothing.ts), so they are
 * not bit-equal; the smoothing damps the per-step rounding, and they stay within a few units in the last place
 * (measured at most 2.5e-15 on these files). This bound catches a real change of formula long before 1e-9 would.
 */
const WILDER_TOLERANCE = 1e-13;

function runTalib(name: string, bars: KlineColumns, options: Record<string, number>): TalibResult {
  const r = talib.execute({
    name,
    startIdx: 0,
    endIdx: bars.length - 1,
    open: Array.from(bars.open),
    high: Array.from(bars.high),
    low: Array.from(bars.low),
    close: Array.from(bars.close),
    inReal: Array.from(bars.close),
    volume: Array.from(bars.volume),
    ...options,
  });
  if (!r || typeof r.begIndex !== 'number') throw new Error(`talib ${name} failed: ${JSON.stringify(r)}`);
  return r;
}

/** Streams every bar and records each output; compares with TA-Lib from TA-Lib's begIndex on. */
function compare(
  label: string,
  bars: KlineColumns,
  create: () => ScalarIndicator | BarIndicator,
  kind: 'scalar' | 'bar',
  talibName: string,
  options: Record<string, number>,
  outputs: Record<string, string>,
  laterStartBy = 0,
): { maxRelative: number; compared: number } {
  const ref = runTalib(talibName, bars, options);
  const ind = create();
  const names = ind.outputNames;
  const series: (number | undefined)[][] = names.map(() => []);
  const bar = { openTimeMs: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  for (let i = 0; i < bars.length; i++) {
    if (kind === 'scalar') (ind as ScalarIndicator).add(bars.close[i]!);
    else {
      bar.openTimeMs = bars.openTimeMs[i]!;
      bar.open = bars.open[i]!;
      bar.high = bars.high[i]!;
      bar.low = bars.low[i]!;
      bar.close = bars.close[i]!;
      bar.volume = bars.volume[i]!;
      (ind as BarIndicator).add(bar);
    }
    names.forEach((_, o) => (series[o]![i] = ind.output(o)));
  }
  let maxRelative = 0;
  let compared = 0;
  for (const [ours, theirs] of Object.entries(outputs)) {
    const o = names.indexOf(ours);
    expect(o, `${label}: output ${ours} exists`).toBeGreaterThanOrEqual(0);
    const want = ref.result[theirs];
    expect(want, `${label}: TA-Lib output ${theirs} exists`).toBeDefined();
    const first = series[o]!.findIndex((v) => v !== undefined);
    expect(first, `${label}: ${ours} starts where TA-Lib ${talibName}.${theirs} starts (begIndex)`).toBe(ref.begIndex + laterStartBy);
    for (let j = laterStartBy; j < ref.nbElement; j++) {
      const i = ref.begIndex + j;
      const a = series[o]![i]!;
      const b = want![j]!;
      const rel = a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
      if (!(rel <= RELATIVE_TOLERANCE)) {
        throw new Error(`${label}: ${ours} at bar ${i} is ${a}, TA-Lib ${talibName}.${theirs} gives ${b} (relative ${rel})`);
      }
      maxRelative = Math.max(maxRelative, rel);
      compared++;
    }
  }
  expect(compared, `${label}: TA-Lib ${talibName} returned values to compare`).toBeGreaterThan(1000);
  return { maxRelative, compared };
}

const datasets = [
  { label: 'BTCUSDT 1m 2025-05-04..06-24', bars: loadKlines(BTC_1M) },
  { label: 'FILUSDT 1m 2023-08 (12 columns)', bars: loadKlines(FIL_1M) },
];

for (const { label, bars } of datasets) {
  describe(`TA-Lib exactness on ${label} (${bars.length} bars)`, () => {
    it('SMA(20) equals TA-Lib SMA', () => {
      const r = compare(label, bars, () => new Sma(20), 'scalar', 'SMA', { optInTimePeriod: 20 }, { sma: 'outReal' });
      expect(r.compared, 'compares every bar after the warm-up').toBe(bars.length - 19);
    });
    it('EMA(8) and EMA(21) equal TA-Lib EMA (SMA seed)', () => {
      compare(label, bars, () => new Ema(8), 'scalar', 'EMA', { optInTimePeriod: 8 }, { ema: 'outReal' });
      compare(label, bars, () => new Ema(21), 'scalar', 'EMA', { optInTimePeriod: 21 }, { ema: 'outReal' });
    });
    it('WMA(10) equals TA-Lib WMA', () => {
      compare(label, bars, () => new Wma(10), 'scalar', 'WMA', { optInTimePeriod: 10 }, { wma: 'outReal' });
    });
    it('RSI(14) and RSI(2) equal TA-Lib RSI (Wilder) to a few units in the last place', () => {
      for (const period of [14, 2]) {
        const r = compare(label, bars, () => new Rsi(period), 'scalar', 'RSI', { optInTimePeriod: period }, { rsi: 'outReal' });
        expect(r.maxRelative, `RSI(${period}) stays within ${WILDER_TOLERANCE} of TA-Lib`).toBeLessThan(WILDER_TOLERANCE);
      }
    });
    it('true range equals TA-Lib TRANGE', () => {
      compare(label, bars, () => new TrueRange(), 'bar', 'TRANGE', {}, { trueRange: 'outReal' });
    });
    it('ATR(14) and ATR(5) equal TA-Lib ATR (Wilder, SMA seed of bars 2..N+1) to a few units in the last place', () => {
      for (const period of [14, 5]) {
        const r = compare(label, bars, () => new Atr(period), 'bar', 'ATR', { optInTimePeriod: period }, { atr: 'outReal' });
        expect(r.maxRelative, `ATR(${period}) stays within ${WILDER_TOLERANCE} of TA-Lib`).toBeLessThan(WILDER_TOLERANCE);
      }
    });
    it('slow stochastic 14/3/3 and 5/3/3 equal TA-Lib STOCH (SMA smoothing)', () => {
      for (const [k, s, d] of [[14, 3, 3], [5, 3, 3]] as const) {
        compare(label, bars, () => new Stochastic({ kind: 'slow', kPeriod: k, kSmoothing: s, dPeriod: d }), 'bar', 'STOCH',
          { optInFastK_Period: k, optInSlowK_Period: s, optInSlowK_MAType: 0, optInSlowD_Period: d, optInSlowD_MAType: 0 },
          { k: 'outSlowK', d: 'outSlowD' });
      }
    });
    it('fast stochastic 14/3 and 240/3 equal TA-Lib STOCHF (the long window exercises the deque expiry)', () => {
      for (const k of [14, 240]) {
        compare(label, bars, () => new Stochastic({ kind: 'fast', kPeriod: k, dPeriod: 3 }), 'bar', 'STOCHF',
          { optInFastK_Period: k, optInFastD_Period: 3, optInFastD_MAType: 0 }, { k: 'outFastK', d: 'outFastD' });
      }
    });
    it('Bollinger bands (20, 2) and (10, 1.5/2.5) equal TA-Lib BBANDS with SMA', () => {
      compare(label, bars, () => new BollingerBands({ period: 20 }), 'scalar', 'BBANDS',
        { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
        { middle: 'outRealMiddleBand', upper: 'outRealUpperBand', lower: 'outRealLowerBand' });
      compare(label, bars, () => new BollingerBands({ period: 10, stdDevUp: 1.5, stdDevDown: 2.5 }), 'scalar', 'BBANDS',
        { optInTimePeriod: 10, optInNbDevUp: 1.5, optInNbDevDn: 2.5, optInMAType: 0 },
        { middle: 'outRealMiddleBand', upper: 'outRealUpperBand', lower: 'outRealLowerBand' });
    });
    it('rolling standard deviation (20) equals TA-Lib STDDEV with nbDev 1', () => {
      compare(label, bars, () => new RollingStdDev(20), 'scalar', 'STDDEV', { optInTimePeriod: 20, optInNbDev: 1 }, { stdDev: 'outReal' });
    });
    it('MACD(12,26,9) and MACD(5,35,5) equal TA-Lib MACD, including its aligned fast-EMA seed', () => {
      compare(label, bars, () => new Macd({ fast: 12, slow: 26, signal: 9 }), 'scalar', 'MACD',
        { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 },
        { macd: 'outMACD', signal: 'outMACDSignal', histogram: 'outMACDHist' });
      compare(label, bars, () => new Macd({ fast: 5, slow: 35, signal: 5 }), 'scalar', 'MACD',
        { optInFastPeriod: 5, optInSlowPeriod: 35, optInSignalPeriod: 5 },
        { macd: 'outMACD', signal: 'outMACDSignal', histogram: 'outMACDHist' });
    });
    it('ADX(14) equals TA-Lib ADX, and its DIs equal PLUS_DI / MINUS_DI once ADX exists, to a few units in the last place', () => {
      const results = [
        compare(label, bars, () => new Adx(14), 'bar', 'ADX', { optInTimePeriod: 14 }, { adx: 'outReal' }),
        // The DIs exist from bar N (TA-Lib lookback 14); this indicator reports them with ADX, from bar 2N - 1.
        compare(label, bars, () => new Adx(14), 'bar', 'PLUS_DI', { optInTimePeriod: 14 }, { plusDI: 'outReal' }, 13),
        compare(label, bars, () => new Adx(14), 'bar', 'MINUS_DI', { optInTimePeriod: 14 }, { minusDI: 'outReal' }, 13),
      ];
      for (const r of results) expect(r.maxRelative, `ADX and DIs stay within ${WILDER_TOLERANCE} of TA-Lib`).toBeLessThan(WILDER_TOLERANCE);
    });
  });
}
