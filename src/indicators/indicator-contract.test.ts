import { describe, it } from 'vitest';
import { BTC_1M, FIL_1M, loadKlines } from '../../test/support/kline-columns.js';
import { indicatorContract, type IndicatorContractCase } from './contract.js';
import { Adx, adxBatch } from './adx.js';
import { Atr, atrBatch } from './atr.js';
import { BollingerBands, bollingerBandsBatch } from './bollinger-bands.js';
import { Ema, emaBatch } from './ema.js';
import { Macd, macdBatch } from './macd.js';
import { PercentileRank, percentileRankBatch } from './percentile-rank.js';
import { RollingStdDev, rollingStdDevBatch } from './rolling-std-dev.js';
import { Stochastic, stochasticBatch, type StochasticOptions } from './stochastic.js';
import { TrueRange, trueRangeBatch } from './true-range.js';
import { ZScore, zScoreBatch } from './z-score.js';
import { Rsi, rsiBatch } from './rsi.js';
import { Sma, smaBatch } from './sma.js';
import { Wma, wmaBatch } from './wma.js';

// Expected lookbacks are TA-Lib's TA_<NAME>_Lookback formulas (ta_func/ta_<NAME>.c), written out by hand.
const cases: IndicatorContractCase[] = [
  { name: 'SMA(1)', kind: 'scalar', expectedLookback: 0, create: () => new Sma(1), batch: (c, [o]) => smaBatch(c, 1, o!) },
  { name: 'SMA(20)', kind: 'scalar', expectedLookback: 19, create: () => new Sma(20), batch: (c, [o]) => smaBatch(c, 20, o!) },
  { name: 'EMA(1)', kind: 'scalar', expectedLookback: 0, create: () => new Ema(1), batch: (c, [o]) => emaBatch(c, 1, o!) },
  { name: 'EMA(8)', kind: 'scalar', expectedLookback: 7, create: () => new Ema(8), batch: (c, [o]) => emaBatch(c, 8, o!) },
  { name: 'WMA(2)', kind: 'scalar', expectedLookback: 1, create: () => new Wma(2), batch: (c, [o]) => wmaBatch(c, 2, o!) },
  { name: 'WMA(10)', kind: 'scalar', expectedLookback: 9, create: () => new Wma(10), batch: (c, [o]) => wmaBatch(c, 10, o!) },
  { name: 'RSI(2)', kind: 'scalar', expectedLookback: 2, create: () => new Rsi(2), batch: (c, [o]) => rsiBatch(c, 2, o!) },
  { name: 'RSI(14)', kind: 'scalar', expectedLookback: 14, create: () => new Rsi(14), batch: (c, [o]) => rsiBatch(c, 14, o!) },
  { name: 'TRANGE', kind: 'bar', expectedLookback: 1, create: () => new TrueRange(), batch: (b, [o]) => trueRangeBatch(b, o!) },
  { name: 'ATR(1)', kind: 'bar', expectedLookback: 1, create: () => new Atr(1), batch: (b, [o]) => atrBatch(b, 1, o!) },
  { name: 'ATR(14)', kind: 'bar', expectedLookback: 14, create: () => new Atr(14), batch: (b, [o]) => atrBatch(b, 14, o!) },
  // Pine's ta.atr uses ta.tr(true): the first bar's range counts, so the first value comes one bar earlier.
  { name: 'ATR(14) tradingview', kind: 'bar', expectedLookback: 13, create: () => new Atr(14, 'tradingview'), batch: (b, [o]) => atrBatch(b, 14, o!, 'tradingview') },
  stochCase('STOCH(14,3,3)', { kind: 'slow', kPeriod: 14, kSmoothing: 3, dPeriod: 3 }, 13 + 2 + 2),
  stochCase('STOCH(5,1,1)', { kind: 'slow', kPeriod: 5, kSmoothing: 1, dPeriod: 1 }, 4),
  stochCase('STOCHF(14,3)', { kind: 'fast', kPeriod: 14, dPeriod: 3 }, 13 + 2),
  {
    name: 'BBANDS(20,2)',
    kind: 'scalar',
    expectedLookback: 19,
    create: () => new BollingerBands({ period: 20 }),
    batch: (c, [m, u, l]) => bollingerBandsBatch(c, { period: 20 }, m!, u!, l!),
  },
  {
    name: 'BBANDS(10,1.5,2.5)',
    kind: 'scalar',
    expectedLookback: 9,
    create: () => new BollingerBands({ period: 10, stdDevUp: 1.5, stdDevDown: 2.5 }),
    batch: (c, [m, u, l]) => bollingerBandsBatch(c, { period: 10, stdDevUp: 1.5, stdDevDown: 2.5 }, m!, u!, l!),
  },
  { name: 'STDDEV(20)', kind: 'scalar', expectedLookback: 19, create: () => new RollingStdDev(20), batch: (c, [s, m]) => rollingStdDevBatch(c, 20, s!, m!) },
  { name: 'z-score(20)', kind: 'scalar', expectedLookback: 19, create: () => new ZScore(20), batch: (c, [o]) => zScoreBatch(c, 20, o!) },
  // Percentile rank compares with the N previous values, so it needs N + 1 inputs (lookback N).
  { name: 'percentile rank(14)', kind: 'scalar', expectedLookback: 14, create: () => new PercentileRank(14), batch: (c, [o]) => percentileRankBatch(c, 14, o!) },
  // Above 48 the window is kept sorted instead of scanned: both paths pass the contract.
  { name: 'percentile rank(50)', kind: 'scalar', expectedLookback: 50, create: () => new PercentileRank(50), batch: (c, [o]) => percentileRankBatch(c, 50, o!) },
  { name: 'percentile rank(500)', kind: 'scalar', expectedLookback: 500, create: () => new PercentileRank(500), batch: (c, [o]) => percentileRankBatch(c, 500, o!) },
  stochCase('STOCHF(100,1)', { kind: 'fast', kPeriod: 100, dPeriod: 1 }, 99),
  macdCase('MACD(12,26,9)', 12, 26, 9, 'talib'),
  macdCase('MACD(12,26,9) tradingview', 12, 26, 9, 'tradingview'),
  macdCase('MACD(5,5,1)', 5, 5, 1, 'talib'),
  { name: 'ADX(14)', kind: 'bar', expectedLookback: 27, create: () => new Adx(14), batch: (b, [a, p, m]) => adxBatch(b, 14, a!, p!, m!) },
  { name: 'ADX(2)', kind: 'bar', expectedLookback: 3, create: () => new Adx(2), batch: (b, [a, p, m]) => adxBatch(b, 2, a!, p!, m!) },
];

function stochCase(name: string, options: StochasticOptions, expectedLookback: number): IndicatorContractCase {
  return { name, kind: 'bar', expectedLookback, create: () => new Stochastic(options), batch: (b, [k, d]) => stochasticBatch(b, options, k!, d!) };
}

// TA-Lib MACD lookback = EMA lookback(slow) + EMA lookback(signal) = (slow - 1) + (signal - 1).
function macdCase(name: string, fast: number, slow: number, signal: number, variant: 'talib' | 'tradingview'): IndicatorContractCase {
  const options = { fast, slow, signal, variant };
  return {
    name,
    kind: 'scalar',
    expectedLookback: slow - 1 + signal - 1,
    create: () => new Macd(options),
    batch: (c, [m, s, h]) => macdBatch(c, options, m!, s!, h!),
  };
}

const datasets = [
  { label: 'BTCUSDT 1m', bars: loadKlines(BTC_1M, 3000) },
  { label: 'FILUSDT 1m (12-column file)', bars: loadKlines(FIL_1M, 3000) },
];

for (const { label, bars } of datasets) {
  describe(`indicator contract on ${label}`, () => {
    for (const c of cases) {
      for (const check of indicatorContract(c, bars)) it(check.title, check.run);
    }
  });
}
