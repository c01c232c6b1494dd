// Conversion between our orders (integer ticks and lots on the instrument's grid) and ccxt's (amount in contracts,
// prices as decimals), both ways. Outgoing numbers are formatted exactly from the grid with formatCount; incoming
// ccxt floats are placed on the grid by the named countFromFloat. Must never round a quantity up or guess a price.
import type { Order as CcxtOrder, Position as CcxtPosition } from 'ccxt';
import { countFromFloat, formatCount, type Grid, type Lots, type Ticks } from '../../core/grid.js';
import { invariant } from '../../core/errors.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderAction, OrderSpec, PositionEffect, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { VenuePosition } from '../venue.js';
import type { AccountContext, VenueProfile } from './venue-profile.js';

/** The arguments of one ccxt `createOrder(symbol, type, side, amount, price, params)` call. */
export interface CcxtOrderRequest {
  readonly symbol: string;
  readonly type: 'market' | 'limit';
  readonly side: OrderAction;
  /** In contracts (ccxt's unit for derivatives): lots x lot step, exact. */
  readonly amount: number;
  readonly price: number | undefined;
  readonly params: Record<string, unknown>;
}

/**
 * A grid count as the float ccxt wants, checked to read back to the same count: a decimal with at most 15
 * significant digits survives Number() exactly (IEEE 754 round-trip), so ccxt's own formatting prints our decimal.
 */
export function exactFloat(count: number, grid: Grid): number {
  const value = Number(formatCount(count, grid));
  invariant(countFromFloat(value, grid, 'exact') === count, `${count} steps of ${grid.step} to survive a float`, () => String(value));
  return value;
}

const tifParams = (tif: TimeInForce): Record<string, unknown> => (tif === 'GTX' ? { postOnly: true } : { timeInForce: tif });

/**
 * Builds the ccxt call for an order. The caller has checked the order against the venue's capabilities. `account`
 * (the session's settings) is named in the order where the venue wants it (MEXC's openType and isolated leverage).
 */
export function toCcxtOrder(order: OrderSpec, spec: InstrumentSpec, profile: VenueProfile, account: AccountContext = {}): CcxtOrderRequest {
  const price = (ticks: Ticks): number => exactFloat(ticks, spec.tick);
  const priceText = (ticks: Ticks): string => formatCount(ticks, spec.tick);
  const common = {
    symbol: spec.ccxtSymbol,
    side: order.action,
    amount: exactFloat(order.qtyLots, spec.lot),
  };
  const base = { clientOrderId: order.clientId, ...profile.accountOrderParams?.(account), ...profile.legParams(order.positionSide, order.effect === 'reduce-only') };
  switch (order.type) {
    case 'market':
      return { ...common, type: 'market', price: undefined, params: base };
    case 'limit':
      return { ...common, type: 'limit', price: price(order.limitTicks), params: { ...base, ...tifParams(order.timeInForce) } };
    case 'stop-market':
      return { ...common, type: 'market', price: undefined, params: { ...base, ...profile.triggerParams('stop', order.action, priceText(order.triggerTicks)) } };
    case 'stop-limit':
      return {
        ...common,
        type: 'limit',
        price: price(order.limitTicks),
        params: { ...base, ...tifParams(order.timeInForce), ...profile.triggerParams('stop', order.action, priceText(order.triggerTicks)) },
      };
    case 'take-profit-market':
      return { ...common, type: 'market', price: undefined, params: { ...base, ...profile.triggerParams('take-profit', order.action, priceText(order.triggerTicks)) } };
    case 'take-profit-limit':
      return {
        ...common,
        type: 'limit',
        price: price(order.limitTicks),
        params: { ...base, ...tifParams(order.timeInForce), ...profile.triggerParams('take-profit', order.action, priceText(order.triggerTicks)) },
      };
    case 'trailing-stop':
      // ccxt's unified trailingPercent is in percent (Binance callbackRate 0.1-10, step 0.1); ours is a fraction.
      return {
        ...common,
        type: 'market',
        price: undefined,
        params: {
          ...base,
          trailingPercent: String(Math.round(order.callbackRate * 100 * 1e6) / 1e6),
          ...(order.activationTicks === undefined ? {} : { trailingTriggerPrice: priceText(order.activationTicks) }),
        },
      };
  }
}

