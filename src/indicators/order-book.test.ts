import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, type BookSide } from './order-book.js';

// A hand-built book on a 0.1 tick (prices in ticks: 1000.0 = 10000):
//   asks 1000.5 x 10 | 1000.2 x 4 | 1000.1 x 1
//   bids 1000.0 x 2  | 999.9 x 3  | 999.7 x 5
function smallBook(): OrderBook {
  const book = new OrderBook();
  book.setLevel('bid', 10000, 2);
  book.setLevel('bid', 9999, 3);
  book.setLevel('bid', 9997, 5);
  book.setLevel('ask', 10001, 1);
  book.setLevel('ask', 10002, 4);
  book.setLevel('ask', 10005, 10);
  return book;
}

describe('OrderBook on a hand-computed book', () => {
  it('reports the touch, spread, mid and microprice', () => {
    const book = smallBook();
    expect(book.bestPriceTicks('bid'), 'best bid is the highest bid').toBe(10000);
    expect(book.bestPriceTicks('ask'), 'best ask is the lowest ask').toBe(10001);
    expect(book.spreadTicks(), '10001 - 10000').toBe(1);
    expect(book.midTicks(), '(10000 + 10001) / 2').toBe(10000.5);
    // (10000 x askQty 1 + 10001 x bidQty 2) / (2 + 1) = 30002 / 3: more bid size pulls it toward the ask.
    expect(book.micropriceTicks(), 'size-weighted mid').toBeCloseTo(30002 / 3, 9);
    expect(book.isCrossed()).toBe(false);
  });

  it('sums depth within N ticks of each touch', () => {
    const book = smallBook();
    expect(book.depthWithinTicks('bid', 0), 'touch only').toBe(2);
    expect(book.depthWithinTicks('bid', 1), '10000 and 9999').toBe(5);
    expect(book.depthWithinTicks('bid', 2), '9998 is empty').toBe(5);
    expect(book.depthWithinTicks('bid', 3), 'all three bids').toBe(10);
    expect(book.depthWithinTicks('ask', 1), '10001 and 10002').toBe(5);
    expect(book.depthWithinTicks('ask', 4), 'all three asks').toBe(15);
  });

  it('sums depth within N basis points of the mid', () => {
    const book = smallBook();
    // mid 10000.5; 2 bps: bids >= 9998.49999, asks <= 10002.5001.
    expect(book.depthWithinBps('bid', 2), '10000 and 9999 are within 2 bps').toBe(5);
    expect(book.depthWithinBps('ask', 2), '10001 and 10002 are within 2 bps').toBe(5);
    // 5 bps: bids >= 9995.49975, asks <= 10005.50025.
    expect(book.depthWithinBps('bid', 5)).toBe(10);
    expect(book.depthWithinBps('ask', 5)).toBe(15);
  });

  it('computes imbalance at the touch and over a depth', () => {
    const book = smallBook();
    expect(book.imbalance(0), '(2 - 1) / (2 + 1)').toBeCloseTo(1 / 3, 12);
    expect(book.imbalance(1), '(5 - 5) / 10').toBe(0);
    expect(book.imbalance(4), '(10 - 15) / 25').toBeCloseTo(-0.2, 12);
  });

  it('writes cumulative depth from the touch outward', () => {
    const book = smallBook();
    const qty = new Float64Array(5);
    const px = new Float64Array(5);
    expect(book.cumulativeDepth('bid', qty, px), 'three bid levels exist').toBe(3);
    expect(Array.from(qty.subarray(0, 3))).toEqual([2, 5, 10]);
    expect(Array.from(px.subarray(0, 3))).toEqual([10000, 9999, 9997]);
    expect(book.cumulativeDepth('ask', qty.subarray(0, 2)), 'limited by the buffer').toBe(2);
    expect(Array.from(qty.subarray(0, 2))).toEqual([1, 5]);
  });

  it('prices a fill by walking the levels (VWAP for size)', () => {
    const book = smallBook();
    // Buy 3: 1 @ 10001 + 2 @ 10002 = 30005 ticks over 3.
    const buy = book.priceToFill('ask', 3);
    expect(buy?.averagePriceTicks).toBeCloseTo(30005 / 3, 9);
    expect(buy?.worstPriceTicks).toBe(10002);
    expect(buy?.levelsUsed).toBe(2);
    // Sell 6: 2 @ 10000 + 3 @ 9999 + 1 @ 9997 = 59994 over 6.
    const sell = book.priceToFill('bid', 6);
    expect(sell?.averagePriceTicks).toBeCloseTo(59994 / 6, 9);
    expect(sell?.worstPriceTicks).toBe(9997);
    expect(book.priceToFill('ask', 15)?.worstPriceTicks, 'exactly the whole side fills').toBe(10005);
    expect(book.priceToFill('ask', 15.5), 'more than the side holds has no price').toBeUndefined();
  });

  it('updates, deletes and reports the previous quantity of a level', () => {
    const book = smallBook();
    expect(book.setLevel('bid', 9999, 7), 'previous qty of 999.9').toBe(3);
    expect(book.qtyAt('bid', 9999)).toBe(7);
    expect(book.setLevel('bid', 10000, 0), 'deleting returns what was there').toBe(2);
    expect(book.bestPriceTicks('bid'), 'the next level becomes the touch').toBe(9999);
    expect(book.setLevel('ask', 10003, 0), 'deleting an absent level is a no-op').toBe(0);
    expect(book.levelCount('ask')).toBe(3);
    book.setLevel('bid', 10001, 1);
    expect(book.isCrossed(), 'a bid at the best ask crosses the book').toBe(true);
  });

  it('answers undefined for an empty side', () => {
    const book = new OrderBook();
    book.setLevel('bid', 100, 1);
    expect(book.spreadTicks()).toBeUndefined();
    expect(book.midTicks()).toBeUndefined();
    expect(book.micropriceTicks()).toBeUndefined();
    expect(book.depthWithinBps('bid', 10)).toBeUndefined();
    expect(book.depthWithinTicks('ask', 10), 'no asks: zero depth').toBe(0);
    expect(book.imbalance(0), 'only bids: fully bid').toBe(1);
    expect(new OrderBook().imbalance(0), 'empty book has no imbalance').toBeUndefined();
  });

  it('refuses a fractional price or a negative quantity', () => {
    const book = new OrderBook();
    expect(() => book.setLevel('bid', 100.5, 1)).toThrow(/integer tick/);
    expect(() => book.setLevel('ask', 100, -1)).toThrow(/qty >= 0/);
    expect(() => book.setLevel('ask', 100, Number.NaN)).toThrow(/qty >= 0/);
  });
});

