import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, sharedData } from '../../test/support/shared-data.js';
import { parseDecimal, unitsAtScale } from '../core/decimal.js';
import { importFile } from '../data/import.js';
import { loadRegistry } from '../data/spec-files.js';
import type { EngineBars } from '../engine/engine.js';
import { sourceIntervals } from './bar-source.js';
import { loadBacktestData, type LoadRequest } from './load-data.js';

const registry = loadRegistry({});
const BTC = registry.get('BINANCE:BTCUSDT');
const NEAR = registry.get('BINANCE:NEARUSDT');
const BTC_1M = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const NEAR_1H = sharedData('binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz');
const NEAR_1M_AUG = sharedData('binance/futures-um/klines/NEARUSDT-1m-2023-08.csv.gz');
const tmp = mkdtempSync(join(tmpdir(), 'microfut-bar-source-'));
const load = (req: Partial<LoadRequest> & Pick<LoadRequest, 'spec' | 'interval'>) => loadBacktestData({ fundingOn: false, cacheDir: join(tmp, 'no-cache'), ...req });

/** Rows of a kline CSV as text fields, header dropped: read here without the project's parsers. */
const rows = (file: string): string[][] =>
  gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split(','));

const COLUMNS = ['openTimeMs', 'open', 'high', 'low', 'close', 'volume', 'openTicks', 'highTicks', 'lowTicks', 'closeTicks'] as const;
const expectSameBars = (a: EngineBars, b: EngineBars, what: string): void => {
  expect(a.length, `${what}: bar count`).toBe(b.length);
  for (const c of COLUMNS) expect(Array.from(a[c]), `${what}: ${c}`).toEqual(Array.from(b[c]));
};

