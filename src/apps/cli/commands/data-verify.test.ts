import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../../../test/support/shared-data.js';

// Spawns the compiled CLI, as a user runs it. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-data-cli-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('microfut data verify', () => {
  it('prints rows, first, last, gaps and errors per file as JSON and exits 0 for clean files', () => {
    const r = run('data', 'verify', '--json', sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'));
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out) as { clean: boolean; files: Record<string, unknown>[] };
    expect(out.clean).toBe(true);
    expect(out.files[0]).toMatchObject({ rows: 44640, first: Date.UTC(2023, 9, 1), last: Date.UTC(2023, 9, 31, 23, 59), gaps: [], errors: [] });
  });

  it('exits 1 and lists the exact missing range when a file has a gap', () => {
    const t0 = Date.UTC(2024, 0, 1);
    const file = join(dir, 'BTCUSDT-1m-gap.csv');
    writeFileSync(file, ['open_time,open,high,low,close,volume', ...[0, 1, 4, 5].map((i) => `${t0 + i * 60_000},1,2,1,2,3`)].join('\n'));
    const r = run('data', 'verify', '--json', file);
    expect(r.code, 'not clean').toBe(1);
    const out = JSON.parse(r.out) as { files: { gaps: unknown[] }[] };
    expect(out.files[0]?.gaps).toEqual([
      { of: 'bars', from: t0 + 120_000, to: t0 + 180_000, missing: 2, missingBars: 2, fromIso: '2024-01-01T00:02:00Z', toIso: '2024-01-01T00:03:00Z' },
    ]);
    const human = run('data', 'verify', file);
    expect(human.out).toMatch(/gap: 2024-01-01T00:02:00Z \.\. 2024-01-01T00:03:00Z missing \(2 bars\)/);
  });
});

describe('microfut data verify in parts', () => {
  it('prints the same JSON whatever --part-rows is, the spot outage hour and the aggTrades id gaps included', () => {
    const files = [sharedData('binance/spot/klines/BTCUSDT-1h-2022-05-25_2026-05-24.csv.gz'), sharedData('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz')];
    const byDefault = run('data', 'verify', '--json', ...files);
    const tiny = run('data', 'verify', '--json', '--part-rows', '999', ...files);
    expect(byDefault.code, 'gaps: not clean').toBe(1);
    expect(tiny.out, 'parts of 999 rows report exactly what parts of 262,144 do').toBe(byDefault.out);
    const out = JSON.parse(tiny.out) as { files: { rows: number; gaps: unknown[] }[] };
    expect(out.files.map((f) => f.rows), 'SOURCES.md row counts').toEqual([35039, 152763]);
    expect(out.files[0]?.gaps, 'the one missing spot hour').toHaveLength(1);
  });

  it('refuses --part-rows 0 with exit code 2, naming the flag', () => {
    const r = run('data', 'verify', '--part-rows', '0', sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--part-rows: is "0", expected a whole number of rows >= 1/);
  });
});

describe('microfut data import', () => {
  it('imports a month into the cache dir and refuses a file of another symbol, writing nothing for it', () => {
    const cache = join(dir, 'cache');
    const ok = run('data', 'import', '--cache-dir', cache, sharedData('binance/futures-um/klines/NEARUSDT-1m-2023-10.csv.gz'));
    expect(ok.code, ok.err).toBe(0);
    const series = join(cache, 'binance/um/NEARUSDT/klines-1m');
    const head = readFileSync(join(series, 'HEAD'), 'utf8').trim();
    expect(readdirSync(series).sort(), 'one committed generation and its HEAD, no staging or lock left').toEqual(['HEAD', head]);
    expect(readdirSync(join(series, head)), 'the generation holds the month').toEqual(['2023-10.mfc']);
    const bad = run('data', 'import', '--cache-dir', cache, '--symbol', 'BTCUSDT', sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/FILUSDT-1m-2023-10\.csv\.gz: the file holds FILUSDT, expected BTCUSDT/);
    expect(existsSync(join(cache, 'binance/um/BTCUSDT')), 'nothing cached for the refused file').toBe(false);
    expect(existsSync(join(cache, 'binance/um/FILUSDT'))).toBe(false);
  });
});
