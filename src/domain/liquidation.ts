// Bankruptcy and liquidation prices for isolated and cross margin, one-way and hedge mode, linear and inverse,
// following Binance's published USD-M and COIN-M formulas (and Bybit's isolated ones), with tiered brackets.
// Must never round a liquidation price toward the trader's favour: the grid price is always the earlier warning.
import { type Grid } from '../core/grid.js';
import { type Ticks } from '../core/grid.js';
import { MONEY_UNITS, type Money } from '../core/money.js';
import type { ContractMath } from './contract-math.js';
import type { ContractType, InstrumentSpec, MaintenanceBracket, VenueId } from './instrument.js';
import { bracketFor, maintenanceBrackets, type MarginTerms } from './margin.js';
import { sideSign, type Side, type SideSign } from './side.js';

/*
 * Derivation (one formula for every case). The account is liquidated when its margin balance falls to the
 * maintenance margin: WB - TMM1 + UPNL1 + sum_i pnl_i(P) = sum_i MM_i(P). With tiered brackets
 * MM(n) = n x rate_k - cum_k in the bracket of n, and because rates rise and cum follows the cum rule, MM(n) equals
 * max_k (n x rate_k - cum_k). So "liquidated at P" holds iff it holds for some choice of one bracket per leg, and
 * for each choice the condition is linear (linear contracts) or linear in 1/P (inverse). Solving each choice is
 * exactly Binance's formula with that bracket's MMR and cum; taking the most conservative root is Binance's
 * instruction to "substitute the other margin levels and recalculate" until the bracket is consistent.
 *   Linear (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93):
 *     LP = (WB - TMM1 + UPNL1 + cumB + cumL + cumS - side1 x pos1 x EP1 - posL x EPL + posS x EPS)
 *          / (pos1 x MMR_B + posL x MMR_L + posS x MMR_S - side1 x pos1 - posL + posS)
 *   Inverse, COIN-M (https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46), with Q = contracts
 *   x contract size (USD):  WB - TMM1 + UPNL1 + sum (side x Q / EP + cum) = sum Q x (side + MMR) / LP.
 */

/** One leg (a one-way position, or the long or short side in hedge mode) in the float units of the formulas. */
export interface LiquidationLeg {
  readonly side: Side;
  /** Linear: base quantity (contracts x contract size). Inverse: quote value (contracts x contract size, USD). */
  readonly size: number;
  /** Average entry price (quote per base). */
  readonly entryPrice: number;
  readonly brackets: readonly MaintenanceBracket[];
}

/** The account around the legs, in whole units of the settle asset. Isolated: WB is the isolated margin, others 0. */
export interface LiquidationAccount {
  /** WB: cross wallet balance, or the isolated wallet balance (isolated margin) of an isolated position. */
  readonly walletBalance: number;
  /** TMM1: maintenance margin of all other positions in the same cross account (0 when isolated). */
  readonly otherMaintenance: number;
  /** UPNL1: unrealised P&L of all other positions in the same cross account (0 when isolated). */
  readonly otherUnrealisedPnl: number;
}

/**
 * Prices at which the account is liquidated: at or below `lower`, at or above `upper`. Undefined when no positive
 * price liquidates in that direction. A one-way long has only `lower`, a short only `upper`; a hedged cross account
 * can have both (maintenance grows with price). `lower` is +Infinity when the account is already below maintenance.
 */
export interface LiquidationPrices {
  readonly lower: number | undefined;
  readonly upper: number | undefined;
}

/** Mark price of MM = 0: the bankruptcy price comes from the same formulas with no maintenance margin. */
const NO_MAINTENANCE: readonly MaintenanceBracket[] = [
  { bracket: 0, notionalFloor: 0, notionalCap: Number.POSITIVE_INFINITY, maintRate: 0, cum: 0, maxLeverage: Number.POSITIVE_INFINITY },
];

