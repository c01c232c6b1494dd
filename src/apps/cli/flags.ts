// Turns raw CLI flag strings into exact values (decimals, percents, enums, prices on a grid) for the commands.
// Every bad value becomes an InputError naming the flag, the problem and the fix; never parses through a float.
import { compareDecimal, type ExactDecimal, formatDecimal, parseDecimal } from '../../core/decimal.js';
import { InputError } from '../../core/errors.js';
import { countFromText, describeGridProblem, formatCount, type Grid } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { Rounding } from '../../core/rounding.js';

/** Bounds for a decimal flag; both inclusive unless `minExclusive`. */
export interface DecimalBounds {
  readonly min?: string;
  readonly minExclusive?: boolean;
  readonly max?: string;
  /** A phrase for the fix, e.g. "a percentage between 0 and 100 such as 1 or 0.5". */
  readonly expected: string;
}

const dec = (text: string): ExactDecimal => {
  const d = parseDecimal(text);
  if (!d) throw new RangeError(`bad bound ${text}`);
  return d;
};

/**
 * Parses a required decimal flag exactly ("70000", "0.01", "1e-3"). Refuses missing, non-numeric and out-of-range
 * values with an InputError naming `flag`.
 */
export function decimalFlag(flag: string, raw: string | undefined, bounds: DecimalBounds): ExactDecimal {
  if (raw === undefined) {
    throw new InputError('MISSING_OPTION', flag, 'is required', `Pass ${flag} with ${bounds.expected}`);
  }
  const d = parseDecimal(raw);
  if (!d) {
    throw new InputError('INVALID_NUMBER', flag, `"${raw}" is not a decimal number`, `Pass ${bounds.expected}`);
  }
  if (bounds.min !== undefined) {
    const c = compareDecimal(d, dec(bounds.min));
    if (c < 0 || (c === 0 && bounds.minExclusive === true)) {
      const rel = bounds.minExclusive === true ? 'above' : 'at least';
      throw new InputError('OUT_OF_RANGE', flag, `${raw} is too small (must be ${rel} ${bounds.min})`, `Pass ${bounds.expected}`);
    }
  }
  if (bounds.max !== undefined && compareDecimal(d, dec(bounds.max)) > 0) {
    throw new InputError('OUT_OF_RANGE', flag, `${raw} is too large (must be at most ${bounds.max})`, `Pass ${bounds.expected}`);
  }
  return d;
}

/** Like decimalFlag but undefined when the flag was not given. */
export function optionalDecimalFlag(flag: string, raw: string | undefined, bounds: DecimalBounds): ExactDecimal | undefined {
  return raw === undefined ? undefined : decimalFlag(flag, raw, bounds);
}

/** A strictly positive decimal (equity, price, quantity, multiplier). */
export const positiveFlag = (flag: string, raw: string | undefined, what: string): ExactDecimal =>
  decimalFlag(flag, raw, { min: '0', minExclusive: true, expected: `a positive ${what}` });

/**
 * A percentage flag: "1" and "1%" both mean one percent. Returns the percent number (1 for 1 %), exact.
 * `maxPct` defaults to 100.
 */
export function percentFlag(flag: string, raw: string | undefined, opts: { readonly min?: string; readonly minExclusive?: boolean; readonly maxPct?: string; readonly what: string }): ExactDecimal {
  const text = raw?.trim().endsWith('%') === true ? raw.trim().slice(0, -1) : raw;
  const max = opts.maxPct ?? '100';
  return decimalFlag(flag, text, {
    min: opts.min ?? '0',
    minExclusive: opts.minExclusive ?? true,
    max,
    expected: `${opts.what} as a percentage above ${opts.min ?? '0'} and at most ${max}, e.g. 1 for 1 %`,
  });
}

/** A money amount in whole units of an asset ("5000", "49.5"); at most 8 decimals, strictly positive. */
export function moneyFlag(flag: string, raw: string | undefined, what: string): Money {
  const d = positiveFlag(flag, raw, what);
  const m = moneyFromText(formatDecimal(d), 'exact');
  if (m === undefined) {
    throw new InputError('OUT_OF_RANGE', flag, `${raw ?? ''} needs more than 8 decimals or is too large`, `Pass ${what} with at most 8 decimals and below 90 million`);
  }
  return m;
}

/** One of a closed set of words; anything else names the allowed values. */
export function enumFlag<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new InputError('MISSING_OPTION', flag, 'is required', `Pass ${flag} with one of: ${allowed.join(', ')}`);
  }
  const found = allowed.find((a) => a === raw.trim().toLowerCase());
  if (found === undefined) {
    throw new InputError('INVALID_OPTION', flag, `"${raw}" is not one of ${allowed.join(', ')}`, `Pass one of: ${allowed.join(', ')}`);
  }
  return found;
}

/** A positive whole number (hours, counts). */
export function integerFlag(flag: string, raw: string | undefined, opts: { readonly min: number; readonly max: number; readonly what: string }): number {
  const expected = `${opts.what} as a whole number from ${opts.min} to ${opts.max}`;
  const d = decimalFlag(flag, raw, { min: String(opts.min), max: String(opts.max), expected });
  if (d.scale > 0) throw new InputError('INVALID_NUMBER', flag, `${raw ?? ''} is not a whole number`, `Pass ${expected}`);
  return Number(formatDecimal(d));
}

/**
 * A price on the instrument's tick grid, as an integer count of ticks. `exact` refuses a price off the grid and
 * names the two nearest valid prices; other modes round as named.
 */
export function priceFlag(flag: string, raw: string | undefined, tick: Grid, mode: Rounding = 'exact'): number {
  const d = positiveFlag(flag, raw, 'price');
  const r = countFromText(formatDecimal(d), tick, mode);
  if (!r.ok) {
    const fix = r.error.kind === 'off-grid'
      ? `Use a price on the ${tick.step} tick grid, e.g. ${r.error.below} or ${r.error.above}`
      : 'Pass a smaller price';
    throw new InputError('OFF_GRID', flag, describeGridProblem({ ...r.error, text: raw ?? '' }), fix);
  }
  return r.value;
}

/** Refuses two flags given together. */
export function refuseBoth(a: string, aGiven: boolean, b: string, bGiven: boolean, fix: string): void {
  if (aGiven && bGiven) throw new InputError('CONFLICTING_OPTIONS', `${a} and ${b}`, 'were both given', fix);
}

/** Requires exactly one of two flags. */
export function requireOne(a: string, aGiven: boolean, b: string, bGiven: boolean, fix: string): void {
  refuseBoth(a, aGiven, b, bGiven, fix);
  if (!aGiven && !bGiven) throw new InputError('MISSING_OPTION', `${a} or ${b}`, 'neither was given', fix);
}

/** Formats a tick count for messages. */
export const formatPrice = (ticks: number, tick: Grid): string => formatCount(ticks, tick);
