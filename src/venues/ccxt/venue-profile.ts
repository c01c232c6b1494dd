// What one exchange is to the ccxt adapter: its ccxt id, capability map, error-code table and the few places where
// the venue needs other ccxt params than the unified ones. Data and small pure functions; must never call ccxt.
import type { InstrumentSpec, VenueId } from '../../domain/instrument.js';
import type { OrderAction, OrderSpec } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { VenueCapabilities } from '../venue.js';
import type { VenueErrorTable } from './venue-failure.js';

/** The ccxt exchange classes the adapter drives. */
export type CcxtExchangeId = 'binanceusdm' | 'bybit' | 'bingx' | 'mexc' | 'weex';

/** A stop fires against the move (buy above, sell below); a take-profit with it (sell above, buy below). */
export type TriggerKind = 'stop' | 'take-profit';

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
  if (!caps.orderTypes.has(order.type)) return `${profile.name} does not support ${order.type} orders`;
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