/** ccxt's order status, reduced to what we act on. */
export type CcxtOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

/** What we read from one ccxt order. */
export interface OrderView {
  readonly venueOrderId: string;
  readonly clientId: string | undefined;
  readonly status: CcxtOrderStatus;
  readonly filledLots: Lots;
  /** Average fill price in ticks (a float: an average need not be on the grid); undefined before any fill. */
  readonly averageTicks: number | undefined;
  /** The order as the venue holds it, rebuilt from ccxt's fields (for orders we did not send in this process). */
  readonly spec: OrderSpec | undefined;
}

function readStatus(status: string | undefined): CcxtOrderStatus {
  switch (status) {
    case 'closed':
    case 'canceled':
    case 'expired':
    case 'rejected':
      return status;
    default:
      return 'open';
  }
}

const toLots = (amount: number | undefined, spec: InstrumentSpec): number => countFromFloat(amount ?? 0, spec.lot, 'nearest') ?? 0;
const toTicks = (price: number | undefined, spec: InstrumentSpec): Ticks | undefined => {
  if (price === undefined || price === 0) return undefined;
  const t = countFromFloat(price, spec.tick, 'nearest');
  return t === undefined ? undefined : (t as Ticks);
};

/** Reads a ccxt order of an instrument into our view. */
export function fromCcxtOrder(o: CcxtOrder, spec: InstrumentSpec): OrderView {
  const average = o.average ?? undefined;
  return {
    venueOrderId: String(o.id),
    clientId: o.clientOrderId ?? undefined,
    status: readStatus(o.status),
    filledLots: toLots(o.filled, spec) as Lots,
    averageTicks: average === undefined || average === 0 ? undefined : average / spec.tick.stepFloat,
    spec: specFromCcxtOrder(o, spec),
  };
}

/**
 * The regular order that trades for a triggered Binance USD-M algo order: `actualOrderId` of GET /fapi/v1/algoOrder
 * (ccxt keeps it in `info`; "" until the trigger), https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Query-Algo-Order.
 * Undefined for an untriggered order and for any other venue's order.
 */
export function childOrderIdOf(o: CcxtOrder): string | undefined {
  const id = (o.info as { actualOrderId?: unknown } | undefined)?.actualOrderId;
  const text = typeof id === 'number' ? String(id) : typeof id === 'string' ? id : '';
  return text === '' || text === '0' ? undefined : text;
}

/**
 * The order's type as the venue wrote it, lower case ('' when absent): ccxt's Binance parser folds STOP_MARKET,
 * TAKE_PROFIT_MARKET and TRAILING_STOP_MARKET all into `market` (binance.js parseOrderTypeByMarket) and sets no
 * takeProfitPrice, so without the raw type a resting take-profit reads back as a stop, and a restarted session would
 * move it as one (issue 8: two stops on the venue). Binance algo orders name it `orderType`, regular ones `type`
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Query-Algo-Order); Bybit
 * `stopOrderType` (TakeProfit, StopLoss).
 */
function venueTypeOf(o: CcxtOrder): string {
  const info = o.info as Record<string, unknown> | undefined;
  for (const key of ['orderType', 'type', 'origType', 'stopOrderType']) {
    const raw = info?.[key];
    if (typeof raw === 'string' && /take_?profit|trailing/i.test(raw)) return raw.toLowerCase();
  }
  return '';
}

/**
 * The hedge-mode leg of an order read back, from the venue's own field (ccxt keeps it only in `info`): Binance and
 * BingX `positionSide` LONG/SHORT, Bybit `positionIdx` 1/2. Binance reports a hedge-mode close as `reduceOnly: false`,
 * so the leg is what tells a long's stop from a short's stop entry.
 */
