// Stochastic oscillator %K/%D, fast (TA-Lib STOCHF) and slow (TA-Lib STOCH), streaming and batch, amortised O(1)
// per bar. Matches TA-Lib bit for bit with SMA smoothing. Must never allocate per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { SlidingExtreme } from './sliding-extreme.js';
import { Sma, smaBatch } from './sma.js';

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

/**
 * Stochastic %K and %D in percent (0..100); outputs ['k', 'd']. The window's highest high and lowest low come
 * from monotonic deques (`SlidingExtreme`), so a bar costs amortised O(1) whatever the %K period; the extremes
 * are the bars' own values, so the result equals TA-Lib's window scan bit for bit.
 */
export class Stochastic implements BarIndicator {
  readonly outputNames = ['k', 'd'] as const;
  readonly lookback: number;
  private readonly kPeriod: number;
  private readonly highest: SlidingExtreme;
  private readonly lowest: SlidingExtreme;
  /** Smooths raw %K into slow %K; absent for the fast form, whose %K is the raw %K. */
  private readonly kSma: Sma | undefined;
  private readonly dSma: Sma;
  private n = 0;
  private k = 0;
  private savedK = 0;
  private inHigh = 0;
  private inLow = 0;
  private inClose = 0;

  constructor(options: StochasticOptions) {
    const { kPeriod, kSmoothing, dPeriod } = validate(options);
    this.kPeriod = kPeriod;
    this.highest = new SlidingExtreme(kPeriod, 'max');
    this.lowest = new SlidingExtreme(kPeriod, 'min');
    this.kSma = options.kind === 'slow' ? new Sma(kSmoothing) : undefined;
    this.dSma = new Sma(dPeriod);
    this.lookback = kPeriod - 1 + (kSmoothing - 1) + (dPeriod - 1);
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
    return index === 0 ? this.k : index === 1 ? this.dSma.value : undefined;
  }

  add(bar: BarInput): number | undefined {
    return this.addHLC(bar.high, bar.low, bar.close);
  }

  /** `add` for a bar given as numbers (high, low, close in price units): the allocation-free hot-loop entry. */
  addHLC(high: number, low: number, close: number): number | undefined {
    this.savedK = this.k;
    this.n++;
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.update(false);
    return this.n > this.lookback ? this.k : undefined;
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceHLC(bar.high, bar.low, bar.close);
  }

  /** `replace` for a bar given as numbers. */
  replaceHLC(high: number, low: number, close: number): number | undefined {
    if (this.n === 0) return this.addHLC(high, low, close);
    this.highest.undo();
    this.lowest.undo();
    this.k = this.savedK;
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.update(true);
    return this.n > this.lookback ? this.k : undefined;
  }

  /**
   * Feeds the bar in inHigh/inLow/inClose; `revise` passes it down as a replace so the smoothing stages undo
   * their last input too. The bar arrives through fields and nothing is returned: this step is too large for V8
   * to inline into a caller's loop, and a call that is not inlined boxes every double argument and result into
   * a HeapNumber. The stages are read through isStable / stableValue for the same reason.
   */
  private update(revise: boolean): void {
    this.highest.push(this.inHigh);
    this.lowest.push(this.inLow);
    if (this.n < this.kPeriod) return;
    let k = rawStochasticK(this.inClose, this.lowest.value, this.highest.value);
    const kSma = this.kSma;
    if (kSma !== undefined) {
      if (revise) kSma.replace(k);
      else kSma.add(k);
      if (!kSma.isStable) return;
      k = kSma.stableValue;
    }
    this.k = k;
    if (revise) this.dSma.replace(k);
    else this.dSma.add(k);
  }

  reset(): void {
    this.highest.reset();
    this.lowest.reset();
    this.n = 0;
    this.k = 0;
    this.kSma?.reset();
    this.dSma.reset();
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
  const highest = new SlidingExtreme(kPeriod, 'max');
  const lowest = new SlidingExtreme(kPeriod, 'min');
  for (let i = 0; i < n; i++) {
    highest.push(high[i]!);
    lowest.push(low[i]!);
    if (i >= rawStart) raw[i - rawStart] = rawStochasticK(close[i]!, lowest.value, highest.value);
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
