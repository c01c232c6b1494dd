// The simulated venue's checks when an order arrives, with the venue's reasons (RejectCode): grid, quantity limits,
// minimum notional, reduce-only direction, leverage and initial margin against the available balance. Pure: must
// never change the account or the book. Post-only, IOC and FOK are judged by the fill models against the market.
import { formatMoney, type Money } from '../../core/money.js';
import { maxLeverageFor } from '../../domain/margin.js';
import type { OrderSpec } from '../../domain/order.js';
import type { PositionMode, RejectCode } from '../venue.js';
import type { InstrumentAccount } from './instrument-account.js';

/** Why an order was refused: the venue's code and a sentence that names the numbers. */
export interface OrderRefusal {
  readonly code: RejectCode;
  readonly reason: string;
}

/** What the checks read: the instrument's account, the venue's settings and the market at arrival. */
export interface ValidationContext {
  readonly ia: InstrumentAccount;
  readonly positionMode: PositionMode;
  readonly leverage: number;
  /** The price a market order is judged at: the first price at or after arrival (bar open, trade, touch). */
  readonly referenceTicks: number;
  /** Signed lots of the leg the order belongs to (net in one-way mode). */
  readonly legLots: number;
  /** What new orders may use (AccountMetrics.availableMargin). */
  readonly availableMargin: Money;
  /** Initial margin of `lots` at a price at the venue's leverage (SimAccount.initialMarginFor). */
  readonly initialMargin: (lots: number, priceTicks: number) => Money;
}

/** The price an order is judged at for notional and margin: its limit, else its trigger or activation, else the market. */
export function orderPriceTicks(spec: OrderSpec, referenceTicks: number): number {
  switch (spec.type) {
    case 'market':
      return referenceTicks;
    case 'limit':
    case 'stop-limit':
    case 'take-profit-limit':
      return spec.limitTicks;
    case 'stop-market':
    case 'take-profit-market':
      return spec.triggerTicks;
    case 'trailing-stop':
      return spec.activationTicks ?? referenceTicks;
  }
}

/** True when the order closes its hedge-mode leg (sell on the long leg, buy on the short): reduce-only by nature. */
export function closesHedgeLeg(spec: OrderSpec, positionMode: PositionMode): boolean {
  return positionMode === 'hedge' && (spec.positionSide === 'long' ? spec.action === 'sell' : spec.action === 'buy');
}

/** Lots of the order that would open or increase a position (the rest reduces the leg first). */
export function increasingLots(spec: OrderSpec, legLots: number, reduceOnly: boolean): number {
  if (reduceOnly) return 0;
  const sign = spec.action === 'buy' ? 1 : -1;
  const reducible = sign * legLots < 0 ? Math.abs(legLots) : 0;
  return Math.max(0, spec.qtyLots - reducible);
}

const positiveInt = (x: number): boolean => Number.isSafeInteger(x) && x > 0;

function gridProblem(spec: OrderSpec): string | undefined {
  if (!positiveInt(spec.qtyLots)) return `quantity ${spec.qtyLots} lots is not a positive whole number of lots`;
  switch (spec.type) {
    case 'market':
      return undefined;
    case 'limit':
      return positiveInt(spec.limitTicks) ? undefined : `limit ${spec.limitTicks} ticks is not a positive whole number of ticks`;
    case 'stop-market':
    case 'take-profit-market':
      return positiveInt(spec.triggerTicks) ? undefined : `trigger ${spec.triggerTicks} ticks is not a positive whole number of ticks`;
    case 'stop-limit':
    case 'take-profit-limit':
      if (!positiveInt(spec.triggerTicks)) return `trigger ${spec.triggerTicks} ticks is not a positive whole number of ticks`;
      return positiveInt(spec.limitTicks) ? undefined : `limit ${spec.limitTicks} ticks is not a positive whole number of ticks`;
    case 'trailing-stop':
      if (spec.activationTicks !== undefined && !positiveInt(spec.activationTicks)) return `activation ${spec.activationTicks} ticks is not a positive whole number of ticks`;
      return undefined;
  }
}

