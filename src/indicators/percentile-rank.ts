// Percentile rank: the share of the previous N inputs at or below the latest one, streaming and batch. Exact (a
// count). Short windows are scanned; long ones kept sorted, so the rank is a binary search. Must never allocate
// per update.
import { InputError } from '../core/errors.js';
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/**
 * Percent (0..100) of the previous N inputs that are less than or equal to the current input; lookback N.
 * Definition: TradingView ta.percentrank ("percents of how many previous values was less than or equal to the
 * current value", https://www.tradingview.com/pine-script-reference/v5/#fun_ta.percentrank). Not in TA-Lib.
 *
 * Cost per update, two strategies chosen by N (the same counts, so the same bits either way):
 * - N <= SCAN_MAX_PERIOD (48): a scan of the window ring, N comparisons.
 * - longer windows: the window is also kept sorted. The rank is a binary search, O(log N); moving the oldest
 *   value out and the new one in shifts only the values between their two positions (a native memmove for
 *   long shifts): O(N) in the worst case, about N/3 slots for prices.
 * Measured on BTCUSDT 1m closes (docs/indicators.md, "Cost per update"): the sorted window loses to the scan at
 * N = 14 (0.6x), breaks even near N = 48 and wins from N = 100 on, by 2-4x at N = 500 and 4-10x at N = 2000;
 * hence the threshold. O(log N) updates would need a balanced order-statistics tree with a node pool (a Fenwick
 * tree over value ranks needs the set of values in advance, which a stream does not have); not built, because
 * the sorted window already runs at millions of updates a second for the windows traders use.
 * Inputs must not be NaN (it has no rank); a NaN input throws an InputError and changes nothing.
 */
