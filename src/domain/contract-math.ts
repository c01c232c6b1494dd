// Linear and inverse contract math (notional, P&L, tick value, base quantity) as one small strategy object chosen
// once per instrument: integer ticks and lots in, Money (1e-8 of the settle asset) out. Every rounding is named;
// must never branch on the contract type after construction, and the per-event methods never allocate.
import { type ExactDecimal } from '../core/decimal.js';
import { InvariantError } from '../core/errors.js';
import { type Grid } from '../core/grid.js';
import { asMoney, MONEY_SCALE, type Money } from '../core/money.js';
import { divRound, roundFloat, type Rounding } from '../core/rounding.js';
import type { ContractType, InstrumentSpec } from './instrument.js';
import type { SideSign } from './side.js';

/** The part of a spec the contract math needs (tests build it by hand; the registry gives whole specs). */
export type ContractTerms = Pick<InstrumentSpec, 'contractType' | 'contractSize' | 'tick' | 'lot'>;

/**
 * The money math of one instrument. Prices are integer ticks, sizes integer lots; amounts are 1e-8 units of the
 * settle asset ("units"). Float-returning methods (`...Units`) are for hot loops and ratios; `Money` methods round
 * to the unit by the mode named in their doc.
 */
export interface ContractMath {
  readonly contractType: ContractType;
  /**
   * Notional of `lots` (unsigned) at a price, in units. Linear: lots x lot step x contract size x price (an exact
   * integer when `exact`). Inverse: lots x lot step x contract value / price, in coin units (a float).
   */
  notionalUnits(lots: number, priceTicks: number): number;
  /** Notional as Money: exact for linear instruments on an exact grid, otherwise rounded to the nearest unit. */
  notional(lots: number, priceTicks: number): Money;
  /**
   * P&L in units of `signedLots` (positive long, negative short) opened at `entryTicks` and closed at `exitTicks`.
   * Linear: lots x size x (exit - entry). Inverse: lots x value x (1/entry - 1/exit), in coin.
   */
  pnlUnits(signedLots: number, entryTicks: number, exitTicks: number): number;
  /** P&L as Money: exact for linear on an exact grid; inverse rounded to the nearest 1e-8 coin (ties away from zero). */
  pnl(signedLots: number, entryTicks: number, exitTicks: number): Money;
  /** Value of a one-tick move of `lots` at a price (inverse: from price to price + 1 tick), nearest unit. */
  tickValue(lots: number, priceTicks: number): Money;
  /** Quantity of the base asset `lots` stand for at a price (the named lossy float, for hedging and display). */
  baseQuantity(lots: number, priceTicks: number): number;
  /**
   * Size as the liquidation formulas count it: linear in base units (lots x lot step x contract size), inverse in
   * quote units (lots x lot step x contract value, e.g. USD).
   */
  positionSize(lots: number): number;
  /**
   * The additive "entry value" of `lots` bought at one price, from which average entry and P&L follow:
   * linear lots x ticks (an exact integer: the total cost in tick-lots), inverse lots / ticks (a float).
   */
  entryValue(lots: number, priceTicks: number): number;
  /** The share of an entry value that `partLots` out of `wholeLots` carry: linear rounded to the nearest integer. */
  entryValueShare(value: number, partLots: number, wholeLots: number): number;
  /** P&L in units of closing `lots` (unsigned) with total entry value `value` at `exitTicks`; `sign` is the side. */
  pnlUnitsFromEntryValue(sign: SideSign, lots: number, value: number, exitTicks: number): number;
  /** Average entry in ticks (a float): linear value / lots (arithmetic), inverse lots / value (harmonic). */
  averageEntryTicks(lots: number, value: number): number;
  /** True when linear notional and P&L are exact integers of units (tick x lot x size is a multiple of 1e-8). */
  readonly exact: boolean;
}

/** Builds the contract math for an instrument: one strategy object per contract type, chosen here and only here. */
export function contractMathFor(terms: ContractTerms): ContractMath {
  return BUILDERS[terms.contractType](terms);
}

const BUILDERS: { readonly [K in ContractType]: (terms: ContractTerms) => ContractMath } = {
  linear: linearMath,
  inverse: inverseMath,
};

/** Rounds a float amount of units to Money by a named mode; throws when outside the safe-integer range. */
export function unitsToMoney(units: number, mode: Rounding): Money {
  const rounded = roundFloat(units, mode === 'exact' ? 'nearest' : mode);
  if (rounded === undefined || !Number.isSafeInteger(rounded)) {
    throw new InvariantError('an amount within 90 million units of the settle asset', String(units / 10 ** MONEY_SCALE));
  }
  return asMoney(rounded);
}

/** a x b / c rounded to an integer by `mode` (`exact` counts as `nearest`), exact for integer inputs; bigint only when a x b is beyond 2^53. */
export function mulDivRound(a: number, b: number, c: number, mode: Rounding): number {
  const product = a * b;
  const m: Rounding = mode === 'exact' ? 'nearest' : mode;
  if (!Number.isSafeInteger(product) || !Number.isSafeInteger(c)) return Number(divRound(BigInt(a) * BigInt(b), BigInt(c), m).q);
  const neg = product < 0 !== c < 0;
  const n = Math.abs(product);
  const d = Math.abs(c);
  let q = Math.floor(n / d);
  let r = n - q * d;
  if (r < 0) {
    q -= 1;
    r += d;
  } else if (r >= d) {
    q += 1;
    r -= d;
  }
  const up = r !== 0 && (m === 'away-from-zero' || (m === 'nearest' && 2 * r >= d) || (m === 'ceil' && !neg) || (m === 'floor' && neg));
  const magnitude = up ? q + 1 : q;
  return neg && magnitude !== 0 ? -magnitude : magnitude;
}