/**
 * Liquidation price of one linear leg (Binance USD-M, one-way or isolated): the price in the direction of loss, or
 * undefined when no positive price liquidates (a long with margin beyond its notional). Allocation-free.
 * `sign` +1 long, -1 short; `size` in base units; money in whole settle units.
 */
export function linearLiquidationPrice(
  walletBalance: number,
  otherMaintenance: number,
  otherUnrealisedPnl: number,
  sign: SideSign,
  size: number,
  entryPrice: number,
  brackets: readonly MaintenanceBracket[],
): number | undefined {
  let best: number | undefined;
  const base = walletBalance - otherMaintenance + otherUnrealisedPnl - sign * size * entryPrice;
  for (let k = 0; k < brackets.length; k++) {
    const b = brackets[k]!;
    const lp = (base + b.cum) / (size * b.maintRate - sign * size);
    // Long: liquidated at or below the highest root; short: at or above the lowest.
    if (best === undefined || (sign === 1 ? lp > best : lp < best)) best = lp;
  }
  if (best === undefined || !Number.isFinite(best)) return undefined;
  return best > 0 ? best : sign === 1 ? undefined : 0;
}

/**
 * Liquidation price of one inverse leg (Binance COIN-M, Bybit inverse), `size` in quote units (contracts x
 * contract value), money in coin: LP = Q x (side + MMR) / (WB - TMM1 + UPNL1 + cum + side x Q / EP), the most
 * conservative over brackets. Undefined when no positive price liquidates (e.g. a short backed by its notional).
 */
export function inverseLiquidationPrice(
  walletBalance: number,
  otherMaintenance: number,
  otherUnrealisedPnl: number,
  sign: SideSign,
  size: number,
  entryPrice: number,
  brackets: readonly MaintenanceBracket[],
): number | undefined {
  let best: number | undefined;
  const base = walletBalance - otherMaintenance + otherUnrealisedPnl + (sign * size) / entryPrice;
  for (let k = 0; k < brackets.length; k++) {
    const b = brackets[k]!;
    const den = base + b.cum;
    const num = size * (sign + b.maintRate);
    if (sign === 1) {
      if (den <= 0) return Number.POSITIVE_INFINITY;
      const lp = num / den;
      if (best === undefined || lp > best) best = lp;
    } else if (den < 0) {
      // A short is liquidated at or above num / den only when den < 0; otherwise never for this bracket.
      const lp = num / den;
      if (best === undefined || lp < best) best = lp;
    }
  }
  return best;
}

/** Root candidates of one bracket choice, folded into running lower / upper bounds. */
interface Bounds {
  lower: number | undefined;
  upper: number | undefined;
}

function foldLinear(bounds: Bounds, a: number, b: number): void {
  // Liquidated iff a + b x P <= 0.
  if (b > 0) raiseLower(bounds, -a / b);
  else if (b < 0) lowerUpper(bounds, -a / b);
  else if (a <= 0) bounds.lower = Number.POSITIVE_INFINITY;
}

function foldInverse(bounds: Bounds, a: number, b: number): void {
  // Liquidated iff a - b / P <= 0, i.e. a x P <= b for P > 0.
  if (a > 0) {
    if (b > 0) raiseLower(bounds, b / a);
  } else if (a < 0) {
    if (b < 0) lowerUpper(bounds, b / a);
    else bounds.lower = Number.POSITIVE_INFINITY;
  } else if (b >= 0) bounds.lower = Number.POSITIVE_INFINITY;
}

function raiseLower(bounds: Bounds, p: number): void {
  if (p > 0 && (bounds.lower === undefined || p > bounds.lower)) bounds.lower = p;
}

function lowerUpper(bounds: Bounds, p: number): void {
  if (p <= 0) bounds.lower = Number.POSITIVE_INFINITY;
  else if (bounds.upper === undefined || p < bounds.upper) bounds.upper = p;
}

