// run.json names its data files by absolute path, so `microfut report <runDir>` finds the candles from any working
// directory. Needs the build (`npx tsc -p tsconfig.build.json`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');

function run(cwd: string, ...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('run folder paths', () => {
  it('records absolute data paths and lets report draw the candles from another working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'microfut-run-paths-'));
    const out = join(dir, 'run');
    // The backtest runs in the repo with a relative --data path; the report runs from the temporary folder.
    const bt = run(REPO_ROOT, 'backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', relative(REPO_ROOT, KLINES), '--from', '2025-05-10', '--to', '2025-05-11', '--out', out, '--no-journal', '--json');
    expect(bt.code, bt.err).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { data: { path: string }[]; verify: { file: string }[] };
    for (const d of meta.data) expect(isAbsolute(d.path), `${d.path} is absolute`).toBe(true);
    expect(meta.data[0]!.path).toBe(KLINES);
    const r = run(dir, 'report', 'run', '--json');
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out) as { notes: string[] };
    expect(rep.notes.filter((n) => n.startsWith('no candles')), 'the candles are found from here').toEqual([]);
  });
});
