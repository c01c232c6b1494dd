// The ccxt trade feed offline: a loopback server speaks each venue's documented public trade topic (testing/
// venue-trade-server.ts cites the pages) to a real ccxt.pro client whose websocket URLs point at it. Golden ticks and
// lots are the documented decimals divided by the spec's tick and lot step, written out per case.
import type { Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRegistry } from '../data/spec-files.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { venueProfile } from '../venues/ccxt/venue-profiles.js';
import { ccxtTradeClient, openCcxtTradeStream, type CcxtTradeFeed, type CcxtTradeStreamOptions, type GridTrade } from './ccxt-trade-stream.js';
import { startVenueTradeServer, type ServedTrade, type TradeVenue, type VenueTradeServer } from './testing/venue-trade-server.js';

const registry = loadRegistry();

/** A ccxt.pro client as production builds it, its websockets on the loopback server. */
const clientFor = (profileName: string, spec: InstrumentSpec, origin: string): Exchange => ccxtTradeClient(venueProfile(profileName).ccxtId, spec, origin);

interface Rig {
  readonly server: VenueTradeServer;
  readonly feed: CcxtTradeFeed;
  readonly exchange: Exchange;
  readonly trades: GridTrade[];
  readonly drops: string[];
  readonly resumes: number[];
  readonly logs: string[];
}

const open: Rig[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    r.feed.close();
    await r.feed.closed;
    await r.server.close();
  }
});

async function rig(venue: TradeVenue, profileName: string, instrument: string, more: Partial<CcxtTradeStreamOptions> = {}): Promise<Rig> {
  const spec = registry.get(instrument);
  const server = await startVenueTradeServer(venue, spec.symbol);
  const exchange = clientFor(profileName, spec, server.origin);
  const trades: GridTrade[] = [];
  const drops: string[] = [];
  const resumes: number[] = [];
  const logs: string[] = [];
  const feed = openCcxtTradeStream({
    exchange,
    spec,
    onTrade: (t) => trades.push(t),
    onDrop: (reason) => drops.push(reason),
    onResume: () => resumes.push(trades.length),
    log: (line) => logs.push(line),
    reconnectMs: 50,
    ...more,
  });
  const r = { server, feed, exchange, trades, drops, resumes, logs };
  open.push(r);
  await server.untilSubscribed(1);
  return r;
}

async function until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Exact {
  readonly timeMs: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly isBuyerMaker: boolean;
}
const exact = (t: GridTrade): Exact => ({ timeMs: t.timeMs, priceTicks: t.priceTicks, qtyLots: t.qtyLots, isBuyerMaker: t.isBuyerMaker });

