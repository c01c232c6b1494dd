// Rolling population standard deviation (and the window mean), streaming and batch. Matches TA-Lib TA_STDDEV
// (nbDev 1) bit for bit. Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/** Below this variance TA-Lib reports 0 (TA_IS_ZERO_OR_NEG, TA_EPSILON 1e-14). */
const TA_EPSILON = 1e-14;

/**
 * Standard deviation of the last N inputs with divisor N (population), outputs ['stdDev', 'mean']; lookback N - 1.
 * Formula and operation order from TA-Lib ta_VAR.c (TA_INT_VAR) and ta_STDDEV.c: running sums of x and x^2;
 * variance = sum2/N - (sum/N)^2; a variance below 1e-14 (including the negative values cancellation can give)
 * reports 0. Like TA-Lib it loses relative precision on high prices with small moves (see bollinger-bands.ts).
 */
export class RollingStdDev implements ScalarIndicator {
  readonly outputNames = ['stdDev', 'mean'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly window: Float64Array;
  private head = 0;
  private total = 0;
  private total2 = 0;
  private mean = 0;
  private sd = 0;
  private n = 0;
  private savedHead = 0;
  private savedSlot = 0;
  private savedTotal = 0;
  private savedTotal2 = 0;
  private savedMean = 0;
  private savedSd = 0;

  constructor(period: number) {
    this.period = requireInteger('standard deviation period', period, 2);
    this.lookback = period - 1;
    this.window = new Float64Array(period);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.sd : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.sd;
  }
  /** The window mean as a plain number; meaningful only while isStable (0 before). */
  get stableMean(): number {
    return this.mean;
  }
  output(index: number): number | undefined {
    if (this.n <= this.lookback) return undefined;
    return index === 0 ? this.sd : index === 1 ? this.mean : undefined;
  }

  add(x: number): number | undefined {
    this.savedHead = this.head;
    this.savedSlot = this.window[this.head]!;
    this.savedTotal = this.total;
    this.savedTotal2 = this.total2;
    this.savedMean = this.mean;
    this.savedSd = this.sd;
    this.window[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    this.total += x;
    this.total2 += x * x;
    if (++this.n <= this.lookback) return undefined;
    this.mean = this.total / this.period;
    const mean2 = this.total2 / this.period;
    const oldest = this.window[this.head]!;
    this.total -= oldest;
    this.total2 -= oldest * oldest;
    const variance = mean2 - this.mean * this.mean;
    this.sd = variance < TA_EPSILON ? 0 : Math.sqrt(variance);
    return this.sd;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.head = this.savedHead;
    this.window[this.head] = this.savedSlot;
    this.total = this.savedTotal;
    this.total2 = this.savedTotal2;
    this.mean = this.savedMean;
    this.sd = this.savedSd;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.total = 0;
    this.total2 = 0;
    this.mean = 0;
    this.sd = 0;
    this.n = 0;
  }
}

/** Batch rolling standard deviation and mean (NaN for the first N - 1 indices); same arithmetic as the class. */
export function rollingStdDevBatch(input: Float64Array, period: number, sdOut: Float64Array, meanOut: Float64Array): void {
  requireInteger('standard deviation period', period, 2);
  const n = input.length;
  requireBatchBuffers('STDDEV', n, [sdOut, meanOut]);
  let total = 0;
  let total2 = 0;
  const warm = Math.min(period - 1, n);
  for (let i = 0; i < warm; i++) {
    const x = input[i]!;
    total += x;
    total2 += x * x;
    sdOut[i] = NaN;
    meanOut[i] = NaN;
  }
  for (let i = warm; i < n; i++) {
    const x = input[i]!;
    total += x;
    total2 += x * x;
    const mean = total / period;
    const mean2 = total2 / period;
    const oldest = input[i - period + 1]!;
    total -= oldest;
    total2 -= oldest * oldest;
    const variance = mean2 - mean * mean;
    sdOut[i] = variance < TA_EPSILON ? 0 : Math.sqrt(variance);
    meanOut[i] = mean;
  }
}
