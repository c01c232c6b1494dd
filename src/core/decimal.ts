// Exact decimal numbers at the edges: parsing what a user or an exchange wrote, formatting what we print.
// Uses bigint, so it is for edges only; hot loops work on integer ticks and lots. Never parses through a float.

/** value = units x 10^-scale. Normalised: no trailing zeros in units unless scale is 0. */
export interface ExactDecimal {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-]?)\.(\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string exactly: "70000", "-0.0010", "1e-8", "2.5E3", ".5". Returns undefined for anything else
 * (empty, "NaN", "1,000", "0x10", whitespace inside). Leading and trailing whitespace is ignored.
 */
export function parseDecimal(text: string): ExactDecimal | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const sign = m[1] ?? m[5] ?? '';
  const intPart = m[2] ?? '0';
  const fracPart = m[3] ?? m[6] ?? '';
  const exp = Number(m[4] ?? m[7] ?? '0');
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
  let units = BigInt(intPart + fracPart);
  let scale = fracPart.length - exp;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (sign === '-') units = -units;
  return normalise({ units, scale });
}

/** Removes trailing zeros from the units. */
export function normalise(d: ExactDecimal): ExactDecimal {
  let { units, scale } = d;
  if (units === 0n) return { units: 0n, scale: 0 };
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** The units of `d` expressed at a larger or equal `scale` (exact). */
export function unitsAtScale(d: ExactDecimal, scale: number): bigint {
  if (scale < d.scale) throw new RangeError(`cannot express scale ${d.scale} at smaller scale ${scale} exactly`);
  return d.units * 10n ** BigInt(scale - d.scale);
}

/** Formats units x 10^-scale as a plain decimal string, with at least `minDecimals` decimals (zero-padded). */
export function formatUnits(units: bigint | number, scale: number, minDecimals = 0): string {
  const u = typeof units === 'bigint' ? units : BigInt(units);
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    let int = digits.slice(0, digits.length - scale);
    let frac = digits.slice(digits.length - scale);
    frac = frac.replace(/0+$/, '');
    if (frac.length < minDecimals) frac = frac.padEnd(minDecimals, '0');
    int = int === '' ? '0' : int;
    digits = frac.length > 0 ? `${int}.${frac}` : int;
  } else if (minDecimals > 0) {
    digits = `${digits}${'0'.repeat(-scale)}.${'0'.repeat(minDecimals)}`;
  } else if (scale < 0) {
    digits = `${digits}${'0'.repeat(-scale)}`;
  }
  return neg && u !== 0n ? `-${digits}` : digits;
}

/** Formats an ExactDecimal as a plain decimal string. */
export const formatDecimal = (d: ExactDecimal, minDecimals = 0): string => formatUnits(d.units, d.scale, minDecimals);

/** The named lossy conversion to a float (for indicators, reports and ratios). */
export const decimalToFloat = (d: ExactDecimal): number => Number(formatDecimal(d));

/** Compares two decimals: -1, 0 or 1. */
export function compareDecimal(a: ExactDecimal, b: ExactDecimal): -1 | 0 | 1 {
  const s = Math.max(a.scale, b.scale);
  const x = unitsAtScale(a, s);
  const y = unitsAtScale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}
