// MACD (fast EMA - slow EMA, its signal EMA and the histogram), streaming and batch, in TA-Lib's or TradingView's
// seeding. Matches TA-Lib TA_MACD bit for bit in the default variant. Must never allocate per update.
import { InputError } from '../core/errors.js';
import { emaFactor } from './ema.js';
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';

/**
 * - 'talib' (default, TA-Lib ta_MACD.c / TA_INT_MACD): both EMAs produce their first value at input `slow`; so
 *   the fast EMA is seeded with the SMA of the `fast` inputs that end there (inputs slow-fast+1..slow), not of
 *   the first `fast` inputs. Then ema = (x - ema) * k + ema.
 * - 'tradingview' (Pine ta.macd): each EMA is an independent ta.ema from the first bar (SMA seed of its own first
 *   N inputs), updated as alpha * x + (1 - alpha) * ema; the signal is ta.ema of the MACD line.
 * In both, the signal is an EMA of the MACD line seeded with the SMA of its first `signal` values, the first
 * output comes at input slow + signal - 1 (lookback slow - 1 + signal - 1), and histogram = macd - signal.
 * The variants differ by a decaying amount during the first few times `slow` bars.
 */
export type MacdVariant = 'talib' | 'tradingview';

export interface MacdOptions {
  readonly fast: number;
  readonly slow: number;
  readonly signal: number;
  readonly variant?: MacdVariant;
}

function validate(o: MacdOptions): { fast: number; slow: number; signal: number } {
  const fast = requireInteger('MACD fast period', o.fast, 2);
  const slow = requireInteger('MACD slow period', o.slow, 2);
  const signal = requireInteger('MACD signal period', o.signal, 1);
  if (fast > slow) {
    throw new InputError('CONFLICTING_OPTIONS', 'MACD fast period', `is ${fast}, longer than the slow period ${slow}`, 'give the fast period the smaller number (e.g. 12 and 26)');
  }
  return { fast, slow, signal };
}

/** MACD in price units; outputs ['macd', 'signal', 'histogram']. */
export class Macd implements ScalarIndicator {
  readonly outputNames = ['macd', 'signal', 'histogram'] as const;
  readonly lookback: number;
  private readonly fast: number;
  private readonly slow: number;
  private readonly signalPeriod: number;
  private readonly kFast: number;
  private readonly kSlow: number;
  private readonly kSignal: number;
  private readonly tradingView: boolean;
  /** Input count at which the fast EMA starts summing its seed. */
  private readonly fastSeedStart: number;
  private fastSum = 0;
  private slowSum = 0;
  private signalSum = 0;
  private fastEma = 0;
  private slowEma = 0;
  private signalEma = 0;
  private macd = 0;
  private n = 0;
  /** The input being added, handed to `step` through a field (see `add`). */
  private input = 0;
  private savedFastSum = 0;
  private savedSlowSum = 0;
  private savedSignalSum = 0;
  private savedFastEma = 0;
  private savedSlowEma = 0;
  private savedSignalEma = 0;
  private savedMacd = 0;

  constructor(options: MacdOptions) {
    const { fast, slow, signal } = validate(options);
    this.fast = fast;
    this.slow = slow;
    this.signalPeriod = signal;
    this.kFast = emaFactor(fast);
    this.kSlow = emaFactor(slow);
    this.kSignal = emaFactor(signal);
    this.tradingView = options.variant === 'tradingview';
    this.fastSeedStart = this.tradingView ? 1 : slow - fast + 1;
    this.lookback = slow - 1 + signal - 1;
  }

  get count(): number {
    return this.n;
  }
  get isStable(): boolean {
    return this.n > this.lookback;
  }
  get value(): number | undefined {
    return this.n > this.lookback ? this.macd : undefined;
  }
  /** The primary output as a plain number, for allocation-free hot loops; meaningful only while isStable (0 before). */
  get stableValue(): number {
    return this.macd;
  }
  output(index: number): number | undefined {
    if (this.n <= this.lookback) return undefined;
    switch (index) {
      case 0:
        return this.macd;
      case 1:
        return this.signalEma;
      case 2:
        return this.macd - this.signalEma;
      default:
        return undefined;
    }
  }

  add(x: number): number | undefined {
    this.input = x;
    this.step();
    return this.n > this.lookback ? this.macd : undefined;
  }

  /**
   * One input (in `input`). Too large for V8 to inline into a caller's loop, and a call that is not inlined boxes
   * every double argument and result into a HeapNumber (two per update, measured), so the input arrives through a
   * field and nothing is returned; the small `add` around it is inlined.
   */
  private step(): void {
    const x = this.input;
    this.savedFastSum = this.fastSum;
    this.savedSlowSum = this.slowSum;
    this.savedSignalSum = this.signalSum;
    this.savedFastEma = this.fastEma;
    this.savedSlowEma = this.slowEma;
    this.savedSignalEma = this.signalEma;
    this.savedMacd = this.macd;
    const n = ++this.n;
    const fastSeedEnd = this.fastSeedStart + this.fast - 1;
    if (n > fastSeedEnd) this.fastEma = this.tradingView ? this.kFast * x + (1 - this.kFast) * this.fastEma : (x - this.fastEma) * this.kFast + this.fastEma;
    else if (n >= this.fastSeedStart) {
      this.fastSum += x;
      if (n === fastSeedEnd) this.fastEma = this.fastSum / this.fast;
    }
    if (n > this.slow) this.slowEma = this.tradingView ? this.kSlow * x + (1 - this.kSlow) * this.slowEma : (x - this.slowEma) * this.kSlow + this.slowEma;
    else {
      this.slowSum += x;
      if (n === this.slow) this.slowEma = this.slowSum / this.slow;
    }
    if (n < this.slow) return;
    const macd = this.fastEma - this.slowEma;
    this.macd = macd;
    const m = n - this.slow + 1;
    const p = this.signalPeriod;
    if (m > p) {
      this.signalEma = this.tradingView ? this.kSignal * macd + (1 - this.kSignal) * this.signalEma : (macd - this.signalEma) * this.kSignal + this.signalEma;
    } else {
      this.signalSum += macd;
      if (m < p) return;
      this.signalEma = this.signalSum / p;
    }
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.fastSum = this.savedFastSum;
    this.slowSum = this.savedSlowSum;
    this.signalSum = this.savedSignalSum;
    this.fastEma = this.savedFastEma;
    this.slowEma = this.savedSlowEma;
    this.signalEma = this.savedSignalEma;
    this.macd = this.savedMacd;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.fastSum = 0;
    this.slowSum = 0;
    this.signalSum = 0;
    this.fastEma = 0;
    this.slowEma = 0;
    this.signalEma = 0;
    this.macd = 0;
    this.n = 0;
  }
}

/**
 * Batch MACD into macd/signal/histogram buffers (NaN for the first `lookback` indices); same arithmetic as `Macd`.
 * Runs the streaming class over the input: MACD is not on the hot path of a sweep, and one code path guarantees
 * the bit-for-bit equality.
 */
export function macdBatch(input: Float64Array, options: MacdOptions, macdOut: Float64Array, signalOut: Float64Array, histOut: Float64Array): void {
  const m = new Macd(options);
  const n = input.length;
  requireBatchBuffers('MACD', n, [macdOut, signalOut, histOut]);
  for (let i = 0; i < n; i++) {
    if (m.add(input[i]!) === undefined) {
      macdOut[i] = NaN;
      signalOut[i] = NaN;
      histOut[i] = NaN;
    } else {
      macdOut[i] = m.output(0)!;
      signalOut[i] = m.output(1)!;
      histOut[i] = m.output(2)!;
    }
  }
}
