// writeHtmlReport on a real backtest run made in the test through the built CLI on ../shared/data.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt } from '../../../test/cli/run-cli.js';
import { sharedData } from '../../../test/support/shared-data.js';
import { writeHtmlReport } from './write-html-report.js';

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'microfut-html-report-'));
const runDir = join(dir, 'run');

describe('writeHtmlReport', () => {
  beforeAll(() => {
    ensureBuilt();
    const r = spawnSync(process.execPath, [CLI, 'backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-12', '--to', '2025-05-14', '--out', runDir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('writes one self-contained page with its JSON and CSV beside it, every trade in each', async () => {
    const out = join(dir, 'r.html');
    const w = await writeHtmlReport(runDir, out);
    const html = readFileSync(out, 'utf8');
    const trades = readFileSync(join(runDir, 'trades.csv'), 'utf8').trim().split('\n').length - 1;
    expect(html, 'lightweight-charts is inlined').toContain('TradingView Lightweight Charts');
    expect(html, 'nothing is loaded from elsewhere').not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|url\(http/);
    expect(html.match(/<tr data-trade=/g)?.length, 'one table row per trade').toBe(trades);
    expect((JSON.parse(readFileSync(w.json, 'utf8')) as { trades: unknown[] }).trades.length).toBe(trades);
    expect(readFileSync(w.csv, 'utf8').trim().split('\n').length - 1).toBe(trades);
    expect(w.model.notes, 'the bars and the spec were found').toEqual([]);
    expect(w.model.chart.candles.t.length, 'two days of 1m candles').toBe(2 * 1440);
    const regimes = w.model.splits.splits.find((s) => s.dimension === 'regime')!;
    expect(regimes.buckets.reduce((n, b) => n + b.count, 0), 'the regime split sums back to every trade').toBe(trades);
    expect(w.model.trades.every((t) => t.rMultiple !== undefined), 'every ema-cross trade has a stop, so an R').toBe(true);
  });

  it('writes nothing for a corrupt run folder and names the bad line', async () => {
    const bad = join(dir, 'bad');
    spawnSync('cp', ['-r', runDir, bad]);
    const lines = readFileSync(join(bad, 'trades.csv'), 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/,(take-profit|stop-loss),/, ',oops,');
    writeFileSync(join(bad, 'trades.csv'), lines.join('\n'));
    await expect(writeHtmlReport(bad)).rejects.toThrow(/trades\.csv line 4 exit_reason/);
    expect(existsSync(join(bad, 'report.html'))).toBe(false);
    expect(readdirSync(bad).sort()).toEqual(['equity.csv', 'events.jsonl', 'run.json', 'trades.csv']);
  });
});
