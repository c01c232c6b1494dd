// BingX USDT-M perpetual swaps through ccxt's bingx: capability map and error-code table. Must never claim a
// feature BingX lacks.
import type { Trade as CcxtTrade } from 'ccxt';
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

/**
 * A swap fill row of GET /openApi/swap/v2/trade/allFillOrders names its time `filledTime` (ISO 8601 with offset, e.g.
 * "2023-07-04T20:56:01.000+0800", https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html); ccxt 4.5.84 reads
 * `filledTm` only, leaves such a trade without a time, and its `since` filter then drops it: a restart would find
 * no missed fill. The time is read here from `filledTime` when ccxt found none.
 */
export function repairBingxTrade(trade: CcxtTrade, raw: Readonly<Record<string, unknown>>): CcxtTrade {
  if (trade.timestamp !== undefined && trade.timestamp !== null) return trade;
  const text = raw['filledTime'];
  const ms = typeof text === 'string' ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) ? { ...trade, timestamp: ms, datetime: new Date(ms).toISOString() } : trade;
}

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
  repairTrade: repairBingxTrade,
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