/** The per-contract-type pieces of the formulas, chosen by table (never by branching on the type). */
interface LiquidationForm {
  /** Adds one leg's bracket choice to the coefficients (a, b) of the liquidation condition. */
  readonly addLeg: (acc: Bounds & { a: number; b: number }, leg: LiquidationLeg, bracket: MaintenanceBracket) => void;
  readonly fold: (bounds: Bounds, a: number, b: number) => void;
  readonly solveOne: typeof linearLiquidationPrice;
}

const FORMS: { readonly [K in ContractType]: LiquidationForm } = {
  linear: {
    addLeg: (acc, leg, br) => {
      const s = sideSign(leg.side);
      acc.a += br.cum - s * leg.size * leg.entryPrice;
      acc.b += leg.size * (s - br.maintRate);
    },
    fold: foldLinear,
    solveOne: linearLiquidationPrice,
  },
  inverse: {
    addLeg: (acc, leg, br) => {
      const s = sideSign(leg.side);
      acc.a += br.cum + (s * leg.size) / leg.entryPrice;
      acc.b += leg.size * (s + br.maintRate);
    },
    fold: foldInverse,
    solveOne: inverseLiquidationPrice,
  },
};

/**
 * Liquidation prices of a cross-margin account holding one or more legs of one symbol (one-way: one leg; hedge
 * mode: a long and a short leg sharing the wallet), linear or inverse. Enumerates one bracket per leg (at most
 * brackets^legs choices, 144 for two 12-tier legs). Not for per-event use: call it when a position changes.
 */
export function liquidationPrices(contractType: ContractType, account: LiquidationAccount, legs: readonly LiquidationLeg[]): LiquidationPrices {
  const form = FORMS[contractType];
  const acc = { lower: undefined as number | undefined, upper: undefined as number | undefined, a: 0, b: 0 };
  const choice = legs.map(() => 0);
  const base = account.walletBalance - account.otherMaintenance + account.otherUnrealisedPnl;
  for (;;) {
    acc.a = base;
    acc.b = 0;
    for (let i = 0; i < legs.length; i++) form.addLeg(acc, legs[i]!, legs[i]!.brackets[choice[i]!]!);
    form.fold(acc, acc.a, acc.b);
    let i = 0;
    while (i < legs.length && ++choice[i]! >= legs[i]!.brackets.length) choice[i++] = 0;
    if (i === legs.length) break;
  }
  return { lower: acc.lower, upper: acc.upper };
}

/** Bankruptcy prices (margin balance = 0) of the same account: the liquidation formula with no maintenance margin. */
export function bankruptcyPrices(contractType: ContractType, account: LiquidationAccount, legs: readonly LiquidationLeg[]): LiquidationPrices {
  return liquidationPrices(
    contractType,
    account,
    legs.map((l) => ({ ...l, brackets: NO_MAINTENANCE })),
  );
}

/**
 * Bybit's isolated-margin liquidation price for a linear (USDT) contract, with maintenance margin taken at the
 * entry value: LP = EP -/+ (IM + extra - MM) / size
 * (https://www.bybit.com/en/help-center/article/Liquidation-Price-USDT-Contract: long 1 BTC at 20,000 with 50x and
 * MMR 0.5 % liquidates at 19,700). `isolatedMargin` = initial margin + extra margin, whole settle units.
 */
export function bybitLinearIsolatedLiquidationPrice(
  sign: SideSign,
  size: number,
  entryPrice: number,
  isolatedMargin: number,
  brackets: readonly MaintenanceBracket[],
): number | undefined {
  const entryNotional = size * entryPrice;
  const b = bracketFor(brackets, entryNotional) ?? brackets[brackets.length - 1]!;
  const maintenance = entryNotional * b.maintRate - b.cum;
  const lp = entryPrice - (sign * (isolatedMargin - maintenance)) / size;
  return lp > 0 ? lp : sign === 1 ? undefined : 0;
}

type BybitIsolated = (wb: number, sign: SideSign, size: number, entryPrice: number, brackets: readonly MaintenanceBracket[]) => number | undefined;

