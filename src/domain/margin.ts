// Initial and maintenance margin: notional / leverage or a fixed amount per contract, tiered maintenance brackets
// (rate and cumulative amount), maximum leverage for a notional and margin utilisation. Pure; must never decide
// whether a trade is allowed (that is src/risk), only compute the amounts.
import { InvariantError } from '../core/errors.js';
import { asMoney, MONEY_UNITS, type Money } from '../core/money.js';
import { unitsToMoney, type ContractMath } from './contract-math.js';
import type { InstrumentSpec, MaintenanceBracket, MarginModel } from './instrument.js';

/** The part of a spec the margin math needs. */
export type MarginTerms = Pick<InstrumentSpec, 'margin' | 'lot'>;

/**
 * Initial margin for a position opened with leverage: notional / leverage, rounded up to 1e-8 (never less than
 * the venue asks). Binance USD-M "Initial Margin = Notional Position Value / Leverage"
 * (https://www.binance.com/en/support/faq/360033162192). `leverage` > 0; fractional values are allowed.
 */
export function initialMarginForLeverage(notional: Money, leverage: number): Money {
  if (!(leverage > 0) || !Number.isFinite(leverage)) throw new InvariantError('a positive finite leverage', String(leverage));
  return unitsToMoney(notional / leverage, 'ceil');
}

/**
 * Initial margin of `lots` at a price: notional / leverage for tiered (crypto) margin, or the exchange's fixed
 * amount per contract (CME, Coinbase Derivatives; `leverage` is then ignored). Rounded up to 1e-8.
 */
export function initialMargin(terms: MarginTerms, math: ContractMath, lots: number, priceTicks: number, leverage: number): Money {
  const m = terms.margin;
  switch (m.kind) {
    case 'tiered':
      return initialMarginForLeverage(math.notional(lots, priceTicks), leverage);
    case 'fixed-per-contract':
      return perContractAmount(terms, lots, m.initialPerContract.units, m.initialPerContract.scale);
  }
}

/** An amount per contract times the number of contracts in `lots`, rounded up to 1e-8. */
function perContractAmount(terms: MarginTerms, lots: number, units: bigint, scale: number): Money {
  // contracts = lots x lot step; amount in units = contracts x units x 10^(8 - scale): exact in bigint.
  const num = BigInt(lots) * BigInt(terms.lot.stepUnits) * units * 10n ** 8n;
  const den = 10n ** BigInt(terms.lot.scale + scale);
  const q = num / den;
  const up = num % den !== 0n && num > 0n ? 1n : 0n;
  return asMoney(Number(q + up));
}

/**
 * The bracket a notional falls in: notionalFloor <= notional < notionalCap (floor inclusive, cap exclusive, as
 * Binance's leverage-bracket table reads). `notional` is in whole units of the settle asset (coin for inverse).
 * Undefined when the notional is negative or at or above the last cap (the venue refuses such a position).
 */
export function bracketFor(brackets: readonly MaintenanceBracket[], notional: number): MaintenanceBracket | undefined {
  if (!(notional >= 0)) return undefined;
  for (let i = 0; i < brackets.length; i++) {
    const b = brackets[i]!;
    if (notional >= b.notionalFloor && notional < b.notionalCap) return b;
  }
  return undefined;
}

/**
 * Maintenance margin in units (a float) for a notional in units: notional x maintRate - cum of the bracket the
 * notional falls in (Binance "Maintenance Margin = Position Notional x Maintenance Margin Rate - Maintenance Amount",
 * https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93). The cum amounts make it continuous at
 * every bracket floor. Beyond the last cap the last bracket is extrapolated, so a check never fails for lack of
 * a tier. Allocation-free: for the engine's per-event margin checks.
 */
export function maintenanceMarginUnits(brackets: readonly MaintenanceBracket[], notionalUnits: number): number {
  const notional = notionalUnits / MONEY_UNITS;
  const b = bracketFor(brackets, notional) ?? brackets[brackets.length - 1];
  if (b === undefined) throw new InvariantError('at least one maintenance bracket', 'none');
  return notionalUnits * b.maintRate - b.cum * MONEY_UNITS;
}

/**
 * Maintenance margin of `lots` at a price, rounded up to 1e-8: tiered brackets on the notional at that price, or
 * the exchange's fixed maintenance per contract.
 */
export function maintenanceMargin(terms: MarginTerms, math: ContractMath, lots: number, priceTicks: number): Money {
  const m = terms.margin;
  switch (m.kind) {
    case 'tiered':
      return unitsToMoney(maintenanceMarginUnits(m.brackets, math.notionalUnits(lots, priceTicks)), 'ceil');
    case 'fixed-per-contract':
      return perContractAmount(terms, lots, m.maintenancePerContract.units, m.maintenancePerContract.scale);
  }
}

/**
 * The maintenance brackets the liquidation formulas use for `lots` of this instrument. Tiered: the venue's table.
 * Fixed per contract: one bracket with rate 0 and cum = -(maintenance per contract x contracts), so that
 * "notional x rate - cum" is the fixed amount at any price.
 */
export function maintenanceBrackets(terms: MarginTerms, lots: number): readonly MaintenanceBracket[] {
  const m = terms.margin;
  switch (m.kind) {
    case 'tiered':
      return m.brackets;
    case 'fixed-per-contract': {
      const amount = perContractAmount(terms, lots, m.maintenancePerContract.units, m.maintenancePerContract.scale) / MONEY_UNITS;
      return [{ bracket: 1, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate: 0, cum: -amount, maxLeverage: Number.POSITIVE_INFINITY }];
    }
  }
}

/**
 * The highest leverage allowed for a position of this notional (whole units of the settle asset): the bracket's
 * maxLeverage, capped by the instrument's. Undefined for fixed-per-contract margin (the exchange sets the margin,
 * not a leverage) and for a notional beyond the last bracket (no leverage allows it).
 */
export function maxLeverageFor(margin: MarginModel, notional: number): number | undefined {
  switch (margin.kind) {
    case 'tiered': {
      const b = bracketFor(margin.brackets, notional);
      return b === undefined ? undefined : Math.min(b.maxLeverage, margin.maxLeverage);
    }
    case 'fixed-per-contract':
      return undefined;
  }
}

/** Leverage implied by a margin: notional / margin. Undefined when the margin is not positive. */
export function impliedLeverage(notional: Money, margin: Money): number | undefined {
  return margin > 0 ? notional / margin : undefined;
}

/**
 * Margin utilisation: initial margin as a fraction of equity (0.1 = 10 %, the default ceiling in PRODUCT.md).
 * Undefined when equity is not positive (utilisation has no meaning then).
 */
export function marginUtilisation(initialMarginAmount: Money, equity: Money): number | undefined {
  return equity > 0 ? initialMarginAmount / equity : undefined;
}
