// `microfut compare` and `microfut report` through the built CLI on two real backtests of ../shared/data.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt } from '../cli/run-cli.js';
import { sharedData } from '../support/shared-data.js';

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'microfut-compare-'));
const run = (...args: string[]): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MICROFUT_SPECS: '' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};
const BASE = ['backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-12', '--to', '2025-05-14'];

describe('microfut compare', () => {
  beforeAll(() => {
    ensureBuilt();
    expect(run(...BASE, '--out', join(dir, 'a')).code).toBe(0);
    expect(run(...BASE, '--param', 'fast=5', '--param', 'slow=30', '--out', join(dir, 'b')).code).toBe(0);
  });

  it('puts the runs side by side with the net P&L of each run.json and marks the better one', () => {
    const html = join(dir, 'cmp.html');
    const r = run('compare', join(dir, 'a'), join(dir, 'b'), '--json', '--html', html);
    expect(r.code, r.err).toBe(0);
    const c = JSON.parse(r.out) as { runs: string[]; rows: { key: string; values: (string | number)[]; best: number[] }[] };
    expect(c.runs).toEqual(['a', 'b']);
    const net = c.rows.find((x) => x.key === 'netPnl')!;
    const fromRunJson = ['a', 'b'].map((d) => (JSON.parse(readFileSync(join(dir, d, 'run.json'), 'utf8')) as { summary: { netPnl: number } }).summary.netPnl);
    expect(net.values.map(Number), 'the closed trades net P&L, as the backtest summary reports it').toEqual(fromRunJson);
    expect(net.best, 'the higher net P&L is best').toEqual([fromRunJson[0]! >= fromRunJson[1]! ? 0 : 1]);
    expect(readFileSync(html, 'utf8'), 'the page shows both runs').toMatch(/<th>a<div[\s\S]*<th>b<div/);
  });

  it('refuses a missing run folder with a one-line error and writes no page', () => {
    const html = join(dir, 'none.html');
    const r = run('compare', join(dir, 'a'), join(dir, 'missing'), '--html', html);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').length, r.err).toBe(1);
    expect(r.err).toMatch(/missing: does not exist/);
    expect(existsSync(html)).toBe(false);
  });

  it('report prints the summary and writes the page, its JSON and CSV', () => {
    const r = run('report', join(dir, 'a'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/net P&L/);
    for (const f of ['report.html', 'report.json', 'report.trades.csv']) expect(existsSync(join(dir, 'a', f)), f).toBe(true);
  });
});
