import { describe, expect, it } from 'vitest';
import { deepestDrawdowns, drawdownEpisodes, maxDrawdown, underwaterPct } from './drawdown.js';

const curve = (equity: number[]) => ({ timeMs: Float64Array.from(equity.map((_, i) => i * 1000)), equity: Float64Array.from(equity) });

describe('drawdowns', () => {
  it('splits a curve into episodes from peak to trough to recovery', () => {
    // 100 -> 80 (-20 %) -> 100 (recovered at the peak exactly) -> 120 -> 90 (-25 %) -> 95 (not recovered).
    const eps = drawdownEpisodes(curve([100, 80, 100, 120, 90, 95]));
    expect(eps.map((e) => [e.peakIndex, e.troughIndex, e.recoveryIndex])).toEqual([
      [0, 1, 2],
      [3, 4, undefined],
    ]);
    expect(eps[0]!.pct).toBeCloseTo(-20, 12);
    expect(eps[0]!.amount).toBe(-20);
    expect(eps[0]!.durationMs, 'peak at 0 s, back at 2 s').toBe(2000);
    expect(eps[1]!.pct).toBeCloseTo(-25, 12);
    expect(maxDrawdown(curve([100, 80, 100, 120, 90, 95]))!.peakIndex, 'the -25 % episode is deeper').toBe(3);
  });

  it('dates the peak at the last sample on the high and the trough at the first sample of the low', () => {
    const e = drawdownEpisodes(curve([100, 110, 110, 100, 95, 95, 111]))[0]!;
    expect(e.peakIndex, 'equity stayed at 110 until index 2').toBe(2);
    expect(e.troughIndex, 'the low 95 first at index 4').toBe(4);
    expect(e.recoveryIndex).toBe(6);
  });

  it('keeps the underwater series at zero on new highs and negative below them', () => {
    expect(Array.from(underwaterPct(curve([100, 50, 100, 200, 150])))).toEqual([0, -50, 0, 0, -25]);
  });

  it('ranks episodes deepest first', () => {
    const eps = drawdownEpisodes(curve([100, 90, 100, 70, 100, 95, 100]));
    expect(deepestDrawdowns(eps, 2).map((e) => e.troughIndex)).toEqual([3, 1]);
    expect(maxDrawdown(curve([1, 2, 3])), 'a curve that only rises').toBeUndefined();
  });
});
