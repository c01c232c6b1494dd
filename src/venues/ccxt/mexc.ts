// MEXC USDT-M perpetual contracts through ccxt's mexc: capability map and error-code table. Trigger orders, trailing
// stops and edits are refused before sending: the adapter cannot place, read back or cancel MEXC plan orders safely.
import type { Order as CcxtOrder, Position as CcxtPosition } from 'ccxt';
import type { MarginMode } from '../venue.js';
import { failure, refusal, type VenueErrorTable } from './venue-failure.js';
import { setOf, unifiedLegParams, unifiedTriggerParams, type AccountContext, type VenueProfile } from './venue-profile.js';

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

const DOCS = 'https://mexcdevelop.github.io/apidocs/contract_v1_en/';

/** MEXC's openType: 1 isolated, 2 cross (order/create, position/change_leverage). */
const openTypeOf = (mode: MarginMode): 1 | 2 => (mode === 'isolated' ? 1 : 2);

/**
 * A MEXC contract order as the docs describe it (GET order/get/{order_id}, order/external/{symbol}/{external_oid},
 * order/list/open_orders): side 1 open long, 2 close short, 3 open short, 4 close long; orderType 1 limit, 2 post-only,
 * 3 IOC, 4 FOK, 5 market, 6 market converted to a price; state 1 pending, 2 open, 3 filled, 4 cancelled, 5 invalid.
 * ccxt 4.5.84 reads none of externalOid, orderType, sides 3/4 or states 1/5, so they are read here from `info`.
 */
export function repairMexcOrder(o: CcxtOrder): CcxtOrder {
  const info = (o.info ?? {}) as Record<string, unknown>;
  if (info['externalOid'] === undefined && info['orderType'] === undefined) return o;
  const side = Number(info['side']);
  const orderType = Number(info['orderType']);
  const state = Number(info['state']);
  const externalOid = typeof info['externalOid'] === 'string' && info['externalOid'] !== '' ? info['externalOid'] : undefined;
  const typeOf: Record<number, { type: string; timeInForce?: string; postOnly?: boolean }> = {
    1: { type: 'limit', timeInForce: 'GTC' },
    2: { type: 'limit', timeInForce: 'PO', postOnly: true },
    3: { type: 'limit', timeInForce: 'IOC' },
    4: { type: 'limit', timeInForce: 'FOK' },
    5: { type: 'market' },
    6: { type: 'market' },
  };
  const statusOf: Record<number, string> = { 1: 'open', 2: 'open', 3: 'closed', 4: 'canceled', 5: 'rejected' };
  const kind = typeOf[orderType];
  return {
    ...o,
    ...(externalOid === undefined ? {} : { clientOrderId: externalOid }),
    ...(side === 1 || side === 2 ? { side: 'buy' } : side === 3 || side === 4 ? { side: 'sell' } : {}),
    ...(side >= 1 && side <= 4 ? { reduceOnly: side === 2 || side === 4 } : {}),
    ...(kind === undefined ? {} : { type: kind.type, postOnly: kind.postOnly === true, ...(kind.timeInForce === undefined ? {} : { timeInForce: kind.timeInForce }) }),
    ...(statusOf[state] === undefined ? {} : { status: statusOf[state] }),
  };
}

/** MEXC positions state their margin mode as openType (1 isolated, 2 cross); ccxt 4.5.84 reads a `margin_mode` field instead. */
export function repairMexcPosition(p: CcxtPosition): CcxtPosition {
  const openType = Number((p.info as Record<string, unknown> | undefined)?.['openType']);
  return openType === 1 ? { ...p, marginMode: 'isolated' } : openType === 2 ? { ...p, marginMode: 'cross' } : p;
}

function setterParams(setting: 'position-mode' | 'margin-mode' | 'leverage', account: AccountContext): readonly Record<string, unknown>[] {
  // POST position/change_leverage sets leverage and margin type (openType) together; with no position open it needs
  // the position type (1 long, 2 short), so both sides are set. What is not known is left out, and ccxt names it.
  switch (setting) {
    case 'position-mode':
      return [{}];
    case 'margin-mode':
      return account.leverage === undefined ? [{}] : [{ leverage: account.leverage, direction: 'long' }, { leverage: account.leverage, direction: 'short' }];
    case 'leverage':
      return account.marginMode === undefined ? [{}] : [1, 2].map((positionType) => ({ openType: openTypeOf(account.marginMode ?? 'cross'), positionType }));
  }
}

