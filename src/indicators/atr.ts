// Average true range (Wilder), streaming and batch, in TA-Lib's seeding or TradingView's. Agrees with TA-Lib TA_ATR
// to a few units in the last place (the smoothing multiplies by 1/N where TA-Lib divides). Must never allocate
// per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { trueRange } from './true-range.js';
import { wilderDecay } from './wilder-smoothing.js';

/**
 * Which published definition to follow where they differ:
 * - 'talib' (default): TA-Lib ta_ATR.c. The first bar has no true range; the seed is the plain mean of the true
 *   ranges of bars 2..N+1; then atr = (atr * (N - 1) + tr) / N, computed as atr * ((N - 1) / N) + tr * (1 / N)
 *   (see `wilderDecay`). Lookback N.
 * - 'tradingview': Pine's ta.atr = ta.rma(ta.tr(true), N). The first bar's true range is high - low, so the
 *   seed is the mean of bars 1..N and the first value comes one bar earlier (lookback N - 1); then
 *   rma = (1/N) * tr + (1 - 1/N) * rma (https://www.tradingview.com/pine-script-reference/v5/#fun_ta.atr).
 * Both converge to the same series after a few times N bars; they differ most right after the start.
 * (indicatorts' ATR is a plain N-bar average of true range: neither of these.)
 */
export type AtrVariant = 'talib' | 'tradingview';

/**
 * ATR(N) in price units. `add(bar)` and the number form `addHLC(high, low, close)` give the same bits; the number
 * form is the hot-loop entry (no bar object to fill and read). After the warm-up an update is one true range and
 * one multiply-add, small enough for the JIT to inline into the caller's loop.
 */
export class Atr implements BarIndicator {
  readonly outputNames = ['atr'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly tradingView: boolean;
  private readonly alpha: number;
  private readonly decay: number;
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
    this.decay = atrDecay(period, variant);
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
    return this.addHLC(bar.high, bar.low, bar.close);
  }

  /** `add` for a bar given as numbers (price units). */
  addHLC(high: number, low: number, close: number): number | undefined {
    this.savedPrevClose = this.prevClose;
    this.savedCurrent = this.current;
    const n = ++this.n;
    if (n <= this.lookback + 1) return this.warmUp(n, high, low, close);
    const tr = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    // The same operations as the batch loop, so the bits agree.
    this.current = this.current * this.decay + tr * this.alpha;
    return this.current;
  }

  /** Inputs up to the first value: accumulate true ranges, then seed with their mean. Kept out of the hot path. */
  private warmUp(n: number, high: number, low: number, close: number): number | undefined {
    // The sum is fixed once seeded, so only warm-up inputs need to save it for replace.
    this.savedAcc = this.acc;
    const tr = n === 1 ? high - low : trueRange(high, low, this.prevClose);
    this.prevClose = close;
    // TA-Lib's first bar has no true range; TradingView's counts with high - low.
    if (n === 1 && !this.tradingView) return undefined;
    this.acc += tr;
    if (n <= this.lookback) return undefined;
    this.current = this.acc / this.period;
    return this.current;
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceHLC(bar.high, bar.low, bar.close);
  }

  /** `replace` for a bar given as numbers. */
  replaceHLC(high: number, low: number, close: number): number | undefined {
    if (this.n === 0) return this.addHLC(high, low, close);
    this.prevClose = this.savedPrevClose;
    this.acc = this.savedAcc;
    this.current = this.savedCurrent;
    this.n--;
    return this.addHLC(high, low, close);
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
  const alpha = 1 / period;
  const decay = atrDecay(period, variant);
  for (let i = lookback + 1; i < n; i++) {
    let tr = high[i]! - low[i]!;
    const pc = close[i - 1]!;
    const up = Math.abs(pc - high[i]!);
    if (up > tr) tr = up;
    const down = Math.abs(pc - low[i]!);
    if (down > tr) tr = down;
    atr = atr * decay + tr * alpha;
    out[i] = atr;
  }
}

/**
 * The smoothing's decay: (N - 1) / N for TA-Lib (`wilderDecay`), Pine's 1 - 1/N for TradingView
 * (rma = alpha * x + (1 - alpha) * rma). The two can differ in the last bit.
 */
function atrDecay(period: number, variant: AtrVariant): number {
  return variant === 'tradingview' ? 1 - 1 / period : wilderDecay(period);
}
