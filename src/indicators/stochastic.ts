// Stochastic oscillator %K/%D, fast (TA-Lib STOCHF) and slow (TA-Lib STOCH), streaming and batch, O(1) per bar
// on real prices. Matches TA-Lib bit for bit with SMA smoothing. Must never allocate per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { SLIDING_RESCAN_MAX_PERIOD, SlidingHighLow } from './sliding-extreme-rescan.js';
import { SlidingExtreme } from './sliding-extreme.js';
import { smaBatch } from './sma.js';

/**
 * The two published forms, both with SMA smoothing (TA-Lib's default MA type):
 * - fast (STOCHF): %K = raw %K over `kPeriod` bars, %D = SMA(%K, `dPeriod`); lookback kPeriod - 1 + dPeriod - 1.
 * - slow (STOCH): %K = SMA(raw %K, `kSmoothing`), %D = SMA(slow %K, `dPeriod`);
 *   lookback kPeriod - 1 + kSmoothing - 1 + dPeriod - 1. The usual 14/3/3 is TradingView's "Stoch" default.
 */
export type StochasticOptions =
  | { readonly kind: 'fast'; readonly kPeriod: number; readonly dPeriod: number }
  | { readonly kind: 'slow'; readonly kPeriod: number; readonly kSmoothing: number; readonly dPeriod: number };

/**
 * Raw %K in percent: (close - lowest low) / ((highest high - lowest low) / 100) over the window, and 0 when the
 * window has no range (TA-Lib ta_STOCH.c writes it this way, dividing by range / 100; we keep its operation order
 * so the values match to the last bit).
 */
export function rawStochasticK(close: number, lowest: number, highest: number): number {
  const diff = (highest - lowest) / 100;
  return diff !== 0 ? (close - lowest) / diff : 0;
}

function validate(o: StochasticOptions): { readonly kPeriod: number; readonly kSmoothing: number; readonly dPeriod: number } {
  const kPeriod = requireInteger('stochastic %K period', o.kPeriod, 1);
  const dPeriod = requireInteger('stochastic %D period', o.dPeriod, 1);
  const kSmoothing = o.kind === 'slow' ? requireInteger('stochastic %K smoothing', o.kSmoothing, 1) : 1;
  return { kPeriod, kSmoothing, dPeriod };
}

/** Slots of the stochastic's bar buffer: the bar's prices. */
const HIGH = 0;
const LOW = 1;
const CLOSE = 2;

/**
 * The window's highest high and lowest low: up to `SLIDING_RESCAN_MAX_PERIOD` bars a `SlidingHighLow` (compare
 * with the extreme, rescan when it leaves), above it two monotonic deques (`SlidingExtreme`, amortised O(1) in
 * every case). Both exist in every instance so that each field keeps one class (monomorphic call sites); the one
 * not used has a window of 1. The extremes are bar values either way, so the choice never changes a bit.
 */
class WindowExtremes {
  readonly rescan: boolean;
  readonly highLow: SlidingHighLow;
  readonly highest: SlidingExtreme;
  readonly lowest: SlidingExtreme;

  constructor(kPeriod: number) {
    this.rescan = kPeriod <= SLIDING_RESCAN_MAX_PERIOD;
    const dequePeriod = this.rescan ? 1 : kPeriod;
    this.highLow = new SlidingHighLow(this.rescan ? kPeriod : 1);
    this.highest = new SlidingExtreme(dequePeriod, 'max');
    this.lowest = new SlidingExtreme(dequePeriod, 'min');
  }
}

/**
 * Stochastic %K and %D in percent (0..100); outputs ['k', 'd']. The window's highest high and lowest low come
 * from `WindowExtremes` (above), so a bar costs O(1) on real prices whatever the %K period; the extremes are the
 * bars' own values, so the result equals TA-Lib's window scan bit for bit. The two SMA stages (slow %K
 * and %D) run inline on two small rings with `Sma`'s arithmetic; the fast form is the slow form with a %K
 * smoothing of 1, which gives the raw %K unchanged (x / 1 = x, and the running total returns to exactly 0).
 */
