// Each fakex fault observed from the client side (ccxt and raw websockets), with the truth endpoint as the judge:
// timeouts and 5xx after accept leave exactly one order, resets none, 429 then 418, skew -1021, websocket drops,
// and depth gaps found by Binance's U/u/pu rule.
import ccxt from 'ccxt';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, test } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { sharedData } from '../../../test/support/shared-data.js';
import { ccxtForFakex, fakexTruth as truthOf, untilReplayDone } from './ccxt-fakex.js';

const ccxtFor = (url: string, secret: string, timeoutMs?: number): ReturnType<typeof ccxtForFakex> => ccxtForFakex(url, 'fakex-key', secret, timeoutMs);
import { startFakex, type FakexServer } from './fakex-server.js';
import { NO_FAULTS, parseFaultSpec } from './fault-plan.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const SYMBOL = 'BTC/USDT:USDT';
let server: FakexServer | undefined;
afterEach(async () => server?.close());

async function start(faults: string, paused = false): Promise<FakexServer> {
  server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: parseFaultSpec(faults), credentials: { apiKey: 'fakex-key', secret: 's' }, registry: loadRegistry(), paused });
  return server;
}

const control = async (url: string, body: unknown): Promise<void> => {
  await fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });
};

describe('fakex faults', () => {
  test('a timeout holds the answer but the order is on the venue, once', async () => {
    const s = await start('hold-ms:2000');
    await untilReplayDone(s.url);
    const ex = ccxtFor(s.url, 's', 400);
    await ex.loadMarkets();
    await control(s.url, { faults: 'timeout:1,hold-ms:2000' });
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20000, { clientOrderId: 'to-1' })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    await control(s.url, { faults: '' });
    const truth = await truthOf(s.url);
    expect(truth.orders.filter((o) => o.clientOrderId === 'to-1'), 'the request took effect although no answer came').toHaveLength(1);
    const asked = await ex.fetchOrder('', SYMBOL, { origClientOrderId: 'to-1' });
    expect(asked.status, 'asking by client id finds it').toBe('open');
  });

  test('a 5xx after accept answers 503 -1007 with the order placed; a reset places nothing', async () => {
    const s = await start('5xx-after-accept:1');
    await untilReplayDone(s.url);
    const ex = ccxtFor(s.url, 's');
    await ex.loadMarkets();
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20000, { clientOrderId: 'x5-1' })).rejects.toThrow(/-1007/);
    await control(s.url, { faults: 'reset:1' });
    await expect(ex.createOrder(SYMBOL, 'limit', 'buy', 0.006, 20000, { clientOrderId: 'rs-1' })).rejects.toBeInstanceOf(ccxt.NetworkError);
    await control(s.url, { faults: '' });
    const ids = (await truthOf(s.url)).orders.map((o) => o.clientOrderId);
    expect(ids, 'the 5xx order exists once; the reset one never reached the venue').toEqual(['x5-1']);
  });

  test('a 429 carries Retry-After, and a request inside that window gets 418', async () => {
    const s = await start('rate-limit:1,retry-after-s:5');
    const first = await fetch(`${s.url}/fapi/v1/ping`);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '5']);
    const second = await fetch(`${s.url}/fapi/v1/ping`);
    expect(second.status, 'Binance bans an IP that ignores a 429').toBe(418);
  });

  test('clock skew shows in server time and refuses a signed request with -1021', async () => {
    const s = await start('skew-ms:10000');
    const before = Date.now();
    const { serverTime } = (await (await fetch(`${s.url}/fapi/v1/time`)).json()) as { serverTime: number };
    expect(serverTime - before, 'the server clock runs 10 s ahead').toBeGreaterThanOrEqual(9000);
    const ex = ccxtFor(s.url, 's');
    await expect(ex.fetchBalance()).rejects.toThrow(/-1021/);
  });

  test('a websocket drop closes the socket abruptly', async () => {
    const s = await start('ws-drop:1', true);
    const ws = new WebSocket(`${s.wsUrl}/ws/btcusdt@bookTicker`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await control(s.url, { replay: 'resume' });
    expect(await closed, '1006: closed without a close frame').toBe(1006);
    expect((await truthOf(s.url)).faults.wsDrops).toBe(1);
  });

  test('every injected depth gap breaks the pu chain where the truth says it was injected', async () => {
    const s = await start('depth-gap:0.05,seed:11', true);
    const ws = new WebSocket(`${s.wsUrl}/stream?streams=btcusdt@depth@100ms`);
    await new Promise((r) => ws.once('open', r));
    const events: { U: number; u: number; pu: number }[] = [];
    ws.on('message', (raw) => events.push((JSON.parse(raw.toString()) as { data: { U: number; u: number; pu: number } }).data));
    await control(s.url, { replay: 'resume' });
    await untilReplayDone(s.url);
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    // Binance's rule for USD-M diff depth: each event's pu must equal the previous event's u; a break is a gap.
    const breaks = events.slice(1).flatMap((e, i) => (e.pu !== events[i]!.u ? [{ afterU: events[i]!.u, pu: e.pu }] : []));
    const gaps = (await truthOf(s.url)).faults.depthGaps;
    expect(gaps.length, 'the seed injects some gaps').toBeGreaterThan(10);
    expect(events.length).toBeGreaterThan(1000);
    const lastU = events.at(-1)!.u;
    const detectable = gaps.filter((g) => g.u > events[0]!.u && g.u < lastU);
    const undetected = detectable.filter((g) => !breaks.some((b) => g.u > b.afterU && g.u <= b.pu));
    expect(undetected, 'every injected gap inside the stream breaks the pu chain').toEqual([]);
    const unexplained = breaks.filter((b) => !gaps.some((g) => g.u === b.pu));
    expect(unexplained, 'every break ends at an injected gap (none is invented)').toEqual([]);
  });
});

describe('fakex without faults', () => {
  test('serves a depth snapshot whose lastUpdateId continues the diff stream', async () => {
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 0, faults: NO_FAULTS, credentials: { apiKey: 'k', secret: 's' }, registry: loadRegistry(), paused: true });
    const snap = (await (await fetch(`${server.url}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).json()) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
    expect(snap.bids).toHaveLength(5);
    expect(Number(snap.bids[0]![0]) < Number(snap.asks[0]![0]), 'the book is not crossed').toBe(true);
    const ws = new WebSocket(`${server.wsUrl}/ws/btcusdt@depth`);
    await new Promise((r) => ws.once('open', r));
    const events: { U: number; u: number; pu: number }[] = [];
    ws.on('message', (raw) => events.push(JSON.parse(raw.toString()) as never));
    await control(server.url, { replay: 'resume' });
    await untilReplayDone(server.url);
    ws.close();
    // Binance's book rule: drop events with u < lastUpdateId; the first kept one has U <= lastUpdateId <= u.
    const first = events.find((e) => e.u >= snap.lastUpdateId)!;
    expect(first.U <= snap.lastUpdateId && snap.lastUpdateId <= first.u, 'the snapshot sits inside the first kept diff').toBe(true);
  });
});
