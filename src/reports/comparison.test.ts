import { describe, expect, it } from 'vitest';
import { compareRuns } from './comparison.js';
import { summaryMetrics } from './summary-metrics.js';

const DAY = 86_400_000;
const run = (equity: number[]) => summaryMetrics([], { timeMs: Float64Array.from(equity.map((_, i) => i * DAY + DAY / 2)), equity: Float64Array.from(equity) });

describe('compareRuns', () => {
  const a = run([1000, 1100, 1050, 1200]);
  const b = run([1000, 900, 950, 1000]);
  const c = run([1000, 1050, 1100, 1200]);
  const cmp = compareRuns([
    { name: 'a', summary: a },
    { name: 'b', summary: b },
    { name: 'c', summary: c },
  ]);
  const row = (key: string) => cmp.rows.find((r) => r.key === key)!;

  it('puts each run in its own column, in the order given', () => {
    expect(cmp.runs).toEqual(['a', 'b', 'c']);
    expect(row('endEquity').values).toEqual(['1200.00', '1000.00', '1200.00']);
  });

  it('marks every run that ties for the best value, comparing money exactly', () => {
    expect(row('endEquity').best, 'a and c both end at 1200').toEqual([0, 2]);
  });

  it('treats the shallowest drawdown as the best and a run without one as 0 %', () => {
    // a: 1100 -> 1050 is -4.55 %; b: 1000 -> 900 is -10 %; c never falls: 0 %.
    expect(row('maxDrawdownPct').best).toEqual([2]);
    expect(row('maxDrawdownPct').values[2]).toBe(0);
  });

  it('ranks nothing on fields without a better direction', () => {
    expect(row('exposurePct').best).toEqual([]);
    expect(row('marketChangePct').best).toEqual([]);
  });
});
