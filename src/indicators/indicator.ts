// The streaming-indicator contract every indicator in src/indicators implements: add / replace / reset, a value
// that is undefined until warmed up, named outputs, and a batch form over typed arrays that writes into a
// caller's buffer. Pure: must never read clocks, files or randomness, and must never allocate per update.
import { InputError, InvariantError } from '../core/errors.js';

/**
 * One bar, the input of bar indicators (ATR, stochastic, ADX, VWAP...). Prices are floats in the quote currency
 * (a named lossy step from ticks happens before this, at the caller), `volume` in the base asset, `openTimeMs`
 * the bar's start in Unix epoch milliseconds (UTC). Callers may reuse one mutable object for every bar:
 * indicators copy what they need and never keep a reference to it.
 */
export interface BarInput {
  readonly openTimeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Bars as columns of equal length, the input of the batch forms of bar indicators. */
export interface BarColumns {
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/**
 * A streaming indicator over inputs of type `I` (a close price for scalar indicators, a bar for bar indicators).
 *
 * - `add(input)` consumes the next input and returns the primary output (`outputNames[0]`), or `undefined`
 *   while warming up. O(1) or O(period) per call and allocation-free.
 * - `replace(input)` revises the still-open bar: the result is exactly (to the last bit) what a fresh indicator
 *   fed every earlier input and then `input` would give. It may be called any number of times in a row; before
 *   the first `add` it behaves as `add`.
 * - `value` / `output(i)` read the latest outputs without consuming input; all outputs are `undefined` until
 *   `isStable`, and are never NaN afterwards.
 * - `lookback` is the number of inputs consumed before the first value, the same number TA-Lib's
 *   `TA_<NAME>_Lookback` returns for the matching function: the first value appears on input `lookback + 1`.
 * - `isStable` is true once the indicator has a value (as in trading-signals); recursive indicators (EMA, RSI,
 *   ATR, ADX) still carry the influence of their seed for a while after that, as TA-Lib documents for its
 *   "unstable period".
 * - `reset()` returns the indicator to its freshly constructed state, keeping its parameters and buffers.
 */
export interface StreamingIndicator<I> {
  /** Names of the outputs, primary first, e.g. ['macd', 'signal', 'histogram']. */
  readonly outputNames: readonly string[];
  readonly lookback: number;
  /** Inputs consumed since construction or the last reset (a replace does not change it). */
  readonly count: number;
  readonly isStable: boolean;
  /** The primary output, `undefined` until stable. */
  readonly value: number | undefined;
  /** The output named `outputNames[index]`, `undefined` until stable. */
  output(index: number): number | undefined;
  add(input: I): number | undefined;
  replace(input: I): number | undefined;
  reset(): void;
}

/** An indicator over one number per bar (normally the close). */
export type ScalarIndicator = StreamingIndicator<number>;
/** An indicator over whole bars. */
export type BarIndicator = StreamingIndicator<BarInput>;

/**
 * The output buffers of a batch form, one per output in `outputNames` order. Batch forms are plain functions
 * named `<name>Batch` that take input columns and caller-owned Float64Arrays at least as long as the input, and
 * write every index. The warm-up region (indices below `lookback`) is filled with NaN: the buffer is numeric
 * and NaN is the one value no indicator produces, so there it marks "no value" unambiguously. Nowhere else in
 * the indicator API is NaN used. Batch results equal the streaming results bit for bit (the contract suite
 * checks it with Object.is).
 */
export type BatchOutputs = readonly Float64Array[];

/**
 * Validates an integer parameter such as a period; throws an InputError naming `input` (e.g. "EMA period").
 * Indicator constructors call this so that a bad period is a clear error, never a NaN series.
 */
export function requireInteger(input: string, value: number, min: number, max = 100_000): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      'OUT_OF_RANGE',
      input,
      `must be a whole number from ${min} to ${max}, got ${String(value)}`,
      `give ${input} a whole number of at least ${min}`,
    );
  }
  return value;
}

/** Validates a finite real parameter (e.g. a band width in standard deviations). */
export function requireFinite(input: string, value: number, min: number): number {
  if (!Number.isFinite(value) || value < min) {
    throw new InputError('OUT_OF_RANGE', input, `must be a number of at least ${min}, got ${String(value)}`, `give ${input} a number >= ${min}`);
  }
  return value;
}

/**
 * Checks that every output buffer of a batch call is at least as long as the input; a shorter buffer is a bug
 * in the caller, so it throws an InvariantError instead of writing a partial result.
 */
export function requireBatchBuffers(name: string, length: number, outputs: readonly Float64Array[]): void {
  for (const out of outputs) {
    if (out.length < length) throw new InvariantError(`${name} output buffers of length >= ${length}`, `a buffer of length ${out.length}`);
  }
}

/** Checks that bar columns all have the same length and returns it. */
export function barColumnsLength(name: string, bars: BarColumns): number {
  const n = bars.close.length;
  if (bars.high.length !== n || bars.low.length !== n || bars.open.length !== n || bars.volume.length !== n || bars.openTimeMs.length !== n) {
    throw new InvariantError(`${name} bar columns of equal length`, `high ${bars.high.length}, low ${bars.low.length}, close ${n}`);
  }
  return n;
}
