// `ctx.orders`: the order API a strategy uses, and the conversion of its requests (float prices and sizes, or ticks
// and lots) into the domain's OrderSpecs on the instrument's grid. Prices round to the nearest tick, sizes down to
// the lot (issue 5). Must never send anything itself: the engine does, after these checks.
import { asLots, asTicks, countFromFloat } from '../core/grid.js';
import { roundFloat } from '../core/rounding.js';
import { err, ok, type Result } from '../core/result.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import type { InstrumentId, InstrumentSpec } from '../domain/instrument.js';
import type { OrderAction, OrderSpec, PositionEffect, TimeInForce } from '../domain/order.js';
import type { Side } from '../domain/side.js';

/** A price as a float in the quote asset (rounded to the nearest tick) or as an exact count of ticks. */
export type PriceInput = number | { readonly ticks: number };

/**
 * The size of an order: exactly one of `qty` (contracts, rounded down to the lot), `lots` (exact) or `notional`
 * (quote-asset value at the order's price, or at the last close for market and stop orders; rounded down to the
 * lot).
 */
export interface SizeInput {
  readonly qty?: number;
  readonly lots?: number;
  readonly notional?: number;
}

interface RequestBase extends SizeInput {
  readonly action: OrderAction;
  /** Default: the run's primary instrument. */
  readonly instrument?: InstrumentId;
  readonly reduceOnly?: boolean;
  /** Hedge mode: the leg; leave undefined in one-way mode. */
  readonly positionSide?: Side;
  /** The strategy's label for the setup, copied to the round trip it opens (e.g. "ema-cross:long"). */
  readonly tag?: string;
}

/** Every order type the API can submit. `postOnly` is GTX: rejected by the venue if it would take. */
export type OrderRequest =
  | (RequestBase & { readonly type: 'market' })
  | (RequestBase & { readonly type: 'limit'; readonly price: PriceInput; readonly timeInForce?: TimeInForce; readonly postOnly?: boolean })
  | (RequestBase & { readonly type: 'stop'; readonly trigger: PriceInput; readonly limit?: PriceInput })
  | (RequestBase & { readonly type: 'take-profit'; readonly trigger: PriceInput; readonly limit?: PriceInput })
  | (RequestBase & {
      readonly type: 'trailing';
      /** Callback in percent (1 = 1 %): the retrace from the best price that triggers it. */
      readonly callbackPct: number;
      readonly activation?: PriceInput;
    });

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type TypedRequest<K extends OrderRequest['type']> = Without<Extract<OrderRequest, { type: K }>, 'type'>;

/**
 * A bracket exit: a percentage distance from the entry's fill (0.2 = 0.2 %; the venue prices it when the entry
 * fills) or a fixed price. The take-profit is a reduce-only limit by default (maker, fills only when price trades
 * through it); `market` makes it a take-profit-market (taker, fills at its trigger on touch). The stop is a
 * stop-market.
 */
export type ExitInput = ({ readonly pct: number } | { readonly price: PriceInput }) & { readonly type?: 'limit' | 'market' };

export interface BracketRequest {
  /** The entry: a market or limit request. */
  readonly entry: TypedRequest<'market'> & { readonly type?: 'market' } | (TypedRequest<'limit'> & { readonly type: 'limit' });
  readonly takeProfit?: ExitInput;
  readonly stopLoss: ExitInput;
}

/** The client ids of a bracket's orders. */
export interface BracketIds {
  readonly entry: string;
  readonly takeProfit?: string;
  readonly stopLoss: string;
}

/** A working order as the strategy sees it (allocated on request). */
export interface OpenOrderView {
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly type: OrderSpec['type'];
  readonly action: OrderAction;
  readonly lots: number;
  readonly filledLots: number;
  readonly status: string;
}

/** What may change in a working order. */
export interface ModifyRequest extends SizeInput {
  readonly price?: PriceInput;
  readonly trigger?: PriceInput;
}

/**
 * The order API. Submit calls return the client id, or undefined when the engine refused to send the request
 * (a size that rounds to zero lots, a price that is not positive); the refusal is counted and logged with its reason.
 * The venue's own refusals arrive later as order updates (`onOrder`).
 */
export interface OrderApi {
  submit(request: OrderRequest): string | undefined;
  market(request: TypedRequest<'market'>): string | undefined;
  limit(request: TypedRequest<'limit'>): string | undefined;
  stop(request: TypedRequest<'stop'>): string | undefined;
  takeProfit(request: TypedRequest<'take-profit'>): string | undefined;
  trailing(request: TypedRequest<'trailing'>): string | undefined;
  /** Entry plus reduce-only exits, OCO with each other, working from the entry's fill and sized to it. */
  bracket(request: BracketRequest): BracketIds | undefined;
  /** Returns false when the order is not working (already terminal or unknown). */
  modify(clientId: string, changes: ModifyRequest): boolean;
  cancel(clientId: string): boolean;
  cancelAll(instrument?: InstrumentId): void;
  /** Number of working (non-terminal) orders, all instruments. Allocation-free. */
  readonly workingCount: number;
  isWorking(clientId: string): boolean;
  open(): readonly OpenOrderView[];
}

/** Ticks of a price input: floats round to the nearest tick. Undefined when not a positive finite price. */
export function ticksOf(price: PriceInput, spec: InstrumentSpec): number | undefined {
  const t = typeof price === 'number' ? countFromFloat(price, spec.tick, 'nearest') : price.ticks;
  return t !== undefined && Number.isSafeInteger(t) && t > 0 ? t : undefined;
}