export class PercentileRank implements ScalarIndicator {
  readonly outputNames = ['percentileRank'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly keepSorted: boolean;
  /** The last N inputs in arrival order; `head` is the oldest once the ring is full. */
  private readonly window: Float64Array;
  /** The same values, ascending; the first min(n, N) slots are in use. */
  private readonly sorted: Float64Array;
  private head = 0;
  private current = 0;
  private n = 0;
  private savedHead = 0;
  private savedCurrent = 0;
  /** The value the last add moved out of the window (only meaningful when the window was full). */
  private savedEvicted = 0;
  private lastInput = 0;

  constructor(period: number) {
    this.period = requireInteger('percentile rank period', period, 1);
    this.lookback = period;
    this.keepSorted = period > SCAN_MAX_PERIOD;
    this.window = new Float64Array(period);
    this.sorted = new Float64Array(this.keepSorted ? period : 0);
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
    if (x !== x) throw nanInput('percentile rank input', this.n);
    const period = this.period;
    const full = this.n >= period;
    this.savedHead = this.head;
    this.savedCurrent = this.current;
    this.lastInput = x;
    const n = ++this.n;
    const evicted = this.window[this.head]!;
    this.savedEvicted = evicted;
    if (!this.keepSorted) {
      if (full) this.current = (100 * countInRange(this.window, 0, period, x)) / period;
    } else if (full) {
      this.current = (100 * countAtOrBelow(this.sorted, period, x)) / period;
      moveSorted(this.sorted, period, evicted, x);
    } else {
      insertSorted(this.sorted, n - 1, x);
    }
    this.window[this.head] = x;
    this.head = this.head + 1 === period ? 0 : this.head + 1;
    return n > period ? this.current : undefined;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    if (x !== x) throw nanInput('percentile rank input', this.n - 1);
    // Undo the last add: put the evicted value back where the last input went (or just drop the last input).
    if (this.keepSorted) {
      if (this.n > this.period) moveSorted(this.sorted, this.period, this.lastInput, this.savedEvicted);
      else removeSorted(this.sorted, this.n, this.lastInput);
    }
    this.head = this.savedHead;
    this.window[this.head] = this.savedEvicted;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.window.fill(0);
    this.sorted.fill(0);
    this.head = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Windows up to this length are scanned; longer ones are kept sorted (measured crossover, see the class doc). */
const SCAN_MAX_PERIOD = 48;

/** How many of values[from..to) are <= x (a window ring in any order: a count does not depend on it). */
function countInRange(values: Float64Array, from: number, to: number, x: number): number {
  let atOrBelow = 0;
  for (let i = from; i < to; i++) if (values[i]! <= x) atOrBelow++;
  return atOrBelow;
}

function nanInput(input: string, index: number): InputError {
  return new InputError('INVALID_DATA', `${input} ${index}`, 'is NaN, which has no rank', 'drop or fill missing values before ranking them');
}

/** How many of the first `len` values of ascending `sorted` are <= x: the upper bound, by binary search. */
function countAtOrBelow(sorted: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts x into ascending `sorted[0..len)` (len < capacity), shifting the larger values up by one. */
function insertSorted(sorted: Float64Array, len: number, x: number): void {
  let i = len;
  while (i > 0 && sorted[i - 1]! > x) {
    sorted[i] = sorted[i - 1]!;
    i--;
  }
  sorted[i] = x;
}

/** Removes one copy of x (which must be present) from ascending `sorted[0..len)`. */
function removeSorted(sorted: Float64Array, len: number, x: number): void {
  let i = countAtOrBelow(sorted, len, x) - 1;
  for (; i + 1 < len; i++) sorted[i] = sorted[i + 1]!;
}

/** Below this many slots a shift is a plain loop; above it a native memmove (copyWithin) is cheaper. */
const MEMMOVE_MIN = 24;

/**
 * Replaces one copy of `out` (which must be present) by `into` in ascending `sorted[0..len)`, shifting only the
 * values between the two positions by one slot: O(distance) instead of a remove and an insert.
 */
function moveSorted(sorted: Float64Array, len: number, out: number, into: number): void {
  // The last copy of `out`: with equal values any copy is the same number.
  const from = countAtOrBelow(sorted, len, out) - 1;
  if (into > out) {
    // Values in (out, into) move down one slot; `into` goes after them.
    const to = countBelow(sorted, len, into) - 1;
    if (to - from > MEMMOVE_MIN) sorted.copyWithin(from, from + 1, to + 1);
    else for (let i = from; i < to; i++) sorted[i] = sorted[i + 1]!;
    sorted[to] = into;
  } else {
    // Values in (into, out] before `from` move up one slot; `into` goes before them.
    const to = countAtOrBelow(sorted, from, into);
    if (from - to > MEMMOVE_MIN) sorted.copyWithin(to + 1, to, from);
    else for (let i = from; i > to; i--) sorted[i] = sorted[i - 1]!;
    sorted[to] = into;
  }
}

/** How many of the first `len` values of ascending `sorted` are < x: the lower bound, by binary search. */
function countBelow(sorted: Float64Array, len: number, x: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Batch percentile rank into `out` (NaN for the first N indices); the same counts as `PercentileRank`, so the same
 * values. Allocates one sorted window of N per call for N above 48. Throws an InputError naming the index of a NaN input.
 */
export function percentileRankBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('percentile rank period', period, 1);
  const n = input.length;
  requireBatchBuffers('percentile rank', n, [out]);
  const keepSorted = period > SCAN_MAX_PERIOD;
  const sorted = new Float64Array(keepSorted ? period : 0);
  for (let i = 0; i < n; i++) {
    const x = input[i]!;
    if (x !== x) throw nanInput('percentile rank input at index', i);
    if (!keepSorted) {
      out[i] = i < period ? NaN : (100 * countInRange(input, i - period, i, x)) / period;
      continue;
    }
    if (i < period) {
      out[i] = NaN;
      insertSorted(sorted, i, x);
      continue;
    }
    out[i] = (100 * countAtOrBelow(sorted, period, x)) / period;
    moveSorted(sorted, period, input[i - period]!, x);
  }
}
