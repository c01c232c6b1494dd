import { describe, expect, it } from 'vitest';
import { monthlyReturns } from './monthly-returns.js';

const t = (iso: string): number => Date.parse(iso);

describe('monthlyReturns', () => {
  it('closes each UTC month at its last sample and opens it at the previous close', () => {
    const curve = {
      timeMs: Float64Array.from([t('2025-01-15T00:00Z'), t('2025-01-31T23:59Z'), t('2025-02-01T00:00Z'), t('2025-03-10T00:00Z')]),
      equity: Float64Array.from([1000, 1100, 1050, 990]),
    };
    // Hand calculation: Jan 1100/1000 - 1 = +10 %; Feb 1050/1100 - 1 = -4.5454... %; Mar 990/1050 - 1 = -5.714... %.
    const r = monthlyReturns(curve);
    expect(r.map((x) => `${x.year}-${x.month}`)).toEqual(['2025-1', '2025-2', '2025-3']);
    expect(r[0]!.returnPct).toBeCloseTo(10, 12);
    expect(r[1]!.returnPct).toBeCloseTo(-4.545454545454546, 12);
    expect(r[2]!.returnPct).toBeCloseTo(-5.714285714285714, 12);
    const compounded = r.reduce((p, x) => p * (1 + x.returnPct / 100), 1);
    expect(compounded, 'months compound to end / start').toBeCloseTo(990 / 1000, 12);
  });

  it('gives nothing for an empty curve', () => {
    expect(monthlyReturns({ timeMs: new Float64Array(0), equity: new Float64Array(0) })).toEqual([]);
  });
});
