// Average directional index with +DI and -DI (Wilder), streaming and batch. Agrees with TA-Lib TA_ADX, TA_PLUS_DI
// and TA_MINUS_DI to a few units in the last place (the smoothing multiplies where TA-Lib divides). Must never
// allocate per update.
import { barColumnsLength, requireBatchBuffers, requireInteger, type BarColumns, type BarIndicator, type BarInput } from './indicator.js';
import { trueRange } from './true-range.js';
import { wilderDecay } from './wilder-smoothing.js';

/** TA-Lib treats |v| < 1e-14 as zero here (TA_IS_ZERO, TA_EPSILON in ta_utility.h). */
const TA_EPSILON = 1e-14;

/**
 * ADX(N) with +DI(N) and -DI(N), all in percent; outputs ['adx', 'plusDI', 'minusDI']; lookback 2N - 1 (the
 * DIs exist from input N + 1, TA-Lib's PLUS_DI lookback N, but this indicator reports all three together once
 * ADX exists).
 * Wilder (1978) as TA-Lib ta_ADX.c computes it: +DM = up move when it is positive and larger than the down move
 * (else 0), -DM likewise; DM and TR are summed over the first N - 1 changes, then smoothed as s = s - s/N + v;
 * DI = 100 * DM / TR (0 when TR is 0); DX = 100 * |+DI - -DI| / (+DI + -DI); ADX starts as the mean of the first
 * N DX values, then ADX = (ADX * (N - 1) + DX) / N. A step with no range keeps the previous ADX, as TA-Lib does.
 * Both smoothings run as s * ((N - 1) / N) + v and ADX * ((N - 1) / N) + DX * (1 / N) (see `wilderDecay`).
 */
export class Adx implements BarIndicator {
  readonly outputNames = ['adx', 'plusDI', 'minusDI'] as const;
  readonly lookback: number;
  private readonly period: number;
  private readonly alpha: number;
  private readonly decay: number;
  private prevHigh = 0;
  private prevLow = 0;
  private prevClose = 0;
  private plusDM = 0;
  private minusDM = 0;
  private tr = 0;
  private sumDX = 0;
  private adx = 0;
  private plusDI = 0;
  private minusDI = 0;
  private n = 0;
  private inHigh = 0;
  private inLow = 0;
  private inClose = 0;
  private readonly saved = new Float64Array(10);

  constructor(period: number) {
    this.period = requireInteger('ADX period', period, 2);
    this.lookback = 2 * period - 1;
    this.alpha = 1 / period;
    this.decay = wilderDecay(period);
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.adx : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.adx;
  }
  output(index: number): number | undefined {
    if (this.n <= this.lookback) return undefined;
    return index === 0 ? this.adx : index === 1 ? this.plusDI : index === 2 ? this.minusDI : undefined;
  }

  add(bar: BarInput): number | undefined {
    return this.addHLC(bar.high, bar.low, bar.close);
  }

  /** `add` for a bar given as numbers (price units): the hot-loop entry, no bar object. */
  addHLC(high: number, low: number, close: number): number | undefined {
    this.inHigh = high;
    this.inLow = low;
    this.inClose = close;
    this.update();
    return this.n > this.lookback ? this.adx : undefined;
  }

  /**
   * The whole step on the bar in inHigh/inLow/inClose. It is too large for V8 to inline into the caller's loop,
   * and a call that is not inlined boxes every double argument and return value into a HeapNumber; so the bar
   * arrives through fields and nothing is returned. The small `addHLC` around it is inlined, and a caller that
   * ignores its result allocates nothing.
   */
  private update(): void {
    const high = this.inHigh;
    const low = this.inLow;
    const close = this.inClose;
    const s = this.saved;
    s[0] = this.prevHigh;
    s[1] = this.prevLow;
    s[2] = this.prevClose;
    s[3] = this.plusDM;
    s[4] = this.minusDM;
    s[5] = this.tr;
    s[6] = this.sumDX;
    s[7] = this.adx;
    s[8] = this.plusDI;
    s[9] = this.minusDI;
    const i = this.n++;
    const p = this.period;
    if (i === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    const tr = trueRange(high, low, this.prevClose);
    this.prevClose = close;
    if (i < p) {
      if (diffM > 0 && diffP < diffM) this.minusDM += diffM;
      else if (diffP > 0 && diffP > diffM) this.plusDM += diffP;
      this.tr += tr;
      return;
    }
    const decay = this.decay;
    this.minusDM *= decay;
    this.plusDM *= decay;
    if (diffM > 0 && diffP < diffM) this.minusDM += diffM;
    else if (diffP > 0 && diffP > diffM) this.plusDM += diffP;
    this.tr = this.tr * decay + tr;
    // A flag and a plain number, not `number | undefined`: V8 would box every DX into a HeapNumber.
    let dx = 0;
    let hasDx = false;
    if (this.tr > -TA_EPSILON && this.tr < TA_EPSILON) {
      this.minusDI = 0;
      this.plusDI = 0;
    } else {
      this.minusDI = 100 * (this.minusDM / this.tr);
      this.plusDI = 100 * (this.plusDM / this.tr);
      const sum = this.minusDI + this.plusDI;
      if (!(sum > -TA_EPSILON && sum < TA_EPSILON)) {
        dx = 100 * (Math.abs(this.minusDI - this.plusDI) / sum);
        hasDx = true;
      }
    }
    if (i < 2 * p - 1) {
      if (hasDx) this.sumDX += dx;
      return;
    }
    if (i === 2 * p - 1) {
      if (hasDx) this.sumDX += dx;
      this.adx = this.sumDX / p;
    } else if (hasDx) {
      this.adx = this.adx * decay + dx * this.alpha;
    }
  }

  replace(bar: BarInput): number | undefined {
    return this.replaceHLC(bar.high, bar.low, bar.close);
  }

  /** `replace` for a bar given as numbers. */
  replaceHLC(high: number, low: number, close: number): number | undefined {
    if (this.n === 0) return this.addHLC(high, low, close);
    const s = this.saved;
    this.prevHigh = s[0]!;
    this.prevLow = s[1]!;
    this.prevClose = s[2]!;
    this.plusDM = s[3]!;
    this.minusDM = s[4]!;
    this.tr = s[5]!;
    this.sumDX = s[6]!;
    this.adx = s[7]!;
    this.plusDI = s[8]!;
    this.minusDI = s[9]!;
    this.n--;
    return this.addHLC(high, low, close);
  }

  reset(): void {
    this.prevHigh = this.prevLow = this.prevClose = 0;
    this.plusDM = this.minusDM = this.tr = 0;
    this.sumDX = this.adx = this.plusDI = this.minusDI = 0;
    this.n = 0;
  }
}

/**
 * Batch ADX/+DI/-DI into three buffers (NaN for the first 2N - 1 indices); runs the streaming class, which keeps
 * the two paths bit-identical (ADX is a regime filter, not a per-tick hot loop).
 */
export function adxBatch(bars: BarColumns, period: number, adxOut: Float64Array, plusOut: Float64Array, minusOut: Float64Array): void {
  const ind = new Adx(period);
  const n = barColumnsLength('ADX', bars);
  requireBatchBuffers('ADX', n, [adxOut, plusOut, minusOut]);
  for (let i = 0; i < n; i++) {
    if (ind.addHLC(bars.high[i]!, bars.low[i]!, bars.close[i]!) === undefined) {
      adxOut[i] = plusOut[i] = minusOut[i] = NaN;
    } else {
      adxOut[i] = ind.output(0)!;
      plusOut[i] = ind.output(1)!;
      minusOut[i] = ind.output(2)!;
    }
  }
}
