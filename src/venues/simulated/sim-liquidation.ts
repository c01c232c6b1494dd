// Liquidation on the simulated account: the per-leg liquidation and bankruptcy bounds in ticks (recomputed when a
// position or the wallet changes, so a bar costs two comparisons), the price a liquidated leg closes at, and the fee.
// Must never decide when a liquidation happens: the venue compares the mark (or its proxy) with the bounds.
import { MONEY_UNITS, type Money } from '../../core/money.js';
import { unitsToMoney } from '../../domain/contract-math.js';
import type { ContractType, MaintenanceBracket } from '../../domain/instrument.js';
import {
  bankruptcyPrices,
  conservativeTicks,
  crossLiquidation,
  inverseLiquidationPrice,
  isolatedLiquidation,
  linearLiquidationPrice,
  type GridLeg,
} from '../../domain/liquidation.js';
import { maintenanceBrackets } from '../../domain/margin.js';
import type { MarginMode } from '../venue.js';
import type { InstrumentAccount } from './instrument-account.js';

const UP = Number.POSITIVE_INFINITY;
const DOWN = Number.NEGATIVE_INFINITY;

/**
 * Sets `liqLower`/`liqUpper` and `bankruptLower`/`bankruptUpper` of every leg of `ia`, and the instrument's
 * tightest bounds. Isolated: each leg alone on its margin, by the venue's published formula (`isolatedLiquidation`:
 * Binance, or Bybit's for BYBIT). Cross: all legs together on the wallet (`crossLiquidation`, Binance's formula
 * with TMM1/UPNL1 of the other instruments); an account already below maintenance gets bounds that any price
 * crosses. Long bounds round up and short bounds down to the tick (warned at or before the exact price).
 */
export function legLiquidationBounds(ia: InstrumentAccount, mode: MarginMode, walletBalance: Money, otherMaintenance: Money, otherUnrealisedPnl: Money): void {
  // Three legs written out: TypedArray.fill is a builtin call, four of them on every fill.
  for (let leg = 0; leg < 3; leg++) {
    ia.liqLower[leg] = DOWN;
    ia.liqUpper[leg] = UP;
    ia.bankruptLower[leg] = DOWN;
    ia.bankruptUpper[leg] = UP;
  }
  switch (mode) {
    case 'isolated':
      for (let leg = 0; leg < 3; leg++) isolatedBounds(ia, leg);
      break;
    case 'cross':
      crossBounds(ia, walletBalance, otherMaintenance, otherUnrealisedPnl);
      break;
  }
  let lower = DOWN;
  let upper = UP;
  for (let leg = 0; leg < 3; leg++) {
    if (ia.liqLower[leg]! > lower) lower = ia.liqLower[leg]!;
    if (ia.liqUpper[leg]! < upper) upper = ia.liqUpper[leg]!;
  }
  ia.anyLiqLower = lower;
  ia.anyLiqUpper = upper;
}

function isolatedBounds(ia: InstrumentAccount, leg: number): void {
  const p = ia.legs[leg]!;
  const lots = p.signedLots;
  if (lots === 0) return;
  const long = lots > 0;
  const r = isolatedLiquidation(ia.spec, ia.math, long ? 'long' : 'short', Math.abs(lots), p.averageEntryTicks()!, ia.legMargin[leg]! as Money);
  if (long) {
    ia.liqLower[leg] = r.liquidation?.ticks ?? DOWN;
    ia.bankruptLower[leg] = r.bankruptcy?.ticks ?? DOWN;
  } else {
    ia.liqUpper[leg] = r.liquidation?.ticks ?? UP;
    ia.bankruptUpper[leg] = r.bankruptcy?.ticks ?? UP;
  }
}

/** The one-leg solvers of liquidation.ts by contract type (Binance USD-M / COIN-M with TMM1 and UPNL1). */
const SOLVE_ONE: { readonly [K in ContractType]: typeof linearLiquidationPrice } = { linear: linearLiquidationPrice, inverse: inverseLiquidationPrice };

/** One bracket without maintenance: the same formulas then give the bankruptcy price (margin balance = 0). */
const NO_MAINTENANCE: readonly MaintenanceBracket[] = [
  { bracket: 0, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate: 0, cum: 0, maxLeverage: Number.POSITIVE_INFINITY },
];

/** A solved price as a bound in ticks: undefined -> no bound; +Infinity (already below maintenance) -> crossed at any price. */
function boundTicks(price: number | undefined, long: boolean, ia: InstrumentAccount): number {
  if (price === undefined) return long ? DOWN : UP;
  if (price === Number.POSITIVE_INFINITY) return long ? UP : DOWN;
  return conservativeTicks(price, long ? 'long' : 'short', ia.spec.tick) ?? (long ? DOWN : UP);
}

/**
 * Cross margin with a single open leg (the usual case): Binance's one-position formula directly, which is what
 * `crossLiquidation` reduces to for one leg (a test checks they agree), without its per-call allocations.
 */
