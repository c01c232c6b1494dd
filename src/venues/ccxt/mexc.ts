// MEXC USDT-M perpetual contracts through ccxt's mexc: capability map and error-code table. Trigger orders, trailing
// stops and edits are refused before sending: the adapter cannot place, read back or cancel MEXC plan orders safely.
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { setOf, unifiedLegParams, unifiedTriggerParams, type VenueProfile } from './venue-profile.js';

/** MEXC contract error codes, https://mexcdevelop.github.io/apidocs/contract_v1_en/#error-code-example. */
export const MEXC_ERRORS: VenueErrorTable = {
  '401': failure('AUTH'), // unauthorized
  '402': failure('AUTH'), // API key expired
  '403': failure('AUTH'), // access denied
  '406': failure('AUTH'), // IP not in the whitelist
  '429': failure('RATE_LIMITED'), // too many requests
  '510': failure('RATE_LIMITED'), // requests too frequent
  '500': failure('UNAVAILABLE'), // internal error
  '501': failure('UNAVAILABLE'), // system busy
  '504': failure('TIMEOUT'), // service timed out
  '602': failure('AUTH'), // signature verification failed
  '1001': refusal('UNSUPPORTED'), // contract does not exist
  '2005': refusal('INSUFFICIENT_MARGIN'), // insufficient balance
  '2009': refusal('UNKNOWN_ORDER'), // position does not exist or is closed
  '2011': refusal('VENUE_ERROR'), // order quantity error
  '2015': refusal('INSUFFICIENT_MARGIN'), // leverage: not enough margin
  '3001': refusal('UNKNOWN_ORDER'), // order does not exist (cancel)
};

export const mexcProfile: VenueProfile = {
  name: 'mexc',
  ccxtId: 'mexc',
  venueId: 'MEXC',
  capabilities: {
    // Contract order types: limit (1), post-only (2), IOC (3), FOK (4), market (5). Stops and take-profits are MEXC
    // "plan orders" (POST /api/v1/private/planorder/place) that ccxt places only for `triggerPrice`, lets expire after
    // 24 h or 7 days (executeCycle), cancels only through another method and cannot read back by id; the unified
    // stopLossPrice/takeProfitPrice go to order/create instead, where a reduce-only "stop" is an immediate close.
    // So conditional types are refused; a resting take-profit can be a reduce-only limit.
    orderTypes: setOf('market', 'limit'),
    timeInForce: setOf('GTC', 'IOC', 'FOK', 'GTX'),
    reduceOnly: true,
    positionModes: setOf('one-way', 'hedge'),
    marginModes: setOf('isolated', 'cross'),
    brackets: 'emulated',
    clientOrderIds: true,
  },
  // externalOid: up to 32 characters.
  clientIdPattern: /^[A-Za-z0-9_-]{1,32}$/,
  errors: MEXC_ERRORS,
  sources: ['https://mexcdevelop.github.io/apidocs/contract_v1_en/#order-under-maintenance', 'https://mexcdevelop.github.io/apidocs/contract_v1_en/#error-code-example'],
  trades: (spec) => spec.venue === 'MEXC' && spec.contractType === 'linear',
  triggerParams: (kind, _action, triggerPrice) => unifiedTriggerParams(kind, triggerPrice),
  legParams: unifiedLegParams,
  queryParams: () => ({}),
  orderTradesParams: () => ({}),
  // GET /api/v1/private/account/assets: `cashBalance` is the wallet; ccxt's total is `equity` (with unrealised P&L).
  walletBalanceText: (info, settle) => {
    const rows = (info as { data?: unknown } | undefined)?.data;
    const row = Array.isArray(rows) ? (rows as { currency?: unknown; cashBalance?: unknown }[]).find((r) => r.currency === settle) : undefined;
    return typeof row?.cashBalance === 'number' || typeof row?.cashBalance === 'string' ? String(row.cashBalance) : undefined;
  },
};
