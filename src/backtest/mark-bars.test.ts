// Each bar's mark-price kline for liquidation: aligned by open time, only from klines of the bars' own interval,
// rounded conservatively to the tick; and a run that finds 1m mark klines records them as the liquidation mark.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { loadRegistry } from '../data/spec-files.js';
import type { EngineBars } from '../engine/engine.js';
import { parseBacktestConfig } from './backtest-config.js';
import type { DataFileInfo, VerifySummary } from './load-data.js';
import { loadMarkBars } from './mark-bars.js';
import { runBacktest } from './run-backtest.js';

const SPEC = loadRegistry({}).get('BINANCE:BTCUSDT');
const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const T = Date.UTC(2025, 4, 10);
const dir = mkdtempSync(join(tmpdir(), 'microfut-mark-bars-'));

/** Bars opening at T + k x interval (only the open times matter to the alignment). */
function barsAt(count: number, intervalMs: number): EngineBars {
  const col = (): Float64Array => new Float64Array(count);
  const bars = { length: count, openTimeMs: col(), open: col(), high: col(), low: col(), close: col(), volume: col(), openTicks: col(), highTicks: col(), lowTicks: col(), closeTicks: col() };
  for (let i = 0; i < count; i++) bars.openTimeMs[i] = T + i * intervalMs;
  return bars;
}

/** A 1m mark kline file with klines at T, T+1m and T+3m (none at T+2m). */
function markFile(): string {
  const file = join(dir, 'BTCUSDT-markPrice-1m-2025-05-10.csv');
  const rows = [0, 1, 3].map((k) => `${T + k * 60_000},95503.34,95505.41,95502.77,95504.06,0`);
  writeFileSync(file, ['open_time,open,high,low,close,volume', ...rows].join('\n') + '\n');
  return file;
}

describe('loadMarkBars', () => {
  it('gives each bar the mark kline that opened with it: low down and high up to the tick, open and close nearest', async () => {
    const files: DataFileInfo[] = [];
    const warnings: string[] = [];
    const m = await loadMarkBars({ spec: SPEC, bars: barsAt(4, 60_000), intervalMs: 60_000, markFile: markFile() }, files, [] as VerifySummary[], warnings);
    // Tick 0.1: high 95,505.41 -> 955,055 (up); low 95,502.77 -> 955,027 (down); open 95,503.34 -> 955,033; close 95,504.06 -> 955,041.
    expect(Array.from(m!.columns.highTicks), 'bar 2 has no kline: 0').toEqual([955055, 955055, 0, 955055]);
    expect(Array.from(m!.columns.lowTicks)).toEqual([955027, 955027, 0, 955027]);
    expect(Array.from(m!.columns.openTicks)).toEqual([955033, 955033, 0, 955033]);
    expect(Array.from(m!.columns.closeTicks)).toEqual([955041, 955041, 0, 955041]);
    expect(m!.matched).toBe(3);
    expect(warnings.join(' '), 'the bar without a mark kline is reported').toContain('1 of 4 bars have no mark kline');
    expect(files.map((f) => f.sha256), 'the mark file is an input of the run').toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
  });

  it('takes no kline of another interval: 1m marks for 5m bars, or 8h marks for 1m bars', async () => {
    expect(await loadMarkBars({ spec: SPEC, bars: barsAt(4, 300_000), intervalMs: 300_000, markFile: markFile() }, [], [], []), '1m klines at 5m bars').toBeUndefined();
    const eightHours = sharedData('binance/futures-um/markPriceKlines/BTCUSDT-markPrice-8h-2025-03-06_2025-06-24.csv');
    expect(await loadMarkBars({ spec: SPEC, bars: barsAt(4, 60_000), intervalMs: 60_000, markFile: eightHours }, [], [], []), "an 8 h kline's range would look ahead inside a 1m bar").toBeUndefined();
  });

  it('makes a run read 1m mark klines for liquidation and record them in the run metadata', async () => {
    // A 1m mark series for 2025-05-10 derived from the real trade klines of that day (a stand-in: no real 1m mark
    // klines are in ../shared/data), written to a temporary file.
    const lines = gunzipSync(readFileSync(KLINES)).toString('utf8').trim().split('\n');
    const day = lines.slice(1).filter((l) => {
      const t = Number(l.split(',')[0]);
      return t >= T && t < T + 86_400_000;
    });
    const file = join(dir, 'BTCUSDT-markPrice-1m-2025-05-10-day.csv');
    writeFileSync(file, [lines[0], ...day.map((l) => l.split(',').slice(0, 5).join(',') + ',0')].join('\n') + '\n');
    const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: 'BINANCE:BTCUSDT', data: KLINES, from: '2025-05-10', to: '2025-05-11', markFile: file });
    const run = await runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
    expect(run.marks.liquidation, 'liquidation on the mark kline of every bar').toContain('BTCUSDT-markPrice-1m-2025-05-10-day.csv (1440 of 1440 bars');
    expect(run.models.some((n) => n.includes('mark-price kline of each bar for 1440 of 1440 bars')), 'the venue says it used them').toBe(true);
    expect(run.data.files.filter((f) => f.path === file).length, 'listed once among the inputs, with its checksum').toBe(1);
  });
});
