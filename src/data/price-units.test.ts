// Compact trade prices are exact: units / 10^scale gives back Number(text) bit for bit, on every real trades and
// aggTrades file in ../shared/data and on random exchange-style decimals.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../test/support/shared-data.js';
import { tradeIsSell, tradePrice, tradeQty, TradeBuilder } from './columns.js';
import { parseFile } from './parse-file.js';
import { compactPrices, rescalePriceUnits } from './price-units.js';

function tradeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tradeFiles(path);
    return /trades/i.test(name) && /\.csv(\.gz)?$/.test(name) ? [path] : [];
  });
}

const SIDE_OF: Record<string, boolean> = { true: true, True: true, false: false, False: false, sell: true, buy: false };

describe('compact trade prices on the real files', () => {
  const files = tradeFiles(SHARED_DATA);

  it('finds every trades and aggTrades file of ../shared/data', () => {
    expect(files.length, 'SOURCES.md lists 8 trade files (7 trades, 1 aggTrades)').toBeGreaterThanOrEqual(8);
  });

  for (const file of files) {
    it(`reads ${relative(SHARED_DATA, file)} with prices, quantities and sides bitwise equal to Number(text)`, async () => {
      const parsed = await parseFile(file);
      if (parsed.series !== 'trades') throw new Error(`${file} parsed as ${parsed.series}`);
      const t = parsed.trades;
      const raw = readFileSync(file);
      const lines = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('latin1').split('\n').filter((l) => l.length > 0);
      const header = /^[a-z_]/i.test(lines[0]!) && !/^binance/.test(lines[0]!) ? lines.shift()!.split(',') : undefined;
      // Headerless Binance trades are id,price,qty,quote_qty,time,is_buyer_maker; aggTrades put the side 7th.
      const priceAt = header ? header.indexOf('price') : 1;
      const qtyAt = header ? header.findIndex((h) => h === 'qty' || h === 'quantity' || h === 'amount') : 2;
      const sideAt = header ? header.findIndex((h) => h === 'is_buyer_maker' || h === 'side') : /aggTrades/.test(file) ? 6 : 5;
      expect(t.length, 'one trade per data line').toBe(lines.length);
      expect(t.priceUnits instanceof Int32Array, `every real price fits Int32 units (scale ${t.priceScale})`).toBe(true);
      let mismatches = 0;
      for (let i = 0; i < t.length; i++) {
        const f = lines[i]!.split(',');
        const same = Object.is(tradePrice(t, i), Number(f[priceAt])) && Object.is(tradeQty(t, i), Number(f[qtyAt])) && tradeIsSell(t, i) === SIDE_OF[f[sideAt]!];
        if (!same) mismatches++;
      }
      expect(mismatches, 'rows whose price, qty or side differs from the text').toBe(0);
    });
  }
});

describe('compactPrices', () => {
  it('picks the smallest power of ten that writes every price exactly', () => {
    // Hand check: 83.29 needs 2 places, 83.3 only 1; together 2 -> units 8329 and 8330.
    const { units, scale } = compactPrices(Float64Array.of(83.29, 83.3));
    expect({ scale, units: Array.from(units) }).toEqual({ scale: 2, units: [8329, 8330] });
    expect(compactPrices(Float64Array.of(64000, 65000)).scale, 'whole prices need no decimals').toBe(0);
  });

  it('keeps Float64 units when Int32 cannot hold them, still exact', () => {
    const { units, scale } = compactPrices(Float64Array.of(123456789.123));
    expect([units instanceof Float64Array, scale, units[0]! / 10 ** scale]).toEqual([true, 3, 123456789.123]);
  });

  it('gives back Number(text) bit for bit for any exchange-style decimal', () => {
    const decimal = fc.tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 8 })).map(([u, d]) => (d === 0 ? `${u}` : `${Math.floor(u / 10 ** d)}.${`${u % 10 ** d}`.padStart(d, '0')}`));
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 50 }), (texts) => {
        const prices = Float64Array.from(texts, Number);
        const { units, scale } = compactPrices(prices);
        for (let i = 0; i < prices.length; i++) if (!Object.is(units[i]! / 10 ** scale, Number(texts[i]))) return false;
        return true;
      }),
    );
  });

  it('rescales units to a finer step exactly and widens to Float64 on overflow', () => {
    expect(Array.from(rescalePriceUnits(Int32Array.of(8329), 2, 4)), '83.29 at 4 places is 832900').toEqual([832900]);
    expect(rescalePriceUnits(Int32Array.of(2_000_000_000), 0, 1) instanceof Float64Array, '2e10 exceeds Int32').toBe(true);
  });
});

describe('TradeBuilder', () => {
  it('stores the side in the sign of the quantity, 20 bytes a trade', () => {
    const b = new TradeBuilder(false);
    b.push(1, 100.5, 0.25, false);
    b.push(2, 100.4, 0.5, true);
    const t = b.finish();
    expect([tradeIsSell(t, 0), tradeIsSell(t, 1), tradeQty(t, 1), tradePrice(t, 1)]).toEqual([false, true, 0.5, 100.4]);
    const bytes = t.timeMs.byteLength + t.priceUnits.byteLength + t.signedQty.byteLength;
    expect(bytes / t.length, 'timeMs f64 + priceUnits i32 + signedQty f64').toBe(20);
  });
});