export class Stochastic implements BarIndicator {
  readonly outputNames = ['k', 'd'] as const;
  readonly lookback: number;
  private readonly kPeriod: number;
  private readonly rescan: boolean;
  private readonly highLow: SlidingHighLow;
  private readonly highest: SlidingExtreme;
  private readonly lowest: SlidingExtreme;
  /** The bar being added, passed to the window's extremes by slot (see `update`). */
  private readonly bar = new Float64Array(3);
  /** Raw %K values of the %K smoothing window and %K values of the %D window (rings). */
  private readonly kWindow: Float64Array;
  private readonly dWindow: Float64Array;
  /** Input count at which the smoothed %K, and then %D, first exist. */
  private readonly kFrom: number;
  private readonly dFrom: number;
  private n = 0;
  private k = 0;
  private d = 0;
  private kHead = 0;
  private kTotal = 0;
  private dHead = 0;
  private dTotal = 0;
  private savedK = 0;
  private savedD = 0;
  private savedKHead = 0;
  private savedKTotal = 0;
  private savedKSlot = 0;
  private savedDHead = 0;
  private savedDTotal = 0;
  private savedDSlot = 0;

  constructor(options: StochasticOptions) {
    const { kPeriod, kSmoothing, dPeriod } = validate(options);
    this.kPeriod = kPeriod;
    const extremes = new WindowExtremes(kPeriod);
    this.rescan = extremes.rescan;
    this.highLow = extremes.highLow;
    this.highest = extremes.highest;
    this.lowest = extremes.lowest;
    this.kWindow = new Float64Array(kSmoothing);
    this.dWindow = new Float64Array(dPeriod);
    this.kFrom = kPeriod + kSmoothing - 1;
    this.dFrom = this.kFrom + dPeriod - 1;
    this.lookback = this.dFrom - 1;
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.k : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.k;
  }
  output(index: number): number | undefined {
    if (this.n <= this.lookback) return undefined;
    return index === 0 ? this.k : index === 1 ? this.d : undefined;
  }

  add(bar: BarInput): number | undefined {
    return this.addHLC(bar.high, bar.low, bar.close);
  }

  /** `add` for a bar given as numbers (high, low, close in price units): the allocation-free hot-loop entry. */
  addHLC(high: number, low: number, close: number): number | undefined {
    this.n++;
    const bar = this.bar;
    bar[HIGH] = high;
    bar[LOW] = low;
    bar[CLOSE] = close;
    this.update(false);
    return this.n > this.lookback ? this.k : undefined;
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceHLC(bar.high, bar.low, bar.close);
  }

  /** `replace` for a bar given as numbers. */
  replaceHLC(high: number, low: number, close: number): number | undefined {
    if (this.n === 0) return this.addHLC(high, low, close);
    const bar = this.bar;
    bar[HIGH] = high;
    bar[LOW] = low;
    bar[CLOSE] = close;
    this.update(true);
    return this.n > this.lookback ? this.k : undefined;
  }

