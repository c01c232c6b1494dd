import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { InputError } from '../core/errors.js';
import { columnsOf, readSeries } from './cache.js';
import { type ColumnArray } from './cache-format.js';
import { importFile } from './import.js';
import { parseFile } from './parse-file.js';
import type { ParsedData } from './parsed.js';
import { verifyParsed } from './verify.js';

// Every cached kind is imported in parts; these tests force tiny parts on real files so that many cuts fall inside
// months and across month boundaries, and compare with what a whole-file parse and verify give.
const root = mkdtempSync(join(tmpdir(), 'microfut-import-parts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshCache = (): string => join(root, `cache-${n++}`);

function wholeColumns(p: ParsedData): Record<string, ColumnArray> {
  switch (p.series) {
    case 'bars':
      return columnsOf(p.bars);
    case 'trades':
      return { ...columnsOf(p.trades), price: Float64Array.from(p.trades.priceUnits, (u) => u / p.trades.priceDivisor) };
    case 'funding':
      return columnsOf(p.funding);
    case 'bookTicker':
      return columnsOf(p.quotes);
    case 'markPrice':
      return columnsOf(p.markPrice);
    case 'bookDepth':
      return columnsOf(p.bookDepth);
    case 'depth':
    case 'stream':
      throw new Error(`${p.series} is not cached`);
  }
}

const CASES: readonly { file: string; partRows: number; market: string }[] = [
  { file: 'binance/futures-um/trades/BTCUSDT-trades-2024-08-08T2354.csv.gz', partRows: 997, market: 'um' },
  { file: 'binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz', partRows: 20_000, market: 'spot' },
  { file: 'binance/futures-um/bookTicker/BTCUSDT-bookTicker-2024-07-18T2357.csv.gz', partRows: 4_999, market: 'um' },
  { file: 'binance/futures-um/fundingRate/LAYERUSDT-fundingRate-2025-03-16_2025-06-03.csv', partRows: 7, market: 'um' },
  { file: 'binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv', partRows: 5, market: 'um' },
  { file: 'binance/futures-um/klines/LAYERUSDT-1m-2025-05-04_2025-06-03.csv.gz', partRows: 3_001, market: 'um' },
  { file: 'binance/futures-um/markPrice/BTCUSDT-markPriceUpdate1s-2023-04-04T2358.csv', partRows: 50, market: 'um' },
];

describe('import in parts', () => {
  for (const c of CASES) {
    it(`caches ${c.file} in parts of ${c.partRows} rows exactly as parsed whole, with the same gaps as a whole-file verify`, async () => {
      const path = sharedData(c.file);
      const whole = await parseFile(path);
      const wholeReport = verifyParsed(whole);
      const cache = freshCache();
      const r = await importFile(path, { cacheDir: cache, venue: 'binance', market: c.market, partRows: c.partRows });
      expect(r.rows, 'every row is imported').toBe(whole.rows);
      expect(r.parts?.count, 'the file was handed over in many parts').toBeGreaterThanOrEqual(Math.ceil(whole.rows / c.partRows));
      expect(r.parts?.maxRows, 'no part holds more than partRows rows plus the carried overlap').toBeLessThanOrEqual(c.partRows + 3);
      expect(r.report.gaps, 'the gaps found part by part are the whole-file gaps, cuts included').toEqual(wholeReport.gaps);
      expect([r.report.firstMs, r.report.lastMs], 'first and last times cover the whole file').toEqual([whole.firstMs, whole.lastMs]);

      const back = readSeries(cache, r.key, r.series, { fields: 'all' });
      const expected = wholeColumns(whole);
      const got: Record<string, ColumnArray> = { ...columnsOf(back) };
      if (r.series === 'trades') {
        const divisor = back.priceDivisor as number;
        got.price = Float64Array.from(back.priceUnits as ArrayLike<number>, (u) => u / divisor);
        delete got.priceUnits;
        delete expected.priceUnits;
      }
      expect(Object.keys(got).sort(), 'the same columns').toEqual(Object.keys(expected).sort());
      for (const name of Object.keys(expected)) {
        const a = expected[name] as ColumnArray;
        const b = got[name] as ColumnArray;
        let first = -1;
        for (let i = 0; i < a.length && first < 0; i++) if (!Object.is(a[i], b[i])) first = i;
        expect([b.length, first], `column ${name}: same length, no row differs (first differing row: ${first})`).toEqual([a.length, -1]);
      }
    }, 60_000);
  }

  it('keeps the parts of a real trades file under a fixed bound of buffered rows and bytes', async () => {
    const path = sharedData('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz');
    const partRows = 4096;
    const r = await importFile(path, { cacheDir: freshCache(), venue: 'binance', market: 'um', partRows });
    // timeMs, signedQty, id (Float64) and priceUnits (Int32 here): 28 bytes a row; 32 allows Float64 units.
    const boundBytes = (partRows + 1) * 32;
    expect(r.rows, 'the file is far bigger than one part').toBeGreaterThan(10 * partRows);
    expect(r.parts?.maxRows, 'buffered rows never exceed one part').toBeLessThanOrEqual(partRows + 1);
    expect(r.parts?.maxBytes, `buffered column bytes never exceed ${boundBytes}`).toBeLessThanOrEqual(boundBytes);
  });

  it('refuses a file whose bad row lies in a later part, naming its line, and caches nothing', async () => {
    const dir = join(root, 'bad-funding');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'BTCUSDT-fundingRate-2025-01.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${Date.UTC(2025, 0, 1) + i * 8 * 3_600_000},0.0001`);
    rows[33] = `${Date.UTC(2025, 0, 1) + 31 * 8 * 3_600_000},0.0001`;
    writeFileSync(file, ['funding_time,funding_rate', ...rows].join('\n'));
    const cache = freshCache();
    const e = await importFile(file, { cacheDir: cache, venue: 'binance', market: 'um', partRows: 5 }).catch((x: unknown) => x);
    expect(e, 'a time that goes back is refused').toBeInstanceOf(InputError);
    expect((e as InputError).message, 'the error names the file and the line of the row (header is line 1)').toMatch(/BTCUSDT-fundingRate-2025-01\.csv:35\b.*funding time/);
    const left = existsSync(cache) ? readdirSync(cache, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(cache, f)).isFile()) : [];
    expect(left, 'no partition, spill, HEAD or lock is left').toEqual([]);
  });
});
