// Quotes reach strategies under --fill quotes: on a real Binance USD-M bookTicker capture, every best bid / ask goes
// to the venue and then to the strategy's onQuote, in file order, with ctx.time at the quote's time; an order sent
// from onQuote meets the next quote (buy at its ask). The file is read back in the test with a plain split.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Money } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { Engine } from '../engine/engine.js';
import { defineStrategy, type FillView, type QuoteView } from '../engine/strategy.js';
import { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import { sharedData } from '../../test/support/shared-data.js';
import { driveQuotes } from './drive.js';
import { loadQuoteData } from './load-quotes.js';

const QUOTES = sharedData('binance/futures-um/bookTicker/BTCUSDT-bookTicker-2024-08-08T2354.csv.gz');
/** The quote after which the strategy buys (0-based row of the file). */
const BUY_AT = 1000;

interface Seen {
  count: number;
  timeOk: boolean;
  bidSum: number;
  askQtySum: number;
  first: QuoteView | undefined;
  last: QuoteView | undefined;
  fills: FillView[];
}

describe('driveQuotes', () => {
  it('hands every real quote to onQuote in file order and fills an order sent there at the next quote', async () => {
    const spec = loadRegistry().get('BINANCE:BTCUSDT');
    const data = await loadQuoteData({ spec, interval: '1m', data: QUOTES, fundingOn: false, cacheDir: mkdtempSync(join(tmpdir(), 'microfut-quotes-')) });
    const seen: Seen = { count: 0, timeOk: true, bidSum: 0, askQtySum: 0, first: undefined, last: undefined, fills: [] };
    const strategy = defineStrategy({
      name: 'quote-reader',
      params: z.object({}),
      data: { bars: '1m' },
      create(ctx) {
        return {
          onQuote(q) {
            if (ctx.time !== q.timeMs) seen.timeOk = false;
            if (seen.count === 0) seen.first = { ...q };
            seen.last = { ...q };
            seen.bidSum += q.bid;
            seen.askQtySum += q.askQty;
            if (seen.count === BUY_AT) ctx.orders.market({ action: 'buy', qty: 0.002 });
            seen.count++;
          },
          onFill(f) {
            seen.fills.push(f);
          },
        };
      },
    });
    const venue = new SimulatedVenue({ instruments: [{ spec }], config: { fill: { kind: 'quotes' }, funding: 'off' } });
    const engine = new Engine({ venue, instruments: [spec], bars: data.bars, barIntervalMs: data.intervalMs, strategy, params: {}, startingBalance: 1_000_000_000_000 as Money, seed: 1, runId: 'quotes', source: 'backtest' });
    driveQuotes(venue, engine, data, undefined);

    // update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,...
    const rows = gunzipSync(readFileSync(QUOTES)).toString('utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const row = (i: number): QuoteView => ({ timeMs: Number(rows[i]![5]), bid: Number(rows[i]![1]), bidQty: Number(rows[i]![2]), ask: Number(rows[i]![3]), askQty: Number(rows[i]![4]) });
    expect(seen.count, 'one onQuote per row of the file').toBe(rows.length);
    expect(seen.first, 'the first quote as the file has it').toEqual(row(0));
    expect(seen.last, 'the last quote as the file has it').toEqual(row(rows.length - 1));
    expect(seen.bidSum, 'every bid, in order').toBeCloseTo(rows.reduce((s, r) => s + Number(r[1]), 0), 4);
    expect(seen.askQtySum, 'every ask size').toBeCloseTo(rows.reduce((s, r) => s + Number(r[4]), 0), 6);
    expect(seen.timeOk, 'ctx.time is the quote time inside onQuote').toBe(true);
    const next = row(BUY_AT + 1);
    expect(
      seen.fills.map((f) => [f.timeMs, f.price, f.liquidity]),
      'the buy decided on quote 1000 crosses the spread at the ask of quote 1001, never of the quote it was decided on',
    ).toEqual([[next.timeMs, next.ask, 'taker']]);
  });
});
