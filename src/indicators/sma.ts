// Simple moving average over the last N values, streaming and batch. Matches TA-Lib TA_SMA bit for bit by doing
// the same running-sum arithmetic in the same order. Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/**
 * SMA(N): the mean of the last N inputs; lookback N - 1.
 * Formula and operation order: TA-Lib ta_SMA.c (TA_INT_SMA): a running total that adds the new value, divides
 * by N, then subtracts the value leaving the window. Summing again from scratch would round differently.
 */
export class Sma implements ScalarIndicator {
  readonly outputNames = ['sma'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly window: Float64Array;
  private head = 0;
  private total = 0;
  private current = 0;
  private n = 0;
  private savedHead = 0;
  private savedTotal = 0;
  private savedCurrent = 0;
  private savedSlot = 0;

  constructor(period: number) {
    this.period = requireInteger('SMA period', period, 1);
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
    this.savedHead = this.head;
    this.savedTotal = this.total;
    this.savedCurrent = this.current;
    this.savedSlot = this.window[this.head]!;
    this.window[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    this.total += x;
    this.n++;
    if (this.n <= this.lookback) return undefined;
    this.current = this.total / this.period;
    // The slot after the newest holds the oldest value of the window: it leaves before the next input arrives.
    this.total -= this.window[this.head]!;
    return this.current;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.head = this.savedHead;
    this.total = this.savedTotal;
    this.current = this.savedCurrent;
    this.window[this.head] = this.savedSlot;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.total = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch SMA(N) of `input` into `out` (NaN for the first N - 1 indices); same arithmetic as `Sma`. */
export function smaBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('SMA period', period, 1);
  const n = input.length;
  requireBatchBuffers('SMA', n, [out]);
  let total = 0;
  const warm = Math.min(period - 1, n);
  for (let i = 0; i < warm; i++) {
    total += input[i]!;
    out[i] = NaN;
  }
  for (let i = warm; i < n; i++) {
    total += input[i]!;
    out[i] = total / period;
    total -= input[i - period + 1]!;
  }
}
