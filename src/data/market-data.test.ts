import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { BarBuilder, BookTickerBuilder, FundingBuilder, TradeBuilder, type BookTickerColumns, type TradeColumns } from './columns.js';
import { MarketData, type MarketSource } from './market-data.js';

/** Shared CSV rows as text fields, header dropped (independent of the project's parsers). */
const csvRows = (relative: string): string[][] =>
  gunzipSync(readFileSync(sharedData(relative)))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split(','));

/** trades CSV: id,price,qty,time,is_buyer_maker,event_time,order_type */
const tradesOf = (relative: string): TradeColumns => {
  const b = new TradeBuilder(false);
  for (const r of csvRows(relative)) b.push(Number(r[3]), Number(r[1]), Number(r[2]), r[4] === 'true');
  return b.finish();
};

/** bookTicker CSV: update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time,local_timestamp */
const quotesOf = (relative: string): BookTickerColumns => {
  const b = new BookTickerBuilder(false, false);
  for (const r of csvRows(relative)) b.push(Number(r[5]), Number(r[1]), Number(r[2]), Number(r[3]), Number(r[4]));
  return b.finish();
};

interface Visit {
  readonly source: number;
  readonly index: number;
  readonly timeMs: number;
}

const drain = (data: MarketData): Visit[] => {
  const out: Visit[] = [];
  const c = data.cursor();
  while (c.next()) out.push({ source: c.source, index: c.index, timeMs: c.timeMs });
  return out;
};

/** Sorted by time, ties by source then row, and each (source, row) exactly once. */
const checkMerge = (visits: readonly Visit[], lengths: readonly number[]): string | undefined => {
  for (let i = 1; i < visits.length; i++) {
    const a = visits[i - 1] as Visit;
    const b = visits[i] as Visit;
    if (b.timeMs < a.timeMs) return `time goes back at ${i}`;
    if (b.timeMs === a.timeMs && (b.source < a.source || (b.source === a.source && b.index <= a.index))) return `unstable tie at ${i}`;
  }
  const seen = lengths.map((n) => new Uint8Array(n));
  for (const v of visits) {
    const s = seen[v.source];
    if (!s || s[v.index] === 1) return `(${v.source}, ${v.index}) twice or out of range`;
    s[v.index] = 1;
  }
  return seen.every((s) => s.every((x) => x === 1)) ? undefined : 'an event is missing';
};

