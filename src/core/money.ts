// Money: integer amounts of 1e-8 of the settlement asset (USDT, USD or a coin for inverse contracts), the
// precision exchanges report balances and fees in. Every conversion from a computed float rounds by a named mode.
// Safe up to about 90 million units of the asset; operations that could exceed it check and throw.
import type { Brand } from './brand.js';
import { formatUnits, parseDecimal } from './decimal.js';
import { InvariantError } from './errors.js';
import { divRound, roundFloat, type Rounding } from './rounding.js';

/** An amount in 1e-8 units of an asset. Always a safe integer. */
export type Money = Brand<number, 'Money'>;

export const MONEY_SCALE = 8;
export const MONEY_UNITS = 100_000_000;

export const asMoney = (units: number): Money => units as Money;
export const ZERO_MONEY = 0 as Money;

/** Parses a decimal amount ("5000", "49.5") exactly into money, rounding by `mode` beyond 8 decimals. */
export function moneyFromText(text: string, mode: Rounding = 'exact'): Money | undefined {
  const d = parseDecimal(text);
  if (!d) return undefined;
  const num = d.units * 10n ** BigInt(Math.max(0, MONEY_SCALE - d.scale));
  const den = 10n ** BigInt(Math.max(0, d.scale - MONEY_SCALE));
  const { q, exact } = divRound(num, den, mode);
  if (!exact && mode === 'exact') return undefined;
  if (q > BigInt(Number.MAX_SAFE_INTEGER) || q < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
  return Number(q) as Money;
}

/**
 * The named conversion from a computed float amount (in whole units of the asset) to money, rounding by `mode`.
 * Float noise within 1e-9 relative of a money unit counts as that unit.
 */
export function moneyFromFloat(amount: number, mode: Rounding): Money {
  const units = roundFloat(amount * MONEY_UNITS, mode === 'exact' ? 'nearest' : mode);
  if (units === undefined || !Number.isSafeInteger(units)) {
    throw new InvariantError('a finite amount below 90 million', String(amount));
  }
  return units as Money;
}

/** The named lossy conversion of money to a float in whole units of the asset (for ratios and reports). */
export const moneyToFloat = (m: Money): number => m / MONEY_UNITS;

/** Exact decimal string, trailing zeros trimmed but at least `minDecimals` decimals: 4900000000 -> "49.00". */
export const formatMoney = (m: Money, minDecimals = 2): string => formatUnits(m, MONEY_SCALE, minDecimals);

/** Sum of money amounts, checked to stay exact. */
export function addMoney(...xs: readonly Money[]): Money {
  let s = 0;
  for (const x of xs) s += x;
  if (!Number.isSafeInteger(s)) throw new InvariantError('a money sum within safe-integer range', String(s));
  return s as Money;
}

export const subMoney = (a: Money, b: Money): Money => addMoney(a, -b as Money);
export const negMoney = (a: Money): Money => (a === 0 ? 0 : -a) as Money;
