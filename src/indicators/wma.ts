// Weighted moving average (linear weights 1..N, newest heaviest), streaming and batch. Matches TA-Lib TA_WMA bit
// for bit by keeping its running sums. Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/**
 * WMA(N), N >= 2 (as TA-Lib: with N = 1 the running sums would drift off the identity) = sum(w_i * x_i) / (N (N + 1) / 2) with weight N on the newest input and 1 on the oldest; lookback N - 1.
 * Operation order from TA-Lib ta_WMA.c: a weighted running sum `periodSum` and a plain running sum `periodSub`;
 * each step adds N * x, outputs periodSum / divider, then subtracts periodSub (which shifts every weight down by
 * one), so values equal TA-Lib's exactly, not just approximately.
 */
export class Wma implements ScalarIndicator {
  readonly outputNames = ['wma'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly divider: number;
  private readonly window: Float64Array;
  private head = 0;
  private periodSum = 0;
  private periodSub = 0;
  private trailing = 0;
  private current = 0;
  private n = 0;
  private savedHead = 0;
  private savedSlot = 0;
  private savedPeriodSum = 0;
  private savedPeriodSub = 0;
  private savedTrailing = 0;
  private savedCurrent = 0;

  constructor(period: number) {
    this.period = requireInteger('WMA period', period, 2);
    this.lookback = period - 1;
    this.divider = (period * (period + 1)) / 2;
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
    this.savedSlot = this.window[this.head]!;
    this.savedPeriodSum = this.periodSum;
    this.savedPeriodSub = this.periodSub;
    this.savedTrailing = this.trailing;
    this.savedCurrent = this.current;
    this.window[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    const n = ++this.n;
    if (n < this.period) {
      this.periodSub += x;
      this.periodSum += x * n;
      return undefined;
    }
    this.periodSub += x;
    this.periodSub -= this.trailing;
    this.periodSum += x * this.period;
    // The oldest value of the full window leaves periodSub on the next step, as in TA-Lib.
    this.trailing = this.window[this.head]!;
    this.current = this.periodSum / this.divider;
    this.periodSum -= this.periodSub;
    return this.current;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.head = this.savedHead;
    this.window[this.head] = this.savedSlot;
    this.periodSum = this.savedPeriodSum;
    this.periodSub = this.savedPeriodSub;
    this.trailing = this.savedTrailing;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.periodSum = 0;
    this.periodSub = 0;
    this.trailing = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch WMA(N) of `input` into `out` (NaN for the first N - 1 indices); same arithmetic as `Wma`. */
export function wmaBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('WMA period', period, 2);
  const n = input.length;
  requireBatchBuffers('WMA', n, [out]);
  const divider = (period * (period + 1)) / 2;
  let periodSum = 0;
  let periodSub = 0;
  const warm = Math.min(period - 1, n);
  for (let i = 0; i < warm; i++) {
    const x = input[i]!;
    periodSub += x;
    periodSum += x * (i + 1);
    out[i] = NaN;
  }
  let trailing = 0;
  for (let i = warm; i < n; i++) {
    const x = input[i]!;
    periodSub += x;
    periodSub -= trailing;
    periodSum += x * period;
    trailing = input[i - period + 1]!;
    out[i] = periodSum / divider;
    periodSum -= periodSub;
  }
}
