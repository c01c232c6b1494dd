// Rounding modes. Every place that rounds names its mode; there is no implicit rounding anywhere in microfut.

/**
 * - `exact`: the value must already be on the grid; anything else is an error.
 * - `floor`: toward negative infinity. `ceil`: toward positive infinity.
 * - `toward-zero` / `away-from-zero`: by magnitude (sizes round toward zero so they never exceed a budget).
 * - `nearest`: the nearest grid point, ties away from zero.
 */
export type Rounding = 'exact' | 'floor' | 'ceil' | 'toward-zero' | 'away-from-zero' | 'nearest';

/** Integer division of bigints with an explicit rounding mode. `exact` is true when there was no remainder. */
export function divRound(n: bigint, d: bigint, mode: Rounding): { readonly q: bigint; readonly exact: boolean } {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const t = n / d; // truncates toward zero
  const r = n - t * d;
  if (r === 0n) return { q: t, exact: true };
  const neg = n < 0n;
  let q: bigint;
  switch (mode) {
    case 'exact':
    case 'toward-zero':
      q = t;
      break;
    case 'away-from-zero':
      q = neg ? t - 1n : t + 1n;
      break;
    case 'floor':
      q = neg ? t - 1n : t;
      break;
    case 'ceil':
      q = neg ? t : t + 1n;
      break;
    case 'nearest': {
      const twice = 2n * (r < 0n ? -r : r);
      q = twice >= d ? (neg ? t - 1n : t + 1n) : t;
      break;
    }
  }
  return { q, exact: false };
}

/**
 * Rounds a float to an integer with an explicit mode. Values within float noise of an integer count as that
 * integer (tolerance: 16 ulps of the magnitude, at least 1e-9), so 6172000.999999999 never floors to 6172000, while a
 * real fraction such as 5e8 + 0.4 still floors and ceils correctly at any magnitude.
 * `exact` returns undefined when the value is not (within that tolerance) an integer.
 */
export function roundFloat(x: number, mode: Rounding): number | undefined {
  const nearest = Math.round(x);
  const tolerance = Math.max(1e-9, 16 * Number.EPSILON * Math.abs(x));
  if (Math.abs(x - nearest) <= tolerance) return nearest === 0 ? 0 : nearest;
  switch (mode) {
    case 'exact':
      return undefined;
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'toward-zero':
      return Math.trunc(x);
    case 'away-from-zero':
      return x < 0 ? Math.floor(x) : Math.ceil(x);
    case 'nearest':
      return x < 0 ? -Math.round(-x) : Math.round(x);
  }
}
