// Bollinger bands (SMA middle, population standard deviation bands), streaming and batch. Matches TA-Lib TA_BBANDS
// with MA type SMA bit for bit. Must never allocate per update.
import { requireBatchBuffers, requireFinite, requireInteger, type ScalarIndicator } from './indicator.js';
import { RollingStdDev, rollingStdDevBatch } from './rolling-std-dev.js';

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
  private readonly up: number;
  private readonly down: number;
  // The middle band is the window mean and the width its standard deviation: TA_BBANDS with an SMA computes both
  // with TA_STDDEV's running sums, so the bands reuse RollingStdDev (same arithmetic, bit for bit).
  private readonly window: RollingStdDev;

  constructor(options: BollingerOptions) {
    const period = requireInteger('Bollinger period', options.period, 2);
    this.up = requireFinite('Bollinger upper band width', options.stdDevUp ?? 2, 0);
    this.down = requireFinite('Bollinger lower band width', options.stdDevDown ?? 2, 0);
    this.window = new RollingStdDev(period);
    this.lookback = this.window.lookback;
  }

  get count(): number {
    return this.window.count;
  }
  get isStable(): boolean {
    return this.window.isStable;
  }
  get value(): number | undefined {
    return this.window.isStable ? this.window.stableMean : undefined;
  }
  /** The band's standard deviation (population), undefined until stable. */
  get stdDev(): number | undefined {
    return this.window.value;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.window.stableMean;
  }
  output(index: number): number | undefined {
    if (!this.window.isStable) return undefined;
    const middle = this.window.stableMean;
    switch (index) {
      case 0:
        return middle;
      case 1:
        return middle + this.window.stableValue * this.up;
      case 2:
        return middle - this.window.stableValue * this.down;
      default:
        return undefined;
    }
  }

  add(x: number): number | undefined {
    this.window.add(x);
    return this.value;
  }

  replace(x: number): number | undefined {
    this.window.replace(x);
    return this.value;
  }

  reset(): void {
    this.window.reset();
  }
}

/** Batch Bollinger bands into middle/upper/lower (NaN for the first N - 1 indices); same arithmetic as the class. */
export function bollingerBandsBatch(input: Float64Array, options: BollingerOptions, middleOut: Float64Array, upperOut: Float64Array, lowerOut: Float64Array): void {
  const period = requireInteger('Bollinger period', options.period, 2);
  const up = requireFinite('Bollinger upper band width', options.stdDevUp ?? 2, 0);
  const down = requireFinite('Bollinger lower band width', options.stdDevDown ?? 2, 0);
  const n = input.length;
  requireBatchBuffers('BBANDS', n, [middleOut, upperOut, lowerOut]);
  // The standard deviation goes into upperOut first, then each index becomes its band (NaN stays NaN in warm-up).
  rollingStdDevBatch(input, period, upperOut, middleOut);
  for (let i = 0; i < n; i++) {
    const middle = middleOut[i]!;
    const sd = upperOut[i]!;
    upperOut[i] = middle + sd * up;
    lowerOut[i] = middle - sd * down;
  }
}