describe('ccxt trade feed: each venue as documented', () => {
  const cases: readonly { venue: TradeVenue; profile: string; instrument: string; path: string; served: ServedTrade[]; expected: Exact[]; why: string }[] = [
    {
      venue: 'bybit',
      profile: 'bybit-linear',
      instrument: 'BYBIT:BTCUSDT',
      path: '/v5/public/linear',
      // Bybit's documented example trade, then two more on the same grid.
      served: [
        { timeMs: 1671181689021, price: '17032.50', qty: '0.002', takerSide: 'buy', id: 'd9cd8295-40dc-5dce-8deb-42882580a7ab' },
        { timeMs: 1671181689025, price: '17032.40', qty: '0.015', takerSide: 'sell', id: 'd9cd8295-40dc-5dce-8deb-42882580a7ac' },
        { timeMs: 1671181689100, price: '17033.00', qty: '1.000', takerSide: 'buy', id: 'd9cd8295-40dc-5dce-8deb-42882580a7ad' },
      ],
      expected: [
        { timeMs: 1671181689021, priceTicks: 170325, qtyLots: 2, isBuyerMaker: false },
        { timeMs: 1671181689025, priceTicks: 170324, qtyLots: 15, isBuyerMaker: true },
        { timeMs: 1671181689100, priceTicks: 170330, qtyLots: 1000, isBuyerMaker: false },
      ],
      why: 'tick 0.10: 17032.50 / 0.10 = 170325; lot 0.001 BTC: 0.002 / 0.001 = 2; S "Sell" = the taker sold, so the buyer made',
    },
    {
      venue: 'bybit',
      profile: 'bybit-inverse',
      instrument: 'BYBIT:BTCUSD',
      path: '/v5/public/inverse',
      served: [
        { timeMs: 1671181689021, price: '17032.50', qty: '100', takerSide: 'sell', id: 'inv-1' },
        { timeMs: 1671181689030, price: '17033.00', qty: '2500', takerSide: 'buy', id: 'inv-2' },
      ],
      expected: [
        { timeMs: 1671181689021, priceTicks: 34065, qtyLots: 100, isBuyerMaker: true },
        { timeMs: 1671181689030, priceTicks: 34066, qtyLots: 2500, isBuyerMaker: false },
      ],
      why: 'inverse: sizes are 1 USD contracts (lot 1): v 100 = 100 lots; tick 0.50: 17032.50 / 0.50 = 34065',
    },
    {
      venue: 'bingx',
      profile: 'bingx',
      instrument: 'BINGX:BTC-USDT',
      path: '/swap-market',
      served: [
        { timeMs: 1690221401344, price: '29023.5', qty: '0.0421', takerSide: 'buy' },
        { timeMs: 1690221401344, price: '29023.5', qty: '0.0001', takerSide: 'buy' },
        { timeMs: 1690221401400, price: '29023.4', qty: '0.0010', takerSide: 'sell' },
      ],
      expected: [
        { timeMs: 1690221401344, priceTicks: 290235, qtyLots: 421, isBuyerMaker: false },
        { timeMs: 1690221401344, priceTicks: 290235, qtyLots: 1, isBuyerMaker: false },
        { timeMs: 1690221401400, priceTicks: 290234, qtyLots: 10, isBuyerMaker: true },
      ],
      why: 'tick 0.1: 29023.5 / 0.1 = 290235; lot 0.0001 BTC: 0.0421 / 0.0001 = 421; two id-less trades in one ms with other sizes are two trades',
    },
    {
      venue: 'mexc',
      profile: 'mexc',
      instrument: 'MEXC:BTC_USDT',
      path: '/edge',
      served: [
        { timeMs: 1760368563597, price: '114350.4', qty: '4', takerSide: 'sell' },
        { timeMs: 1760368563650, price: '114350.5', qty: '120', takerSide: 'buy' },
      ],
      expected: [
        { timeMs: 1760368563597, priceTicks: 1143504, qtyLots: 4, isBuyerMaker: true },
        { timeMs: 1760368563650, priceTicks: 1143505, qtyLots: 120, isBuyerMaker: false },
      ],
      why: 'MEXC sizes are contracts (lot 1 contract = 0.0001 BTC): v 4 = 4 lots; tick 0.1: 114350.4 / 0.1 = 1143504; T 2 = the taker sold',
    },
    {
      venue: 'weex',
      profile: 'weex',
      instrument: 'WEEX:ETHUSDT',
      path: '/v3/ws/public',
      served: [
        { timeMs: 1776089287762, price: '2203.73', qty: '7.214', takerSide: 'buy', id: 'df4d1af1-71e8-400d-9571-f2cee2e6bea8' },
        { timeMs: 1776089287790, price: '2203.70', qty: '0.010', takerSide: 'sell', id: 'df4d1af1-71e8-400d-9571-f2cee2e6bea9' },
      ],
      expected: [
        { timeMs: 1776089287762, priceTicks: 220373, qtyLots: 7214, isBuyerMaker: false },
        { timeMs: 1776089287790, priceTicks: 220370, qtyLots: 10, isBuyerMaker: true },
      ],
      why: 'tick 0.01: 2203.73 / 0.01 = 220373; lot 0.001 ETH: 7.214 / 0.001 = 7214; m true = the buyer made',
    },
  ];
  for (const c of cases) {
    it(`hands on ${c.instrument} trades (${c.profile}) in order with exact ticks, lots, venue times and aggressor`, async () => {
      const r = await rig(c.venue, c.profile, c.instrument);
      r.server.push(c.served.slice(0, -1));
      r.server.push(c.served.slice(-1));
      await until('all trades', () => r.trades.length >= c.expected.length);
      expect(r.trades.map(exact), c.why).toEqual(c.expected);
      expect(r.trades.map((t) => t.price), 'the float view is the decimal itself').toEqual(c.served.map((t) => Number(t.price)));
      expect(r.feed.stats).toMatchObject({ trades: c.expected.length, duplicates: 0, offGrid: 0, drops: 0 });
      expect(r.server.paths(), "the venue's own websocket path, on the loopback host").toEqual([c.path]);
    });
  }
});