/**
 * Bybit's isolated formulas. Linear: maintenance at the entry value (above). Inverse (Unified Trading Account,
 * https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account):
 * LP(long) = Q x (1 + MMR) / (Q / EP + IM + MM deduction), LP(short) = Q x (1 - MMR) / (Q / EP - IM - MM deduction),
 * the MMR and deduction of the risk-limit tier of the entry value: the COIN-M form with that one bracket.
 */
const BYBIT_ISOLATED: { readonly [K in ContractType]: BybitIsolated } = {
  linear: (wb, sign, size, entryPrice, brackets) => bybitLinearIsolatedLiquidationPrice(sign, size, entryPrice, wb, brackets),
  inverse: (wb, sign, size, entryPrice, brackets) => {
    const entryBracket = bracketFor(brackets, size / entryPrice) ?? brackets[brackets.length - 1]!;
    return inverseLiquidationPrice(wb, 0, 0, sign, size, entryPrice, [entryBracket]);
  },
};

/** Which published formula a venue's isolated liquidation follows. Venues without their own use the generic rule. */
export type LiquidationFormula = 'binance' | 'bybit';

/**
 * Bybit publishes its own isolated formulas (maintenance at the entry tier); every other venue, including CME and
 * Coinbase (where "liquidation" is the broker's margin call at the fixed maintenance margin), uses the generic
 * margin-balance = maintenance-margin rule, which is Binance's formula.
 */
export const LIQUIDATION_FORMULA: { readonly [V in VenueId]: LiquidationFormula } = {
  BINANCE: 'binance',
  BINANCECOINM: 'binance',
  BYBIT: 'bybit',
  BINGX: 'binance',
  MEXC: 'binance',
  WEEX: 'binance',
  CME: 'binance',
  COINBASE: 'binance',
};

/** A liquidation or bankruptcy price: the exact float and its conservative tick on the grid. */
export interface GridPrice {
  /** The exact solution of the formula (quote per base). */
  readonly price: number;
  /**
   * On the tick grid, rounded to the conservative side: a long's price (lower bound) rounds up, a short's (upper
   * bound) rounds down, so the trader is warned at or before the exact price, never after.
   */
  readonly ticks: Ticks;
}

/** Isolated liquidation of one position: liquidation and bankruptcy price, each undefined when none exists. */
export interface IsolatedLiquidation {
  readonly liquidation: GridPrice | undefined;
  readonly bankruptcy: GridPrice | undefined;
  readonly formula: LiquidationFormula;
  /** True when the position is at or beyond its liquidation price already at entry (margin below maintenance). */
  readonly immediate: boolean;
}

/** The part of a spec the liquidation wrapper needs. */
export type LiquidationTerms = Pick<InstrumentSpec, 'venue' | 'contractType' | 'tick'> & MarginTerms;

/**
 * Rounds a long's (lower-bound) price up and a short's (upper-bound) price down to the tick grid. Undefined when
 * the price is beyond what integer ticks can hold (a practically unreachable price: no liquidation on the grid).
 */
export function conservativeTicks(price: number, side: Side, tick: Grid): Ticks | undefined {
  if (!Number.isFinite(price)) return undefined;
  const x = (price * 10 ** tick.scale) / tick.stepUnits;
  // Only float noise (a few ulps) counts as "on the grid"; core's countFromFloat tolerance (1e-9 relative) would
  // round to nearest for counts above 5e8 ticks, which could round a liquidation price the wrong way.
  const nearest = Math.round(x);
  const onGrid = Math.abs(x - nearest) <= Math.max(1e-9, 4 * Number.EPSILON * Math.abs(x));
  const ticks = onGrid ? nearest : side === 'long' ? Math.ceil(x) : Math.floor(x);
  return Number.isSafeInteger(ticks) ? (ticks as Ticks) : undefined;
}

function gridPrice(price: number | undefined, side: Side, tick: Grid): GridPrice | undefined {
  if (price === undefined || !Number.isFinite(price)) return undefined;
  const ticks = conservativeTicks(price, side, tick);
  return ticks === undefined ? undefined : { price, ticks };
}