/** Lots of a size input at `priceTicks`, rounded down to the lot. A string says why when there is no valid size. */
export function lotsOf(size: SizeInput, spec: InstrumentSpec, priceTicks: number, math: ContractMath = contractMathFor(spec)): Result<number, string> {
  const given = (size.qty !== undefined ? 1 : 0) + (size.lots !== undefined ? 1 : 0) + (size.notional !== undefined ? 1 : 0);
  if (given !== 1) return err('give exactly one of qty, lots or notional');
  let lots: number | undefined;
  if (size.lots !== undefined) lots = size.lots;
  else if (size.qty !== undefined) lots = countFromFloat(size.qty, spec.lot, 'floor');
  else {
    const notional = size.notional!;
    if (!(notional > 0)) return err(`notional ${notional} is not positive`);
    // Quote value of one lot: linear lot x size x price; inverse lot x contract value (fixed in quote).
    const perLot =
      math.contractType === 'linear' ? math.notionalUnits(1, priceTicks) / 1e8 : spec.lot.stepFloat * (Number(spec.contractSize.units) / 10 ** spec.contractSize.scale);
    lots = roundFloat(notional / perLot, 'floor');
  }
  if (lots === undefined || !Number.isSafeInteger(lots)) return err('size is not a finite number');
  if (lots < 1) return err('size rounds down to 0 lots');
  if (lots < spec.minQtyLots) return err(`size ${lots} lots is below the minimum of ${spec.minQtyLots}`);
  return ok(lots);
}

/**
 * Builds the OrderSpec of a request. `referenceTicks` is the last known price (the last close), used to size
 * market and stop orders by notional. Errors are reasons in words (counted as "not sent").
 */
export function orderSpecOf(request: OrderRequest, spec: InstrumentSpec, clientId: string, referenceTicks: number, math?: ContractMath): Result<OrderSpec, string> {
  const effect: PositionEffect = request.reduceOnly === true ? 'reduce-only' : 'open-or-reduce';
  const priceFor = (p: PriceInput, what: string): Result<number, string> => {
    const t = ticksOf(p, spec);
    return t === undefined ? err(`${what} ${JSON.stringify(p)} is not a positive price`) : ok(t);
  };
  let sizeTicks = referenceTicks;
  if (request.type === 'limit') {
    const p = priceFor(request.price, 'limit price');
    if (!p.ok) return p;
    sizeTicks = p.value;
  }
  const lots = lotsOf(request, spec, sizeTicks, math);
  if (!lots.ok) return lots;
  // Specs are built as literals with every field present (no spreads): this is on the per-trade path.
  const instrument = spec.id;
  const action = request.action;
  const qtyLots = asLots(lots.value);
  const positionSide = request.positionSide;
  switch (request.type) {
    case undefined: // a bracket's entry may leave the type out: it is a market order
    case 'market':
      return ok({ clientId, instrument, action, qtyLots, effect, positionSide, type: 'market' });
    case 'limit': {
      const tif: TimeInForce = request.postOnly === true ? 'GTX' : (request.timeInForce ?? 'GTC');
      return ok({ clientId, instrument, action, qtyLots, effect, positionSide, type: 'limit', limitTicks: asTicks(sizeTicks), timeInForce: tif });
    }
    case 'stop':
    case 'take-profit': {
      const trigger = priceFor(request.trigger, 'trigger');
      if (!trigger.ok) return trigger;
      if (request.limit === undefined) {
        return ok({ clientId, instrument, action, qtyLots, effect, positionSide, type: request.type === 'stop' ? 'stop-market' : 'take-profit-market', triggerTicks: asTicks(trigger.value) });
      }
      const limit = priceFor(request.limit, 'limit price');
      if (!limit.ok) return limit;
      return ok({
        clientId,
        instrument,
        action,
        qtyLots,
        effect,
        positionSide,
        type: request.type === 'stop' ? 'stop-limit' : 'take-profit-limit',
        triggerTicks: asTicks(trigger.value),
        limitTicks: asTicks(limit.value),
        timeInForce: 'GTC',
      });
    }
    case 'trailing': {
      if (!(request.callbackPct > 0 && request.callbackPct < 100)) return err(`callbackPct ${request.callbackPct} is not between 0 and 100`);
      let activation: number | undefined;
      if (request.activation !== undefined) {
        const a = priceFor(request.activation, 'activation price');
        if (!a.ok) return a;
        activation = a.value;
      }
      return ok({
        clientId,
        instrument,
        action,
        qtyLots,
        effect,
        positionSide,
        type: 'trailing-stop',
        callbackRate: request.callbackPct / 100,
        activationTicks: activation === undefined ? undefined : asTicks(activation),
      });
    }
  }
}

/**
 * Exit prices in ticks at `percent` from an entry at `entryTicks`, rounded to the nearest tick: long take-profit
 * above and stop below, mirrored for a short (the same rule as the simulated venue's `bracketExitTicks`).
 */
export function exitTicksFromEntry(entryTicks: number, long: boolean, percent: number, kind: 'take-profit' | 'stop-loss'): number {
  const up = (long ? 1 : -1) * (kind === 'take-profit' ? 1 : -1);
  return roundFloat(entryTicks * (1 + (up * percent) / 100), 'nearest')!;
}