describe('bar source', () => {
  it('tries the interval itself first, then the finer intervals that divide it, finest first', () => {
    expect(sourceIntervals('1m')).toEqual(['1m']);
    expect(sourceIntervals('15m')).toEqual(['15m', '1m', '3m', '5m']);
    expect(sourceIntervals('1h'), '45m is no interval; 2h does not divide 1h').toEqual(['1h', '1m', '3m', '5m', '15m', '30m']);
  });

  it('builds 3m bars from the real BTCUSDT 1m file equal to a plain three-minute grouping of its rows', async () => {
    const fromMs = Date.UTC(2025, 4, 10);
    const toMs = Date.UTC(2025, 4, 11);
    const data = await load({ spec: BTC, interval: '3m', data: BTC_1M, fromMs, toMs });
    expect(data.intervalMs).toBe(180_000);
    expect(data.barOrigin?.resampledFrom?.interval).toBe('1m');
    const minutes = rows(BTC_1M).filter((r) => Number(r[0]) >= fromMs && Number(r[0]) < toMs);
    expect(minutes.length, 'the day is whole in the file').toBe(1440);
    const b = data.bars;
    expect(b.length).toBe(480);
    for (let i = 0; i < 480; i++) {
      const m = minutes.slice(3 * i, 3 * i + 3);
      const at = `bar ${i}`;
      expect(b.openTimeMs[i], at).toBe(fromMs + i * 180_000);
      expect(b.open[i], `${at} open: the first minute's`).toBe(Number(m[0]![1]));
      expect(b.high[i], `${at} high: the highest minute`).toBe(Math.max(...m.map((r) => Number(r[2]))));
      expect(b.low[i], `${at} low: the lowest minute`).toBe(Math.min(...m.map((r) => Number(r[3]))));
      expect(b.close[i], `${at} close: the last minute's`).toBe(Number(m[2]![4]));
      const units = m.reduce((s, r) => s + unitsAtScale(parseDecimal(r[5]!)!, 3), 0n);
      expect(BigInt(Math.round(b.volume[i]! * 1000)), `${at} volume: the exact decimal sum of the minutes (BTC to 0.001)`).toBe(units);
    }
  });

  it('builds from a folder of 1m months the same 1h bars, volumes included, as Binance\'s own 1h klines (NEARUSDT August 2023)', async () => {
    const fromMs = Date.UTC(2023, 7, 1);
    const toMs = Date.UTC(2023, 8, 1);
    const native = await load({ spec: NEAR, interval: '1h', data: NEAR_1H, fromMs, toMs });
    const resampled = await load({ spec: NEAR, interval: '1h', data: NEAR_1M_AUG, fromMs, toMs });
    expect(native.barOrigin, 'the 1h file is read as it is').toEqual({ interval: '1h' });
    expect(resampled.barOrigin?.resampledFrom).toEqual({ interval: '1m', sources: ['NEARUSDT-1m-2023-08.csv.gz'], incompleteBuckets: [] });
    expectSameBars(resampled.bars, native.bars, 'resampled vs native 1h');
    expect(native.bars.length).toBe(744);
  });

  it('resamples the cached 1m series when the cache has no series of the interval', async () => {
    const cacheDir = join(tmp, 'cache');
    await importFile(NEAR_1M_AUG, { cacheDir, venue: 'binance', market: 'um' });
    const fromMs = Date.UTC(2023, 7, 3, 10, 30);
    const toMs = Date.UTC(2023, 7, 5);
    const cached = await loadBacktestData({ spec: NEAR, interval: '1h', fundingOn: false, cacheDir, fromMs, toMs });
    const native = await load({ spec: NEAR, interval: '1h', data: NEAR_1H, fromMs, toMs });
    expectSameBars(cached.bars, native.bars, 'cache-resampled vs native 1h');
    expect(cached.bars.openTimeMs[0], 'a --from inside an hour starts at the next whole hour').toBe(Date.UTC(2023, 7, 3, 11));
    expect(cached.files.map((f) => f.path)).toEqual(['cache:binance/um/NEARUSDT/klines-1m']);
    expect(cached.warnings, 'whole hours only: the range is widened to whole buckets before resampling').toEqual([]);
  });

  it('in a folder with klines of several intervals, takes the finest that reaches the run\'s range', async () => {
    // ../shared/data holds BTCUSDT 1m for May-June 2025 and 5m for September-October 2025.
    const may = await load({ spec: BTC, interval: '15m', data: SHARED_DATA, fromMs: Date.UTC(2025, 4, 10), toMs: Date.UTC(2025, 4, 11) });
    const october = await load({ spec: BTC, interval: '15m', data: SHARED_DATA, fromMs: Date.UTC(2025, 9, 1), toMs: Date.UTC(2025, 9, 2) });
    expect(may.barOrigin?.resampledFrom?.interval).toBe('1m');
    expect(october.barOrigin?.resampledFrom?.interval, 'no 1m klines in October: the 5m ones').toBe('5m');
    expect([may.bars.length, october.bars.length]).toEqual([96, 96]);
    expect(october.verify.map((v) => v.file.split('/').pop()), 'only the files used are listed').toEqual(['BTCUSDT-5m-2025-09-19_2025-10-27.csv.gz']);
  });

  it('keeps a gap a gap: a bucket missing a source minute is left out and counted in a warning', async () => {
    const t0 = Date.UTC(2025, 4, 10);
    const minutes = [0, 1, 2, 3, 5, 6, 7, 8];
    const file = join(tmp, 'BTCUSDT-1m-2025-05-10_2025-05-10.csv');
    writeFileSync(file, ['open_time,open,high,low,close,volume', ...minutes.map((m) => `${t0 + m * 60_000},100.${m},101.0,99.0,100.${m + 1},1.5`)].join('\n') + '\n');
    const data = await load({ spec: BTC, interval: '3m', data: file });
    expect(Array.from(data.bars.openTimeMs), 'the 00:03 bucket lacks 00:04').toEqual([t0, t0 + 6 * 60_000]);
    expect(Array.from(data.bars.volume), 'three minutes of 1.5').toEqual([4.5, 4.5]);
    expect(data.barOrigin?.resampledFrom?.incompleteBuckets).toEqual([t0 + 3 * 60_000]);
    expect(data.warnings.join('\n')).toMatch(/^1 3m bar left out \(2025-05-10T00:03:00\.000Z\): some of its 1m source bars are missing/m);
  });
});

describe('spot bars of a resampled run', () => {
  it('resamples the spot 1m klines to the run interval and aligns them by open time', async () => {
    const fromMs = Date.UTC(2025, 4, 20);
    const toMs = Date.UTC(2025, 4, 21);
    const data = await load({ spec: BTC, interval: '5m', data: SHARED_DATA, spot: SHARED_DATA, fromMs, toMs });
    const spot = data.spot!;
    expect(spot.source).toBe('BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz (resampled from 1m to 5m)');
    expect(spot.missing, 'every 5m run bar has the spot bar of its own time').toBe(0);
    const spotRows = rows(sharedData('binance/spot/klines/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz'));
    const closeOfMinute = new Map(spotRows.map((r) => [Number(r[0]), Number(r[4])]));
    for (let i = 0; i < data.bars.length; i++) {
      // The 5m spot close is the close of its last minute.
      expect(spot.close[i], `bar ${i}`).toBe(closeOfMinute.get(data.bars.openTimeMs[i]! + 4 * 60_000));
    }
  });
});