/** A decimal as the fraction num / den with den a power of ten, reduced when the numerator allows. */
function fraction(units: bigint, scale: number): { readonly num: number; readonly den: number } {
  let n = units;
  let s = scale;
  while (s > 0 && n % 10n === 0n) {
    n /= 10n;
    s -= 1;
  }
  if (s < 0) return { num: Number(n * 10n ** BigInt(-s)), den: 1 };
  return { num: Number(n), den: 10 ** s };
}

/** lot step x contract size x tick size, in units (1e-8), as an exact fraction: the value of one tick on one lot. */
export function linearTickLotValue(lot: Grid, contractSize: ExactDecimal, tick: Grid): { readonly num: number; readonly den: number } {
  const units = BigInt(lot.stepUnits) * contractSize.units * BigInt(tick.stepUnits);
  return fraction(units, lot.scale + contractSize.scale + tick.scale - MONEY_SCALE);
}

const decimalFloat = (d: ExactDecimal): number => Number(d.units) / 10 ** d.scale;

function checkedInt(x: number, what: string): number {
  if (!Number.isSafeInteger(x)) throw new InvariantError(`${what} within the safe-integer range`, String(x));
  return x + 0; // -0 (a short's zero P&L) becomes 0
}

function linearMath(terms: ContractTerms): ContractMath {
  // One tick on one lot is worth num/den units; when den is 1 every notional and P&L is an exact integer product.
  const { num, den } = linearTickLotValue(terms.lot, terms.contractSize, terms.tick);
  const exact = den === 1;
  const sizePerLot = terms.lot.stepFloat * decimalFloat(terms.contractSize);
  const scaled = (tickLots: number): number => (exact ? tickLots * num : (tickLots * num) / den);
  const toMoney = (tickLots: number, what: string): Money =>
    exact ? asMoney(checkedInt(tickLots * num, what)) : unitsToMoney((tickLots * num) / den, 'nearest');
  return {
    contractType: 'linear',
    exact,
    notionalUnits: (lots, priceTicks) => scaled(lots * priceTicks),
    notional: (lots, priceTicks) => toMoney(lots * priceTicks, 'a notional'),
    pnlUnits: (signedLots, entryTicks, exitTicks) => scaled(signedLots * (exitTicks - entryTicks)),
    pnl: (signedLots, entryTicks, exitTicks) => toMoney(signedLots * (exitTicks - entryTicks), 'a P&L'),
    tickValue: (lots) => toMoney(lots, 'a tick value'),
    baseQuantity: (lots) => lots * sizePerLot,
    positionSize: (lots) => lots * sizePerLot,
    entryValue: (lots, priceTicks) => checkedInt(lots * priceTicks, 'an entry cost in tick-lots'),
    entryValueShare: (value, partLots, wholeLots) => mulDivRound(value, partLots, wholeLots, 'nearest'),
    pnlUnitsFromEntryValue: (sign, lots, value, exitTicks) => scaled(sign * (lots * exitTicks - value)),
    averageEntryTicks: (lots, value) => value / lots,
  };
}

function inverseMath(terms: ContractTerms): ContractMath {
  // Coin units per lot at a price of one tick: lot step x contract value (quote) x 1e8 / tick size.
  const valuePerLot = terms.lot.stepFloat * decimalFloat(terms.contractSize);
  const k = (valuePerLot * 10 ** MONEY_SCALE) / terms.tick.stepFloat;
  const tickFloat = terms.tick.stepFloat;
  const pnlUnits = (signedLots: number, entryTicks: number, exitTicks: number): number =>
    (signedLots * k * (exitTicks - entryTicks)) / (entryTicks * exitTicks);
  return {
    contractType: 'inverse',
    exact: false,
    notionalUnits: (lots, priceTicks) => (lots * k) / priceTicks,
    notional: (lots, priceTicks) => unitsToMoney((lots * k) / priceTicks, 'nearest'),
    pnlUnits,
    pnl: (signedLots, entryTicks, exitTicks) => unitsToMoney(pnlUnits(signedLots, entryTicks, exitTicks), 'nearest'),
    tickValue: (lots, priceTicks) => unitsToMoney(pnlUnits(lots, priceTicks, priceTicks + 1), 'nearest'),
    baseQuantity: (lots, priceTicks) => (lots * valuePerLot) / (priceTicks * tickFloat),
    positionSize: (lots) => lots * valuePerLot,
    entryValue: (lots, priceTicks) => lots / priceTicks,
    entryValueShare: (value, partLots, wholeLots) => (value * partLots) / wholeLots,
    pnlUnitsFromEntryValue: (sign, lots, value, exitTicks) => sign * k * (value - lots / exitTicks),
    averageEntryTicks: (lots, value) => lots / value,
  };
}
