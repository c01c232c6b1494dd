// What one exchange is to the ccxt adapter: its ccxt id, capability map, error-code table and the few places where
// the venue needs other ccxt params than the unified ones. Data and small pure functions; must never call ccxt.
import type { Order as CcxtOrder, Position as CcxtPosition, Trade as CcxtTrade } from 'ccxt';
import type { InstrumentSpec, VenueId } from '../../domain/instrument.js';
import type { OrderAction, OrderSpec } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { MarginMode, PositionMode, VenueCapabilities } from '../venue.js';
import type { FillsPage } from './account-fills.js';
import type { VenueErrorTable } from './venue-failure.js';

/** The ccxt exchange classes the adapter drives. */
export type CcxtExchangeId = 'binanceusdm' | 'bybit' | 'bingx' | 'mexc' | 'weex';

/** A stop fires against the move (buy above, sell below); a take-profit with it (sell above, buy below). */
export type TriggerKind = 'stop' | 'take-profit';

/**
 * How the venue is asked for one order by our client id (after a create with an unknown outcome):
 * - `fetch-order`: ccxt `fetchOrder(undefined, symbol, params)`, the params naming the client id as the venue wants it;
 * - `open-orders`: ccxt `fetchOpenOrders(symbol, ..., params)`, the one carrying our client id (venues with no
 *   single-order read for the type, e.g. WEEX algo orders);
 * - `implicit`: a ccxt implicit method (an endpoint ccxt has no unified call for) whose answer's `data` is the order,
 *   parsed by ccxt's `parseOrder`; an answer without `data` means no such order.
 */
export type ClientIdQuery =
  | { readonly kind: 'fetch-order'; readonly params: Readonly<Record<string, unknown>> }
  | { readonly kind: 'open-orders'; readonly params: Readonly<Record<string, unknown>> }
  | { readonly kind: 'implicit'; readonly method: string; readonly params: Readonly<Record<string, unknown>> };

/**
 * The account's settings as far as the caller knows them (the session's configured ones), for venues whose orders or
 * setter requests must name settings besides their own; undefined = not known (ccxt then names what is missing).
 */
export interface AccountContext {
  readonly positionMode?: PositionMode;
  readonly marginMode?: MarginMode;
  /** The leverage multiplier (e.g. 10 = 10x). */
  readonly leverage?: number;
}

export interface VenueProfile {
  /** Our name for the venue, e.g. `binanceusdm`, `bybit-inverse`. */
  readonly name: string;
  readonly ccxtId: CcxtExchangeId;
  /** The instrument-id venue whose specs this profile trades. */
  readonly venueId: VenueId;
  readonly capabilities: VenueCapabilities;
  /** What the venue accepts as a client order id (checked before sending). */
  readonly clientIdPattern: RegExp;
  readonly errors: VenueErrorTable;
  /** Where the capability map and error table come from. */
  readonly sources: readonly string[];
  /** The venue trades this instrument through this profile (e.g. Bybit linear vs inverse). */
  trades(spec: InstrumentSpec): boolean;
  /** ccxt params for a stop or take-profit trigger at `triggerPrice` (a decimal string). */
  triggerParams(kind: TriggerKind, action: OrderAction, triggerPrice: string): Record<string, unknown>;
  /** ccxt params for the position leg and reduce-only (hedge mode legs differ per venue). */
  legParams(positionSide: Side | undefined, reduceOnly: boolean): Record<string, unknown>;
  /** Extra ccxt params to fetch or cancel an order of this type (Binance routes conditional orders elsewhere). */
  queryParams(type: OrderSpec['type']): Record<string, unknown>;
  /** ccxt fetchMyTrades params that narrow the answer to one order where the venue can (the adapter filters anyway). */
  orderTradesParams(venueOrderId: string): Record<string, unknown>;
  /**
   * The settle asset's wallet balance (deposits + realised P&L - fees +/- funding, no unrealised P&L) as the venue
   * prints it in ccxt's raw balance answer (`fetchBalance().info`); absent where ccxt's `total` already is that.
   */
  walletBalanceText?(info: unknown, settle: string): string | undefined;
  /** ccxt client options the venue needs beyond the defaults (merged by createExchange), e.g. Bybit's `acknowledged`. */
  readonly ccxtOptions?: Readonly<Record<string, unknown>>;
  /**
   * How to ask for an order by our client id. Absent: ccxt's unified `fetchOrder` with `clientOrderId` (and the
   * order type's queryParams), which ccxt maps to the venue's own parameter (Binance `origClientOrderId`).
   */
  clientIdQuery?(clientId: string, type: OrderSpec['type'], venueSymbol: string): ClientIdQuery;
  /** Extra ccxt createOrder params the venue needs from the account's settings (MEXC names the margin type per order). */
  accountOrderParams?(account: AccountContext): Record<string, unknown>;
  /**
   * Corrects ccxt's parse of this venue's order where ccxt 4.5 misreads the documented answer (from the raw `info`):
   * client id, side, type, status. Absent: ccxt's order as it is.
   */
  repairOrder?(o: CcxtOrder): CcxtOrder;
  /** The same for a position (e.g. MEXC's margin mode is `openType`, which ccxt does not read). */
  repairPosition?(p: CcxtPosition): CcxtPosition;
  /**
   * The same for a trade, from the venue's raw row. createExchange runs it inside ccxt's parseTrade, so ccxt's own
   * `since` filter (which drops a trade without a time) and every caller see the repaired trade.
   */
  repairTrade?(trade: CcxtTrade, raw: Readonly<Record<string, unknown>>): CcxtTrade;
  /**
   * The ccxt params of each request that sets one account setting, for venues that need the others named too (one
   * request per entry; absent: one request without params). BingX names the leverage's side, MEXC sets leverage and
   * margin type together per position side, WEEX sets position mode together with the margin type.
   */
  setterParams?(setting: 'position-mode' | 'margin-mode' | 'leverage', account: AccountContext): readonly Record<string, unknown>[];
  /** Whether a ccxt error is in fact the venue's success answer (ccxt 4.5's weex throws on `{"code":"200","msg":"success"}`). */
  isSuccessAnswer?(message: string): boolean;
  /** Why the venue (through ccxt) cannot take an order type it lacks, and what to do instead: added to the refusal. */
  readonly unsupportedWhy?: Readonly<Partial<Record<OrderSpec['type'], string>>>;
  /** How fetchMyTrades pages the account's trades where it differs from Binance's (1000 rows, ccxt's `until`). */
  readonly fillsPage?: FillsPage;
}

