// Exponential moving average, streaming and batch, seeded as TA-Lib seeds it. Matches TA-Lib TA_EMA bit for bit.
// Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/** The EMA smoothing factor k = 2 / (N + 1) (TA-Lib's PER_TO_K macro, ta_utility.h). */
export function emaFactor(period: number): number {
  return 2 / (period + 1);
}

/**
 * EMA(N) with k = 2 / (N + 1); lookback N - 1.
 * Seeding (TA-Lib ta_EMA.c, TA_COMPATIBILITY_DEFAULT): the first value, at input N, is the SMA of the first N
 * inputs (summed left to right, then divided by N); after that ema = (x - ema) * k + ema.
 * TradingView's ta.ema also seeds with the SMA of the first N values and then computes
 * alpha * x + (1 - alpha) * ema: the same number up to the last bits of rounding, so no separate variant.
 * (Libraries that seed with the first input instead give different values for roughly 3N bars.)
 */
export class Ema implements ScalarIndicator {
  readonly outputNames = ['ema'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly k: number;
  private sum = 0;
  private current = 0;
  private n = 0;
  private savedSum = 0;
  private savedCurrent = 0;

  constructor(period: number) {
    this.period = requireInteger('EMA period', period, 1);
    this.lookback = period - 1;
    this.k = emaFactor(period);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.current : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.current;
  }
  output(index: number): number | undefined {
    return index === 0 ? this.value : undefined;
  }

  add(x: number): number | undefined {
    this.savedCurrent = this.current;
    const n = ++this.n;
    if (n > this.period) {
      this.current = (x - this.current) * this.k + this.current;
      return this.current;
    }
    // The seed sum is fixed after input N, so only the warm-up inputs save it for replace.
    this.savedSum = this.sum;
    this.sum += x;
    if (n < this.period) return undefined;
    this.current = this.sum / this.period;
    return this.current;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.sum = this.savedSum;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.sum = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch EMA(N) of `input` into `out` (NaN for the first N - 1 indices); same arithmetic as `Ema`. */
export function emaBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('EMA period', period, 1);
  const n = input.length;
  requireBatchBuffers('EMA', n, [out]);
  const k = emaFactor(period);
  if (n < period) {
    out.fill(NaN, 0, n);
    return;
  }
  let sum = 0;
  for (let i = 0; i < period - 1; i++) {
    sum += input[i]!;
    out[i] = NaN;
  }
  sum += input[period - 1]!;
  let ema = sum / period;
  out[period - 1] = ema;
  for (let i = period; i < n; i++) {
    ema = (input[i]! - ema) * k + ema;
    out[i] = ema;
  }
}
