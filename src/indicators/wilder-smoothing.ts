// The constants of Wilder's smoothing, shared by ATR, RSI and ADX so the three use one arithmetic. Pure numbers;
// must never hold state.

/**
 * The decay of Wilder's smoothing over N periods, (N - 1) / N; the step is prev * decay + x * (1 / N), with both
 * constants computed once (Wilder 1978, "New Concepts in Technical Trading Systems"; TA-Lib ta_ATR.c, ta_RSI.c
 * and ta_ADX.c write it (prev * (N - 1) + x) / N, or prev - prev / N + x for ADX's sums).
 * Why the product form: a division on the loop-carried chain has several times a multiply's latency, and it set
 * the speed of ATR, RSI and ADX. The product form differs from TA-Lib's by a few units in the last place per
 * step; the smoothing damps them (each step keeps (N - 1) / N of the previous error), so the values stay within
 * a few units in the last place of TA-Lib's (at most 2.5e-15 relative on real BTCUSDT and FILUSDT 1m bars;
 * talib-reference.test.ts holds them to 1e-13), not bit-equal. Batch and streaming use the same form, so they
 * still agree bit for bit.
 */
export function wilderDecay(period: number): number {
  return (period - 1) / period;
}