/**
 * Checks an order on arrival, in the order Binance reports them: mode, grid, quantity limits, callback rate, minimum
 * notional (reduce-only orders are exempt: Binance -4164 "Order's notional must be no smaller than 5 (unless you
 * choose reduce only)", as recorded in https://github.com/conor19w/binance-futures-trading-bot/issues/52), reduce-only with nothing
 * to reduce (Binance -2022 "ReduceOnly Order is rejected"), leverage above the bracket's maximum, and initial margin
 * of the increasing part (notional at the order's price / leverage, margin.ts) above the available margin.
 * `reduceOnly` is the effective flag (hedge-mode closes count). Undefined when the order may go to the book.
 */
export function validateOrder(ctx: ValidationContext, spec: OrderSpec, reduceOnly: boolean): OrderRefusal | undefined {
  const ia = ctx.ia;
  const s = ia.spec;
  if (ctx.positionMode === 'hedge' && spec.positionSide === undefined) {
    return { code: 'UNSUPPORTED', reason: 'hedge mode: the order must name its positionSide (long or short)' };
  }
  if (ctx.positionMode === 'one-way' && spec.positionSide !== undefined) {
    return { code: 'UNSUPPORTED', reason: `one-way mode: positionSide ${spec.positionSide} is only for hedge mode` };
  }
  const off = gridProblem(spec);
  if (off !== undefined) return { code: 'OFF_GRID', reason: off };
  if (spec.qtyLots < s.minQtyLots) return { code: 'MIN_QTY', reason: `quantity ${spec.qtyLots} lots is below the minimum ${s.minQtyLots} lots` };
  if (s.maxQtyLots !== undefined && spec.qtyLots > s.maxQtyLots) {
    return { code: 'MAX_QTY', reason: `quantity ${spec.qtyLots} lots is above the maximum ${s.maxQtyLots} lots` };
  }
  if (spec.type === 'trailing-stop' && !(spec.callbackRate >= 0.001 && spec.callbackRate <= 0.1)) {
    // Binance USD-M: callbackRate 0.1 to 10 (percent).
    return { code: 'PRICE_OUT_OF_BOUNDS', reason: `callback rate ${spec.callbackRate} is outside 0.001 to 0.1 (0.1 % to 10 %)` };
  }
  const priceTicks = orderPriceTicks(spec, ctx.referenceTicks);
  if (s.minNotional !== undefined && !reduceOnly) {
    const notional = ia.math.notional(spec.qtyLots, priceTicks);
    const minUnits = Number(s.minNotional.units) * 10 ** (8 - s.minNotional.scale);
    if (notional < minUnits) {
      return { code: 'MIN_NOTIONAL', reason: `notional ${formatMoney(notional)} ${s.settle} is below the minimum ${formatMoney(minUnits as Money)} ${s.settle}` };
    }
  }
  if (reduceOnly) {
    const sign = spec.action === 'buy' ? 1 : -1;
    if (!(sign * ctx.legLots < 0)) return { code: 'REDUCE_ONLY_WOULD_INCREASE', reason: `reduce-only ${spec.action} with a position of ${ctx.legLots} lots would not reduce it` };
    return undefined;
  }
  const opening = increasingLots(spec, ctx.legLots, reduceOnly);
  if (opening === 0) return undefined;
  const notionalWhole = ia.math.notionalUnits(Math.abs(ctx.legLots) + opening, priceTicks) / 1e8;
  const maxLeverage = maxLeverageFor(s.margin, notionalWhole);
  if (s.margin.kind === 'tiered' && (maxLeverage === undefined || ctx.leverage > maxLeverage)) {
    return { code: 'INSUFFICIENT_MARGIN', reason: `leverage ${ctx.leverage}x is above the maximum ${maxLeverage ?? 0}x for a position of ${notionalWhole} ${s.settle}` };
  }
  const required = ctx.initialMargin(opening, priceTicks);
  if (required > ctx.availableMargin) {
    return { code: 'INSUFFICIENT_MARGIN', reason: `initial margin ${formatMoney(required)} ${s.settle} is above the available ${formatMoney(ctx.availableMargin)} ${s.settle}` };
  }
  return undefined;
}
