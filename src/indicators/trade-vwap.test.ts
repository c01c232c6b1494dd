import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { TradeVwap } from './trade-vwap.js';

const MIDNIGHT = Date.UTC(2024, 6, 19);

describe('TradeVwap by hand', () => {
  it('weights each trade price by its quantity and restarts at 00:00 UTC', () => {
    const v = new TradeVwap();
    expect(v.add({ timeMs: MIDNIGHT - 3000, price: 100, qty: 1 })).toBe(100);
    expect(v.add({ timeMs: MIDNIGHT - 2000, price: 102, qty: 3 }), '(100 + 306) / 4').toBe(101.5);
    // Deviations from 101.5: -1.5 (x1), +0.5 (x3): variance (2.25 + 0.75) / 4 = 0.75.
    expect(v.output(1), 'stdev = sqrt(0.75)').toBeCloseTo(Math.sqrt(0.75), 12);
    expect(v.output(2), 'volume of the day so far').toBe(4);
    expect(v.add({ timeMs: MIDNIGHT, price: 90, qty: 2 }), 'the first trade of the new UTC day').toBe(90);
    expect(v.replace({ timeMs: MIDNIGHT, price: 95, qty: 2 }), 'a corrected print replaces the last trade').toBe(95);
    expect(v.output(2)).toBe(2);
  });

  it('refuses a malformed trade', () => {
    expect(() => new TradeVwap().add({ timeMs: 0, price: Number.NaN, qty: 1 })).toThrow(/malformed trade/);
    expect(() => new TradeVwap().add({ timeMs: 0, price: 1, qty: -1 })).toThrow(/qty -1/);
  });
});

describe('TradeVwap on real BTCUSDT futures trades across midnight (2024-07-18 23:57 .. 07-19 00:00)', () => {
  const file = 'binance/futures-um/trades/BTCUSDT-trades-2024-07-18T2357.csv.gz';
  const rows = gunzipSync(readFileSync(sharedData(file)))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => {
      const f = l.split(',');
      return { price: Number(f[1]), qty: Number(f[2]), timeMs: Number(f[3]) };
    });

  it('equals the plain sums of the definition over each UTC day', () => {
    const v = new TradeVwap();
    let pq = 0;
    let q = 0;
    let day = Math.floor(rows[0]!.timeMs / 86_400_000);
    let resets = 0;
    for (const t of rows) {
      const d = Math.floor(t.timeMs / 86_400_000);
      if (d !== day) {
        day = d;
        pq = 0;
        q = 0;
        resets++;
      }
      pq += t.price * t.qty;
      q += t.qty;
      const got = v.add(t)!;
      expect(Math.abs(got - pq / q) / (pq / q), `trade at ${t.timeMs}`).toBeLessThan(1e-12);
      expect(Math.abs(v.output(2)! - q), 'volume of the day').toBeLessThan(1e-9);
    }
    expect(rows.length, 'the capture holds the trades SOURCES.md lists').toBeGreaterThan(900);
    expect(resets, 'the capture crosses one UTC midnight').toBe(1);
  });
});
