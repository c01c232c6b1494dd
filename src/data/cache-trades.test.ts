// Compact trades in the cache (format version 2): price scale in the partition meta, months at different price
// steps read and merged exactly, version 1 trades refused with a re-import message.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePartition } from './cache-format.js';
import { readTrades, seriesDir, writeSeries, type CacheKey, type FlatColumns } from './cache.js';
import { TradeBuilder, tradePrice, type TradeColumns } from './columns.js';

const key: CacheKey = { venue: 'binance', market: 'um', symbol: 'BTCUSDT', kind: 'trades' };
const may = Date.UTC(2025, 4, 31, 23, 59);
const june = Date.UTC(2025, 5, 1);

function tape(rows: readonly (readonly [number, number, number])[]): TradeColumns {
  const b = new TradeBuilder(true);
  for (const [id, t, p] of rows) {
    b.push(t, p, 0.5, id % 2 === 0);
    b.id?.push(id);
  }
  return b.finish();
}

const flat = (t: TradeColumns): FlatColumns => t as unknown as FlatColumns;
const prices = (t: TradeColumns): number[] => Array.from({ length: t.length }, (_, i) => tradePrice(t, i));

describe('trades in the cache', () => {
  it('reads months cached at different price steps as one column at the finer step', () => {
    const cache = mkdtempSync(join(tmpdir(), 'mf-trades-'));
    writeSeries(cache, key, 'trades', flat(tape([[1, may, 100.5]])), {});
    writeSeries(cache, key, 'trades', flat(tape([[2, june, 100.25]])), {});
    const t = readTrades(cache, key);
    // Hand check: 100.5 at 2 places is 10050 units of 0.01, 100.25 is 10025.
    expect({ scale: t.priceScale, units: Array.from(t.priceUnits), prices: prices(t) }).toEqual({ scale: 2, units: [10050, 10025], prices: [100.5, 100.25] });
  });

  it('merges a month whose cached rows have another price step, keeping identical rows once', () => {
    const cache = mkdtempSync(join(tmpdir(), 'mf-trades-'));
    writeSeries(cache, key, 'trades', flat(tape([[1, june, 100.5], [2, june + 1, 101]])), {});
    const [r] = writeSeries(cache, key, 'trades', flat(tape([[2, june + 1, 101], [3, june + 2, 100.125]])), {});
    expect([r?.rows, r?.alreadyCached], 'three distinct ids, one already cached').toEqual([3, 1]);
    expect(prices(readTrades(cache, key)), 'prices exact after rescaling 1 and 3 decimals to 3').toEqual([100.5, 101, 100.125]);
  });

  it('refuses a changed price for a cached trade id and leaves the month as it was', () => {
    const cache = mkdtempSync(join(tmpdir(), 'mf-trades-'));
    writeSeries(cache, key, 'trades', flat(tape([[1, june, 100.5]])), {});
    expect(() => writeSeries(cache, key, 'trades', flat(tape([[1, june, 100.75]])), {})).toThrow(/id 1 is cached with priceUnits = 10050 but the new data has 10075/);
    expect(prices(readTrades(cache, key))).toEqual([100.5]);
  });

  it('refuses trades cached by format version 1 with a re-import message', () => {
    const cache = mkdtempSync(join(tmpdir(), 'mf-trades-'));
    // A cache written before generations keeps its months in the series folder itself (no HEAD), as version 1 did.
    const path = join(seriesDir(cache, key), '2025-06.mfc');
    mkdirSync(seriesDir(cache, key), { recursive: true });
    // A version 1 partition: float price/qty/isBuyerMaker columns and no priceScale (same header length).
    writePartition(path, 'trades', 1, { timeMs: Float64Array.of(june), price: Float64Array.of(100.5), qty: Float64Array.of(1), isBuyerMaker: Uint8Array.of(0) }, {});
    writeFileSync(path, readFileSync(path, 'latin1').replace('"version":2', '"version":1'), 'latin1');
    expect(() => readTrades(cache, key)).toThrow(/older microfut \(cache format 1, float prices\).*run `microfut data import`/);
  });
});
