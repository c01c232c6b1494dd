// True range, streaming and batch, and the one-bar true-range formula shared by ATR and ADX. Matches TA-Lib
// TA_TRANGE. Must never allocate per update.
import { barColumnsLength, requireBatchBuffers, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';

/**
 * True range of a bar given the previous close: max(high - low, |high - prevClose|, |low - prevClose|), in price
 * units (Wilder 1978; TA-Lib ta_TRANGE.c and the TRUE_RANGE macro in ta_utility.h). Exact: only subtractions of
 * the given numbers and comparisons.
 */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const up = Math.abs(prevClose - high);
  if (up > greatest) greatest = up;
  const down = Math.abs(prevClose - low);
  if (down > greatest) greatest = down;
  return greatest;
}

/** True range per bar; lookback 1, because the first bar has no previous close (as TA-Lib TRANGE). */
export class TrueRange implements BarIndicator {
  readonly outputNames = ['trueRange'] as const;
  readonly lookback = 1;
  private prevClose = 0;
  private current = 0;
  private n = 0;
  private savedPrevClose = 0;
  private savedCurrent = 0;

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > 1;
  }
  get value(): number | undefined {
    return this.n > 1 ? this.current : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.current;
  }
  output(index: number): number | undefined {
    return index === 0 ? this.value : undefined;
  }

  add(bar: BarInput): number | undefined {
    return this.addHLC(bar.high, bar.low, bar.close);
  }

  /** `add` for a bar given as numbers (price units): the hot-loop entry, no bar object. */
  addHLC(high: number, low: number, close: number): number | undefined {
    this.savedPrevClose = this.prevClose;
    this.savedCurrent = this.current;
    const n = ++this.n;
    if (n > 1) this.current = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    return n > 1 ? this.current : undefined;
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceHLC(bar.high, bar.low, bar.close);
  }

  /** `replace` for a bar given as numbers. */
  replaceHLC(high: number, low: number, close: number): number | undefined {
    if (this.n === 0) return this.addHLC(high, low, close);
    this.prevClose = this.savedPrevClose;
    this.current = this.savedCurrent;
    this.n--;
    return this.addHLC(high, low, close);
  }

  reset(): void {
    this.prevClose = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch true range into `out` (NaN at index 0). */
export function trueRangeBatch(bars: BarColumns, out: Float64Array): void {
  const n = barColumnsLength('TRANGE', bars);
  requireBatchBuffers('TRANGE', n, [out]);
  const { high, low, close } = bars;
  if (n > 0) out[0] = NaN;
  for (let i = 1; i < n; i++) out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
}
