// readFillsSince against a stub of ccxt's fetchMyTrades that behaves as Binance GET /fapi/v1/userTrades does
// (startTime..endTime inclusive, oldest first, `limit` rows): 7-day windows, pages that end inside a millisecond,
// each trade once, the page bound, and client ids asked of the venue once per unknown order.
import type { Exchange, Order, Trade } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { MS_PER_DAY, type TimestampMs } from '../../core/time.js';
import { loadRegistry } from '../../data/spec-files.js';
import { FILLS_PAGE_LIMIT, readFillsSince, tradeKeys } from './account-fills.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const NOW_MS = Date.UTC(2025, 4, 20);
const clock = { nowMs: () => NOW_MS as TimestampMs };

function trade(id: number, ts: number, order = 'o1'): Trade {
  return { id: String(id), order, timestamp: ts, side: 'buy', amount: 0.001, price: 70000.1, takerOrMaker: 'taker', fee: { cost: 0.028, currency: 'USDT' }, info: { positionSide: 'BOTH' } } as unknown as Trade;
}

interface Stub {
  readonly exchange: Exchange;
  readonly windows: { since: number; until: number; limit: number }[];
  readonly orderReads: string[];
}

function stub(trades: readonly Trade[]): Stub {
  const windows: Stub['windows'] = [];
  const orderReads: string[] = [];
  const exchange = {
    fetchMyTrades: async (_symbol: string, since: number, limit: number, params: { until: number }) => {
      windows.push({ since, until: params.until, limit });
      return trades.filter((t) => t.timestamp! >= since && t.timestamp! <= params.until).slice(0, limit);
    },
    fetchOrder: async (id: string) => {
      orderReads.push(id);
      return { id, clientOrderId: `client-of-${id}` } as unknown as Order;
    },
  } as unknown as Exchange;
  return { exchange, windows, orderReads };
}

describe('readFillsSince', () => {
  it('walks 7-day windows from sinceMs to now, each inclusive, with no gap or overlap', async () => {
    const s = stub([]);
    const sinceMs = NOW_MS - 15 * MS_PER_DAY;
    const got = await readFillsSince({ exchange: s.exchange, clock, clientIdOf: () => 'x' }, spec, sinceMs);
    const week = 7 * MS_PER_DAY;
    expect(s.windows, 'Binance: endTime - startTime < 7 days').toEqual([
      { since: sinceMs, until: sinceMs + week - 1, limit: FILLS_PAGE_LIMIT },
      { since: sinceMs + week, until: sinceMs + 2 * week - 1, limit: FILLS_PAGE_LIMIT },
      { since: sinceMs + 2 * week, until: NOW_MS, limit: FILLS_PAGE_LIMIT },
    ]);
    expect(got).toEqual({ fills: [], complete: true });
  });

  it('pages past a full page (restarting at its last millisecond) and reports each trade once, oldest first', async () => {
    const sinceMs = NOW_MS - 60_000;
    // 1500 trades, two per millisecond, so the first full page ends inside a millisecond.
    const trades = Array.from({ length: 1500 }, (_, i) => trade(i + 1, sinceMs + Math.floor(i / 2)));
    const s = stub(trades);
    const got = await readFillsSince({ exchange: s.exchange, clock, clientIdOf: () => 'mine' }, spec, sinceMs);
    expect(got.complete).toBe(true);
    expect(got.fills.map((f) => f.tradeId), 'ids 1..1500 in order, none twice').toEqual(trades.map((t) => t.id));
    expect(s.windows.map((w) => w.since), 'the second page starts at the first page\'s last millisecond (trade 1000 at +499)').toEqual([sinceMs, sinceMs + 499]);
    expect(got.fills[0]!.event, '0.001 BTC = 1 lot at 70000.1 = 700001 ticks of 0.1').toMatchObject({ type: 'OrderFilled', clientId: 'mine', lots: 1, priceTicks: 700001, liquidity: 'taker', fee: 2_800_000 });
  });

  it('stops at the page bound and says the answer is incomplete', async () => {
    const sinceMs = NOW_MS - 60_000;
    const s = stub(Array.from({ length: 1500 }, (_, i) => trade(i + 1, sinceMs + i)));
    const got = await readFillsSince({ exchange: s.exchange, clock, clientIdOf: () => 'mine' }, spec, sinceMs, 1);
    expect([got.fills.length, got.complete], 'one page of 1000, then the bound').toEqual([1000, false]);
  });

  it('asks the venue for the client id of an order this process does not know, once per order', async () => {
    const sinceMs = NOW_MS - 60_000;
    const s = stub([trade(1, sinceMs, 'a'), trade(2, sinceMs + 1, 'a'), trade(3, sinceMs + 2, 'b')]);
    const got = await readFillsSince({ exchange: s.exchange, clock, clientIdOf: (id) => (id === 'b' ? 'known-b' : undefined) }, spec, sinceMs);
    expect(got.fills.map((f) => f.event.clientId)).toEqual(['client-of-a', 'client-of-a', 'known-b']);
    expect(s.orderReads, 'order a read once; b is known').toEqual(['a']);
  });
});

describe('tradeKeys', () => {
  // BingX GET /openApi/swap/v2/trade/allFillOrders lists fills with no trade id (ccxt's trade.id is undefined).
  const noId = (ts: number, amount: number, price: number): Trade => ({ ...trade(0, ts), id: undefined, amount, price }) as unknown as Trade;

  it('keys a trade by its venue id where the venue gives one', () => {
    expect(tradeKeys([trade(7, 1), trade(8, 1)])).toEqual(['7', '8']);
  });

  it('keys a trade without an id by order, time, quantity and price, and numbers repeats within one answer', () => {
    const answer = [noId(5, 0.001, 70000.5), noId(5, 0.001, 70000.5), noId(6, 0.001, 70000.5)];
    expect(tradeKeys(answer), 'two equal fills in one millisecond stay two').toEqual(['o1:5:0.001:70000.5', 'o1:5:0.001:70000.5#1', 'o1:6:0.001:70000.5']);
    expect(tradeKeys(answer), 'the same answer read again gives the same keys, so a poll reports nothing twice').toEqual(tradeKeys([...answer]));
  });

  it('reports every id-less fill once in readFillsSince', async () => {
    const sinceMs = NOW_MS - 60_000;
    const s = stub([noId(sinceMs, 0.001, 70000.5), noId(sinceMs + 1, 0.001, 70000.5)]);
    const got = await readFillsSince({ exchange: s.exchange, clock, clientIdOf: () => 'mine' }, spec, sinceMs);
    expect(got.fills.map((f) => f.tradeId), 'not both "undefined"').toEqual([`o1:${sinceMs}:0.001:70000.5`, `o1:${sinceMs + 1}:0.001:70000.5`]);
  });
});
