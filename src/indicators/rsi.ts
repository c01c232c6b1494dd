// Relative strength index with Wilder's smoothing, streaming and batch. Agrees with TA-Lib TA_RSI to a few units
// in the last place (the smoothing multiplies by 1/N where TA-Lib divides). Must never allocate per update.
import { requireBatchBuffers, requireInteger, type ScalarIndicator } from './indicator.js';
import { wilderDecay } from './wilder-smoothing.js';

/** Below this |avgGain + avgLoss| TA-Lib treats the sum as zero and outputs 0 (TA_IS_ZERO, TA_EPSILON 1e-14). */
const TA_EPSILON = 1e-14;

/**
 * RSI(N) = 100 * avgGain / (avgGain + avgLoss), equal to 100 - 100 / (1 + RS); lookback N (one input more than
 * N because a change needs two prices).
 * Seeding and smoothing (TA-Lib ta_RSI.c, classic Wilder): avgGain and avgLoss start as plain means of the first
 * N changes; then avg = (avg * (N - 1) + change) / N, computed as avg * ((N - 1) / N) + change * (1 / N) (see
 * `wilderDecay`). A window with no movement at all gives 0, as TA-Lib does.
 * TradingView's ta.rsi uses ta.rma, which is the same Wilder smoothing with the same SMA seed, so its values
 * agree up to float rounding (it reports 100 instead of 0 for a window with no movement). Note that
 * technicalindicators rounds RSI to two decimals and some libraries smooth with k = 2 / (N + 1); both differ.
 */
export class Rsi implements ScalarIndicator {
  readonly outputNames = ['rsi'] as const;
  readonly lookback: number;
  private readonly period: number;
  /** Half of 1/N: the gain is (|change| + change) times this (see `add`). */
  private readonly halfAlpha: number;
  private readonly decay: number;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  private current = 0;
  private n = 0;
  private savedPrev = 0;
  private savedGain = 0;
  private savedLoss = 0;
  private savedCurrent = 0;

  constructor(period: number) {
    this.period = requireInteger('RSI period', period, 2);
    this.lookback = period;
    this.halfAlpha = 0.5 / period;
    this.decay = wilderDecay(period);
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
    this.savedPrev = this.prev;
    this.savedGain = this.gain;
    this.savedLoss = this.loss;
    this.savedCurrent = this.current;
    const n = ++this.n;
    const change = x - this.prev;
    this.prev = x;
    const p = this.period;
    if (n <= p + 1) return this.warmUp(n, change);
    // Wilder smoothing, the same operations as the batch loop. The gain is (|c| + c) / 2 and the loss (|c| - c) / 2,
    // exactly max(c, 0) and max(-c, 0) and without a branch: the sign of a price change is a coin flip, and the
    // mispredicted branch on it cost more than the rest of the step (3x in the batch loop).
    const size = Math.abs(change);
    const gain = this.gain * this.decay + (size + change) * this.halfAlpha;
    const loss = this.loss * this.decay + (size - change) * this.halfAlpha;
    this.loss = loss;
    this.gain = gain;
    const sum = gain + loss;
    this.current = sum > -TA_EPSILON && sum < TA_EPSILON ? 0 : 100 * (gain / sum);
    return this.current;
  }

  /** The first N changes: plain sums, then the seed averages and the first value. Kept out of the hot path. */
  private warmUp(n: number, change: number): number | undefined {
    if (n === 1) return undefined;
    const p = this.period;
    if (change < 0) this.loss -= change;
    else this.gain += change;
    if (n <= p) return undefined;
    this.loss /= p;
    this.gain /= p;
    const sum = this.gain + this.loss;
    this.current = sum > -TA_EPSILON && sum < TA_EPSILON ? 0 : 100 * (this.gain / sum);
    return this.current;
  }

  replace(x: number): number | undefined {
    if (this.n === 0) return this.add(x);
    this.prev = this.savedPrev;
    this.gain = this.savedGain;
    this.loss = this.savedLoss;
    this.current = this.savedCurrent;
    this.n--;
    return this.add(x);
  }

  reset(): void {
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
    this.current = 0;
    this.n = 0;
  }
}

/** Batch RSI(N) of `input` into `out` (NaN for the first N indices); same arithmetic as `Rsi`. */
export function rsiBatch(input: Float64Array, period: number, out: Float64Array): void {
  requireInteger('RSI period', period, 2);
  const n = input.length;
  requireBatchBuffers('RSI', n, [out]);
  if (n <= period) {
    out.fill(NaN, 0, n);
    return;
  }
  out[0] = NaN;
  let prev = input[0]!;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const x = input[i]!;
    const change = x - prev;
    prev = x;
    if (change < 0) loss -= change;
    else gain += change;
    if (i < period) out[i] = NaN;
  }
  loss /= period;
  gain /= period;
  let sum = gain + loss;
  out[period] = sum > -TA_EPSILON && sum < TA_EPSILON ? 0 : 100 * (gain / sum);
  const halfAlpha = 0.5 / period;
  const decay = wilderDecay(period);
  for (let i = period + 1; i < n; i++) {
    const x = input[i]!;
    const change = x - prev;
    prev = x;
    const size = Math.abs(change);
    gain = gain * decay + (size + change) * halfAlpha;
    loss = loss * decay + (size - change) * halfAlpha;
    sum = gain + loss;
    out[i] = sum > -TA_EPSILON && sum < TA_EPSILON ? 0 : 100 * (gain / sum);
  }
}