describe('MarketData', () => {
  it('merges real BTCUSDT trades and ETHUSDT trades of the same capture window in time order, stable on ties', () => {
    const btc = tradesOf('binance/futures-um/trades/BTCUSDT-trades-2024-07-18T2357.csv.gz');
    const eth = tradesOf('binance/futures-um/trades/ETHUSDT-trades-2024-07-18T2357.csv.gz');
    const data = new MarketData([
      { kind: 'trades', symbol: 'BTCUSDT', columns: btc },
      { kind: 'trades', symbol: 'ETHUSDT', columns: eth },
    ]);
    const visits = drain(data);
    expect(visits.length).toBe(btc.length + eth.length);
    expect(checkMerge(visits, [btc.length, eth.length])).toBeUndefined();
    const crossTies = visits.filter((v, i) => i > 0 && visits[i - 1]?.timeMs === v.timeMs && visits[i - 1]?.source !== v.source).length;
    expect(crossTies, 'the two symbols trade in the same millisecond often enough to exercise ties').toBeGreaterThan(10);
    expect(visits.find((v) => v.source === 1)?.index, 'ETH rows keep their file order').toBe(0);
  });

  it('merges real BTCUSDT trades with its bookTicker so each event sees only what happened before it', () => {
    const trades = tradesOf('binance/futures-um/trades/BTCUSDT-trades-2024-08-08T2354.csv.gz');
    const quotes = quotesOf('binance/futures-um/bookTicker/BTCUSDT-bookTicker-2024-08-08T2354.csv.gz');
    const data = new MarketData([
      { kind: 'bookTicker', symbol: 'BTCUSDT', columns: quotes },
      { kind: 'trades', symbol: 'BTCUSDT', columns: trades },
    ]);
    const visits = drain(data);
    expect(checkMerge(visits, [quotes.length, trades.length])).toBeUndefined();
    expect(visits[0]?.timeMs).toBe(Math.min(quotes.timeMs[0] as number, trades.timeMs[0] as number));
    expect(visits.at(-1)?.timeMs).toBe(Math.max(quotes.timeMs[quotes.length - 1] as number, trades.timeMs[trades.length - 1] as number));
  });

  it('orders a bar by its close, after the trades inside it, and funding at its settlement time', () => {
    const t0 = Date.UTC(2025, 4, 4, 16, 0);
    const bars = new BarBuilder(false);
    bars.push(t0, 1, 1, 1, 1, 1);
    const trades = new TradeBuilder(false);
    trades.push(t0 + 59_999, 1, 1, false);
    trades.push(t0 + 60_000, 1, 1, false);
    const funding = new FundingBuilder(false);
    funding.push(t0 + 2, 3.745e-5);
    const data = new MarketData([
      { kind: 'bars', symbol: 'BTCUSDT', intervalMs: 60_000, columns: bars.finish() },
      { kind: 'trades', symbol: 'BTCUSDT', columns: trades.finish() },
      { kind: 'funding', symbol: 'BTCUSDT', columns: funding.finish() },
    ]);
    expect(drain(data).map((v) => `${v.source}:${v.index}@${v.timeMs - t0}`), 'funding, the last trade of the minute, the bar, then the tie at 60000 by source order').toEqual([
      '2:0@2',
      '1:0@59999',
      '0:0@60000',
      '1:1@60000',
    ]);
  });

  it('gives the funding rate in force at each bar close alongside the bars', () => {
    const t0 = Date.UTC(2025, 4, 4, 15, 59);
    const bars = new BarBuilder(false);
    for (let i = 0; i < 3; i++) bars.push(t0 + i * 60_000, 1, 1, 1, 1, 1);
    const funding = new FundingBuilder(false);
    funding.push(t0 - 8 * 3_600_000, 1e-4);
    funding.push(t0 + 60_002, 3.745e-5);
    const data = new MarketData([
      { kind: 'bars', symbol: 'BTCUSDT', intervalMs: 60_000, columns: bars.finish() },
      { kind: 'funding', symbol: 'BTCUSDT', columns: funding.finish() },
    ]);
    const aligned = data.alongside(0, 1);
    expect(Array.from(aligned.values)).toEqual([1e-4, 3.745e-5, 3.745e-5]);
    expect(Array.from(aligned.knownCount)).toEqual([1, 2, 2]);
    expect(data.sourcesOf('BTCUSDT', 'funding')).toEqual([1]);
    expect(() => data.alongside(1, 0)).toThrow(/is not a bars source/);
  });

  it('refuses a source out of time order and names it', () => {
    const t = new TradeBuilder(false);
    t.push(2, 1, 1, false);
    t.push(1, 1, 1, false);
    expect(() => new MarketData([{ kind: 'trades', symbol: 'ETHUSDT', columns: t.finish() }])).toThrow(/source 0 \(trades ETHUSDT\): row 2: time 1 is before the previous row's 2/);
  });

  it('yields a sorted, tie-stable permutation of any set of sorted inputs (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }), { minLength: 0, maxLength: 6 }), (raw) => {
        const sources: MarketSource[] = raw.map((times, i) => {
          const b = new TradeBuilder(false);
          for (const t of [...times].sort((a, c) => a - c)) b.push(t, 1, 1, false);
          return { kind: 'trades', symbol: `S${i}`, columns: b.finish() };
        });
        const data = new MarketData(sources);
        const visits = drain(data);
        return visits.length === data.eventCount && checkMerge(visits, raw.map((r) => r.length)) === undefined;
      }),
    );
  });
});
