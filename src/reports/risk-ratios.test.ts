import { describe, expect, it } from 'vitest';
import { cagrPct, calmarRatio, ratePerPeriod, sharpeRatio, sortinoRatio } from './risk-ratios.js';

describe('risk ratios', () => {
  it('gives the Sharpe ratio of a known series', () => {
    // Returns 1 %, 2 %, 3 %: mean 2 %, sample sd 1 % (deviations -1, 0, +1 %, squares 2e-4 / 2 = 1e-4);
    // mean / sd = 2; annualised by sqrt(365) = 19.1049731745...
    expect(sharpeRatio(Float64Array.from([0.01, 0.02, 0.03]), 365)!).toBeCloseTo(2 * 19.1049731745428, 9);
    expect(sharpeRatio(Float64Array.from([0.01, 0.02, 0.03]), 1)!, 'periodsPerYear 1 leaves it unannualised').toBeCloseTo(2, 12);
  });

  it('subtracts the risk-free return per period in Sharpe', () => {
    // Excess returns 0 %, 1 %, 2 %: mean 1 %, sd 1 %.
    expect(sharpeRatio(Float64Array.from([0.01, 0.02, 0.03]), 1, 0.01)!).toBeCloseTo(1, 12);
  });

  it('leaves Sharpe undefined without spread and Sortino undefined without a losing period', () => {
    expect(sharpeRatio(Float64Array.from([0.01, 0.01, 0.01]), 365), 'sd 0').toBeUndefined();
    expect(sharpeRatio(Float64Array.from([0.01]), 365), 'one return').toBeUndefined();
    expect(sortinoRatio(Float64Array.from([0.01, 0.02]), 365), 'no return below 0').toBeUndefined();
  });

  it('divides the Sortino downside by all returns, not only the losing ones', () => {
    // Returns 4 %, -2 %: mean 1 %; downside sqrt(0.02^2 / 2) = 0.0141421...; ratio 0.7071...
    expect(sortinoRatio(Float64Array.from([0.04, -0.02]), 1)!).toBeCloseTo(0.01 / Math.sqrt(0.0002), 12);
    expect(sortinoRatio(Float64Array.from([0.04, -0.02]), 1)!).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('compounds CAGR over a 365-day year', () => {
    expect(cagrPct(100, 121, 730 * 86_400_000)!, '1.1^2 = 1.21 over two years').toBeCloseTo(10, 10);
    expect(cagrPct(100, 110, 182.5 * 86_400_000)!, '10 % in half a year compounds to 1.1^2 - 1').toBeCloseTo(21, 10);
    expect(cagrPct(100, 0, 86_400_000), 'a wiped-out account').toBe(-100);
    expect(cagrPct(100, 110, 0)).toBeUndefined();
  });

  it('gives Calmar as CAGR over the absolute drawdown', () => {
    expect(calmarRatio(30, -10)).toBe(3);
    expect(calmarRatio(30, 0), 'no drawdown').toBeUndefined();
    expect(calmarRatio(undefined, -10)).toBeUndefined();
  });

  it('turns a yearly rate into the compounding rate per period', () => {
    expect(ratePerPeriod(21, 2), '1.21^(1/2) - 1').toBeCloseTo(0.1, 12);
    expect(ratePerPeriod(0, 365)).toBe(0);
  });
});
