// Bybit V5 perpetuals through ccxt's bybit: one profile for linear (USDT) and one for inverse (coin-margined), each
// with its capability map, and their shared retCode table. Must never claim a feature the category lacks.
import type { OrderAction } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { setOf, type ClientIdQuery, type TriggerKind, type VenueProfile } from './venue-profile.js';

/** Bybit V5 retCodes, https://bybit-exchange.github.io/docs/v5/error. */
export const BYBIT_ERRORS: VenueErrorTable = {
  '10001': refusal('VENUE_ERROR'), // request parameter error
  '10002': failure('CLOCK_SKEW'), // request time exceeds the time window
  '10003': failure('AUTH'), // API key is invalid
  '10004': failure('AUTH'), // error sign
  '10005': failure('AUTH'), // permission denied
  '10006': failure('RATE_LIMITED'), // too many visits
  '10016': failure('UNAVAILABLE'), // server error
  '10018': failure('RATE_LIMITED'), // exceeded the IP rate limit
  '110001': refusal('UNKNOWN_ORDER'), // order does not exist
  '110003': refusal('PRICE_OUT_OF_BOUNDS'), // order price exceeds the allowable range
  '110004': refusal('INSUFFICIENT_MARGIN'), // wallet balance is insufficient
  '110007': refusal('INSUFFICIENT_MARGIN'), // available balance is insufficient
  '110008': refusal('UNKNOWN_ORDER'), // the order has been completed or cancelled
  '110017': refusal('REDUCE_ONLY_WOULD_INCREASE'), // reduce-only rule not satisfied
  '110072': refusal('DUPLICATE_CLIENT_ID'), // OrderLinkedID is duplicate
  '110094': refusal('MIN_NOTIONAL'), // order notional below the lower limit
};

const SOURCES = [
  'https://bybit-exchange.github.io/docs/v5/order/create-order',
  'https://bybit-exchange.github.io/docs/v5/position/position-mode',
  'https://bybit-exchange.github.io/docs/v5/error',
];

// Conditional orders on Bybit: triggerPrice with triggerDirection 1 (rises to) or 2 (falls to). A stop fires
// against the position (buy on a rise), a take-profit with it; explicit so a stop entry is not forced reduce-only,
// which ccxt's unified stopLossPrice would do.
function triggerParams(kind: TriggerKind, action: OrderAction, triggerPrice: string): Record<string, unknown> {
  const rises = (kind === 'stop') === (action === 'buy');
  return { triggerPrice, triggerDirection: rises ? 'ascending' : 'descending' };
}

function legParams(positionSide: Side | undefined, reduceOnly: boolean): Record<string, unknown> {
  // positionIdx: 0 one-way, 1 the long leg, 2 the short leg of hedge mode.
  return { ...(reduceOnly ? { reduceOnly: true } : {}), ...(positionSide === undefined ? {} : { positionIdx: positionSide === 'long' ? 1 : 2 }) };
}

const common = {
  ccxtId: 'bybit',
  venueId: 'BYBIT',
  // orderLinkId: up to 36 characters, numbers, letters, "-" and "_".
  clientIdPattern: /^[A-Za-z0-9_-]{1,36}$/,
  errors: BYBIT_ERRORS,
  sources: SOURCES,
  triggerParams,
  legParams,
  queryParams: () => ({}),
  // GET /v5/order/realtime filters by orderLinkId (https://bybit-exchange.github.io/docs/v5/order/open-order); ccxt
  // would pass `clientOrderId` through, which Bybit does not know, with an empty orderId: an unfiltered list whose
  // first order ccxt returns. The empty orderId is dropped (undefined) so only our client id filters.
  clientIdQuery: (clientId: string): ClientIdQuery => ({ kind: 'fetch-order', params: { orderLinkId: clientId, orderId: undefined } }),
  orderTradesParams: (venueOrderId: string) => ({ orderId: venueOrderId }),
  // ccxt refuses fetchOrder on unified accounts unless told that GET /v5/order/realtime only covers open orders and
  // the last 500 closed ones (ccxt bybit.fetchOrder); the adapter reads back only orders it placed moments ago.
  ccxtOptions: { acknowledged: true },
} as const;

/** Trailing stops on Bybit are a position setting (/v5/position/trading-stop), not an order, so they are refused. */
const ORDER_TYPES = setOf('market', 'limit', 'stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit') as VenueProfile['capabilities']['orderTypes'];

export const bybitLinearProfile: VenueProfile = {
  ...common,
  name: 'bybit-linear',
  capabilities: {
    orderTypes: ORDER_TYPES,
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    positionModes: setOf('one-way', 'hedge'),
    marginModes: setOf('isolated', 'cross'),
    brackets: 'emulated',
    clientOrderIds: true,
  },
  trades: (spec) => spec.venue === 'BYBIT' && spec.contractType === 'linear',
};

export const bybitInverseProfile: VenueProfile = {
  ...common,
  name: 'bybit-inverse',
  capabilities: {
    orderTypes: ORDER_TYPES,
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    // Position mode can be switched for USDT contracts and inverse futures, not inverse perpetuals.
    positionModes: setOf('one-way'),
    marginModes: setOf('isolated', 'cross'),
    brackets: 'emulated',
    clientOrderIds: true,
  },
  trades: (spec) => spec.venue === 'BYBIT' && spec.contractType === 'inverse',
};