/**
 * Why MEXC stops and take-profits are refused, from ccxt 4.5.84's mexc.js: `triggerPrice` goes to
 * POST planorder/place with executeCycle 1 (24 h) or 2 (7 days), so a protective stop would lapse; the answer's
 * `data` is the bare order id, which ccxt does not read (its order has no id); the swap open-orders read
 * (order/list/open_orders) does not list plan orders, so a restart would neither find nor adopt one; and ccxt cancels
 * through order/cancel unless told otherwise, its plan-order cancel noted as broken. The unified
 * stopLossPrice/takeProfitPrice go to order/create, where a reduce-only "stop" closes the position at once.
 */
const STOP_WHY = 'through ccxt 4.5 a MEXC stop is a plan order that lapses after 24 h or 7 days and that the adapter could not read back by id, find at a restart or cancel; set the stop in MEXC\'s own app, or trade on a venue with exchange-side stops (binanceusdm, bybit-linear, bingx)';
const TAKE_PROFIT_WHY = 'through ccxt 4.5 a MEXC take-profit is a plan order (it lapses after 24 h or 7 days and cannot be read back by id); rest the take-profit as a reduce-only limit order instead';

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
  unsupportedWhy: { 'stop-market': STOP_WHY, 'stop-limit': STOP_WHY, 'take-profit-market': TAKE_PROFIT_WHY, 'take-profit-limit': TAKE_PROFIT_WHY },
  // externalOid: up to 32 characters.
  clientIdPattern: /^[A-Za-z0-9_-]{1,32}$/,
  errors: MEXC_ERRORS,
  sources: [
    `${DOCS}#order-under-maintenance`,
    `${DOCS}#query-the-order-based-on-the-external-number`,
    `${DOCS}#switch-leverage`,
    `${DOCS}#get-all-transaction-details-of-the-user-s-order`,
    `${DOCS}#error-code-example`,
  ],
  trades: (spec) => spec.venue === 'MEXC' && spec.contractType === 'linear',
  triggerParams: (kind, _action, triggerPrice) => unifiedTriggerParams(kind, triggerPrice),
  legParams: unifiedLegParams,
  queryParams: () => ({}),
  // GET /api/v1/private/order/external/{symbol}/{external_oid} (query the order based on the external number): ccxt's
  // fetchOrder ignores a client id and would call order/get/ with no id.
  clientIdQuery: (clientId, _type, venueSymbol) => ({ kind: 'implicit', method: 'contractPrivateGetOrderExternalSymbolExternalOid', params: { symbol: venueSymbol, external_oid: clientId } }),
  orderTradesParams: () => ({}),
  // Each order names its margin type (openType; ccxt's default is 2, cross); isolated orders also name the leverage.
  accountOrderParams: (account) => {
    if (account.marginMode === undefined) return {};
    const isolatedLeverage = account.marginMode === 'isolated' && account.leverage !== undefined ? { leverage: account.leverage } : {};
    return { openType: openTypeOf(account.marginMode), ...isolatedLeverage };
  },
  repairOrder: repairMexcOrder,
  repairPosition: repairMexcPosition,
  // GET /api/v1/private/order/list/order_deals pages by page_size, at most 100 rows, between start_time and end_time
  // (#get-all-transaction-details-of-the-user-s-order), in an order the docs do not state. ccxt sends our limit as
  // page_size and ends the window at start_time + 90 days unless end_time is given; it passes `until` on unread.
  fillsPage: { limit: 100, untilParams: (untilMs) => ({ end_time: untilMs }), oldestFirst: false },
  setterParams,
  // GET /api/v1/private/account/assets: `cashBalance` is the wallet; ccxt's total is `equity` (with unrealised P&L).
  walletBalanceText: (info, settle) => {
    const rows = (info as { data?: unknown } | undefined)?.data;
    const row = Array.isArray(rows) ? (rows as { currency?: unknown; cashBalance?: unknown }[]).find((r) => r.currency === settle) : undefined;
    return typeof row?.cashBalance === 'number' || typeof row?.cashBalance === 'string' ? String(row.cashBalance) : undefined;
  },
};