describe('OrderBook against a plain map model', () => {
  it('keeps thousands of levels in order past its initial capacity', () => {
    const book = new OrderBook();
    for (let i = 0; i < 5000; i++) book.setLevel('ask', 100_000 + ((i * 7919) % 5000), 1 + i);
    expect(book.levelCount('ask')).toBe(5000);
    for (let i = 1; i < 5000; i++) {
      expect(book.levelPriceTicks('ask', i), 'asks ascend from the touch').toBe(book.levelPriceTicks('ask', i - 1) + 1);
    }
  });

  it('keeps levels sorted from the touch outward under any sequence of updates', () => {
    const op = fc.record({
      side: fc.constantFrom<BookSide>('bid', 'ask'),
      price: fc.integer({ min: 0, max: 3000 }),
      qty: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2500 }), (ops) => {
        const book = new OrderBook();
        const model = { bid: new Map<number, number>(), ask: new Map<number, number>() };
        for (const o of ops) {
          const prev = book.setLevel(o.side, o.price, o.qty);
          expect(prev, 'previous quantity matches the model').toBe(model[o.side].get(o.price) ?? 0);
          if (o.qty === 0) model[o.side].delete(o.price);
          else model[o.side].set(o.price, o.qty);
        }
        for (const side of ['bid', 'ask'] as const) {
          const prices = [...model[side].keys()].sort((a, b) => (side === 'bid' ? b - a : a - b));
          expect(book.levelCount(side)).toBe(prices.length);
          prices.forEach((p, i) => {
            expect(book.levelPriceTicks(side, i), `${side} level ${i} in touch order`).toBe(p);
            expect(book.levelQty(side, i)).toBe(model[side].get(p));
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
