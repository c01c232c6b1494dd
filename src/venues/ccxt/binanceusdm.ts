// Binance USD-M futures through ccxt's binanceusdm: capability map and error-code table. Conditional orders (stop,
// take-profit, trailing) go through the algo-order endpoint, as ccxt 4.5 does, so fetching and cancelling them needs
// ccxt's `trigger` flag. Must never describe what Binance cannot do as supported.
import type { OrderAction } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { isConditional, setOf, unifiedTriggerParams, type TriggerKind, type VenueProfile } from './venue-profile.js';

/**
 * Binance USD-M error codes, https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code.
 * HTTP 429 and 418 (rate limit, IP ban) carry no code of their own and map through ccxt's DDoSProtection.
 */
export const BINANCE_USDM_ERRORS: VenueErrorTable = {
  '-1000': failure('UNKNOWN_STATE'), // UNKNOWN: an unknown error occurred while processing the request
  '-1001': failure('UNAVAILABLE'), // DISCONNECTED: internal error; unable to process your request
  '-1003': failure('RATE_LIMITED'), // TOO_MANY_REQUESTS
  '-1007': failure('TIMEOUT'), // TIMEOUT: "Send status unknown; execution status unknown"
  '-1008': failure('UNAVAILABLE'), // SERVER_BUSY
  '-1015': failure('RATE_LIMITED'), // TOO_MANY_ORDERS
  '-1021': failure('CLOCK_SKEW'), // INVALID_TIMESTAMP: outside the recvWindow
  '-1022': failure('AUTH'), // INVALID_SIGNATURE
  '-2014': failure('AUTH'), // BAD_API_KEY_FMT
  '-2015': failure('AUTH'), // REJECTED_MBX_KEY: invalid key, IP or permissions
  '-1111': refusal('OFF_GRID'), // BAD_PRECISION: precision is over the maximum defined for this asset
  '-1121': refusal('UNSUPPORTED'), // BAD_SYMBOL
  '-2010': refusal('VENUE_ERROR'), // NEW_ORDER_REJECTED
  '-2011': refusal('UNKNOWN_ORDER'), // CANCEL_REJECTED: "Unknown order sent."
  '-2013': refusal('UNKNOWN_ORDER'), // NO_SUCH_ORDER: order does not exist
  '-2018': refusal('INSUFFICIENT_MARGIN'), // BALANCE_NOT_SUFFICIENT
  '-2019': refusal('INSUFFICIENT_MARGIN'), // MARGIN_NOT_SUFFICIEN
  '-2021': refusal('PRICE_OUT_OF_BOUNDS'), // ORDER_WOULD_IMMEDIATELY_TRIGGER
  '-2022': refusal('REDUCE_ONLY_WOULD_INCREASE'), // REDUCE_ONLY_REJECT
  '-2027': refusal('MAX_QTY'), // MAX_LEVERAGE_RATIO: exceeded the maximum allowable position at current leverage
  '-2028': refusal('INSUFFICIENT_MARGIN'), // MIN_LEVERAGE_RATIO: insufficient margin balance
  '-4003': refusal('MIN_QTY'), // QTY_LESS_THAN_ZERO
  '-4005': refusal('MAX_QTY'), // QTY_GREATER_THAN_MAX_QTY
  '-4014': refusal('OFF_GRID'), // PRICE_NOT_INCREASED_BY_TICK_SIZE
  '-4016': refusal('PRICE_OUT_OF_BOUNDS'), // price higher than mark price multiplier cap
  '-4023': refusal('OFF_GRID'), // QTY_NOT_INCREASED_BY_STEP_SIZE
  '-4024': refusal('PRICE_OUT_OF_BOUNDS'), // price lower than mark price multiplier floor
  '-4061': refusal('VENUE_ERROR'), // position side does not match the account's position mode
  '-4116': refusal('DUPLICATE_CLIENT_ID'), // DUPLICATED_CLIENT_ORDER_ID: ClientOrderId is duplicated
  '-4131': refusal('PRICE_OUT_OF_BOUNDS'), // counterparty's best price does not meet the PERCENT_PRICE filter
  '-4164': refusal('MIN_NOTIONAL'), // MIN_NOTIONAL: order's notional must be no smaller than the minimum
  '-5021': refusal('FOK_NOT_FILLABLE'), // FOK order could not be filled immediately
  '-5022': refusal('POST_ONLY_WOULD_TAKE'), // GTX order could not be executed as maker
};

export const binanceUsdmProfile: VenueProfile = {
  name: 'binanceusdm',
  ccxtId: 'binanceusdm',
  venueId: 'BINANCE',
  capabilities: {
    // New Order: LIMIT, MARKET, STOP/STOP_MARKET, TAKE_PROFIT/TAKE_PROFIT_MARKET, TRAILING_STOP_MARKET; TIF GTC/IOC/FOK/GTX.
    orderTypes: setOf('market', 'limit', 'stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit', 'trailing-stop'),
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    positionModes: setOf('one-way', 'hedge'),
    marginModes: setOf('isolated', 'cross'),
    // No OCO on USD-M futures: a bracket's exits are separate reduce-only conditional orders.
    brackets: 'emulated',
    clientOrderIds: true,
  },
  // newClientOrderId: "^[\.A-Z\:/a-z0-9_-]{1,36}$" (New Order, USD-M futures).
  clientIdPattern: /^[.A-Z:/a-z0-9_-]{1,36}$/,
  errors: BINANCE_USDM_ERRORS,
  sources: [
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api',
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order',
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code',
  ],
  trades: (spec) => spec.venue === 'BINANCE' && spec.contractType === 'linear',
  triggerParams: (kind: TriggerKind, _action: OrderAction, triggerPrice: string) => unifiedTriggerParams(kind, triggerPrice),
  legParams(positionSide: Side | undefined, reduceOnly: boolean) {
    // Hedge mode names the leg instead: Binance refuses reduceOnly together with positionSide LONG/SHORT.
    if (positionSide !== undefined) return { positionSide: positionSide === 'long' ? 'LONG' : 'SHORT' };
    return reduceOnly ? { reduceOnly: true } : {};
  },
  queryParams: (type) => (isConditional(type) ? { trigger: true } : {}),
  // GET /fapi/v1/userTrades takes orderId (with symbol); ccxt's fetchOrderTrades is spot-only.
  orderTradesParams: (venueOrderId) => ({ orderId: venueOrderId }),
};
