import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { sharedData } from '../../test/support/shared-data.js';
import { listMonths, readBars, readSeries, readTrades, writeSeries } from './cache.js';
import { tradeIsSell, tradePrice, tradeQty } from './columns.js';
import { importFile } from './import.js';
import { parseFile } from './parse-file.js';

const root = mkdtempSync(join(tmpdir(), 'microfut-import-'));
let n = 0;
const freshCache = (): string => join(root, `cache-${++n}`);
const inputs = join(root, 'in');
mkdirSync(inputs, { recursive: true });

/** Every file below `dir` (partitions and any temp file), to prove a failed import wrote nothing. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

const t0 = Date.UTC(2024, 0, 1);
const HEADER = 'open_time,open,high,low,close,volume';
const row = (i: number, high = '11'): string => `${t0 + i * 60_000},10,${high},9,10,5`;

async function importError(name: string, content: string | Buffer, symbol?: string): Promise<{ error: InputError; cache: string }> {
  const path = join(inputs, name);
  writeFileSync(path, content);
  const cache = freshCache();
  try {
    await importFile(path, { cacheDir: cache, venue: 'binance', market: 'um', ...(symbol ? { symbol } : {}) });
  } catch (e) {
    if (e instanceof InputError) return { error: e, cache };
    throw e;
  }
  throw new Error(`importing ${name} should have failed`);
}

describe('import refuses bad input, names file and line, and writes nothing', () => {
  it('refuses a truncated gzip file', async () => {
    const whole = gzipSync(readFileSync(sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz')).length > 0 ? gunzipSync(readFileSync(sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'))) : Buffer.alloc(0));
    const { error, cache } = await importError('FILUSDT-1m-2023-10.csv.gz', whole.subarray(0, whole.length >> 1));
    expect(error.message).toMatch(/FILUSDT-1m-2023-10\.csv\.gz: the gzip stream is truncated \(unexpected end of file\)/);
    expect(filesUnder(cache), 'no cache entry after a failed import').toEqual([]);
  });

  it('refuses a row with 5 fields', async () => {
    const { error, cache } = await importError('BTCUSDT-1m-a.csv', [HEADER, row(0), '1704067260000,10,11,9,10', row(2)].join('\n'));
    expect(error.message).toMatch(/BTCUSDT-1m-a\.csv:3: the row has 5 fields, expected 6 \(klines\)/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses a non-numeric price', async () => {
    const { error, cache } = await importError('BTCUSDT-1m-b.csv', [HEADER, row(0), row(1, '11.2.3')].join('\n'));
    expect(error.message).toMatch(/BTCUSDT-1m-b\.csv:3: field high is "11\.2\.3", expected a decimal number/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses high < low', async () => {
    const { error, cache } = await importError('BTCUSDT-1m-c.csv', [HEADER, row(0), row(1, '8')].join('\n'));
    expect(error.message).toMatch(/BTCUSDT-1m-c\.csv:3: bar at 2024-01-01T00:01:00Z: high 8 < low 9/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses a duplicated timestamp', async () => {
    const { error, cache } = await importError('BTCUSDT-1m-d.csv', [HEADER, row(0), row(1), row(1)].join('\n'));
    expect(error.message).toMatch(/BTCUSDT-1m-d\.csv:4: duplicate bar at 2024-01-01T00:01:00Z/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses an out-of-order timestamp', async () => {
    const { error, cache } = await importError('BTCUSDT-1m-e.csv', [HEADER, row(0), row(2), row(1)].join('\n'));
    expect(error.message).toMatch(/BTCUSDT-1m-e\.csv:4: bar at 2024-01-01T00:01:00Z comes after 2024-01-01T00:02:00Z/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses a file of another symbol than asked', async () => {
    const { error, cache } = await importError('ETHUSDT-1m-f.csv', [HEADER, row(0), row(1)].join('\n'), 'BTCUSDT');
    expect(error.message).toMatch(/ETHUSDT-1m-f\.csv: the file holds ETHUSDT, expected BTCUSDT/);
    expect(filesUnder(cache)).toEqual([]);
  });

  it('refuses a trade file whose rows name another symbol than its name', async () => {
    const text = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbinance-futures,ETHUSDT,1582329602111000,1582329602418379,1,buy,9682,0.132\n';
    const { error, cache } = await importError('BTCUSDT-tardis-trades-x.csv', text);
    expect(error.message).toMatch(/the file name says BTCUSDT but the rows are ETHUSDT/);
    expect(filesUnder(cache)).toEqual([]);
  });
});

describe('cache round trip', () => {
  it('reads back exactly the CSV values of a 12-column month (bitwise equal doubles)', async () => {
    const file = sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz');
    const cache = freshCache();
    const result = await importFile(file, { cacheDir: cache });
    expect(result.key).toEqual({ venue: 'binance', market: 'um', symbol: 'FILUSDT', kind: 'klines', interval: '1m' });
    const bars = readBars(cache, result.key, { fields: 'all' });
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
    expect(bars.length).toBe(44640);
    const cols = [bars.openTimeMs, bars.open, bars.high, bars.low, bars.close, bars.volume, undefined, bars.quoteVolume, bars.trades, bars.takerBuyVolume, bars.takerBuyQuoteVolume];
    let mismatches = 0;
    lines.forEach((line, i) => {
      line.split(',').forEach((text, k) => {
        const col = cols[k];
        if (col && !Object.is(col[i], Number(text))) mismatches++;
      });
    });
    expect(mismatches, 'every cached value equals Number() of the CSV field').toBe(0);
  });

  it('splits a file spanning two months into two partitions and reads them back as one series', async () => {
    const file = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
    const cache = freshCache();
    const result = await importFile(file, { cacheDir: cache });
    expect(result.partitions.map((p) => p.month)).toEqual(['2025-05', '2025-06']);
    expect(listMonths(cache, result.key)).toEqual(['2025-05', '2025-06']);
    const parsed = await parseFile(file);
    if (parsed.series !== 'bars') throw new Error('expected bars');
    const bars = readBars(cache, result.key);
    expect(Buffer.from(bars.close.buffer).equals(Buffer.from(parsed.bars.close.buffer)), 'close column byte for byte').toBe(true);
    expect(Buffer.from(bars.openTimeMs.buffer).equals(Buffer.from(parsed.bars.openTimeMs.buffer))).toBe(true);
    const june = readBars(cache, result.key, { fromMs: Date.UTC(2025, 5, 1), toMs: Date.UTC(2025, 5, 2) });
    expect(june.length, 'one day of 1m bars').toBe(1440);
    expect(june.openTimeMs[0]).toBe(Date.UTC(2025, 5, 1));
  });

  it('merges a second import of the same file without duplicating rows', async () => {
    const file = sharedData('binance/futures-um/klines/NEARUSDT-1m-2023-09.csv.gz');
    const cache = freshCache();
    await importFile(file, { cacheDir: cache });
    const again = await importFile(file, { cacheDir: cache });
    expect(again.partitions[0]?.alreadyCached, 'every row was already cached').toBe(43200);
    expect(readBars(cache, again.key).length).toBe(43200);
  });

  it('refuses to merge a row that contradicts the cached one and leaves the partition as it was', async () => {
    const cache = freshCache();
    const a = join(inputs, 'BTCUSDT-1m-m1.csv');
    const b = join(inputs, 'BTCUSDT-1m-m2.csv');
    writeFileSync(a, [HEADER, row(0), row(1)].join('\n'));
    writeFileSync(b, [HEADER, row(1, '12'), row(2)].join('\n'));
    const first = await importFile(a, { cacheDir: cache, venue: 'binance', market: 'um' });
    await expect(importFile(b, { cacheDir: cache, venue: 'binance', market: 'um' })).rejects.toThrow(/openTimeMs 1704067260000 is cached with high = 11 but the new data has 12/);
    expect(Array.from(readBars(cache, first.key).high), 'the cached month is unchanged').toEqual([11, 11]);
  });

  it('leaves no staged file and no partition when the commit rename fails', () => {
    const cache = freshCache();
    const key = { venue: 'binance', market: 'um', symbol: 'BTCUSDT', kind: 'klines' as const, interval: '1m' };
    // A directory where HEAD should go makes the commit's rename fail, as a crash just before it would.
    mkdirSync(join(cache, 'binance/um/BTCUSDT/klines-1m/HEAD'), { recursive: true });
    const data = { length: 1, openTimeMs: Float64Array.of(t0), open: Float64Array.of(1), high: Float64Array.of(1), low: Float64Array.of(1), close: Float64Array.of(1), volume: Float64Array.of(1) };
    expect(() => writeSeries(cache, key, 'bars', data, {}, { replace: true })).toThrow();
    expect(filesUnder(cache), 'no staged partition, HEAD temp file or lock is left behind').toEqual([]);
    expect(readdirSync(join(cache, 'binance/um/BTCUSDT/klines-1m')), 'the staging generation is removed').toEqual(['HEAD']);
  });

  it('caches aggTrades and reads them back with ids on request', async () => {
    const file = sharedData('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz');
    const cache = freshCache();
    const result = await importFile(file, { cacheDir: cache });
    expect(result.key).toEqual({ venue: 'binance', market: 'spot', symbol: 'LTCUSDT', kind: 'aggTrades' });
    const trades = readTrades(cache, result.key, { fields: ['timeMs', 'priceUnits', 'signedQty', 'id'] });
    expect(trades.length).toBe(152763);
    // First row: 1750507467356,83.29,0.107,buy,293517768
    expect([trades.timeMs[0], tradePrice(trades, 0), tradeQty(trades, 0), tradeIsSell(trades, 0), trades.id?.[0]]).toEqual([1750507467356, 83.29, 0.107, false, 293517768]);
    expect([trades.priceScale, trades.priceUnits[0], trades.priceUnits instanceof Int32Array], 'LTCUSDT prices have two decimals: 83.29 is 8329 units of 0.01').toEqual([2, 8329, true]);
    expect(readSeries(cache, result.key, 'trades').length).toBe(152763);
  });
});

/** A one-entry zip (deflate), as data.binance.vision serves, built by hand from the zip spec (APPNOTE 4.3). */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

