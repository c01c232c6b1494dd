// Average true range (Wilder), streaming and batch, in TA-Lib's seeding or TradingView's. Matches TA-Lib TA_ATR
// bit for bit in the default variant. Must never allocate per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { trueRange } from './true-range.js';

/**
 * Which published definition to follow where they differ:
 * - 'talib' (default): TA-Lib ta_ATR.c. The first bar has no true range; the seed is the plain mean of the true
 *   ranges of bars 2..N+1; then atr = (atr * (N - 1) + tr) / N. Lookback N.
 * - 'tradingview': Pine's ta.atr = ta.rma(ta.tr(true), N). The first bar's true range is high - low, so the
 *   seed is the mean of bars 1..N and the first value comes one bar earlier (lookback N - 1); then
 *   rma = (1/N) * tr + (1 - 1/N) * rma (https://www.tradingview.com/pine-script-reference/v5/#fun_ta.atr).
 * Both converge to the same series after a few times N bars; they differ most right after the start.
 * (indicatorts' ATR is a plain N-bar average of true range: neither of these.)
 */
export type AtrVariant = 'talib' | 'tradingview';

/** ATR(N) in price units. */
export class Atr implements BarIndicator {
  readonly outputNames = ['atr'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly tradingView: boolean;
  private readonly alpha: number;
  private prevClose = 0;
  private acc = 0;
  private current = 0;
  private n = 0;
  private savedPrevClose = 0;
  private savedAcc = 0;
  private savedCurrent = 0;

  constructor(period: number, variant: AtrVariant = 'talib') {
    this.period = requireInteger('ATR period', period, 1);
    this.tradingView = variant === 'tradingview';
    this.lookback = this.tradingView ? period - 1 : period;
    this.alpha = 1 / period;
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

  add(bar: BarInput): number | undefined {
    this.savedPrevClose = this.prevClose;
    this.savedAcc = this.acc;
    this.savedCurrent = this.current;
    const n = ++this.n;
    const first = n === 1;
    const tr = first ? bar.high - bar.low : trueRange(bar.high, bar.low, this.prevClose);
    this.prevClose = bar.close;
    const p = this.period;
    if (this.tradingView) {
      if (n < p) {
        this.acc += tr;
        return undefined;
      }
      if (n === p) {
        this.acc += tr;
        this.current = this.acc / p;
      } else {
        this.current = this.alpha * tr + (1 - this.alpha) * this.current;
      }
      return this.current;
    }
    if (first) return undefined;
    if (n <= p) {
      this.acc += tr;
      return undefined;
    }
    if (n === p + 1) {
      this.acc += tr;
      this.current = this.acc / p;
    } else {
      this.current = (this.current * (p - 1) + tr) / p;
    }
    return this.current;
  }

  replace(bar: BarInput): number | undefined {
    if (this.n === 0) return this.add(bar);
    this.prevClose = this.savedPrevClose;
    this.acc = this.savedAcc;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(bar);
  }

  reset(): void {
    this.prevClose = 0;
    this.acc = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch ATR(N) into `out` (NaN for the first `lookback` indices); same arithmetic as `Atr`. */
export function atrBatch(bars: BarColumns, period: number, out: Float64Array, variant: AtrVariant = 'talib'): void {
  requireInteger('ATR period', period, 1);
  const n = barColumnsLength('ATR', bars);
  requireBatchBuffers('ATR', n, [out]);
  const { high, low, close } = bars;
  const tradingView = variant === 'tradingview';
  const lookback = tradingView ? period - 1 : period;
  if (n <= lookback) {
    out.fill(NaN, 0, n);
    return;
  }
  const start = tradingView ? 0 : 1;
  let acc = 0;
  for (let i = 0; i < lookback; i++) out[i] = NaN;
  for (let i = start; i <= lookback; i++) acc += i === 0 ? high[0]! - low[0]! : trueRange(high[i]!, low[i]!, close[i - 1]!);
  let atr = acc / period;
  out[lookback] = atr;
  if (tradingView) {
    const alpha = 1 / period;
    for (let i = lookback + 1; i < n; i++) {
      atr = alpha * trueRange(high[i]!, low[i]!, close[i - 1]!) + (1 - alpha) * atr;
      out[i] = atr;
    }
    return;
  }
  const keep = period - 1;
  for (let i = lookback + 1; i < n; i++) {
    let tr = high[i]! - low[i]!;
    const pc = close[i - 1]!;
    const up = Math.abs(pc - high[i]!);
    if (up > tr) tr = up;
    const down = Math.abs(pc - low[i]!);
    if (down > tr) tr = down;
    atr = (atr * keep + tr) / period;
    out[i] = atr;
  }
}
