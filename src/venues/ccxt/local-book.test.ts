// The local book's sequence rules on hand-written events (Binance USD-M "How to manage a local order book
// correctly"): buffering, the first event around the snapshot, the pu chain, and a stale book after a gap.
import { describe, expect, test } from 'vitest';
import { gridFromStep, type Grid } from '../../core/grid.js';
import { LocalBook, type DepthDiff } from './local-book.js';

const tick = gridFromStep('0.1') as Grid;
const lot = gridFromStep('0.001') as Grid;
const diff = (U: number, u: number, pu: number, bids: [string, string][] = [], asks: [string, string][] = []): DepthDiff => ({ U, u, pu, bids, asks });
const snapshot = { lastUpdateId: 105, bids: [['100.0', '1.000']], asks: [['100.5', '2.000']] } as const;

describe('LocalBook', () => {
  test('buffers diffs until a snapshot, drops those before it, and applies the one that straddles it', () => {
    const b = new LocalBook(tick, lot);
    expect(b.onDiff(diff(90, 100, 89, [['99.0', '5']]))).toBe('buffered');
    expect(b.onDiff(diff(101, 108, 100, [['100.0', '0.5']]))).toBe('buffered');
    expect(b.view(), 'no book before a snapshot').toBeUndefined();
    expect(b.onSnapshot(snapshot)).toBe('live');
    // 100.0 -> 0.5 BTC = 500 lots from the straddling diff; the 99.0 level came from a diff before the snapshot.
    expect(b.book.qtyAt('bid', 1000), 'the straddling diff (U=101 <= 106, u=108 >= 105) is applied').toBe(500);
    expect(b.book.qtyAt('bid', 990), 'the diff with u < lastUpdateId is dropped').toBe(0);
    expect(b.book.qtyAt('ask', 1005)).toBe(2000);
    expect(b.onDiff(diff(109, 110, 108, [], [['100.5', '0']]))).toBe('applied');
    expect(b.book.qtyAt('ask', 1005), 'quantity 0 removes a level').toBe(0);
  });

  test('a pu that is not the previous u is a gap: the book is stale until the next snapshot', () => {
    const b = new LocalBook(tick, lot);
    b.onDiff(diff(101, 108, 100));
    b.onSnapshot(snapshot);
    expect(b.onDiff(diff(112, 115, 111)), 'pu 111 after u 108: events 109..111 are missing').toBe('gap');
    expect([b.live, b.view(), b.gaps]).toEqual([false, undefined, 1]);
    b.onDiff(diff(116, 118, 115));
    expect(b.onSnapshot({ ...snapshot, lastUpdateId: 117 })).toBe('live');
    expect(b.resyncs).toBe(2);
  });

  test('a snapshot ahead of the buffer waits, and one older than the buffer asks for a newer one', () => {
    const b = new LocalBook(tick, lot);
    b.onDiff(diff(101, 103, 100));
    expect(b.onSnapshot(snapshot), 'lastUpdateId 105 > every buffered u').toBe('wait');
    b.onDiff(diff(104, 106, 103));
    expect(b.onSnapshot(snapshot)).toBe('live');
    const c = new LocalBook(tick, lot);
    c.onDiff(diff(120, 125, 119));
    expect(c.onSnapshot(snapshot), 'U=120 > 106: events 106..119 were never seen').toBe('refetch');
  });
});
