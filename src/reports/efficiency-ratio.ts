// Kaufman's efficiency ratio: how much of the path over the last N bars was net progress (1 = a straight line,
// near 0 = back and forth). Batch only, for regime labels; must never look at bars after the one it labels.

/**
 * ER(N) at bar i = |close[i] - close[i - N]| / sum over k in (i - N, i] of |close[k] - close[k - 1]|, in 0..1
 * (Kaufman, "Trading Systems and Methods", the efficiency ratio behind KAMA). A window without any movement gives
 * 0 (no direction), where TA-Lib's KAMA uses 1 internally. One value per close, `undefined` for the first N bars
 * (lookback N). O(n x N): each window is summed afresh, so no running-sum drift.
 */
export function efficiencyRatioSeries(close: Float64Array, period: number): (number | undefined)[] {
  const n = close.length;
  const out = new Array<number | undefined>(n).fill(undefined);
  for (let i = period; i < n; i++) {
    let path = 0;
    for (let k = i - period + 1; k <= i; k++) path += Math.abs(close[k]! - close[k - 1]!);
    out[i] = path > 0 ? Math.abs(close[i]! - close[i - period]!) / path : 0;
  }
  return out;
}
