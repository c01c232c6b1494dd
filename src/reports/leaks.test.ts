import { describe, expect, it } from 'vitest';
import { moneyFromFloat } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { biggestLeaks } from './leaks.js';

function trip(id: number, hourUtc: number, net: number, side: 'long' | 'short', exitReason: RoundTrip['exitReason'] = 'signal'): RoundTrip {
  const entry = Date.parse('2025-05-05T00:00:00Z') + hourUtc * 3_600_000 + id * 1000;
  const m = moneyFromFloat(net, 'nearest');
  const zero = moneyFromFloat(0, 'nearest');
  return {
    id,
    runId: 'l',
    source: 'backtest',
    instrument: 'BINANCE:BTCUSDT',
    side,
    entryTimeMs: entry,
    exitTimeMs: entry + 60_000,
    entryPrice: 1,
    exitPrice: 1,
    maxLots: 1,
    maxContracts: '1',
    entries: 1,
    exits: 1,
    grossPnl: m,
    fees: zero,
    funding: zero,
    netPnl: m,
    exitReason,
    mae: zero,
    mfe: zero,
    barsHeld: 1,
  };
}

// Hour 03: shorts lose 30 and 20, a long wins 5 (bucket -45). Hour 15: longs win 40 and 10, a short loses 25.
// Shorts in all: -30 - 20 - 25 = -75. Hour 20: a long loses 8.
const TRADES = [
  trip(1, 3, -30, 'short', 'stop-loss'),
  trip(2, 3, -20, 'short', 'stop-loss'),
  trip(3, 3, 5, 'long'),
  trip(4, 15, 40, 'long'),
  trip(5, 15, 10, 'long'),
  trip(6, 15, -25, 'short', 'stop-loss'),
  trip(7, 20, -8, 'long', 'stop-loss'),
];

describe('biggestLeaks', () => {
  it('takes the bucket whose trades lost the most first, then the next among what is left', () => {
    const leaks = biggestLeaks(TRADES, undefined, { dimensions: ['hour', 'side', 'exit-reason'], maxShare: 1 });
    // 1st: exit-reason stop-loss (-83) beats side short (-75) and hour 03 (-45). Left: trades 3, 4, 5 (all winners).
    expect(leaks.map((l) => [l.dimension, l.key, l.gain])).toEqual([['exit-reason', 'stop-loss', '83.00']]);
    expect(leaks[0]!.tradeIds).toEqual([1, 2, 6, 7]);
    // The other trades (5, 40, 10) average 55/3; the four stop-outs would have made 4 x 55/3 = 73.33 like them.
    expect(leaks[0]!.belowRest, '-83 - 73.33333333').toBe('-156.33333333');
  });

  it('never takes more than half of the remaining trades by default: a leak is a part, not the bulk', () => {
    const leaks = biggestLeaks(TRADES, undefined, { dimensions: ['hour', 'side', 'exit-reason'] });
    // Stop-outs are 4 of 7; shorts (3 of 7, -75) go first; then hour 20 and the stop-out of trade 7 tie at -8 with
    // one trade each, and the hour dimension comes first.
    expect(leaks.map((l) => [l.dimension, l.key, l.gain])).toEqual([
      ['side', 'short', '75.00'],
      ['hour', '20', '8.00'],
    ]);
  });

  it('skips a losing bucket that still does better than the rest', () => {
    // Every trade loses; hour 03 (-10 each) is worse than hour 15 (-1 each), so only hour 03 is a leak.
    const all = [trip(1, 3, -10, 'long'), trip(2, 3, -10, 'long'), trip(3, 15, -1, 'long'), trip(4, 15, -1, 'long'), trip(5, 15, -1, 'long')];
    expect(biggestLeaks(all, undefined, { dimensions: ['hour'] }).map((l) => l.key)).toEqual(['03']);
  });

  it('leaves the exit reason out by default: it is known only after the trade', () => {
    const byEntry = biggestLeaks(TRADES, undefined, { dimensions: undefined, count: 3 });
    // 1st: shorts (-75); left 3, 4, 5, 7: hour 20 (-8) is the only losing bucket; then nothing loses.
    expect(byEntry.map((l) => [l.dimension, l.key, l.gain, l.bucketTotal])).toEqual([
      ['side', 'short', '75.00', '-75.00'],
      ['hour', '20', '8.00', '-8.00'],
    ]);
    expect(byEntry[0]!.tradeIds, 'the trades behind the leak').toEqual([1, 2, 6]);
    const all = byEntry.flatMap((l) => l.tradeIds);
    expect(new Set(all).size, 'no trade counted in two leaks').toBe(all.length);
  });

  it('reports the whole bucket total next to what skipping the rest of it adds', () => {
    const l = biggestLeaks(TRADES, undefined, { dimensions: ['side', 'hour'], count: 2 });
    // After shorts go, hour 03 holds only trade 3 (+5): not a leak; hour 20 (-8) is.
    expect(l[1]).toMatchObject({ dimension: 'hour', key: '20', gain: '8.00', bucketTotal: '-8.00', count: 1 });
  });

  it('finds no leak when every group made money', () => {
    expect(biggestLeaks([trip(1, 3, 5, 'long'), trip(2, 4, 6, 'short')], undefined)).toEqual([]);
  });
});
