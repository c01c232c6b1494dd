// The report of a resampled run draws the bars the strategy traded on: a real `backtest --interval 3m` on the
// BTCUSDT 1m file of ../shared/data, checked against an independent resample of the same file and the run's equity.csv.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt } from '../../test/cli/run-cli.js';
import { sharedData } from '../../test/support/shared-data.js';
import type { BarColumns } from '../data/columns.js';
import { parseFile } from '../data/parse-file.js';
import { resampleBars } from '../data/resample.js';
import { buildReportModel } from './html/write-html-report.js';
import { DEFAULT_REGIME_OPTIONS, entryRegime, regimeSeries } from './regimes.js';
import { intervalMsOf, intervalName } from './run-bars.js';

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const HOURLY = sharedData('binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz');
const FROM_MS = Date.parse('2025-05-12T00:00:00Z');
const TO_MS = Date.parse('2025-05-14T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'microfut-run-bars-'));
const runDir = join(dir, 'run-3m');

async function fileBars(): Promise<BarColumns> {
  const parsed = await parseFile(KLINES);
  if (parsed.series !== 'bars') throw new Error('the BTCUSDT klines file should parse as bars');
  return parsed.bars;
}

/** The first `n` bars of `b` (the bars before the run's end, warm-up included). */
function head(b: BarColumns, toMs: number): BarColumns {
  let n = 0;
  while (n < b.length && b.openTimeMs[n]! < toMs) n++;
  const cut = (a: Float64Array): Float64Array => a.subarray(0, n);
  return { length: n, openTimeMs: cut(b.openTimeMs), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close), volume: cut(b.volume) };
}

describe('the report of a run on resampled bars', () => {
  beforeAll(() => {
    ensureBuilt();
    const r = spawnSync(process.execPath, [CLI, 'backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--interval', '3m', '--from', '2025-05-12', '--to', '2025-05-14', '--no-journal', '--out', runDir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('draws the 3m bars the backtest traded on and labels regimes on them', async () => {
    const m = await buildReportModel(runDir);
    // Independent of the report's loader: the whole 1m file grouped into UTC 3m buckets by hand-checkable rules.
    const expected = resampleBars(await fileBars(), 60_000, 180_000).bars;
    const first = expected.openTimeMs.indexOf(FROM_MS);
    const last = expected.openTimeMs.indexOf(TO_MS);
    const equityRows = readFileSync(join(runDir, 'equity.csv'), 'utf8').trim().split('\n').length - 1;
    expect(m.bars, 'the header names the interval and the resampling').toMatchObject({ interval: '3m', intervalMs: 180_000, resampledFrom: '1m' });
    expect(m.chart.barIntervalMs).toBe(180_000);
    expect(m.chart.candles.t.length, 'two days of 3m bars: 2 x 480').toBe(960);
    expect(m.chart.candles.t.length, 'equity.csv has one row per bar the backtest ran on').toBe(equityRows);
    expect(m.chart.candles.t, 'open times of the resampled bars, in seconds').toEqual(Array.from(expected.openTimeMs.subarray(first, last), (t) => t / 1000));
    expect(m.chart.candles.o).toEqual(Array.from(expected.open.subarray(first, last)));
    expect(m.chart.candles.h).toEqual(Array.from(expected.high.subarray(first, last)));
    expect(m.chart.candles.l).toEqual(Array.from(expected.low.subarray(first, last)));
    expect(m.chart.candles.c).toEqual(Array.from(expected.close.subarray(first, last)));

    const on3m = regimeSeries(head(expected, TO_MS), { ...DEFAULT_REGIME_OPTIONS, barIntervalMs: 180_000 });
    const on1m = regimeSeries(head(await fileBars(), TO_MS), { ...DEFAULT_REGIME_OPTIONS, barIntervalMs: 60_000 });
    expect(m.trades.length).toBeGreaterThan(10);
    expect(m.trades.map((t) => t.regime), 'each trade is labelled from the last closed 3m bar').toEqual(m.trades.map((t) => entryRegime(on3m, t.entryTimeMs).regime));
    const differ = m.trades.filter((t) => t.regime !== entryRegime(on1m, t.entryTimeMs).regime).length;
    expect(differ, 'labels from 1m bars would differ for some trades, so this checks the interval').toBeGreaterThan(0);
  });

  it('says in the page header that the bars were resampled and from what', async () => {
    const { renderReportHtml } = await import('./html/render-report.js');
    const html = renderReportHtml(await buildReportModel(runDir));
    expect(html).toMatch(/id="bars-origin">3m bars \(the run&#39;s interval\), resampled exactly from the 1m candles of BTCUSDT-1m-2025-05-04_2025-06-24\.csv\.gz/);
  });

  it('draws the candle file as read for a run.json written before runs recorded their interval', async () => {
    const old = join(dir, 'old');
    cpSync(runDir, old, { recursive: true });
    const run = JSON.parse(readFileSync(join(old, 'run.json'), 'utf8')) as { bars?: unknown; config: { interval?: string } };
    delete run.bars;
    delete run.config.interval;
    writeFileSync(join(old, 'run.json'), JSON.stringify(run));
    const m = await buildReportModel(old);
    expect(m.bars, 'the file is 1m and nothing says otherwise').toMatchObject({ interval: '1m', intervalMs: 60_000 });
    expect(m.bars?.resampledFrom).toBeUndefined();
    expect(m.chart.candles.t.length, 'two days of 1m candles').toBe(2 * 1440);
  });

  it('refuses --data with candles coarser than the run, naming --data', async () => {
    await expect(buildReportModel(runDir, { barsFile: HOURLY })).rejects.toThrow(/--data .*NEARUSDT-1h.*holds 1h candles, which cannot make the run's 3m bars/);
  });

  it('names intervals as Binance does', () => {
    expect([intervalMsOf('3m'), intervalMsOf('4h'), intervalMsOf('1d'), intervalMsOf('0m'), intervalMsOf('3x')]).toEqual([180_000, 14_400_000, 86_400_000, undefined, undefined]);
    expect([intervalName(180_000), intervalName(7_200_000), intervalName(86_400_000)]).toEqual(['3m', '2h', '1d']);
  });
});
