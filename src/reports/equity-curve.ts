// The equity curve reports read (columnar samples of account equity) and its resampling to period closes for
// return-based ratios. Must never modify the curve or invent samples before the first one.
import { InputError } from '../core/errors.js';

/**
 * Account equity (balance plus unrealised P&L) over time, as the engine records it. `timeMs` holds epoch ms UTC,
 * non-decreasing; `equity` holds whole units of the settle asset as floats (the engine's named lossy
 * `moneyToFloat`). Both columns have the same length.
 */
export interface EquityCurve {
  readonly timeMs: Float64Array;
  readonly equity: Float64Array;
}

/**
 * The curve of equity sampled at each bar's close (the engine's `equity` column). A sample is stamped with the
 * bar's last millisecond, openTimeMs + intervalMs - 1 (Binance's close_time), so the close of the 23:59 bar
 * falls in its own UTC day when the curve is resampled, not in the next one.
 */
export function equityAtBarCloses(openTimeMs: Float64Array, intervalMs: number, equity: Float64Array): EquityCurve {
  const timeMs = new Float64Array(openTimeMs.length);
  for (let i = 0; i < openTimeMs.length; i++) timeMs[i] = openTimeMs[i]! + intervalMs - 1;
  return { timeMs, equity };
}

/**
 * Checks what the metrics rely on: equal lengths, at least one sample, finite values, non-decreasing times and a
 * positive first equity (every percentage is relative to it). Throws an InputError naming `label`.
 */
export function requireValidCurve(curve: EquityCurve, label = 'equity curve'): void {
  const n = curve.timeMs.length;
  const fail = (problem: string, fix: string): never => {
    throw new InputError('INVALID_DATA', label, problem, fix);
  };
  if (curve.equity.length !== n) fail(`has ${n} times but ${curve.equity.length} equity values`, 'give one equity value per time');
  if (n === 0) fail('is empty', 'record at least the starting equity');
  for (let i = 0; i < n; i++) {
    const t = curve.timeMs[i]!;
    const e = curve.equity[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(e)) fail(`sample ${i} is not finite (time ${t}, equity ${e})`, 'record finite numbers only');
    if (i > 0 && t < curve.timeMs[i - 1]!) fail(`sample ${i} goes back in time (${t} after ${curve.timeMs[i - 1]!})`, 'sort the samples by time');
  }
  if (!(curve.equity[0]! > 0)) fail(`starts at ${curve.equity[0]!}, not above 0`, 'start the run with a positive balance');
}

/** Equity at the close of each period, with the starting equity in front, and the simple returns between them. */
export interface PeriodReturns {
  /** Length of one period in ms (86 400 000 for daily). */
  readonly periodMs: number;
  /** Start of each period whose close is sampled, epoch ms UTC (a multiple of periodMs). */
  readonly periodStartMs: Float64Array;
  /** closes[0] is the first sample's equity; closes[k + 1] the equity at the close of period k. */
  readonly closes: Float64Array;
  /** returns[k] = closes[k + 1] / closes[k] - 1, a fraction; 0 after a close at or below zero (see wipedOut). */
  readonly returns: Float64Array;
  /** True when some period closed with equity at or below zero: returns after it mean nothing. */
  readonly wipedOut: boolean;
}

/**
 * Resamples the curve at period closes: periods are [k x periodMs, (k + 1) x periodMs) in epoch ms, so a day is a
 * UTC calendar day. The close of a period is the last sample inside it, or the previous close carried forward when
 * it has none (equity did not change). Periods run from the one holding the first sample to the one holding the
 * last; the first return is measured from the first sample (a partial first period), and a partial last period
 * closes at the last sample.
 */
export function periodReturns(curve: EquityCurve, periodMs: number): PeriodReturns {
  const n = curve.timeMs.length;
  const first = Math.floor(curve.timeMs[0]! / periodMs);
  const last = Math.floor(curve.timeMs[n - 1]! / periodMs);
  const periods = last - first + 1;
  const periodStartMs = new Float64Array(periods);
  const closes = new Float64Array(periods + 1);
  closes[0] = curve.equity[0]!;
  let i = 0;
  let carried = curve.equity[0]!;
  for (let k = 0; k < periods; k++) {
    const startMs = (first + k) * periodMs;
    periodStartMs[k] = startMs;
    const endMs = startMs + periodMs;
    while (i < n && curve.timeMs[i]! < endMs) carried = curve.equity[i++]!;
    closes[k + 1] = carried;
  }
  const returns = new Float64Array(periods);
  let wipedOut = false;
  for (let k = 0; k < periods; k++) {
    if (closes[k]! <= 0) wipedOut = true;
    returns[k] = wipedOut ? 0 : closes[k + 1]! / closes[k]! - 1;
  }
  return { periodMs, periodStartMs, closes, returns, wipedOut: wipedOut || closes[periods]! <= 0 };
}
