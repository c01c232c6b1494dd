// ccxt's binanceusdm against fakex on loopback: markets, balance, positions, orders (regular and algo), duplicate
// client ids, signatures and the truth endpoint. The reference for every expected price is the capture itself,
// read here independently of the server.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { sharedData } from '../../../test/support/shared-data.js';
import { ccxtForFakex, fakexTruth, untilReplayDone } from './ccxt-fakex.js';
import { startFakex, type FakexServer } from './fakex-server.js';
import { NO_FAULTS } from './fault-plan.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const CANARY = 'canary-secret-7f3a9c';
const SYMBOL = 'BTC/USDT:USDT';

/** The last bookTicker of the capture: where the market stands once a speed-0 replay has finished. */
function lastQuote(): { readonly bid: string; readonly ask: string } {
  const lines = gunzipSync(readFileSync(CAPTURE)).toString('utf8').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const msg = JSON.parse(lines[i]!.slice(lines[i]!.indexOf(' ') + 1)) as { stream?: string; data?: { b: string; a: string } };
    if (msg.stream?.endsWith('@bookTicker')) return { bid: msg.data!.b, ask: msg.data!.a };
  }
  throw new Error('no bookTicker in the capture');
}

const ccxtFor = (url: string, secret: string, timeoutMs?: number): ReturnType<typeof ccxtForFakex> => ccxtForFakex(url, 'fakex-key', secret, timeoutMs);
const truthOf = fakexTruth;

