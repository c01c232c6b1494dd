// Trading fees: a fill pays its notional times the maker or taker rate of the liquidity it took or made, with
// per-account overrides. Every fee rounds against the trader (up); must never decide which liquidity a fill had.
import { type Money } from '../core/money.js';
import { unitsToMoney, type ContractMath } from './contract-math.js';
import type { InstrumentSpec } from './instrument.js';

/** Whether a fill added liquidity to the book (maker: a resting limit order) or took it (taker). */
export type Liquidity = 'maker' | 'taker';

/** Fee rates as fractions of notional: 0.0002 = 0.02 %. A negative maker rate is a rebate. */
export interface FeeRates {
  readonly maker: number;
  readonly taker: number;
}

/** The rate for a liquidity; `override` (e.g. a VIP tier or a BNB discount) replaces the instrument's rates. */
export function feeRate(spec: Pick<InstrumentSpec, 'fees'>, liquidity: Liquidity, override?: Partial<FeeRates>): number {
  switch (liquidity) {
    case 'maker':
      return override?.maker ?? spec.fees.maker;
    case 'taker':
      return override?.taker ?? spec.fees.taker;
  }
}

/**
 * Fee in units (1e-8 of the settle asset, a float) for a notional in units: notional x rate. Binance: "Commission
 * = Notional Value x Fee Rate" (https://www.binance.com/en/support/faq/360033544231). Allocation-free.
 */
export const feeUnits = (notionalUnits: number, rate: number): number => notionalUnits * rate;

/**
 * Fee of one fill of `lots` at a price, rounded up to 1e-8 (a cost is never understated; a rebate, negative,
 * rounds toward zero). Never negative for a non-negative rate. Inverse contracts pay in coin.
 */
export function fillFee(math: ContractMath, lots: number, priceTicks: number, rate: number): Money {
  return unitsToMoney(feeUnits(math.notionalUnits(lots, priceTicks), rate), 'ceil');
}

/** Entry, exit and total fee of a round trip: each fill priced at its own price and liquidity. */
export interface RoundTripFees {
  readonly entryFee: Money;
  readonly exitFee: Money;
  readonly totalFee: Money;
}

/** Fees of opening `lots` at `entryTicks` and closing them at `exitTicks`, each rounded up separately as venues charge. */
export function roundTripFees(
  math: ContractMath,
  lots: number,
  entryTicks: number,
  exitTicks: number,
  entryRate: number,
  exitRate: number,
): RoundTripFees {
  const entryFee = fillFee(math, lots, entryTicks, entryRate);
  const exitFee = fillFee(math, lots, exitTicks, exitRate);
  return { entryFee, exitFee, totalFee: (entryFee + exitFee) as Money };
}
