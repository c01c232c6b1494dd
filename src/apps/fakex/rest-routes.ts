// The Binance USD-M REST subset ccxt's binanceusdm uses, answered from the fake exchange: market data, account,
// settings, regular and algo orders, fills and listen keys. Each handler returns a status and a JSON body; auth and
// faults are the server's job. Must never answer for a symbol other than the replayed one.
import { formatDecimal } from '../../core/decimal.js';
import { formatCount } from '../../core/grid.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import { accountJson, balanceJson, positionRiskJson } from './account-views.js';
import { BINANCE_ERRORS, missingParameter, type BinanceError } from './binance-errors.js';
import type { DepthBook } from './depth-book.js';
import type { FakeExchange } from './fake-exchange.js';
import { fillJson, type FakeOrder } from './fake-order.js';
import { parseOrderParams } from './order-params.js';

export type Security = 'NONE' | 'USER_STREAM' | 'SIGNED';

export interface RestReply {
  readonly status: number;
  readonly body: unknown;
  /** Whether the request changed orders (a 5xx-after-accept fault applies only to these). */
  readonly mutatedOrders: boolean;
}

export interface RestContext {
  readonly exchange: FakeExchange;
  readonly book: DepthBook;
  readonly serverNowMs: () => number;
  readonly listenKeys: { create(): string; keepAlive(key: string | null): boolean; remove(key: string | null): boolean };
  /** What GET /sapi/v1/account/apiRestrictions reports as `enableWithdrawals` (a test flag; fakex cannot withdraw). */
  readonly withdrawalsEnabled: boolean;
}

type Handler = (ctx: RestContext, p: URLSearchParams) => RestReply;
interface Route {
  readonly security: Security;
  readonly handler: Handler;
}

const ok = (body: unknown, mutatedOrders = false): RestReply => ({ status: 200, body, mutatedOrders });
const error = (e: BinanceError): RestReply => ({ status: e.httpStatus, body: { code: e.code, msg: e.msg }, mutatedOrders: false });

/** The exchangeInfo entry of an instrument from our spec registry (Binance's field names and filter layout). */
export function exchangeInfoSymbol(spec: InstrumentSpec): Record<string, unknown> {
  const maxQty = spec.maxQtyLots === undefined ? '1000000' : formatCount(spec.maxQtyLots, spec.lot, spec.lot.scale);
  return {
    symbol: spec.symbol, pair: spec.symbol, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
    baseAsset: spec.base, quoteAsset: spec.quote, marginAsset: spec.settle, pricePrecision: spec.tick.scale, quantityPrecision: spec.lot.scale,
    baseAssetPrecision: 8, quotePrecision: 8, underlyingType: 'COIN', underlyingSubType: [], triggerProtect: '0.0500', liquidationFee: String(spec.liquidationFeeRate ?? 0.0125),
    marketTakeBound: '0.05', maxMoveOrderLimit: 10000,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: spec.tick.step, maxPrice: '4529764', tickSize: spec.tick.step },
      { filterType: 'LOT_SIZE', minQty: formatCount(spec.minQtyLots, spec.lot, spec.lot.scale), maxQty, stepSize: spec.lot.step },
      { filterType: 'MARKET_LOT_SIZE', minQty: formatCount(spec.minQtyLots, spec.lot, spec.lot.scale), maxQty, stepSize: spec.lot.step },
      { filterType: 'MAX_NUM_ORDERS', limit: 200 },
      { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
      { filterType: 'MIN_NOTIONAL', notional: spec.minNotional === undefined ? '0' : formatDecimal(spec.minNotional) },
      { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
    ],
    orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
  };
}

function checkSymbol(ctx: RestContext, p: URLSearchParams, required: boolean): BinanceError | undefined {
  const s = p.get('symbol');
  if (s === null) return required ? missingParameter('symbol') : undefined;
  return s === ctx.exchange.spec.symbol ? undefined : BINANCE_ERRORS.invalidSymbol;
}

