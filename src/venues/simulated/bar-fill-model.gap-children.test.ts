// A bracket entry that is a resting limit gapped through by the open: the entry fills at its own limit, and its
// exits meet the market at the open, where price is, never at the gapped limit (found by the property test).
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import { BarFillModel } from './bar-fill-model.js';
import { EVENT_FILL, LIQUIDITY_MAKER, LIQUIDITY_TAKER, SimEvents } from './sim-events.js';
import { SimOrderBook } from './sim-order-book.js';

const common = { clientId: 'c', instrument: 'BINANCE:BTCUSDT', qtyLots: 1 as Lots } as const;

describe('bracket children of a gapped limit entry', () => {
  it('fills the entry at its limit and a stop already beyond the open at the open', () => {
    const book = new SimOrderBook(4);
    const model = new BarFillModel({});
    const out = new SimEvents(8);
    // Bar 0 (10000/10004/10000/10000) triggers a buy stop-limit at 10004 whose limit 9992 then rests.
    const entry: OrderSpec = { ...common, action: 'buy', effect: 'open-or-reduce', type: 'stop-limit', triggerTicks: 10_004 as Ticks, limitTicks: 9_992 as Ticks, timeInForce: 'GTC' };
    const tp: OrderSpec = { ...common, action: 'sell', effect: 'reduce-only', type: 'limit', limitTicks: 10_019 as Ticks, timeInForce: 'GTC' };
    const sl: OrderSpec = { ...common, action: 'sell', effect: 'reduce-only', type: 'stop-market', triggerTicks: 9_992 as Ticks };
    const e = book.add(entry, 0);
    const t = book.add(tp, 0);
    const s = book.add(sl, 0);
    book.bracket(e, t, s);
    model.processBar(book, 0, 10_000, 10_004, 10_000, 10_000, out);
    expect([...out.kind.subarray(0, out.count)].includes(EVENT_FILL), 'nothing fills in bar 0: the limit 9992 is below the bar').toBe(false);
    // Bar 1 opens at 9991, through the resting buy limit 9992.
    out.clear();
    model.processBar(book, 60_000, 9_991, 9_991, 9_991, 9_991, out);
    const fills = [];
    for (let i = 0; i < out.count; i++) if (out.kind[i] === EVENT_FILL) fills.push({ slot: out.slot[i], price: out.priceTicks[i], liquidity: out.liquidity[i] });
    expect(fills[0], 'the entry fills at its own limit, as maker (it rested)').toEqual({ slot: e, price: 9_992, liquidity: LIQUIDITY_MAKER });
    // The stop (9992) is already beyond the market (9991) when it starts working: it triggers there and fills at the
    // open 9991, inside the bar, not at 9992 where no trade happened after the entry.
    expect(fills[1], 'the stop fills at the open').toEqual({ slot: s, price: 9_991, liquidity: LIQUIDITY_TAKER });
    expect(fills, 'the take-profit never fills').toHaveLength(2);
  });
});
