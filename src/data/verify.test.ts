import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, sharedData } from '../../test/support/shared-data.js';
import { parseFile } from './parse-file.js';
import { verifyParsed } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-verify-'));
const HEADER = 'open_time,open,high,low,close,volume';

async function verifyText(name: string, text: string, symbol?: string): Promise<ReturnType<typeof verifyParsed>> {
  const path = join(dir, name);
  writeFileSync(path, text);
  return verifyParsed(await parseFile(path), symbol ? { symbol } : {});
}

const ONE_MINUTE_FILES = [
  'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz',
  'binance/futures-um/klines/ETHUSDT-1m-2025-05-04_2025-06-24.csv.gz',
  'binance/futures-um/klines/SOLUSDT-1m-2025-05-04_2025-06-24.csv.gz',
  'binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz',
  'binance/futures-um/klines/NEARUSDT-1m-2025-06.csv.gz',
  'binance/futures-um/klines/AVAXUSDT-1m-2026-07.csv.gz',
  'binance/spot/klines/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz',
];

describe('verify on real files', () => {
  it.each(ONE_MINUTE_FILES)('%s is clean: 1 m steps, no gaps, no OHLC violations (README: gap-free)', async (file) => {
    const r = verifyParsed(await parseFile(sharedData(file)), { symbol: file.split('/').pop()?.split('-')[0] as string });
    expect(r.errors, 'no errors').toEqual([]);
    expect(r.gaps, 'no gaps').toEqual([]);
    expect(r.intervalMs).toBe(60_000);
    expect(r.clean).toBe(true);
  });

  it('finds the one missing spot hour, 2023-03-24 13:00 UTC (README: a Binance spot outage)', async () => {
    const r = verifyParsed(await parseFile(sharedData('binance/spot/klines/BTCUSDT-1h-2022-05-25_2026-05-24.csv.gz')));
    expect(r.gaps).toEqual([{ of: 'bars', from: Date.UTC(2023, 2, 24, 13), to: Date.UTC(2023, 2, 24, 13), missing: 1 }]);
    expect(r.clean, 'a gap makes the file not clean').toBe(false);
    expect(r.errorCount).toBe(0);
  });

  it('lists the aggTrades id gaps exactly as SOURCES.md does', async () => {
    const sources = readFileSync(`${SHARED_DATA}/SOURCES.md`, 'utf8');
    const listed = JSON.parse(/id_gaps=(\[[^\]]*\])/.exec(sources)?.[1] ?? '[]') as { after_id: number; next_id: number; missing: number }[];
    const r = verifyParsed(await parseFile(sharedData('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz')));
    expect(listed.length, 'SOURCES.md lists the gaps').toBeGreaterThan(20);
    expect(r.gaps).toEqual(listed.map((g) => ({ of: 'trade ids', from: g.after_id + 1, to: g.next_id - 1, missing: g.missing })));
  });

  it('accepts LAYERUSDT funding switching from 4 h to 1 h without calling it a gap', async () => {
    const r = verifyParsed(await parseFile(sharedData('binance/futures-um/fundingRate/LAYERUSDT-fundingRate-2025-03-16_2025-06-03.csv')));
    expect(r.gaps, 'an interval change is not missing data').toEqual([]);
    expect(r.clean).toBe(true);
  });

  it('finds no chain break in a capture (SOURCES.md: 0 sequence breaks)', async () => {
    const r = verifyParsed(await parseFile(sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz')));
    expect(r.errors).toEqual([]);
  });
});

describe('verify on constructed files', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const row = (i: number, o = 10, h = 11, l = 9, c = 10): string => `${t0 + i * 60_000},${o},${h},${l},${c},5`;

  it('reports the exact missing range of a gap: bars 3..5 missing between 2 and 6', async () => {
    const r = await verifyText('BTCUSDT-1m-gap.csv', [HEADER, row(0), row(1), row(2), row(6), row(7)].join('\n'));
    expect(r.gaps).toEqual([{ of: 'bars', from: t0 + 3 * 60_000, to: t0 + 5 * 60_000, missing: 3 }]);
    expect(r.clean).toBe(false);
  });

  it('reports a duplicated timestamp with its line', async () => {
    const r = await verifyText('BTCUSDT-1m-dup.csv', [HEADER, row(0), row(1), row(1), row(2)].join('\n'));
    expect(r.duplicates).toBe(1);
    expect(r.errors[0]?.line, 'line 4: header + three rows').toBe(4);
    expect(r.errors[0]?.message).toMatch(/duplicate bar at 2024-01-01T00:01:00Z/);
  });

  it('reports an out-of-order timestamp with its line', async () => {
    const r = await verifyText('BTCUSDT-1m-order.csv', [HEADER, row(0), row(2), row(1), row(3)].join('\n'));
    expect(r.outOfOrder).toBe(1);
    expect(r.errors.map((e) => e.line)).toContain(4);
  });

  it('reports high < low, and a high below the close', async () => {
    const r = await verifyText('BTCUSDT-1m-ohlc.csv', [HEADER, row(0), row(1, 10, 9, 11, 10), row(2, 10, 10.5, 9, 10.6)].join('\n'));
    expect(r.ohlcViolations).toBe(2);
    expect(r.errors[0]).toMatchObject({ line: 3 });
    expect(r.errors[0]?.message).toMatch(/high 9 < low 11/);
    expect(r.errors[1]?.message).toMatch(/high 10.5 is below open 10 or close 10.6/);
  });

  it('reports a file of another symbol than asked', async () => {
    const r = await verifyText('ETHUSDT-1m-x.csv', [HEADER, row(0), row(1)].join('\n'), 'BTCUSDT');
    expect(r.errors[0]?.message).toBe('the file holds ETHUSDT, expected BTCUSDT');
  });

  it('reports a 1m file whose bars are 5 minutes apart', async () => {
    const r = await verifyText('BTCUSDT-1m-wrong.csv', [HEADER, row(0), row(5), row(10), row(15)].join('\n'));
    expect(r.errors[0]?.message).toMatch(/says 1m bars but consecutive bars are 300 s apart/);
  });
});
