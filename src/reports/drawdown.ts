// Drawdowns of an equity curve: the underwater series, the drawdown episodes and the deepest one. Pure; a
// drawdown is never positive (equity at or below its running peak).
import type { EquityCurve } from './equity-curve.js';

/** One fall from a peak and, when it happened, the return to it. Indices point into the curve. */
export interface DrawdownEpisode {
  /** The last sample at the running peak before equity fell. */
  readonly peakIndex: number;
  readonly peakMs: number;
  readonly peakEquity: number;
  /** The lowest sample before recovery (the first one when the low repeats). */
  readonly troughIndex: number;
  readonly troughMs: number;
  readonly troughEquity: number;
  /** troughEquity - peakEquity in settle-asset units: always < 0. */
  readonly amount: number;
  /** 100 x amount / peakEquity: always < 0 (the peak is positive, see requireValidCurve). */
  readonly pct: number;
  /** The first sample back at or above the peak; undefined while not recovered by the end of the curve. */
  readonly recoveryIndex: number | undefined;
  readonly recoveryMs: number | undefined;
  /** recoveryMs - peakMs; undefined while not recovered. */
  readonly durationMs: number | undefined;
}

/**
 * Drawdown in percent of the running peak at every sample: 100 x (equity / max(equity so far) - 1), so 0 at a
 * new high and negative below it. For the underwater chart. The curve must have a positive first equity.
 */
export function underwaterPct(curve: EquityCurve): Float64Array {
  const n = curve.equity.length;
  const out = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = curve.equity[i]!;
    if (e >= peak) {
      peak = e;
      out[i] = 0;
    } else {
      out[i] = 100 * (e / peak - 1);
    }
  }
  return out;
}

/**
 * Every drawdown episode in time order. An episode starts when equity falls below the running peak and ends at
 * the first sample back at or above that peak (recovery) or at the end of the curve (not recovered).
 */
export function drawdownEpisodes(curve: EquityCurve): readonly DrawdownEpisode[] {
  const { timeMs, equity } = curve;
  const n = equity.length;
  const out: DrawdownEpisode[] = [];
  let peakIndex = 0;
  let troughIndex: number | undefined;
  const close = (troughIndex: number, recoveryIndex: number | undefined): void => {
    const peakEquity = equity[peakIndex]!;
    const troughEquity = equity[troughIndex]!;
    const recoveryMs = recoveryIndex === undefined ? undefined : timeMs[recoveryIndex]!;
    out.push({
      peakIndex,
      peakMs: timeMs[peakIndex]!,
      peakEquity,
      troughIndex,
      troughMs: timeMs[troughIndex]!,
      troughEquity,
      amount: troughEquity - peakEquity,
      pct: 100 * (troughEquity / peakEquity - 1),
      recoveryIndex,
      recoveryMs,
      durationMs: recoveryMs === undefined ? undefined : recoveryMs - timeMs[peakIndex]!,
    });
  };
  for (let i = 1; i < n; i++) {
    const e = equity[i]!;
    if (e >= equity[peakIndex]!) {
      if (troughIndex !== undefined) close(troughIndex, i);
      troughIndex = undefined;
      peakIndex = i;
    } else if (troughIndex === undefined || e < equity[troughIndex]!) {
      troughIndex = i;
    }
  }
  if (troughIndex !== undefined) close(troughIndex, undefined);
  return out;
}

/** The `count` deepest episodes by percent, deepest first (ties: earlier first). */
export function deepestDrawdowns(episodes: readonly DrawdownEpisode[], count: number): readonly DrawdownEpisode[] {
  return [...episodes].sort((a, b) => a.pct - b.pct || a.peakMs - b.peakMs).slice(0, count);
}

/** The deepest episode by percent of its peak; undefined when equity never fell below a running peak. */
export function maxDrawdown(curve: EquityCurve): DrawdownEpisode | undefined {
  return deepestDrawdowns(drawdownEpisodes(curve), 1)[0];
}
