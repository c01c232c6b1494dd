import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData, SHARED_DATA } from '../../test/support/shared-data.js';
import { InputError } from '../core/errors.js';
import { loadRegistry } from '../data/spec-files.js';
import { parseBacktestConfig } from './backtest-config.js';
import { loadFundingMarks } from './funding-marks.js';
import type { DataFileInfo, VerifySummary } from './load-data.js';
import { runBacktest } from './run-backtest.js';

const MARKS = sharedData('binance/futures-um/markPriceKlines/BTCUSDT-markPrice-8h-2025-03-06_2025-06-24.csv');
const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const SPEC = loadRegistry({}).get('BINANCE:BTCUSDT');

/** The mark kline's open at `timeMs`, read from the CSV with a plain split (independent of the parser). */
function openInFile(timeMs: number): number {
  const row = readFileSync(MARKS, 'utf8').split('\n').find((l) => l.startsWith(`${timeMs},`));
  if (row === undefined) throw new Error(`no mark kline at ${timeMs}`);
  return Number(row.split(',')[1]);
}

const funding = (times: readonly number[]) => ({ length: times.length, timeMs: Float64Array.from(times), rate: Float64Array.from(times.map(() => 0.0001)) });

describe('loadFundingMarks', () => {
  it('gives each settlement the open of the mark kline starting at it, rounded to the 0.1 tick', async () => {
    const t1 = Date.UTC(2025, 4, 10, 8);
    const t2 = Date.UTC(2025, 4, 10, 16);
    const files: DataFileInfo[] = [];
    const warnings: string[] = [];
    const m = await loadFundingMarks({ spec: SPEC, funding: funding([t1, t2]), markFile: MARKS }, files, [] as VerifySummary[], warnings);
    expect(m?.known).toBe(2);
    expect(m!.funding.markTicks![0], `open ${openInFile(t1)} x 10 ticks per USDT, nearest`).toBe(Math.round(openInFile(t1) * 10));
    expect(m!.funding.markTicks![1], `open ${openInFile(t2)}`).toBe(Math.round(openInFile(t2) * 10));
    expect(files.map((f) => f.sha256), 'the mark file is an input of the run, with its checksum').toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(warnings).toEqual([]);
  });

  it('leaves a settlement the klines do not cover at 0 (the proxy) and says so', async () => {
    const warnings: string[] = [];
    const m = await loadFundingMarks({ spec: SPEC, funding: funding([Date.UTC(2025, 4, 10, 8), Date.UTC(2024, 0, 1)]), markFile: MARKS }, [], [], warnings);
    expect(m!.funding.markTicks![1], '2024-01-01 is before the file starts').toBe(0);
    expect(warnings.join(' ')).toContain('1 of 2 funding settlements have no mark kline');
  });

  it('refuses a --mark-file that does not exist, naming the flag', async () => {
    const p = loadFundingMarks({ spec: SPEC, funding: funding([Date.UTC(2025, 4, 10, 8)]), markFile: 'nope.csv' }, [], [], []);
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toMatchObject({ input: '--mark-file' });
  });

  it('finds the mark klines beside the data in a ../shared/data-like directory and records both sources', async () => {
    const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: 'BINANCE:BTCUSDT', data: SHARED_DATA, from: '2025-05-10', to: '2025-05-11' });
    const run = await runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
    expect(run.marks.funding, 'funding reads the 8 h mark klines').toContain('BTCUSDT-markPrice-8h-2025-03-06_2025-06-24.csv');
    expect(run.marks.liquidation, 'liquidation keeps the bar proxy without a 1m mark series').toContain('mark proxy');
    const settled = [...run.result.log.events()].filter((e) => e.kind === 'funding');
    expect(settled.length > 0, 'ema-cross holds a position over a settlement on 2025-05-10').toBe(true);
    for (const e of settled) {
      expect(e.priceTicks, `the funding at ${e.timeMs} is at the mark kline's open`).toBe(Math.round(openInFile(e.timeMs) * 10));
    }
  });

  it('uses --mark-file for a run on a single kline file', async () => {
    const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: 'BINANCE:BTCUSDT', data: KLINES, from: '2025-05-10', to: '2025-05-11', markFile: MARKS });
    const run = await runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
    expect(run.marks.funding).toContain('mark-price klines');
  });
});