function legOfOrder(o: CcxtOrder): Side | undefined {
  const info = o.info as Record<string, unknown> | undefined;
  const side = info?.['positionSide'];
  if (side === 'LONG' || side === 'SHORT') return side === 'LONG' ? 'long' : 'short';
  const idx = String(info?.['positionIdx'] ?? '');
  return idx === '1' ? 'long' : idx === '2' ? 'short' : undefined;
}

/**
 * Rebuilds our OrderSpec from a ccxt order; undefined when its type is not one we model. `hedged`: the account is in
 * hedge mode, so the order's leg is read too (WEEX names LONG/SHORT in one-way mode as well, so only then).
 */
export function specFromCcxtOrder(o: CcxtOrder, spec: InstrumentSpec, hedged = false): OrderSpec | undefined {
  const action: OrderAction | undefined = o.side === 'buy' || o.side === 'sell' ? o.side : undefined;
  if (action === undefined || o.clientOrderId === undefined) return undefined;
  const effect: PositionEffect = o.reduceOnly === true ? 'reduce-only' : 'open-or-reduce';
  const leg = hedged ? legOfOrder(o) : undefined;
  const base = { clientId: o.clientOrderId, instrument: spec.id, action, qtyLots: toLots(o.amount, spec) as Lots, effect, ...(leg === undefined ? {} : { positionSide: leg }) };
  const type = (o.type ?? '').toLowerCase();
  const venueType = venueTypeOf(o);
  const tif: TimeInForce = o.postOnly === true ? 'GTX' : o.timeInForce === 'IOC' || o.timeInForce === 'FOK' ? o.timeInForce : 'GTC';
  const limitTicks = toTicks(o.price, spec);
  const triggerTicks = toTicks(o.triggerPrice ?? o.stopLossPrice ?? o.takeProfitPrice, spec);
  const isLimit = !type.includes('market') && limitTicks !== undefined;
  if (type.includes('trailing') || venueType.includes('trailing')) {
    const rate = Number((o.info as Record<string, unknown> | undefined)?.['priceRate'] ?? (o.info as Record<string, unknown> | undefined)?.['callbackRate'] ?? Number.NaN);
    return Number.isFinite(rate) ? { ...base, type: 'trailing-stop', callbackRate: rate / 100, ...(triggerTicks === undefined ? {} : { activationTicks: triggerTicks }) } : undefined;
  }
  if (triggerTicks === undefined) {
    if (type === 'market') return { ...base, type: 'market' };
    return limitTicks === undefined ? undefined : { ...base, type: 'limit', limitTicks, timeInForce: tif };
  }
  const takeProfit = type.includes('take_profit') || /take_?profit/.test(venueType) || (o.takeProfitPrice !== undefined && o.stopLossPrice === undefined);
  if (takeProfit) {
    return isLimit ? { ...base, type: 'take-profit-limit', triggerTicks, limitTicks, timeInForce: tif } : { ...base, type: 'take-profit-market', triggerTicks };
  }
  return isLimit ? { ...base, type: 'stop-limit', triggerTicks, limitTicks, timeInForce: tif } : { ...base, type: 'stop-market', triggerTicks };
}

/**
 * Reads a ccxt position into ours; undefined for a flat one. `hedged` positions carry their leg. A position whose
 * side is neither long nor short (BingX one-way mode: positionSide "BOTH", ccxt side "both") is short when its
 * amount is negative (https://bingx-api.github.io/docs/#/en-us/swapV2/account-api.html, positionAmt).
 */
export function fromCcxtPosition(p: CcxtPosition, spec: InstrumentSpec): VenuePosition | undefined {
  const contracts = p.contracts ?? 0;
  const lots = toLots(Math.abs(contracts), spec);
  if (lots === 0) return undefined;
  const side = p.side === 'short' || (p.side !== 'long' && contracts < 0) ? 'short' : 'long';
  const signedLots = side === 'short' ? -lots : lots;
  return {
    instrument: spec.id,
    signedLots,
    ...(p.hedged === true ? { positionSide: side } : {}),
    entryTicks: (p.entryPrice ?? 0) / spec.tick.stepFloat,
  };
}
