import { describe, expect, it } from 'vitest';
import { regularizedIncompleteBeta, studentTCdf, welchTestLess } from './welch-t-test.js';

describe('Student t distribution', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    // df 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/pi, so F(1) = 0.75 and F(-3) = 0.5 - atan(3)/pi.
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 13);
    expect(studentTCdf(-3, 1)).toBeCloseTo(0.5 - Math.atan(3) / Math.PI, 13);
    // df 2: F(t) = 1/2 + t / (2 sqrt(t^2 + 2)).
    expect(studentTCdf(-1, 2)).toBeCloseTo(0.5 - 1 / (2 * Math.sqrt(3)), 13);
    expect(studentTCdf(2.5, 2)).toBeCloseTo(0.5 + 2.5 / (2 * Math.sqrt(8.25)), 13);
  });

  it('gives the tail areas of the printed t table', () => {
    // Critical values from a standard t table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2):
    // t(0.95, 10) = 1.812, t(0.975, 30) = 2.042, t(0.99, 5) = 3.365, and the normal limit 1.960.
    expect(studentTCdf(1.812461, 10)).toBeCloseTo(0.95, 6);
    expect(studentTCdf(2.042272, 30)).toBeCloseTo(0.975, 6);
    expect(studentTCdf(-3.36493, 5), 'lower tail by symmetry').toBeCloseTo(0.01, 6);
    expect(studentTCdf(1.959964, 1e7), 'a huge df is the normal distribution').toBeCloseTo(0.975, 6);
    expect(studentTCdf(0, 7.3), 'the median').toBe(0.5);
  });

  it('keeps the incomplete beta at its ends and symmetric', () => {
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
    // I_x(1, 1) = x; I_x(a, b) = 1 - I_(1-x)(b, a).
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 13);
    expect(regularizedIncompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(1 - regularizedIncompleteBeta(0.7, 0.5, 2.5), 13);
  });
});

describe("Welch's t-test", () => {
  it('equals a hand calculation', () => {
    // a = 1, 2, 3: mean 2, variance 1, var/n = 1/3. b = 4, 5, 6, 7: mean 5.5, variance 5/3, var/n = 5/12.
    // t = (2 - 5.5) / sqrt(1/3 + 5/12) = -3.5 / sqrt(0.75) = -4.04145188...
    // df = 0.75^2 / ((1/3)^2 / 2 + (5/12)^2 / 3) = 0.5625 / 0.11342593 = 4.95918367...
    const w = welchTestLess([1, 2, 3], [4, 5, 6, 7])!;
    expect(w.t).toBeCloseTo(-3.5 / Math.sqrt(0.75), 12);
    expect(w.df).toBeCloseTo(0.5625 / (1 / 18 + 25 / 432), 12);
    // scipy 1.17.1: stats.ttest_ind([1,2,3], [4,5,6,7], equal_var=False, alternative='less').pvalue
    expect(w.pLess).toBeCloseTo(0.00503847167399443, 10);
  });

  it('matches scipy on a P&L-like sample', () => {
    // stats.ttest_ind(a, b, equal_var=False, alternative='less') -> t -2.0282979001425305, df 6.338812064466541,
    // p 0.043172683189357665 (scipy 1.17.1).
    const w = welchTestLess([-12.5, 3.0, -8.25, 1.5, -20.0, 4.75], [5.0, -2.5, 7.25, 3.5, -1.0, 9.0, 6.5, 0.25])!;
    expect(w.t).toBeCloseTo(-2.0282979001425305, 10);
    expect(w.df).toBeCloseTo(6.338812064466541, 10);
    expect(w.pLess).toBeCloseTo(0.043172683189357665, 10);
  });

  it('says nothing for tiny samples or no spread at all', () => {
    expect(welchTestLess([1], [2, 3]), 'one value has no variance').toBeUndefined();
    expect(welchTestLess([1, 1], [2, 2]), 'both samples constant').toBeUndefined();
  });
});
