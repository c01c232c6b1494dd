// BingX USDT-M perpetual swaps through ccxt's bingx: capability map and error-code table. Must never claim a
// feature BingX lacks.
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { setOf, unifiedLegParams, unifiedTriggerParams, type VenueProfile } from './venue-profile.js';

/** BingX swap V2 error codes, https://bingx-api.github.io/docs/#/en-us/swapV2/base-info.html (error codes). */
export const BINGX_ERRORS: VenueErrorTable = {
  '100001': failure('AUTH'), // signature verification failed
  '100202': refusal('INSUFFICIENT_MARGIN'), // insufficient balance
  '100400': refusal('VENUE_ERROR'), // invalid parameter
  '100410': failure('RATE_LIMITED'), // rate limited / frequency limit
  '100412': failure('AUTH'), // null signature
  '100413': failure('AUTH'), // incorrect apiKey
  '100421': failure('CLOCK_SKEW'), // null timestamp or timestamp mismatch
  '100500': failure('UNAVAILABLE'), // internal server error
  '100503': failure('UNAVAILABLE'), // server busy
  '80001': refusal('VENUE_ERROR'), // request failed
  '80012': failure('UNAVAILABLE'), // service unavailable
  '80014': refusal('VENUE_ERROR'), // invalid parameter
  '80016': refusal('UNKNOWN_ORDER'), // order does not exist
  '80017': refusal('UNKNOWN_ORDER'), // position does not exist
  '101204': refusal('INSUFFICIENT_MARGIN'), // insufficient margin
};

export const bingxProfile: VenueProfile = {
  name: 'bingx',
  ccxtId: 'bingx',
  venueId: 'BINGX',
  capabilities: {
    // POST /openApi/swap/v2/trade/order: LIMIT, MARKET, STOP(_MARKET), TAKE_PROFIT(_MARKET), TRAILING_STOP_MARKET.
    orderTypes: setOf('market', 'limit', 'stop-market', 'stop-limit', 'take-profit-market', 'take-profit-limit', 'trailing-stop'),
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    positionModes: setOf('one-way', 'hedge'),
    marginModes: setOf('isolated', 'cross'),
    brackets: 'emulated',
    clientOrderIds: true,
  },
  // clientOrderID: 1-40 characters.
  clientIdPattern: /^[A-Za-z0-9_-]{1,40}$/,
  errors: BINGX_ERRORS,
  sources: ['https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html', 'https://bingx-api.github.io/docs/#/en-us/swapV2/base-info.html'],
  trades: (spec) => spec.venue === 'BINGX' && spec.contractType === 'linear',
  triggerParams: (kind, _action, triggerPrice) => unifiedTriggerParams(kind, triggerPrice),
  legParams: unifiedLegParams,
  queryParams: () => ({}),
  // GET /openApi/swap/v2/trade/order takes orderId or clientOrderId; ccxt always adds orderId, empty here, so it is
  // dropped (undefined) and only the client id is sent.
  clientIdQuery: (clientId) => ({ kind: 'fetch-order', params: { clientOrderId: clientId, orderId: undefined } }),
  orderTradesParams: (venueOrderId) => ({ orderId: venueOrderId }),
  // POST /openApi/swap/v2/trade/leverage names the side: BOTH in one-way mode, LONG and SHORT in hedge mode
  // (https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html#Set%20Leverage).
  setterParams: (setting, account) => {
    if (setting !== 'leverage' || account.positionMode === undefined) return [{}];
    return account.positionMode === 'hedge' ? [{ side: 'LONG' }, { side: 'SHORT' }] : [{ side: 'BOTH' }];
  },
  // GET /openApi/swap/v3/user/balance: `balance` is the wallet; ccxt's total is `equity` (with unrealised P&L).
  walletBalanceText: (info, settle) => {
    const rows = (info as { data?: unknown } | undefined)?.data;
    const row = Array.isArray(rows) ? (rows as { asset?: unknown; balance?: unknown }[]).find((r) => r.asset === settle) : undefined;
    return typeof row?.balance === 'string' ? row.balance : undefined;
  },
};
