// The pre-trade risk guard: one pure check in front of every order a paper or live session sends. An order that
// breaks a limit comes back as a denial with a code and the numbers involved, so the session can journal why.
// Must never send, size or change an order; it only says yes or why not.
import { formatDecimal } from '../core/decimal.js';
import { moneyFromText, type Money } from '../core/money.js';
import { contractMathFor } from '../domain/contract-math.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderAction } from '../domain/order.js';

/**
 * The trader's limits. Defaults follow the sources (../shared/PRODUCT.md): risk per trade 1 %, margin utilisation
 * at most 10 % of equity, five straight stops stop the day.
 */
export interface GuardLimits {
  /** Largest loss at the stop as a percent of equity (1 = 1 %). Orders without a stop are refused unless reduce-only. */
  readonly riskPerTradePct: number;
  /** Largest initial margin of all positions after the order, percent of equity. */
  readonly marginUtilisationPct: number;
  /** Largest effective leverage after the order: position notional / equity. */
  readonly maxLeverage: number;
  /** Largest absolute position after the order, in lots; undefined = no cap beyond the others. */
  readonly maxPositionLots: number | undefined;
  /** Loss since the start of the UTC day, percent of the day's starting equity, at which entries stop. */
  readonly dailyLossPct: number;
  /** Consecutive losing round trips at which entries stop (the breaker); 0 disables it. */
  readonly maxConsecutiveLosses: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = {
  riskPerTradePct: 1,
  marginUtilisationPct: 10,
  maxLeverage: 10,
  maxPositionLots: undefined,
  dailyLossPct: 3,
  maxConsecutiveLosses: 5,
};

/** The account as the session knows it when the order is about to go out. Money is in the settle asset. */
export interface GuardAccount {
  readonly equity: Money;
  /** Equity at the start of the current UTC day (for the daily loss limit). */
  readonly dayStartEquity: Money;
  readonly consecutiveLosses: number;
  /** Net position on the order's instrument, signed lots (positive long). */
  readonly positionSignedLots: number;
  /** The venue's leverage setting for the instrument (initial margin = notional / leverage). */
  readonly leverage: number;
}

/** The order as the guard sees it. `priceTicks` is the limit or trigger, or the last price for a market order. */
export interface GuardOrder {
  readonly action: OrderAction;
  readonly qtyLots: number;
  readonly priceTicks: number;
  readonly reduceOnly: boolean;
  /** The protective stop the order's position will have; undefined when there is none. */
  readonly stopTicks: number | undefined;
}

/** Why the guard refused. Money in settle-asset units (1e-8), lots and ticks as integers, percents as floats. */
export type GuardDenial =
  | { readonly code: 'OFF_GRID'; readonly qtyLots: number; readonly priceTicks: number }
  | { readonly code: 'BELOW_MIN_QTY'; readonly qtyLots: number; readonly minQtyLots: number }
  | { readonly code: 'ABOVE_MAX_QTY'; readonly qtyLots: number; readonly maxQtyLots: number }
  | { readonly code: 'BELOW_MIN_NOTIONAL'; readonly notional: Money; readonly minNotional: Money }
  | { readonly code: 'REDUCE_ONLY_WOULD_INCREASE'; readonly positionSignedLots: number; readonly qtyLots: number }
  | { readonly code: 'NO_STOP'; readonly qtyLots: number }
  | { readonly code: 'RISK_PER_TRADE'; readonly riskAtStop: Money; readonly budget: Money; readonly riskPerTradePct: number }
  | { readonly code: 'MAX_POSITION'; readonly positionAfterLots: number; readonly maxPositionLots: number }
  | { readonly code: 'MARGIN_UTILISATION'; readonly marginAfter: Money; readonly cap: Money; readonly marginUtilisationPct: number }
  | { readonly code: 'LEVERAGE_CAP'; readonly leverageAfter: number; readonly maxLeverage: number }
  | { readonly code: 'DAILY_LOSS_LIMIT'; readonly lossToday: Money; readonly limit: Money; readonly dailyLossPct: number }
  | { readonly code: 'CONSECUTIVE_LOSSES'; readonly consecutiveLosses: number; readonly maxConsecutiveLosses: number }
  | { readonly code: 'NO_EQUITY'; readonly equity: Money };

/**
 * Whether an order of `qtyLots` (> 0) only shrinks the position of `positionSignedLots` (positive long): it takes
 * the position toward zero, at most to flat, never across it. Such orders pass every limit and every market-data block.
 */
export function onlyShrinks(action: OrderAction, qtyLots: number, positionSignedLots: number): boolean {
  const after = positionSignedLots + (action === 'buy' ? qtyLots : -qtyLots);
  return Math.abs(after) <= Math.abs(positionSignedLots) && Math.sign(after) !== -Math.sign(positionSignedLots);
}

/**
 * Checks one order against the exchange's grid and minimums and the trader's limits; undefined = allowed.
 * A reduce-only order (or one that only shrinks the position) passes every risk limit: closing must always be
 * possible, including after the daily limit or the breaker tripped. Risk at stop = |entry - stop| x qty (contract
 * math of the instrument); margin = position notional after the order / leverage (Binance initial margin,
 * https://www.binance.com/en/support/faq/360033162192), checked against the margin cap and the leverage cap.
 */
export function checkOrder(spec: InstrumentSpec, order: GuardOrder, account: GuardAccount, limits: GuardLimits): GuardDenial | undefined {
  const { qtyLots, priceTicks } = order;
  if (!Number.isSafeInteger(qtyLots) || qtyLots <= 0 || !Number.isSafeInteger(priceTicks) || priceTicks <= 0) return { code: 'OFF_GRID', qtyLots, priceTicks };
  if (qtyLots < spec.minQtyLots) return { code: 'BELOW_MIN_QTY', qtyLots, minQtyLots: spec.minQtyLots };
  if (spec.maxQtyLots !== undefined && qtyLots > spec.maxQtyLots) return { code: 'ABOVE_MAX_QTY', qtyLots, maxQtyLots: spec.maxQtyLots };
  const before = account.positionSignedLots;
  const after = before + (order.action === 'buy' ? qtyLots : -qtyLots);
  const reduces = onlyShrinks(order.action, qtyLots, before);
  if (order.reduceOnly) return reduces ? undefined : { code: 'REDUCE_ONLY_WOULD_INCREASE', positionSignedLots: before, qtyLots };
  if (reduces) return undefined;
  const math = contractMathFor(spec);
  // Binance checks MIN_NOTIONAL on opening orders only; closing orders of any size are accepted (error -4164).
  const minNotional = spec.minNotional === undefined ? undefined : moneyFromText(formatDecimal(spec.minNotional), 'ceil');
  const notional = math.notional(qtyLots, priceTicks);
  if (minNotional !== undefined && notional < minNotional) return { code: 'BELOW_MIN_NOTIONAL', notional, minNotional };
  if (account.equity <= 0) return { code: 'NO_EQUITY', equity: account.equity };
  const lossToday = Math.max(0, account.dayStartEquity - account.equity) as Money;
  const dailyLimit = Math.floor((account.dayStartEquity * limits.dailyLossPct) / 100) as Money;
  if (lossToday >= dailyLimit) return { code: 'DAILY_LOSS_LIMIT', lossToday, limit: dailyLimit, dailyLossPct: limits.dailyLossPct };
  if (limits.maxConsecutiveLosses > 0 && account.consecutiveLosses >= limits.maxConsecutiveLosses) {
    return { code: 'CONSECUTIVE_LOSSES', consecutiveLosses: account.consecutiveLosses, maxConsecutiveLosses: limits.maxConsecutiveLosses };
  }
  if (order.stopTicks === undefined) return { code: 'NO_STOP', qtyLots };
  const riskAtStop = Math.abs(math.pnl(qtyLots, priceTicks, order.stopTicks)) as Money;
  const budget = Math.floor((account.equity * limits.riskPerTradePct) / 100) as Money;
  if (riskAtStop > budget) return { code: 'RISK_PER_TRADE', riskAtStop, budget, riskPerTradePct: limits.riskPerTradePct };
  if (limits.maxPositionLots !== undefined && Math.abs(after) > limits.maxPositionLots) {
    return { code: 'MAX_POSITION', positionAfterLots: after, maxPositionLots: limits.maxPositionLots };
  }
  const notionalAfter = math.notionalUnits(Math.abs(after), priceTicks);
  const marginAfter = Math.ceil(notionalAfter / account.leverage) as Money;
  const cap = Math.floor((account.equity * limits.marginUtilisationPct) / 100) as Money;
  if (marginAfter > cap) return { code: 'MARGIN_UTILISATION', marginAfter, cap, marginUtilisationPct: limits.marginUtilisationPct };
  const leverageAfter = notionalAfter / account.equity;
  if (leverageAfter > limits.maxLeverage) return { code: 'LEVERAGE_CAP', leverageAfter, maxLeverage: limits.maxLeverage };
  return undefined;
}

/** One line a person (and the journal's RiskDenied `detail`) reads: the limit, the numbers, the way out. */
export function describeGuardDenial(d: GuardDenial, settle: string): string {
  const m = (x: Money): string => `${(x / 1e8).toFixed(2)} ${settle}`;
  switch (d.code) {
    case 'OFF_GRID':
      return `quantity ${d.qtyLots} lots / price ${d.priceTicks} ticks is not a positive whole number of steps`;
    case 'BELOW_MIN_QTY':
      return `quantity ${d.qtyLots} lots is below the exchange minimum of ${d.minQtyLots} lots`;
    case 'ABOVE_MAX_QTY':
      return `quantity ${d.qtyLots} lots is above the exchange maximum of ${d.maxQtyLots} lots`;
    case 'BELOW_MIN_NOTIONAL':
      return `notional ${m(d.notional)} is below the exchange minimum ${m(d.minNotional)}`;
    case 'REDUCE_ONLY_WOULD_INCREASE':
      return `a reduce-only order of ${d.qtyLots} lots would increase the position of ${d.positionSignedLots} lots`;
    case 'NO_STOP':
      return `an opening order of ${d.qtyLots} lots has no protective stop; every entry needs one`;
    case 'RISK_PER_TRADE':
      return `risk at the stop ${m(d.riskAtStop)} exceeds ${d.riskPerTradePct}% of equity (${m(d.budget)}); trade smaller or move the stop closer`;
    case 'MAX_POSITION':
      return `the position would be ${d.positionAfterLots} lots, above the cap of ${d.maxPositionLots} lots`;
    case 'MARGIN_UTILISATION':
      return `initial margin ${m(d.marginAfter)} would exceed ${d.marginUtilisationPct}% of equity (${m(d.cap)})`;
    case 'LEVERAGE_CAP':
      return `effective leverage ${d.leverageAfter.toFixed(2)}x would exceed the cap of ${d.maxLeverage}x`;
    case 'DAILY_LOSS_LIMIT':
      return `today's loss ${m(d.lossToday)} reached the daily limit of ${d.dailyLossPct}% (${m(d.limit)}); entries stop until 00:00 UTC`;
    case 'CONSECUTIVE_LOSSES':
      return `${d.consecutiveLosses} losing trades in a row reached the breaker (${d.maxConsecutiveLosses}); entries stop until reset`;
    case 'NO_EQUITY':
      return `equity ${m(d.equity)} leaves nothing to risk`;
  }
}
