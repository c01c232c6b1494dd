// Stochastic oscillator %K/%D, fast (TA-Lib STOCHF) and slow (TA-Lib STOCH), streaming and batch. Matches TA-Lib
// bit for bit with SMA smoothing. Must never allocate per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
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

/** Stochastic %K and %D in percent (0..100); outputs ['k', 'd']. */
export class Stochastic implements BarIndicator {
  readonly outputNames = ['k', 'd'] as const;
  readonly lookback: number;
  private readonly kPeriod: number;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  /** Smooths raw %K into slow %K; absent for the fast form, whose %K is the raw %K. */
  private readonly kSma: Sma | undefined;
  private readonly dSma: Sma;
  private head = 0;
  private n = 0;
  private k = 0;
  private savedHead = 0;
  private savedHigh = 0;
  private savedLow = 0;
  private savedK = 0;

  constructor(options: StochasticOptions) {
    const { kPeriod, kSmoothing, dPeriod } = validate(options);
    this.kPeriod = kPeriod;
    this.highs = new Float64Array(kPeriod);
    this.lows = new Float64Array(kPeriod);
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
    this.savedHead = this.head;
    this.savedHigh = this.highs[this.head]!;
    this.savedLow = this.lows[this.head]!;
    this.savedK = this.k;
    this.n++;
    return this.step(bar, false);
  }

  replace(bar: BarInput): number | undefined {
    if (this.n === 0) return this.add(bar);
    this.head = this.savedHead;
    this.highs[this.head] = this.savedHigh;
    this.lows[this.head] = this.savedLow;
    this.k = this.savedK;
    return this.step(bar, true);
  }

  /** Feeds one bar; `revise` passes it down as a replace so the smoothing stages undo their last input too. */
  private step(bar: BarInput, revise: boolean): number | undefined {
    this.highs[this.head] = bar.high;
    this.lows[this.head] = bar.low;
    this.head = this.head + 1 === this.kPeriod ? 0 : this.head + 1;
    if (this.n < this.kPeriod) return undefined;
    let highest = this.highs[0]!;
    let lowest = this.lows[0]!;
    for (let i = 1; i < this.kPeriod; i++) {
      const h = this.highs[i]!;
      const l = this.lows[i]!;
      if (h > highest) highest = h;
      if (l < lowest) lowest = l;
    }
    const raw = rawStochasticK(bar.close, lowest, highest);
    let k: number | undefined = raw;
    if (this.kSma !== undefined) k = revise ? this.kSma.replace(raw) : this.kSma.add(raw);
    if (k === undefined) return undefined;
    this.k = k;
    const d = revise ? this.dSma.replace(k) : this.dSma.add(k);
    return d === undefined ? undefined : k;
  }

  reset(): void {
    this.highs.fill(0);
    this.lows.fill(0);
    this.head = 0;
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
  for (let i = rawStart; i < n; i++) {
    let highest = high[i - rawStart]!;
    let lowest = low[i - rawStart]!;
    for (let j = i - rawStart + 1; j <= i; j++) {
      if (high[j]! > highest) highest = high[j]!;
      if (low[j]! < lowest) lowest = low[j]!;
    }
    raw[i - rawStart] = rawStochasticK(close[i]!, lowest, highest);
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