describe('fakex with ccxt binanceusdm', () => {
  let server: FakexServer;
  const logLines: string[] = [];
  beforeAll(async () => {
    server = await startFakex({
      port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry: loadRegistry(), log: (l) => logLines.push(l),
    });
    await untilReplayDone(server.url);
  });
  afterAll(async () => server.close());

  test('loads the market with the registry grid and reports the starting balance', async () => {
    const ex = ccxtFor(server.url, CANARY);
    await ex.loadMarkets();
    const m = ex.market(SYMBOL);
    expect(m.precision.price, 'tick from specs/binance-usdm.json BTCUSDT').toBe(0.1);
    expect(m.precision.amount, 'lot step 0.001 BTC').toBe(0.001);
    const bal = await ex.fetchBalance();
    expect(bal.USDT?.total, 'the default starting balance is 10000 USDT').toBe(10000);
  });

  test('rests, fetches and cancels a limit order by id and by client id', async () => {
    const ex = ccxtFor(server.url, CANARY);
    const o = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20000, { clientOrderId: 'rest-1' });
    expect(o.status, 'a buy at 20000 is far below the ask and rests').toBe('open');
    const byClient = await ex.fetchOrder('', SYMBOL, { origClientOrderId: 'rest-1' });
    expect(byClient.id, 'origClientOrderId finds the same order').toBe(o.id);
    expect((await ex.cancelOrder(String(o.id), SYMBOL)).status).toBe('canceled');
    await expect(ex.cancelOrder(String(o.id), SYMBOL), 'a second cancel is -2011 unknown order').rejects.toThrow(/-2011/);
  });

  test('fills a market buy at the last replayed ask and shows the position, the fee and the truth', async () => {
    const ex = ccxtFor(server.url, CANARY);
    const { ask } = lastQuote();
    const before = await truthOf(server.url);
    const o = await ex.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, { clientOrderId: 'mkt-1' });
    expect(o.status).toBe('closed');
    expect(o.average, 'the quote model fills a market buy at the ask').toBe(Number(ask));
    const positions = await ex.fetchPositions([SYMBOL]);
    expect(positions.map((p) => [p.side, p.contracts]), 'one long of 0.01 BTC').toEqual([['long', 0.01]]);
    const trades = await ex.fetchMyTrades(SYMBOL);
    const fee = loadRegistry().get('BINANCE:BTCUSDT').fees.taker * 0.01 * Number(ask);
    expect(trades.at(-1)?.fee?.cost, 'taker fee = notional x taker rate (Binance FAQ 360033544231)').toBeCloseTo(fee, 8);
    const after = await truthOf(server.url);
    expect(after.fills.length - before.fills.length, 'the truth endpoint lists the new fill').toBe(1);
    await ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { reduceOnly: true });
  });

  test('refuses a client id still in use with -4116', async () => {
    const ex = ccxtFor(server.url, CANARY);
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20000, { clientOrderId: 'dup-1' });
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20001, { clientOrderId: 'dup-1' }), 'Binance: unique among open orders').rejects.toThrow(/-4116/);
    const truth = await truthOf(server.url);
    expect(truth.orders.filter((o) => o.clientOrderId === 'dup-1'), 'exactly one venue order for the intent').toHaveLength(1);
    await ex.cancelAllOrders(SYMBOL);
  });

  test('sends a stop-market through the algo endpoint and lists it as a trigger order', async () => {
    const ex = ccxtFor(server.url, CANARY);
    await ex.createOrder(SYMBOL, 'market', 'buy', 0.004);
    const stop = await ex.createOrder(SYMBOL, 'market', 'sell', 0.004, undefined, { stopLossPrice: 20000, reduceOnly: true, clientOrderId: 'stop-1' });
    expect(stop.status).toBe('open');
    const open = await ex.fetchOpenOrders(SYMBOL, undefined, undefined, { trigger: true });
    expect(open.map((o) => [o.clientOrderId, o.triggerPrice, o.reduceOnly]), 'the stop rests on the algo service').toEqual([['stop-1', 20000, true]]);
    expect((await ex.cancelOrder(String(stop.id), SYMBOL, { trigger: true })).id).toBe(stop.id);
    await ex.createOrder(SYMBOL, 'market', 'sell', 0.004, undefined, { reduceOnly: true });
  });

  test('refuses a stop on the regular endpoint, post-only that would take, reduce-only with no position, off-grid prices', async () => {
    const ex = ccxtFor(server.url, CANARY);
    const { ask } = lastQuote();
    const sign = async (params: Record<string, string>): Promise<unknown> => ex.fapiPrivatePostOrder({ symbol: 'BTCUSDT', ...params });
    await expect(sign({ side: 'SELL', type: 'STOP_MARKET', quantity: '0.01', stopPrice: '20000' })).rejects.toThrow(/-4120/);
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, Number(ask) + 10, { postOnly: true })).rejects.toThrow(/-5022/);
    await expect(ex.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { reduceOnly: true })).rejects.toThrow(/-2022/);
    await expect(sign({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '20000.05' })).rejects.toThrow(/-4014/);
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, 1000)).rejects.toThrow(/-4164/);
  });

  test('streams ORDER_TRADE_UPDATE and ACCOUNT_UPDATE for a fill on the listen key socket', async () => {
    const res = await fetch(`${server.url}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': 'fakex-key' } });
    const { listenKey } = (await res.json()) as { listenKey: string };
    const ws = new WebSocket(`${server.wsUrl}/ws/${listenKey}`);
    await new Promise((r) => ws.once('open', r));
    const events: { e: string; o?: { c: string; x: string; X: string; l: string } }[] = [];
    ws.on('message', (raw) => events.push(JSON.parse(raw.toString()) as never));
    const ex = ccxtFor(server.url, CANARY);
    await ex.createOrder(SYMBOL, 'market', 'buy', 0.004, undefined, { clientOrderId: 'uds-1' });
    await ex.createOrder(SYMBOL, 'market', 'sell', 0.004, undefined, { reduceOnly: true });
    for (let i = 0; i < 40 && events.filter((e) => e.e === 'ACCOUNT_UPDATE').length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    ws.close();
    const mine = events.filter((e) => e.o?.c === 'uds-1').map((e) => [e.o!.x, e.o!.X, e.o!.l]);
    expect(mine, 'accepted, then one trade of the whole quantity').toEqual([['NEW', 'NEW', '0'], ['TRADE', 'FILLED', '0.004']]);
    expect(events.filter((e) => e.e === 'ACCOUNT_UPDATE').length, 'one account update per fill').toBe(2);
  });

  test('rejects a wrong signature with -1022 and never writes the secret', async () => {
    const ex = ccxtFor(server.url, 'not-the-secret');
    await expect(ex.fetchBalance()).rejects.toThrow(/-1022/);
    const truthText = JSON.stringify(await truthOf(server.url));
    expect(logLines.length, 'requests were logged').toBeGreaterThan(5);
    expect([...logLines, truthText].filter((l) => l.includes(CANARY)), 'the canary secret appears in no log line or truth').toEqual([]);
  });
});
