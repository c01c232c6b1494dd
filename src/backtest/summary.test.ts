import { describe, expect, it } from 'vitest';
import { maxDrawdownPct } from './summary.js';

describe('maxDrawdownPct', () => {
  it('is the largest fall from a prior peak, in percent of that peak, the start counting as a peak', () => {
    // Peaks 100 -> 120; troughs 90 (-10 % of 100) and 96 (-20 % of 120): 20 %.
    expect(maxDrawdownPct(Float64Array.from([95, 90, 110, 120, 96, 119]), 100)).toBeCloseTo(20, 12);
    expect(maxDrawdownPct(Float64Array.from([101, 102, 103]), 100), 'never below a peak').toBe(0);
    expect(maxDrawdownPct(new Float64Array(0), 100), 'no bars').toBe(0);
  });
});
