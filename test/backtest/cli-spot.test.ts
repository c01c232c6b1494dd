// `microfut backtest` with strategies that read the spot series (hedge-keeper, basis): the spot klines beside the
// perpetual in a ../shared/data-like folder, checked against the files read independently here. Needs the build
// (`npx tsc -p tsconfig.build.json`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA, sharedData } from '../support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const SPOT = sharedData('binance/spot/klines/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz');
const PERP = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const RANGE = ['--instrument', 'BINANCE:BTCUSDT', '--data', SHARED_DATA, '--from', '2025-05-20', '--to', '2025-06-03', '--json', '--no-journal'];

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The close of the bar that opened at `openTimeMs` in a Binance kline CSV (open_time,open,high,low,close,...). */
function closeAt(file: string, openTimeMs: number): number {
  const row = gunzipSync(readFileSync(file)).toString('utf8').split('\n').find((l) => l.startsWith(`${openTimeMs},`));
  if (row === undefined) throw new Error(`${file} has no bar at ${openTimeMs}`);
  return Number(row.split(',')[4]);
}

describe('microfut backtest with the spot series', () => {
  it('values the hedge-keeper\'s spot leg from the real spot file, not from the perpetual', () => {
    const r = run('backtest', '--strategy', 'hedge-keeper', ...RANGE);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { strategyNotes: string[]; warnings: string[]; openPositions: unknown[] };
    expect(s.warnings, 'the spot klines are found beside the perpetual').toEqual([]);
    const m = /^hedge-keeper final: spot 0\.1 at ([\d.]+) \(BTCUSDT-1m-2025-05-20_2025-08-18\.csv\.gz\), short 0\.1; unhedged equity ([\d.]+), hedged ([\d.]+) .*valued at the perpetual close ([\d.]+) instead, the spot leg would read ([\d.]+)$/.exec(s.strategyNotes[0] ?? '');
    expect(m, s.strategyNotes.join('\n')).not.toBeNull();
    const [spotPrice, unhedged, hedged, perpClose, perpOnly] = m!.slice(1).map(Number) as [number, number, number, number, number];
    const lastOpen = Date.UTC(2025, 5, 2, 23, 59);
    expect(spotPrice, 'the spot file\'s close of the last bar').toBe(closeAt(SPOT, lastOpen));
    expect(perpClose, 'the perpetual file\'s close of the last bar').toBe(closeAt(PERP, lastOpen));
    expect(spotPrice, 'spot and perpetual closes differ (the basis)').not.toBe(perpClose);
    expect(unhedged, 'unhedged = 0.1 BTC x the spot close, to the cent').toBeCloseTo(0.1 * spotPrice, 2);
    expect(unhedged, 'the spot valuation is not the perp-only one').not.toBe(perpOnly);
    expect(perpOnly).toBeCloseTo(0.1 * perpClose, 2);
    expect(hedged, 'the hedge changes the figure').not.toBe(unhedged);
    expect(s.openPositions, 'the short is held to the end').toHaveLength(1);
  });

  it('runs basis on the spot series and either trades or says in a note why not', () => {
    const r = run('backtest', '--strategy', 'basis', ...RANGE);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { trades: number; strategyNotes: string[]; warnings: string[] };
    expect(s.warnings).toEqual([]);
    const note = s.strategyNotes[0] ?? '';
    if (s.trades === 0) {
      const m = /^basis final: 0 pair trades; over (\d+) bars with a spot price the basis peaked at (-?[\d.]+) %, entry needs ([\d.]+) %/.exec(note);
      expect(m, note).not.toBeNull();
      expect(Number(m![1]), 'every 1m bar of the 14 days has a spot price').toBe(14 * 1440);
      expect(Number(m![2]) < Number(m![3]), 'it did not trade because the basis never reached the entry level').toBe(true);
    } else {
      expect(note).toMatch(new RegExp(`^basis final: ${s.trades} pair trades`));
    }
  });

  it('warns when the run has no spot series, and refuses a --spot-data that does not exist', () => {
    const alone = run('backtest', '--strategy', 'basis', '--instrument', 'BINANCE:BTCUSDT', '--data', PERP, '--from', '2025-05-20', '--to', '2025-05-21', '--json', '--no-journal');
    expect(alone.code, alone.err).toBe(0);
    const s = JSON.parse(alone.out) as { warnings: string[]; strategyNotes: string[] };
    expect(s.warnings.join('\n')).toMatch(/reads the spot series, but the run has none: pass --spot-data/);
    expect(s.strategyNotes).toEqual(['basis final: 0 pair trades: the run had no spot series']);
    const bad = run('backtest', '--strategy', 'basis', '--instrument', 'BINANCE:BTCUSDT', '--data', PERP, '--spot-data', 'no-such-dir', '--no-journal');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: --spot-data: no-such-dir does not exist/);
  });
});