describe('input containers and layouts', () => {
  it('reads a data.binance.vision zip of 12-column klines without a header row', async () => {
    const csv = gunzipSync(readFileSync(sharedData('binance/futures-um/klines/AVAXUSDT-1m-2026-07.csv.gz')));
    const noHeader = csv.subarray(csv.indexOf(10) + 1);
    const path = join(inputs, 'AVAXUSDT-1m-2026-07.zip');
    writeFileSync(path, zipOf('AVAXUSDT-1m-2026-07.csv', noHeader));
    const parsed = await parseFile(path);
    expect(parsed.format).toBe('binance-klines');
    expect(parsed.headerRow).toBe(false);
    expect(parsed.rows).toBe(44640);
    if (parsed.series !== 'bars') throw new Error('expected bars');
    // First row: 1782864000000,6.5340,6.5430,6.5340,6.5400,33013,1782864059999,215829.8910,365,30518,199515.0150,0
    expect([parsed.bars.open[0], parsed.bars.quoteVolume?.[0], parsed.bars.trades?.[0]]).toEqual([6.534, 215829.891, 365]);
  });

  it('reads microsecond kline timestamps (Binance spot files from 2025) as ms', async () => {
    const path = join(inputs, 'BTCUSDT-1m-2025-01-01.csv');
    writeFileSync(path, '1735689600000000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999999,768978.3,1263,4.6,43,0\n1735689660000000,93610.93,93652.00,93606.00,93652.00,5.1,1735689719999999,1,2,3,4,0\n');
    const parsed = await parseFile(path);
    expect(parsed.timeUnit).toBe('us');
    expect(parsed.firstMs).toBe(1735689600000);
    expect(parsed.lastMs).toBe(1735689660000);
  });

  it('reads freqtrade JSON candles', async () => {
    const path = join(inputs, 'BTC_USDT-1m.json');
    writeFileSync(path, '[[1704067200000,42283.58,42298.62,42261.02,42298.61,35.92],\n[1704067260000,42298.62,42320.0,42298.61,42320.0,21.6]]');
    const parsed = await parseFile(path);
    if (parsed.series !== 'bars') throw new Error('expected bars');
    expect(parsed.format).toBe('freqtrade-json');
    expect(Array.from(parsed.bars.close)).toEqual([42298.61, 42320]);
  });

  it('reads Tardis incremental_book_L2 rows into snapshot and diff events', async () => {
    const path = join(inputs, 'BTCUSDT-incremental_book_L2.csv');
    writeFileSync(
      path,
      'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount\n' +
        'binance-futures,BTCUSDT,1598918403696000,1598918403810979,true,ask,11657.08,1.714\n' +
        'binance-futures,BTCUSDT,1598918403696000,1598918403810979,true,bid,11657.07,10.896\n' +
        'binance-futures,BTCUSDT,1598918403815000,1598918403819763,false,ask,11657.08,0\n',
    );
    const parsed = await parseFile(path);
    if (parsed.series !== 'depth') throw new Error('expected depth');
    expect(parsed.depth.eventCount).toBe(2);
    expect(Array.from(parsed.depth.eventKind), 'snapshot then diff').toEqual([0, 1]);
    expect(Array.from(parsed.depth.levelStart)).toEqual([0, 2, 3]);
  });

  it('reads the data.binance.vision fundingRate layout', async () => {
    const path = join(inputs, 'BTCUSDT-fundingRate-2024-01.csv');
    writeFileSync(path, 'calc_time,funding_interval_hours,last_funding_rate\n1704067200000,8,0.00037409\n1704096000000,8,0.00030000\n');
    const parsed = await parseFile(path);
    if (parsed.series !== 'funding') throw new Error('expected funding');
    expect(Array.from(parsed.funding.rate)).toEqual([0.00037409, 0.0003]);
  });
});
