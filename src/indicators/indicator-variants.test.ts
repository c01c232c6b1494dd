// Hand-calculated cases for the definitions that differ between TA-Lib and TradingView, plus parameter errors.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { Atr } from './atr.js';
import { Ema } from './ema.js';
import type { BarInput } from './indicator.js';
import { Macd } from './macd.js';
import { PercentileRank } from './percentile-rank.js';
import { Rsi } from './rsi.js';
import { Sma } from './sma.js';
import { ZScore } from './z-score.js';

const talib = createRequire(import.meta.url)('talib') as { execute(p: Record<string, unknown>): { begIndex: number; result: Record<string, number[]> } };

const bar = (high: number, low: number, close: number): BarInput => ({ openTimeMs: 0, open: close, high, low, close, volume: 1 });
// True ranges: bar0 H-L = 2; bar1 max(2, |11-9|, |9-9|) = 2; bar2 max(3, |13-10|, |10-10|) = 3; bar3 max(1, |12-12|, |11-12|) = 1.
const bars = [bar(10, 8, 9), bar(11, 9, 10), bar(13, 10, 12), bar(12, 11, 11)];

describe('ATR variants (hand calculation, N = 2)', () => {
  it('follows TA-Lib: seed = mean of the true ranges of bars 2..3, first value at bar 3', () => {
    const atr = new Atr(2);
    const got = bars.map((b) => atr.add(b));
    // seed (2 + 3) / 2 = 2.5; then (2.5 * 1 + 1) / 2 = 1.75
    expect(got, 'TA-Lib skips the first bar, which has no previous close').toEqual([undefined, undefined, 2.5, 1.75]);
  });
  it('follows TradingView ta.atr: the first bar counts with high - low, so values start one bar earlier', () => {
    const atr = new Atr(2, 'tradingview');
    const got = bars.map((b) => atr.add(b));
    // seed (2 + 2) / 2 = 2; 0.5 * 3 + 0.5 * 2 = 2.5; 0.5 * 1 + 0.5 * 2.5 = 1.75
    expect(got, 'rma over ta.tr(true)').toEqual([undefined, 2, 2.5, 1.75]);
  });
});

describe('MACD variants (hand calculation, fast 2, slow 3, signal 2, closes 1 2 4 8 16)', () => {
  const closes = [1, 2, 4, 8, 16];
  it('follows TA-Lib: the fast EMA is seeded with the mean of closes 2..3 so both EMAs start together', () => {
    const m = new Macd({ fast: 2, slow: 3, signal: 2 });
    for (const c of closes) m.add(c);
    // fast: seed (2+4)/2 = 3, then 19/3, 115/9; slow: 7/3, 31/6, 127/12; macd: 2/3, 7/6, 79/36;
    // signal: seed (2/3 + 7/6)/2 = 11/12, then (79/36 - 11/12) * 2/3 + 11/12 = 191/108.
    expect(m.output(0)!, 'macd = 115/9 - 127/12').toBeCloseTo(79 / 36, 12);
    expect(m.output(1)!, 'signal').toBeCloseTo(191 / 108, 12);
    expect(m.output(2)!, 'histogram = macd - signal').toBeCloseTo(79 / 36 - 191 / 108, 12);
    const ref = talib.execute({ name: 'MACD', startIdx: 0, endIdx: 4, inReal: closes, optInFastPeriod: 2, optInSlowPeriod: 3, optInSignalPeriod: 2 });
    expect(ref.result.outMACD!.at(-1)!, 'the hand calculation is what TA-Lib computes').toBeCloseTo(79 / 36, 12);
  });
  it('follows TradingView ta.macd: each EMA seeds from its own first closes', () => {
    const m = new Macd({ fast: 2, slow: 3, signal: 2, variant: 'tradingview' });
    for (const c of closes) m.add(c);
    // fast: seed (1+2)/2 = 3/2, then 19/6, 115/18, 691/54; slow: 7/3, 31/6, 127/12; macd: 5/6, 11/9, 239/108;
    // signal: seed (5/6 + 11/9)/2 = 37/36, then 2/3 * 239/108 + 1/3 * 37/36 = 589/324.
    expect(m.output(0)!, 'macd = 691/54 - 127/12').toBeCloseTo(239 / 108, 12);
    expect(m.output(1)!, 'signal').toBeCloseTo(589 / 324, 12);
  });
});

describe('edge definitions', () => {
  it('gives RSI 0 for a window without any movement, as TA-Lib does', () => {
    const rsi = new Rsi(3);
    const got = [5, 5, 5, 5].map((x) => rsi.add(x));
    expect(got, 'avgGain + avgLoss = 0 is reported as 0 by TA-Lib').toEqual([undefined, undefined, undefined, 0]);
  });
  it('seeds EMA with the SMA of the first N values', () => {
    const ema = new Ema(3);
    // seed (1+2+3)/3 = 2, then (4 - 2) * 0.5 + 2 = 3
    expect([1, 2, 3, 4].map((x) => ema.add(x)), 'k = 2/(3+1) = 0.5').toEqual([undefined, undefined, 2, 3]);
  });
  it('gives a z-score of 0 for a flat window instead of dividing by zero', () => {
    const z = new ZScore(3);
    expect([7, 7, 7].map((x) => z.add(x)).at(-1), 'sd = 0 means the value is at the mean').toBe(0);
  });
  it('ranks the current value against the N previous values only', () => {
    const pr = new PercentileRank(4);
    // previous 1 3 2 5; 3 is >= 1, 3, 2: 3 of 4 = 75%
    expect([1, 3, 2, 5, 3].map((x) => pr.add(x)).at(-1), 'ties count as at-or-below (ta.percentrank)').toBe(75);
  });
});

describe('parameter errors', () => {
  it('rejects a period of 0 with an error that names the parameter', () => {
    expect(() => new Sma(0), 'a zero-length window has no mean').toThrow(InputError);
    expect(() => new Ema(2.5), 'periods are whole numbers').toThrow(/EMA period: must be a whole number/);
  });
  it('rejects a MACD whose fast period is longer than its slow period instead of swapping silently', () => {
    expect(() => new Macd({ fast: 26, slow: 12, signal: 9 }), 'TA-Lib swaps them; we ask the user').toThrow(/MACD fast period/);
  });
});
