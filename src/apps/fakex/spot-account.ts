// fakex's Binance spot account, for a hedge keeper that reads its spot holding from the venue: GET /api/v3/account
// (SIGNED, as ccxt's binance fetchBalance sends it), GET /api/v3/ticker/price, and the test hooks POST /__control
// {"spotBalances": {...}, "spotFailures": n} and GET /__truth/spot. Must never answer an unsigned account request
// nor log a signature or a request's parameters.
import { formatCount } from '../../core/grid.js';
import type { FakeExchange } from './fake-exchange.js';
import { verifySignedRequest, type ApiCredentials } from './request-auth.js';

/** One spot account per fake exchange (one per server). Balances are decimal strings of 8 places, Binance's format. */
interface SpotState {
  readonly balances: Map<string, string>;
  /** Signed account reads answered (failed ones included): a test sees that the session polls. */
  reads: number;
  /** The next this-many account reads fail with HTTP 503 (a venue outage a reader must survive). */
  failNext: number;
  /** A spot price set by the test; otherwise the futures book's mid stands in (fakex replays no spot market). */
  price: string | undefined;
}

const states = new WeakMap<FakeExchange, SpotState>();

function stateOf(exchange: FakeExchange): SpotState {
  let s = states.get(exchange);
  if (s === undefined) {
    s = { balances: new Map(), reads: 0, failNext: 0, price: undefined };
    states.set(exchange, s);
  }
  return s;
}

/** One request as the fakex server hands it over (before its own routes, auth and faults). */
export interface SpotRequest {
  readonly exchange: FakeExchange;
  readonly credentials: ApiCredentials;
  /** Server time in ms, with any injected clock skew. */
  readonly serverNowMs: () => number;
  readonly method: string;
  readonly url: URL;
  readonly rawBody: string;
  /** The X-MBX-APIKEY header as received. */
  readonly apiKey: string | string[] | undefined;
  readonly reply: (status: number, body: unknown) => void;
  /** The server's request log (method, path, status). */
  readonly log: (status: number | string) => void;
}

/** The control fields this module reads; anything else in the body is the server's. */
interface SpotControl {
  readonly spotBalances?: unknown;
  readonly spotFailures?: unknown;
  readonly spotPrice?: unknown;
}

const AMOUNT = /^\d{1,12}(\.\d{1,8})?$/;
const ASSET = /^[A-Z0-9]{1,20}$/;

/**
 * Answers the spot account's requests and returns true; false when the request is not one of them. A POST
 * /__control body with spot fields is applied here (all or nothing) and then also passed on to the server's own
 * control (false), which ignores the spot fields and answers it.
 */
export function serveSpotAccount(r: SpotRequest): boolean {
  const path = r.url.pathname;
  if (path === '/__control' && r.method === 'POST') return control(r);
  if (path === '/__truth/spot' && r.method === 'GET') {
    const s = stateOf(r.exchange);
    r.reply(200, { balances: Object.fromEntries(s.balances), reads: s.reads, failNext: s.failNext, price: s.price ?? null });
    return true;
  }
  if (path === '/api/v3/account' && r.method === 'GET') {
    account(r);
    return true;
  }
  if (path === '/api/v3/ticker/price' && r.method === 'GET') {
    tickerPrice(r);
    return true;
  }
  return false;
}

function control(r: SpotRequest): boolean {
  let body: SpotControl;
  try {
    body = JSON.parse(r.rawBody === '' ? '{}' : r.rawBody) as SpotControl;
  } catch {
    return false;
  }
  if (body === null || typeof body !== 'object' || (body.spotBalances === undefined && body.spotFailures === undefined && body.spotPrice === undefined)) return false;
  const refuse = (error: string): boolean => {
    r.reply(400, { error });
    return true;
  };
  const balances: [string, string][] = [];
  if (body.spotBalances !== undefined) {
    if (body.spotBalances === null || typeof body.spotBalances !== 'object') return refuse('spotBalances must be an object such as {"BTC": "0.05"}');
    for (const [asset, amount] of Object.entries(body.spotBalances as Record<string, unknown>)) {
      const text = typeof amount === 'number' ? String(amount) : amount;
      if (!ASSET.test(asset) || typeof text !== 'string' || !AMOUNT.test(text)) return refuse(`spotBalances.${asset}: give an upper-case asset and a non-negative amount with at most 8 decimals, e.g. "0.05"`);
      balances.push([asset, Number(text).toFixed(8)]);
    }
  }
  const failures = body.spotFailures;
  if (failures !== undefined && !(typeof failures === 'number' && Number.isSafeInteger(failures) && failures >= 0)) return refuse('spotFailures must be a whole number of reads, e.g. 2');
  const price = body.spotPrice;
  if (price !== undefined && price !== null && !(typeof price === 'string' && AMOUNT.test(price))) return refuse('spotPrice must be a decimal string such as "61000.5", or null for the futures mid');
  const s = stateOf(r.exchange);
  for (const [asset, amount] of balances) s.balances.set(asset, amount);
  if (typeof failures === 'number') s.failNext = failures;
  if (price !== undefined) s.price = price ?? undefined;
  return false;
}

/** GET /api/v3/account (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/account-endpoints#account-information-user_data). */
function account(r: SpotRequest): void {
  const params = new URLSearchParams(r.url.search);
  const header = Array.isArray(r.apiKey) ? r.apiKey[0] : r.apiKey;
  const bad = verifySignedRequest(r.credentials, header, r.url.search.slice(1), r.rawBody, params, r.serverNowMs());
  if (bad !== undefined) {
    r.log(bad.httpStatus);
    r.reply(bad.httpStatus, { code: bad.code, msg: bad.msg });
    return;
  }
  const s = stateOf(r.exchange);
  s.reads += 1;
  if (s.failNext > 0) {
    s.failNext -= 1;
    r.log(503);
    r.reply(503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    return;
  }
  const omitZero = params.get('omitZeroBalances') === 'true';
  const balances = [...s.balances].filter(([, free]) => !omitZero || Number(free) > 0).map(([asset, free]) => ({ asset, free, locked: '0.00000000' }));
  r.log(200);
  r.reply(200, {
    makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true, canWithdraw: false, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
    updateTime: r.serverNowMs(), accountType: 'SPOT', balances, permissions: ['SPOT'], uid: 1,
  });
}

/** GET /api/v3/ticker/price?symbol=S: the set price, else the futures book's mid (fakex replays no spot market). */
function tickerPrice(r: SpotRequest): void {
  const spec = r.exchange.spec;
  const symbol = r.url.searchParams.get('symbol');
  const best = r.exchange.bestTicks;
  const s = stateOf(r.exchange);
  if (symbol !== spec.symbol || (s.price === undefined && best === undefined)) {
    r.log(400);
    r.reply(400, { code: -1121, msg: 'Invalid symbol.' });
    return;
  }
  // The mid of whole ticks is a whole or half tick: floor keeps it on the grid.
  const price = s.price ?? formatCount(Math.floor((best!.bid + best!.ask) / 2), spec.tick, spec.tick.scale);
  r.log(200);
  r.reply(200, { symbol, price });
}