describe('ccxt trade feed: drops, replays, stalls and close', () => {
  const t = (i: number, id = true): ServedTrade => ({ timeMs: 1_700_000_000_000 + i * 10, price: (70000 + i / 10).toFixed(1), qty: '0.001', takerSide: i % 2 === 0 ? 'buy' : 'sell', ...(id ? { id: `t${i}` } : {}) });

  it('reports a dropped connection once, resubscribes by itself, and resumes with the next trades', async () => {
    const r = await rig('bybit', 'bybit-linear', 'BYBIT:BTCUSDT');
    r.server.push([t(1), t(2)]);
    await until('first trades', () => r.trades.length === 2);
    r.server.dropAll();
    await until('the drop', () => r.drops.length === 1);
    await r.server.untilSubscribed(2);
    r.server.push([t(3)]);
    await until('the trade after the drop', () => r.trades.length === 3);
    expect(r.drops[0], 'the reason names the venue and says the feed resubscribes').toMatch(/^trade stream bybit down: .*resubscribing$/);
    expect(r.drops, 'one report per down spell').toHaveLength(1);
    expect(r.resumes, 'up again when the first trade after the drop arrived (2 trades before it)').toEqual([2]);
    expect(r.server.connections(), 'one new socket').toBe(2);
  });

  it('drops trades a venue replays after a resubscription, by trade id', async () => {
    const r = await rig('bybit', 'bybit-linear', 'BYBIT:BTCUSDT');
    r.server.push([t(1), t(2), t(3)]);
    await until('first trades', () => r.trades.length === 3);
    r.server.dropAll();
    await r.server.untilSubscribed(2);
    r.server.push([t(2), t(3), t(4)]);
    await until('the new trade', () => r.trades.some((x) => x.tradeId === 't4'));
    expect(r.trades.map((x) => x.tradeId), 't2 and t3 were handed on before the drop').toEqual(['t1', 't2', 't3', 't4']);
    expect(r.feed.stats.duplicates).toBe(2);
  });

  it('drops replayed id-less trades (BingX) by time, side, price and size', async () => {
    const r = await rig('bingx', 'bingx', 'BINGX:BTC-USDT');
    const served = [t(1, false), t(2, false)].map((x) => ({ ...x, qty: '0.0010' }));
    r.server.push(served);
    await until('first trades', () => r.trades.length === 2);
    r.server.push([...served, { ...t(3, false), qty: '0.0010' }]);
    await until('the new trade', () => r.trades.some((x) => x.timeMs === 1_700_000_000_030));
    expect(r.trades.map((x) => x.timeMs - 1_700_000_000_000), 'each served trade once, in order').toEqual([10, 20, 30]);
    expect(r.feed.stats.duplicates).toBe(2);
  });

  it('calls a silent subscription a stall, replaces the socket (again while silent) and blocks until trades flow', async () => {
    const r = await rig('mexc', 'mexc', 'MEXC:BTC_USDT', { stallMs: 300 });
    await until('the stall', () => r.drops.length === 1);
    expect(r.drops[0]).toBe('trade stream mexc stalled: no trade for 300 ms; resubscribing');
    await r.server.untilSubscribed(3);
    expect(r.server.connections(), 'the stalled socket was replaced, and its silent replacement too').toBe(3);
    r.server.push([{ ...t(1), qty: '3' }]);
    await until('the trade after the stall', () => r.trades.length === 1);
    expect(r.feed.stats, 'two stalls in one down spell').toMatchObject({ stalls: 2, drops: 1, trades: 1 });
    expect(r.drops, 'reported once').toHaveLength(1);
    expect(r.resumes).toEqual([0]);
  });

  it('drops a trade off the instrument grid, says so once, and keeps the others', async () => {
    const r = await rig('weex', 'weex', 'WEEX:ETHUSDT');
    // WEEX's documented example size 0.02525 ETH is not a whole number of 0.001 ETH lots.
    r.server.push([
      { timeMs: 1776104608298, price: '2225.15', qty: '0.02525', takerSide: 'buy', id: '41099265-7985-4f4c-af93-2cc3bc1cf13b' },
      { timeMs: 1776104608299, price: '2225.15', qty: '0.02526', takerSide: 'buy', id: 'x2' },
      { timeMs: 1776104608300, price: '2225.16', qty: '0.025', takerSide: 'sell', id: 'x3' },
    ]);
    await until('the on-grid trade', () => r.trades.length === 1);
    expect(r.trades.map(exact)).toEqual([{ timeMs: 1776104608300, priceTicks: 222516, qtyLots: 25, isBuyerMaker: true }]);
    expect(r.feed.stats.offGrid).toBe(2);
    expect(r.logs, 'one line for the first off-grid trade, naming the instrument and the step').toHaveLength(1);
    expect(r.logs[0]).toMatch(/WEEX:ETHUSDT trade is off the instrument's grid \(size .*0\.001/);
  });

  it('closes with no socket, timer or reconnection left, also while waiting to resubscribe', async () => {
    const resources = () => process.getActiveResourcesInfo().filter((x) => x === 'Timeout' || x === 'TCPSocketWrap').length;
    const before = resources();
    const r = await rig('bybit', 'bybit-linear', 'BYBIT:BTCUSDT', { reconnectMs: 400 });
    r.server.push([t(1)]);
    await until('a trade', () => r.trades.length === 1);
    r.server.dropAll();
    await until('the drop', () => r.drops.length === 1);
    r.feed.close();
    await r.feed.closed;
    await new Promise((res) => setTimeout(res, 600));
    expect(r.server.connections(), 'no resubscription after close (it was due 400 ms after the drop)').toBe(1);
    expect(Object.keys(r.exchange.clients ?? {}), 'no ccxt client left').toEqual([]);
    await r.server.close();
    await until('sockets released', () => resources() <= before, 2000);
    expect(resources(), 'as many sockets and timers as before the feed opened').toBeLessThanOrEqual(before);
  });

  it('closes an open stream cleanly: the server sees the socket end', async () => {
    const r = await rig('bingx', 'bingx', 'BINGX:BTC-USDT');
    r.feed.close();
    await r.feed.closed;
    await until('the server socket closed', () => r.server.open() === 0, 2000);
    expect(r.drops, 'closing is not a drop').toEqual([]);
  });
});

// Against the real venues' public streams (no keys): only with MICROFUT_LIVE_TEST=1. Every trade must land on the
// spec's grid, which also checks the registry's tick and lot against what the venue prints today.
describe.skipIf(process.env['MICROFUT_LIVE_TEST'] !== '1')('ccxt trade feed on the real venues (MICROFUT_LIVE_TEST=1)', () => {
  for (const [profile, instrument] of [['bybit-linear', 'BYBIT:BTCUSDT'], ['bybit-inverse', 'BYBIT:BTCUSD'], ['bingx', 'BINGX:BTC-USDT'], ['mexc', 'MEXC:BTC_USDT'], ['weex', 'WEEX:BTCUSDT']] as const) {
    it(`receives ${instrument} trades on the grid from ${profile}`, async () => {
      const spec = registry.get(instrument);
      const trades: GridTrade[] = [];
      const feed = openCcxtTradeStream({ exchange: ccxtTradeClient(venueProfile(profile).ccxtId, spec), spec, onTrade: (x) => trades.push(x) });
      try {
        await until(`${instrument} trades`, () => trades.length >= 3 || feed.stats.offGrid > 0, 30_000);
      } finally {
        feed.close();
        await feed.closed;
      }
      expect(feed.stats.offGrid, 'the spec grid matches the venue').toBe(0);
      expect(trades[0]!.priceTicks).toBeGreaterThan(0);
    }, 40_000);
  }
});
