// Welch's two-sample t-test (unequal variances) and the Student t distribution it needs, written out so that the
// "significantly worse" flag of a split is checkable by hand. Pure numerics; must never return NaN (undefined).

/** ln Gamma(x) for x > 0, Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 relative. */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes 3rd ed., 6.4 betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1 (Numerical Recipes 6.4). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  // The continued fraction converges fast only below the mean; use the symmetry I_x(a,b) = 1 - I_(1-x)(b,a) above it.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * P(T <= t) for Student's t with `df` > 0 degrees of freedom (df may be fractional, as Welch's is):
 * with x = df / (df + t^2), P(T <= t) = I_x(df/2, 1/2) / 2 for t <= 0 and 1 - I_x(df/2, 1/2) / 2 for t > 0
 * (Abramowitz and Stegun 26.7.1 with 26.5.27).
 */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t <= 0 ? tail : 1 - tail;
}

/** The result of a one-sided Welch test of "the mean of a is below the mean of b". */
export interface WelchTest {
  readonly meanA: number;
  readonly meanB: number;
  /** t = (meanA - meanB) / sqrt(varA/nA + varB/nB), with sample variances (divisor n - 1). */
  readonly t: number;
  /** Welch-Satterthwaite: (varA/nA + varB/nB)^2 / ((varA/nA)^2/(nA-1) + (varB/nB)^2/(nB-1)). */
  readonly df: number;
  /** One-sided p-value P(T <= t): small when a's mean is well below b's. */
  readonly pLess: number;
}

function meanAndVariance(xs: readonly number[]): { readonly mean: number; readonly variance: number } {
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { mean, variance: ss / (xs.length - 1) };
}

/**
 * Welch's t-test (Welch 1947, "The generalization of 'Student's' problem when several different population
 * variances are involved", Biometrika 34) of H1: mean(a) < mean(b). Needs at least 2 values in each sample;
 * undefined otherwise or when both samples have zero variance (no spread: the test says nothing).
 */
export function welchTestLess(a: readonly number[], b: readonly number[]): WelchTest | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const A = meanAndVariance(a);
  const B = meanAndVariance(b);
  const sa = A.variance / a.length;
  const sb = B.variance / b.length;
  const se2 = sa + sb;
  if (!(se2 > 0)) return undefined;
  const t = (A.mean - B.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((sa * sa) / (a.length - 1) + (sb * sb) / (b.length - 1));
  return { meanA: A.mean, meanB: B.mean, t, df, pLess: studentTCdf(t, df) };
}