function findOrder(ctx: RestContext, p: URLSearchParams, algo: boolean): FakeOrder | undefined {
  const id = algo ? p.get('algoId') : p.get('orderId');
  if (id !== null) {
    const o = ctx.exchange.orders.get(Number(id));
    return o !== undefined && o.algo === algo ? o : undefined;
  }
  const clientId = algo ? p.get('clientAlgoId') : p.get('origClientOrderId');
  return clientId === null ? undefined : ctx.exchange.findByClientId(clientId, algo);
}

function placeOrder(algo: boolean): Handler {
  return (ctx, p) => {
    const bad = checkSymbol(ctx, p, true);
    if (bad) return error(bad);
    const x = ctx.exchange;
    const parsed = parseOrderParams(p, x.spec, x.account.positionMode, algo, () => `fakex-${x.orders.size + x.rejections.length + 1}-${x.tick()}`);
    if (!parsed.ok) return error(parsed.error);
    const r = x.place(parsed.order, algo);
    if (!r.ok) return error(r.error);
    return ok(algo ? r.order.toAlgoJson(x.spec) : r.order.toJson(x.spec), true);
  };
}

function queryOrder(algo: boolean): Handler {
  return (ctx, p) => {
    const bad = checkSymbol(ctx, p, !algo);
    if (bad) return error(bad);
    const o = findOrder(ctx, p, algo);
    if (o === undefined) return error(BINANCE_ERRORS.orderDoesNotExist);
    return ok(algo ? o.toAlgoJson(ctx.exchange.spec) : o.toJson(ctx.exchange.spec));
  };
}

function cancelOrder(algo: boolean): Handler {
  return (ctx, p) => {
    const bad = checkSymbol(ctx, p, !algo);
    if (bad) return error(bad);
    const r = ctx.exchange.cancel(findOrder(ctx, p, algo));
    if (!r.ok) return error(r.error);
    const spec = ctx.exchange.spec;
    return ok(algo ? { algoId: r.order.orderId, clientAlgoId: r.order.clientOrderId, code: '200', msg: 'success' } : r.order.toJson(spec), true);
  };
}

function cancelAll(algo: boolean): Handler {
  return (ctx, p) => {
    const bad = checkSymbol(ctx, p, true);
    if (bad) return error(bad);
    for (const o of ctx.exchange.openOrders(algo)) ctx.exchange.cancel(o);
    return ok({ code: 200, msg: 'The operation of cancel all open order is done.' }, true);
  };
}