function crossOneLeg(ia: InstrumentAccount, leg: number, walletBalance: Money, otherMaintenance: Money, otherUnrealisedPnl: Money): void {
  const p = ia.legs[leg]!;
  const long = p.signedLots > 0;
  const lots = Math.abs(p.signedLots);
  const tick = ia.spec.tick;
  const entryPrice = (p.averageEntryTicks()! * tick.stepUnits) / 10 ** tick.scale;
  const solve = SOLVE_ONE[ia.spec.contractType];
  const wb = walletBalance / MONEY_UNITS;
  const tmm = otherMaintenance / MONEY_UNITS;
  const upnl = otherUnrealisedPnl / MONEY_UNITS;
  const size = ia.math.positionSize(lots);
  const lp = solve(wb, tmm, upnl, long ? 1 : -1, size, entryPrice, maintenanceBrackets(ia.spec, lots));
  const bp = solve(wb, tmm, upnl, long ? 1 : -1, size, entryPrice, NO_MAINTENANCE);
  if (long) {
    ia.liqLower[leg] = boundTicks(lp, true, ia);
    ia.bankruptLower[leg] = boundTicks(bp, true, ia);
  } else {
    ia.liqUpper[leg] = boundTicks(lp, false, ia);
    ia.bankruptUpper[leg] = boundTicks(bp, false, ia);
  }
}

function crossBounds(ia: InstrumentAccount, walletBalance: Money, otherMaintenance: Money, otherUnrealisedPnl: Money): void {
  let openLegs = 0;
  let only = 0;
  for (let leg = 0; leg < 3; leg++) {
    if (ia.legs[leg]!.signedLots !== 0) {
      openLegs++;
      only = leg;
    }
  }
  if (openLegs === 0) return;
  if (openLegs === 1) {
    crossOneLeg(ia, only, walletBalance, otherMaintenance, otherUnrealisedPnl);
    return;
  }
  const legs: GridLeg[] = [];
  const open: number[] = [];
  for (let leg = 0; leg < 3; leg++) {
    const p = ia.legs[leg]!;
    if (p.signedLots === 0) continue;
    legs.push({ side: p.signedLots > 0 ? 'long' : 'short', lots: Math.abs(p.signedLots), entryTicks: p.averageEntryTicks()! });
    open.push(leg);
  }
  const account = { walletBalance, otherMaintenance, otherUnrealisedPnl };
  const r = crossLiquidation(ia.spec, ia.math, account, legs);
  const tick = ia.spec.tick;
  const toPrice = (ticks: number): number => (ticks * tick.stepUnits) / 10 ** tick.scale;
  const b = bankruptcyPrices(
    ia.spec.contractType,
    { walletBalance: walletBalance / MONEY_UNITS, otherMaintenance: otherMaintenance / MONEY_UNITS, otherUnrealisedPnl: otherUnrealisedPnl / MONEY_UNITS },
    legs.map((l) => ({ side: l.side, size: ia.math.positionSize(l.lots), entryPrice: toPrice(l.entryTicks), brackets: maintenanceBrackets(ia.spec, l.lots) })),
  );
  const lower = r.immediate ? UP : (r.lower?.ticks ?? DOWN);
  const upper = r.immediate ? DOWN : (r.upper?.ticks ?? UP);
  const bLower = b.lower === undefined ? DOWN : (conservativeTicks(b.lower, 'long', tick) ?? DOWN);
  const bUpper = b.upper === undefined ? UP : (conservativeTicks(b.upper, 'short', tick) ?? UP);
  for (const leg of open) {
    ia.liqLower[leg] = lower;
    ia.liqUpper[leg] = upper;
    ia.bankruptLower[leg] = bLower;
    ia.bankruptUpper[leg] = bUpper;
  }
}

/**
 * The price a liquidated leg of `signedLots` closes at: the trigger (the liquidation price, or the open when the
 * bar opened beyond it), but never beyond the bankruptcy price, where Binance's insurance fund takes the position
 * over ("the user's position will be closed at the bankruptcy price and the Insurance Fund will take over", Binance's
 * Liquidation Protocol, https://docs.traderwagon.com/faq/futures-trading-introduction/liquidation-protocol). The
 * result is at least one tick.
 */
export function liquidationPriceTicks(signedLots: number, triggerTicks: number, bankruptTicks: number): number {
  const price = signedLots > 0 ? Math.max(triggerTicks, bankruptTicks) : Math.min(triggerTicks, bankruptTicks);
  return Math.max(1, price);
}

/**
 * The liquidation fee: notional at the close price x the spec's `liquidationFeeRate` (Binance "liquidation
 * clearance fee", exchangeInfo `liquidationFee`), rounded up, but at most the margin left after the close
 * (`marginLeftAfterPnl`: isolated margin + realised P&L, or the cross wallet after the P&L) and never negative: a
 * liquidated trader loses at most that margin; the insurance fund takes the rest
 * (https://www.binance.com/en/support/articles/360033525371). 0 when the spec has no liquidation fee rate.
 */
export function liquidationFee(ia: InstrumentAccount, lots: number, priceTicks: number, marginLeftAfterPnl: number): Money {
  const rate = ia.spec.liquidationFeeRate ?? 0;
  const fee = unitsToMoney(ia.math.notionalUnits(lots, priceTicks) * rate, 'ceil');
  return Math.max(0, Math.min(fee, marginLeftAfterPnl)) as Money;
}

/** What a liquidation did to one leg. */
export interface LiquidationClose {
  readonly lots: number;
  readonly long: boolean;
  readonly priceTicks: number;
  readonly realisedPnl: Money;
  readonly fee: Money;
}
