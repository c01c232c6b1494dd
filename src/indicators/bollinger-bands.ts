// Bollinger bands (SMA middle, population standard deviation bands), streaming and batch. Matches TA-Lib TA_BBANDS
// with MA type SMA bit for bit. Must never allocate per update.
import { requireBatchBuffers, requireFinite, requireInteger, type ScalarIndicator } from './indicator.js';

/** Below this variance TA-Lib reports a standard deviation of 0 (TA_IS_ZERO_OR_NEG, TA_EPSILON 1e-14). */
const TA_EPSILON = 1e-14;

export interface BollingerOptions {
  readonly period: number;
  /** Band distance above the middle, in standard deviations (default 2). */
  readonly stdDevUp?: number;
  /** Band distance below the middle, in standard deviations (default 2). */
  readonly stdDevDown?: number;
}

/**
 * Bollinger bands over N closes, outputs ['middle', 'upper', 'lower'] in price units; lookback N - 1.
 * middle = SMA(N); sd = sqrt(mean(x^2) - middle^2) (population, divisor N, as Bollinger and TradingView's
 * ta.stdev define it); upper = middle + up * sd; lower = middle - down * sd.
 * Operation order from TA-Lib ta_BBANDS.c / TA_INT_stddev_using_precalc_ma: a running sum of squares. That sum
 * cancels badly for high prices (BTC: squares near 1e10 for variances near 1e2), so values carry ~1e-7 relative
 * noise against an exact two-pass deviation; we keep TA-Lib's arithmetic so charts that use TA-Lib match exactly.
 */
export class BollingerBands implements ScalarIndicator {
  readonly outputNames = ['middle', 'upper', 'lower'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly up: number;
  private readonly down: number;
  private readonly window: Float64Array;
  private head = 0;
  private total = 0;
  private total2 = 0;
  private middle = 0;
  private sd = 0;
  private n = 0;
  private savedHead = 0;
  private savedSlot = 0;
  private savedTotal = 0;
  private savedTotal2 = 0;
  private savedMiddle = 0;
  private savedSd = 0;

  constructor(options: BollingerOptions) {
    this.period = requireInteger('Bollinger period', options.period, 2);
    this.up = requireFinite('Bollinger upper band width', options.stdDevUp ?? 2, 0);
    this.down = requireFinite('Bollinger lower band width', options.stdDevDown ?? 2, 0);
    this.lookback = this.period - 1;
    this.window = new Float64Array(this.period);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.middle : undefined;
  }
  /** The band's standard deviation (population), undefined until stable. */
  get stdDev(): number | undefined {
    return this.n > this.lookback ? this.sd : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.middle;
  }
  output(index: number): number | undefined {
    if (this.n <= this.lookback) return undefined;
    switch (index) {
      case 0:
        return this.middle;
      case 1:
        return this.middle + this.sd * this.up;
      case 2:
        return this.middle - this.sd * this.down;
      default:
        return undefined;
    }
  }

  add(x: number): number | undefined {
    this.savedHead = this.head;
    this.savedSlot = this.window[this.head]!;
    this.savedTotal = this.total;
    this.savedTotal2 = this.total2;
    this.savedMiddle = this.middle;
    this.savedSd = this.sd;
    this.window[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    this.total += x;
    this.total2 += x * x;
    if (++this.n <= this.lookback) return undefined;
    const oldest = this.window[this.head]!;
    this.middle = this.total / this.period;
    this.total -= oldest;
    let variance = this.total2 / this.period;
    this.total2 -= oldest * oldest;
    variance -= this.middle * this.middle;
    this.sd = variance < TA_EPSILON ? 0 : Math.sqrt(variance);
    return this.middle;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.head = this.savedHead;
    this.window[this.head] = this.savedSlot;
    this.total = this.savedTotal;
    this.total2 = this.savedTotal2;
    this.middle = this.savedMiddle;
    this.sd = this.savedSd;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.total = 0;
    this.total2 = 0;
    this.middle = 0;
    this.sd = 0;
    this.n = 0;
  }
}

/** Batch Bollinger bands into middle/upper/lower (NaN for the first N - 1 indices); same arithmetic as the class. */
export function bollingerBandsBatch(input: Float64Array, options: BollingerOptions, middleOut: Float64Array, upperOut: Float64Array, lowerOut: Float64Array): void {
  const period = requireInteger('Bollinger period', options.period, 2);
  const up = requireFinite('Bollinger upper band width', options.stdDevUp ?? 2, 0);
  const down = requireFinite('Bollinger lower band width', options.stdDevDown ?? 2, 0);
  const n = input.length;
  requireBatchBuffers('BBANDS', n, [middleOut, upperOut, lowerOut]);
  let total = 0;
  let total2 = 0;
  const warm = Math.min(period - 1, n);
  for (let i = 0; i < warm; i++) {
    const x = input[i]!;
    total += x;
    total2 += x * x;
    middleOut[i] = NaN;
    upperOut[i] = NaN;
    lowerOut[i] = NaN;
  }
  for (let i = warm; i < n; i++) {
    const x = input[i]!;
    total += x;
    total2 += x * x;
    const oldest = input[i - period + 1]!;
    const middle = total / period;
    total -= oldest;
    let variance = total2 / period;
    total2 -= oldest * oldest;
    variance -= middle * middle;
    const sd = variance < TA_EPSILON ? 0 : Math.sqrt(variance);
    middleOut[i] = middle;
    upperOut[i] = middle + sd * up;
    lowerOut[i] = middle - sd * down;
  }
}