  /**
   * Feeds the bar in `this.bar`; `revise` first takes back what the last call did. No double crosses a call here:
   * the bar goes to the window's extremes by slot, their extremes come back through fields, and the raw %K formula and both
   * SMA stages are written out (with SMA stages as objects, their calls cost a third of the step, and when V8 left
   * one out of line it boxed a double per bar). TA-Lib's SMA order: add the new value, divide, subtract the oldest.
   */
  private update(revise: boolean): void {
    const bar = this.bar;
    const rescan = this.rescan;
    const highLow = this.highLow;
    const highest = this.highest;
    const lowest = this.lowest;
    if (revise) {
      if (rescan) highLow.undo();
      else {
        highest.undo();
        lowest.undo();
      }
      this.k = this.savedK;
      this.d = this.savedD;
    } else {
      this.savedK = this.k;
      this.savedD = this.d;
    }
    if (rescan) highLow.pushAt(bar, HIGH, bar, LOW);
    else {
      highest.pushAt(bar, HIGH);
      lowest.pushAt(bar, LOW);
    }
    const n = this.n;
    if (n < this.kPeriod) return;
    // rawStochasticK, in its operation order.
    const ll = rescan ? highLow.lowest : lowest.value;
    const diff = ((rescan ? highLow.highest : highest.value) - ll) / 100;
    const raw = diff !== 0 ? (bar[CLOSE]! - ll) / diff : 0;

    const kw = this.kWindow;
    if (revise) {
      this.kHead = this.savedKHead;
      this.kTotal = this.savedKTotal;
      kw[this.kHead] = this.savedKSlot;
    }
    let head = this.kHead;
    this.savedKHead = head;
    this.savedKTotal = this.kTotal;
    this.savedKSlot = kw[head]!;
    kw[head] = raw;
    head = head + 1 === kw.length ? 0 : head + 1;
    this.kHead = head;
    let total = this.kTotal + raw;
    if (n >= this.kFrom) {
      this.k = total / kw.length;
      total -= kw[head]!;
    }
    this.kTotal = total;
    if (n < this.kFrom) return;

    const k = this.k;
    const dw = this.dWindow;
    if (revise) {
      this.dHead = this.savedDHead;
      this.dTotal = this.savedDTotal;
      dw[this.dHead] = this.savedDSlot;
    }
    head = this.dHead;
    this.savedDHead = head;
    this.savedDTotal = this.dTotal;
    this.savedDSlot = dw[head]!;
    dw[head] = k;
    head = head + 1 === dw.length ? 0 : head + 1;
    this.dHead = head;
    total = this.dTotal + k;
    if (n >= this.dFrom) {
      this.d = total / dw.length;
      total -= dw[head]!;
    }
    this.dTotal = total;
  }

  reset(): void {
    this.highLow.reset();
    this.highest.reset();
    this.lowest.reset();
    this.kWindow.fill(0);
    this.dWindow.fill(0);
    this.n = 0;
    this.k = 0;
    this.d = 0;
    this.kHead = 0;
    this.kTotal = 0;
    this.dHead = 0;
    this.dTotal = 0;
  }
}

/**
 * Batch stochastic into `kOut` and `dOut` (NaN for the first `lookback` indices); same arithmetic as
 * `Stochastic`. Uses `scratch` (at least as long as the input) for the raw %K series when given; otherwise
 * allocates it once per call.
 */
export function stochasticBatch(bars: BarColumns, options: StochasticOptions, kOut: Float64Array, dOut: Float64Array, scratch?: Float64Array): void {
  const { kPeriod, kSmoothing, dPeriod } = validate(options);
  const n = barColumnsLength('STOCH', bars);
  requireBatchBuffers('STOCH', n, [kOut, dOut]);
  const { high, low, close } = bars;
  const rawStart = kPeriod - 1;
  const m = Math.max(0, n - rawStart);
  const raw = scratch ?? new Float64Array(m);
  requireBatchBuffers('STOCH scratch', m, [raw]);
  const { rescan, highLow, highest, lowest } = new WindowExtremes(kPeriod);
  if (rescan) {
    for (let i = 0; i < n; i++) {
      highLow.pushAt(high, i, low, i);
      if (i >= rawStart) raw[i - rawStart] = rawStochasticK(close[i]!, highLow.lowest, highLow.highest);
    }
  } else {
    for (let i = 0; i < n; i++) {
      highest.pushAt(high, i);
      lowest.pushAt(low, i);
      if (i >= rawStart) raw[i - rawStart] = rawStochasticK(close[i]!, lowest.value, highest.value);
    }
  }
  kOut.fill(NaN, 0, n);
  dOut.fill(NaN, 0, n);
  if (m === 0) return;
  // The smoothing stages run over the raw %K series from its first value, exactly as TA-Lib's TA_MA does.
  const kSeries = kOut.subarray(rawStart, n);
  if (options.kind === 'slow') smaBatch(raw.subarray(0, m), kSmoothing, kSeries);
  else kSeries.set(raw.subarray(0, m));
  const kStart = kSmoothing - 1;
  if (m > kStart) smaBatch(kSeries.subarray(kStart), dPeriod, dOut.subarray(rawStart + kStart, n));
  // %K is reported only where %D exists, as TA-Lib does (both outputs share one begIndex).
  kOut.fill(NaN, 0, Math.min(n, rawStart + kStart + dPeriod - 1));
}