function listOrders(algo: boolean, openOnly: boolean): Handler {
  return (ctx, p) => {
    const bad = checkSymbol(ctx, p, !openOnly);
    if (bad) return error(bad);
    const spec = ctx.exchange.spec;
    const orders = openOnly ? ctx.exchange.openOrders(algo) : [...ctx.exchange.orders.values()].filter((o) => o.algo === algo);
    return ok(orders.map((o) => (algo ? o.toAlgoJson(spec) : o.toJson(spec))));
  };
}

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /fapi/v1/ping': { security: 'NONE', handler: () => ok({}) },
  'GET /fapi/v1/time': { security: 'NONE', handler: (ctx) => ok({ serverTime: ctx.serverNowMs() }) },
  'GET /fapi/v1/exchangeInfo': {
    security: 'NONE',
    handler: (ctx) =>
      ok({
        timezone: 'UTC', serverTime: ctx.serverNowMs(), futuresType: 'U_MARGINED',
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 }, { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 }],
        exchangeFilters: [], assets: [{ asset: ctx.exchange.spec.settle, marginAvailable: true, autoAssetExchange: '-10000' }],
        symbols: [exchangeInfoSymbol(ctx.exchange.spec)],
      }),
  },
  'GET /fapi/v1/depth': {
    security: 'NONE',
    handler: (ctx, p) => {
      const bad = checkSymbol(ctx, p, true);
      if (bad) return error(bad);
      const limit = Math.min(1000, Math.max(5, Number(p.get('limit') ?? 500) || 500));
      const now = ctx.serverNowMs();
      return ok({ lastUpdateId: ctx.book.lastUpdateId ?? 0, E: now, T: now, ...ctx.book.levels(limit) });
    },
  },
  'GET /fapi/v1/ticker/bookTicker': {
    security: 'NONE',
    handler: (ctx) => {
      const spec = ctx.exchange.spec;
      const best = ctx.exchange.bestTicks;
      const px = (t: number | undefined): string => (t === undefined ? '0' : formatCount(t, spec.tick, spec.tick.scale));
      return ok({ symbol: spec.symbol, bidPrice: px(best?.bid), bidQty: '0', askPrice: px(best?.ask), askQty: '0', time: ctx.serverNowMs() });
    },
  },
  'GET /fapi/v1/leverageBracket': {
    security: 'SIGNED',
    handler: (ctx) => {
      const m = ctx.exchange.spec.margin;
      const brackets = m.kind === 'tiered'
        ? m.brackets.map((b) => ({ bracket: b.bracket, initialLeverage: b.maxLeverage, notionalCap: Number.isFinite(b.notionalCap) ? b.notionalCap : Number.MAX_SAFE_INTEGER, notionalFloor: b.notionalFloor, maintMarginRatio: b.maintRate, cum: b.cum }))
        : [];
      return ok([{ symbol: ctx.exchange.spec.symbol, brackets }]);
    },
  },
  'GET /fapi/v2/balance': { security: 'SIGNED', handler: (ctx) => ok(balanceJson(ctx.exchange, ctx.serverNowMs())) },
  'GET /fapi/v3/balance': { security: 'SIGNED', handler: (ctx) => ok(balanceJson(ctx.exchange, ctx.serverNowMs())) },
  'GET /fapi/v2/account': { security: 'SIGNED', handler: (ctx) => ok(accountJson(ctx.exchange, ctx.serverNowMs())) },
  'GET /fapi/v3/account': { security: 'SIGNED', handler: (ctx) => ok(accountJson(ctx.exchange, ctx.serverNowMs())) },
  'GET /fapi/v2/positionRisk': { security: 'SIGNED', handler: (ctx) => ok(positionRiskJson(ctx.exchange, ctx.serverNowMs(), true)) },
  'GET /fapi/v3/positionRisk': { security: 'SIGNED', handler: (ctx) => ok(positionRiskJson(ctx.exchange, ctx.serverNowMs(), false)) },
  'GET /fapi/v1/positionSide/dual': { security: 'SIGNED', handler: (ctx) => ok({ dualSidePosition: ctx.exchange.account.positionMode === 'hedge' }) },
  'POST /fapi/v1/positionSide/dual': {
    security: 'SIGNED',
    handler: (ctx, p) => {
      const v = p.get('dualSidePosition');
      if (v !== 'true' && v !== 'false') return error(missingParameter('dualSidePosition'));
      const e = ctx.exchange.configure({ positionMode: v === 'true' ? 'hedge' : 'one-way' }, 'positionMode');
      return e ? error(e) : ok({ code: 200, msg: 'success' });
    },
  },
  'POST /fapi/v1/marginType': {
    security: 'SIGNED',
    handler: (ctx, p) => {
      const bad = checkSymbol(ctx, p, true);
      if (bad) return error(bad);
      const v = p.get('marginType');
      if (v !== 'ISOLATED' && v !== 'CROSSED') return error(missingParameter('marginType'));
      const e = ctx.exchange.configure({ marginMode: v === 'ISOLATED' ? 'isolated' : 'cross' }, 'marginMode');
      return e ? error(e) : ok({ code: 200, msg: 'success' });
    },
  },
  'POST /fapi/v1/leverage': {
    security: 'SIGNED',
    handler: (ctx, p) => {
      const bad = checkSymbol(ctx, p, true);
      if (bad) return error(bad);
      const leverage = Number(p.get('leverage'));
      const e = ctx.exchange.configure({ leverage }, 'leverage');
      return e ? error(e) : ok({ leverage, maxNotionalValue: '1000000', symbol: ctx.exchange.spec.symbol });
    },
  },
  'POST /fapi/v1/order': { security: 'SIGNED', handler: placeOrder(false) },
  'GET /fapi/v1/order': { security: 'SIGNED', handler: queryOrder(false) },
  'DELETE /fapi/v1/order': { security: 'SIGNED', handler: cancelOrder(false) },
  'GET /fapi/v1/openOrders': { security: 'SIGNED', handler: listOrders(false, true) },
  'GET /fapi/v1/allOrders': { security: 'SIGNED', handler: listOrders(false, false) },
  'DELETE /fapi/v1/allOpenOrders': { security: 'SIGNED', handler: cancelAll(false) },
  'POST /fapi/v1/algoOrder': { security: 'SIGNED', handler: placeOrder(true) },
  'GET /fapi/v1/algoOrder': { security: 'SIGNED', handler: queryOrder(true) },
  'DELETE /fapi/v1/algoOrder': { security: 'SIGNED', handler: cancelOrder(true) },
  'GET /fapi/v1/openAlgoOrders': { security: 'SIGNED', handler: listOrders(true, true) },
  'GET /fapi/v1/allAlgoOrders': { security: 'SIGNED', handler: listOrders(true, false) },
  'DELETE /fapi/v1/algoOpenOrders': { security: 'SIGNED', handler: cancelAll(true) },
  'GET /fapi/v1/userTrades': {
    security: 'SIGNED',
    handler: (ctx, p) => {
      const bad = checkSymbol(ctx, p, true);
      if (bad) return error(bad);
      const x = ctx.exchange;
      const orderId = p.get('orderId');
      // Binance: startTime/endTime inclusive, oldest first, `limit` rows (default 500, at most 1000).
      const fromMs = Number(p.get('startTime') ?? -Infinity);
      const toMs = Number(p.get('endTime') ?? Infinity);
      const limit = Math.min(1000, Number(p.get('limit') ?? 500) || 500);
      const fills = x.fills.filter((f) => (orderId === null || f.orderId === Number(orderId)) && f.timeMs >= fromMs && f.timeMs <= toMs).slice(0, limit);
      return ok(fills.map((f) => fillJson(f, x.orders.get(f.orderId), x.spec)));
    },
  },
  'GET /sapi/v1/account/apiRestrictions': {
    security: 'SIGNED',
    handler: (ctx) =>
      ok({
        ipRestrict: false, createTime: 0, enableReading: true, enableWithdrawals: ctx.withdrawalsEnabled, enableInternalTransfer: false, enableMargin: false,
        enableFutures: true, permitsUniversalTransfer: false, enableVanillaOptions: false, enableFixApiTrade: false, enableFixReadOnly: false,
        enableSpotAndMarginTrading: false, enablePortfolioMarginTrading: false,
      }),
  },
  'POST /fapi/v1/listenKey': { security: 'USER_STREAM', handler: (ctx) => ok({ listenKey: ctx.listenKeys.create() }) },
  'PUT /fapi/v1/listenKey': { security: 'USER_STREAM', handler: (ctx, p) => (ctx.listenKeys.keepAlive(p.get('listenKey')) ? ok({}) : error(BINANCE_ERRORS.listenKey)) },
  'DELETE /fapi/v1/listenKey': { security: 'USER_STREAM', handler: (ctx, p) => (ctx.listenKeys.remove(p.get('listenKey')) ? ok({}) : error(BINANCE_ERRORS.listenKey)) },
};

/** The route for `METHOD /path`, or undefined (404). */
export function findRoute(method: string, path: string): Route | undefined {
  return ROUTES[`${method} ${path}`];
}

export const errorReply = error;
