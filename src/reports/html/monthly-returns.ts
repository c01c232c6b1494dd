// Calendar-month returns of an equity curve (UTC months), for the report's heatmap. Pure; must never fill a month
// the curve does not cover.
import type { EquityCurve } from '../equity-curve.js';

/** One UTC calendar month the curve touches. */
export interface MonthlyReturn {
  readonly year: number;
  /** 1..12. */
  readonly month: number;
  /** 100 x (equity at the month's last sample / equity at the previous close - 1); the first month starts at the first sample. */
  readonly returnPct: number;
}

/**
 * Monthly returns: each month closes at its last equity sample and opens at the previous month's close (the first
 * sample for the first month), so the months compound to the total return: prod(1 + r) = end / start.
 */
export function monthlyReturns(curve: EquityCurve): readonly MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  const n = curve.timeMs.length;
  if (n === 0) return out;
  let open = curve.equity[0]!;
  for (let i = 0; i < n; i++) {
    const d = new Date(curve.timeMs[i]!);
    const next = i + 1 < n ? new Date(curve.timeMs[i + 1]!) : undefined;
    const monthEnds = next === undefined || next.getUTCFullYear() !== d.getUTCFullYear() || next.getUTCMonth() !== d.getUTCMonth();
    if (!monthEnds) continue;
    const close = curve.equity[i]!;
    out.push({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, returnPct: 100 * (close / open - 1) });
    open = close;
  }
  return out;
}