/**
 * Liquidation and bankruptcy price of an isolated position of `lots` entered at `entryTicks` (may be a fractional
 * average) with `isolatedMargin` allotted (initial margin plus any margin added), by the venue's formula.
 */
export function isolatedLiquidation(
  terms: LiquidationTerms,
  math: ContractMath,
  side: Side,
  lots: number,
  entryTicks: number,
  isolatedMargin: Money,
): IsolatedLiquidation {
  const sign = sideSign(side);
  const size = math.positionSize(lots);
  const entryPrice = (entryTicks * terms.tick.stepUnits) / 10 ** terms.tick.scale;
  const wb = isolatedMargin / MONEY_UNITS;
  const brackets = maintenanceBrackets(terms, lots);
  const formula = LIQUIDATION_FORMULA[terms.venue];
  const solve = FORMS[terms.contractType].solveOne;
  let lp: number | undefined;
  switch (formula) {
    case 'binance':
      lp = solve(wb, 0, 0, sign, size, entryPrice, brackets);
      break;
    case 'bybit': {
      lp = BYBIT_ISOLATED[terms.contractType](wb, sign, size, entryPrice, brackets);
      break;
    }
  }
  const bp = solve(wb, 0, 0, sign, size, entryPrice, NO_MAINTENANCE);
  // Already liquidated at entry: the margin does not even cover maintenance (a long's price at or above entry).
  const immediate = lp !== undefined && (sign === 1 ? lp >= entryPrice : lp <= entryPrice);
  return { liquidation: gridPrice(lp, side, terms.tick), bankruptcy: gridPrice(bp, side, terms.tick), formula, immediate };
}

/** One position leg on the grid, as the cross-margin wrapper takes it. */
export interface GridLeg {
  readonly side: Side;
  readonly lots: number;
  /** Average entry in ticks (may be fractional). */
  readonly entryTicks: number;
}

/** The cross account around the legs, in Money. */
export interface CrossAccount {
  /** Cross wallet balance (WB). */
  readonly walletBalance: Money;
  /** Maintenance margin of all other cross positions (TMM1). */
  readonly otherMaintenance: Money;
  /** Unrealised P&L of all other cross positions (UPNL1). */
  readonly otherUnrealisedPnl: Money;
}

/** Cross-margin liquidation bounds on the grid: at or below `lower` (rounded up), at or above `upper` (rounded down). */
export interface CrossLiquidation {
  readonly lower: GridPrice | undefined;
  readonly upper: GridPrice | undefined;
  /** True when the account is below maintenance at every price (lower is +Infinity). */
  readonly immediate: boolean;
}

/**
 * Liquidation prices of a cross-margin account holding legs of one instrument (one-way: one leg; hedge mode: long
 * and short legs), by Binance's formula with brackets chosen consistently (see the derivation at the top).
 */
export function crossLiquidation(terms: LiquidationTerms, math: ContractMath, account: CrossAccount, legs: readonly GridLeg[]): CrossLiquidation {
  const toPrice = (ticks: number): number => (ticks * terms.tick.stepUnits) / 10 ** terms.tick.scale;
  const prices = liquidationPrices(
    terms.contractType,
    {
      walletBalance: account.walletBalance / MONEY_UNITS,
      otherMaintenance: account.otherMaintenance / MONEY_UNITS,
      otherUnrealisedPnl: account.otherUnrealisedPnl / MONEY_UNITS,
    },
    legs.map((l) => ({ side: l.side, size: math.positionSize(l.lots), entryPrice: toPrice(l.entryTicks), brackets: maintenanceBrackets(terms, l.lots) })),
  );
  return {
    lower: gridPrice(prices.lower, 'long', terms.tick),
    upper: gridPrice(prices.upper, 'short', terms.tick),
    immediate: prices.lower === Number.POSITIVE_INFINITY,
  };
}
