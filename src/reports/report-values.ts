// How report objects hold values so that they go to JSON unchanged: money as exact decimal strings of the settle
// asset, everything else as plain numbers with the unit in the key. Must never let a branded Money into output.
import { formatMoney, moneyFromFloat, type Money } from '../core/money.js';

/**
 * An amount of the settle asset as an exact decimal string with at least two decimals ("-12.5" -> "-12.50",
 * 1 unit -> "0.00000001"). Parse it back exactly with `moneyFromText`.
 */
export type MoneyText = string;

/** Exact: money is already an integer of 1e-8 units. */
export const moneyText = (m: Money): MoneyText => formatMoney(m, 2);

/**
 * A computed float amount (an equity sample, an average) in whole units of the settle asset, rounded to the
 * nearest 1e-8 unit: the one place a report rounds a float amount.
 */
export const moneyTextFromFloat = (amount: number): MoneyText => formatMoney(moneyFromFloat(amount, 'nearest'), 2);
