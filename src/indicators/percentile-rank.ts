// Percentile rank: the share of the previous N inputs at or below the latest one, streaming and batch. Exact (a
// count). Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/**
 * Percent (0..100) of the previous N inputs that are less than or equal to the current input; lookback N.
 * Definition: TradingView ta.percentrank ("percents of how many previous values was less than or equal to the
 * current value", https://www.tradingview.com/pine-script-reference/v5/#fun_ta.percentrank). Not in TA-Lib.
 * O(N) per update (a scan of the window), with no sorting and no allocation.
 */
export class PercentileRank implements ScalarIndicator {
  readonly outputNames = ['percentileRank'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly window: Float64Array;
  private head = 0;
  private current = 0;
  private n = 0;
  private savedHead = 0;
  private savedSlot = 0;
  private savedCurrent = 0;

  constructor(period: number) {
    this.period = requireInteger('percentile rank period', period, 1);
    this.lookback = period;
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
    this.savedCurrent = this.current;
    const n = ++this.n;
    if (n > this.period) {
      let atOrBelow = 0;
      for (let i = 0; i < this.period; i++) if (this.window[i]! <= x) atOrBelow++;
      this.current = (100 * atOrBelow) / this.period;
    }
    this.window[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    return n > this.period ? this.current : undefined;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.head = this.savedHead;
    this.window[this.head] = this.savedSlot;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch percentile rank into `out` (NaN for the first N indices); same arithmetic as `PercentileRank`. */
export function percentileRankBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('percentile rank period', period, 1);
  const n = input.length;
  requireBatchBuffers('percentile rank', n, [out]);
  out.fill(NaN, 0, Math.min(period, n));
  for (let i = period; i < n; i++) {
    const x = input[i]!;
    let atOrBelow = 0;
    for (let j = i - period; j < i; j++) if (input[j]! <= x) atOrBelow++;
    out[i] = (100 * atOrBelow) / period;
  }
}