/** Whether an order type waits for a trigger (stop, take-profit, trailing). */
export function isConditional(type: OrderSpec['type']): boolean {
  switch (type) {
    case 'market':
    case 'limit':
      return false;
    case 'stop-market':
    case 'stop-limit':
    case 'take-profit-market':
    case 'take-profit-limit':
    case 'trailing-stop':
      return true;
  }
}

/**
 * Why the venue cannot take this order as it is, checked before anything is sent; undefined when it can.
 * Covers the capability map (type, time in force, reduce-only, hedge leg), the instrument and the client id.
 */
export function refusalReason(profile: VenueProfile, order: OrderSpec, spec: InstrumentSpec | undefined): string | undefined {
  const caps = profile.capabilities;
  if (spec === undefined) return `${profile.name} does not trade ${order.instrument} (not in the adapter's instruments)`;
  if (!profile.trades(spec)) return `${order.instrument} is not traded through ${profile.name}`;
  if (!caps.orderTypes.has(order.type)) {
    const why = profile.unsupportedWhy?.[order.type];
    return `${profile.name} does not support ${order.type} orders${why === undefined ? '' : `: ${why}`}`;
  }
  if ('timeInForce' in order && !caps.timeInForce.has(order.timeInForce)) {
    return `${profile.name} does not support time in force ${order.timeInForce}`;
  }
  if (order.effect === 'reduce-only' && !caps.reduceOnly) return `${profile.name} does not support reduce-only orders`;
  if (order.positionSide !== undefined && !caps.positionModes.has('hedge')) {
    return `${profile.name} has no hedge mode for this instrument, so an order cannot name a ${order.positionSide} leg`;
  }
  if (!profile.clientIdPattern.test(order.clientId)) {
    return `client id "${order.clientId}" does not match ${profile.name}'s rule ${profile.clientIdPattern.source}`;
  }
  return undefined;
}

/** Unified ccxt stop-loss / take-profit params, which ccxt turns into each venue's conditional order. */
export function unifiedTriggerParams(kind: TriggerKind, triggerPrice: string): Record<string, unknown> {
  switch (kind) {
    case 'stop':
      return { stopLossPrice: triggerPrice };
    case 'take-profit':
      return { takeProfitPrice: triggerPrice };
  }
}

/** Unified reduce-only; venues with hedge legs override. */
export function unifiedLegParams(positionSide: Side | undefined, reduceOnly: boolean): Record<string, unknown> {
  return { ...(reduceOnly ? { reduceOnly: true } : {}), ...(positionSide === undefined ? {} : { positionSide: positionSide === 'long' ? 'LONG' : 'SHORT' }) };
}

export const setOf = <T>(...xs: readonly T[]): ReadonlySet<T> => new Set(xs);
