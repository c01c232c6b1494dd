import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../test/support/shared-data.js';
import { readBars } from './cache.js';
import { type ColumnArray, openPartition, readColumns, typeOf } from './cache-format.js';
import { committedDir } from './cache-generation.js';
import { importFile } from './import.js';

// An import killed with SIGKILL at any point must leave the cache exactly as before it or exactly as after it. The
// import runs in a child process (the compiled data layer; `npm test` builds first, alone: `npx tsc -p
// tsconfig.build.json`) whose fs calls that write, rename, link, sync or remove are counted; at the seeded call
// number N the child kills itself before call N runs, which is a crash between any two steps of the import.
const DIST = resolve(REPO_ROOT, 'dist/src/data');
const SEED = 20260607;
const SEEDED_KILLS = 5;
/** The commit (links, HEAD temp file, rename, cleanup) is the last dozen calls: a kill before each one of them. */
const TAIL_KILLS = 12;
const KEY = { venue: 'binance', market: 'um', symbol: 'FILUSDT', kind: 'klines', interval: '1m' } as const;

const root = mkdtempSync(join(tmpdir(), 'microfut-import-crash-'));
const child = join(root, 'child.mjs');
const before = join(root, 'before');
const input = join(root, 'in', 'FILUSDT-1m-2023-09-25_2023-10-31.csv.gz');

/**
 * A digest of every committed partition under `cache`, by series folder and month: row count, meta and each column's
 * type and bytes, in name order (a merge may store columns in another order than a first write). What readers see.
 */
function committedState(cache: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('gen-')) continue;
      const d = join(dir, e.name);
      const gen = committedDir(d);
      const months = gen === undefined ? [] : readdirSync(gen).filter((f) => /^\d{4}-\d{2}\.mfc$/.test(f));
      for (const m of months) out[`${d.slice(cache.length)}/${m}`] = partitionDigest(join(gen as string, m));
      walk(d);
    }
  };
  if (existsSync(cache)) walk(cache);
  return out;
}

function partitionDigest(path: string): string {
  const { fd, header } = openPartition(path);
  try {
    const h = createHash('sha256').update(`${header.series} ${header.length} ${JSON.stringify(header.meta, Object.keys(header.meta).sort())}`);
    const names = header.columns.map((c) => c.name).sort();
    const cols = readColumns(path, fd, header, names);
    for (const n of names) {
      const a = cols[n] as ColumnArray;
      h.update(`${n}:${typeOf(a)}:`).update(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    return h.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** Runs the import in a child; `killAt` 0 never kills. Returns the counted calls, or undefined when killed. */
function runChild(cache: string, killAt: number): { calls?: number; signal: string | null } {
  const r = spawnSync(process.execPath, [child, input, cache, String(killAt)], { encoding: 'utf8' });
  if (r.signal === null && r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return r.signal === null ? { calls: (JSON.parse(r.stdout) as { calls: number }).calls, signal: null } : { signal: r.signal };
}

/** Kill points: call 1, seeded ones through the parse and staging (a small LCG), and every call of the commit. */
function killPoints(total: number): number[] {
  let x = SEED;
  const points = new Set<number>([1]);
  for (let k = Math.max(1, total - TAIL_KILLS + 1); k <= total; k++) points.add(k);
  const staging = Math.max(1, total - TAIL_KILLS);
  while (points.size < Math.min(SEEDED_KILLS + TAIL_KILLS + 1, total)) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    points.add(1 + (x % staging));
  }
  return [...points].sort((a, b) => a - b);
}

let afterState: Record<string, string>;
let beforeState: Record<string, string>;
let totalCalls = 0;

beforeAll(async () => {
  if (!existsSync(join(DIST, 'import.js'))) throw new Error('dist/src/data is missing: run `npx tsc -p tsconfig.build.json` first');
  writeFileSync(
    child,
    `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const [file, cacheDir, killAtText] = process.argv.slice(2);
const killAt = Number(killAtText);
let calls = 0;
for (const name of ['openSync', 'writeSync', 'fsyncSync', 'ftruncateSync', 'renameSync', 'linkSync', 'copyFileSync', 'mkdirSync', 'rmSync', 'rmdirSync']) {
  const original = fs[name];
  fs[name] = function (...args) {
    if (++calls === killAt) {
      process.kill(process.pid, 'SIGKILL');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
const { importFile } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'import.js')).href)});
await importFile(file, { cacheDir, venue: 'binance', market: 'um', partRows: 8192 });
process.stdout.write(JSON.stringify({ calls }));
`,
  );
  // The cache before: the real August and September 2023 months. The import: the last 6 days of September (merged with the cached
  // month, identical rows) and all of October (a new month), real rows of the two shared files.
  await importFile(sharedData('binance/futures-um/klines/FILUSDT-1m-2023-08.csv.gz'), { cacheDir: before, venue: 'binance', market: 'um' });
  await importFile(sharedData('binance/futures-um/klines/FILUSDT-1m-2023-09.csv.gz'), { cacheDir: before, venue: 'binance', market: 'um' });
  const rows = (f: string): string[] => gunzipSync(readFileSync(sharedData(f))).toString('utf8').trim().split('\n').filter((l) => /^\d/.test(l));
  const sept = rows('binance/futures-um/klines/FILUSDT-1m-2023-09.csv.gz').filter((l) => Number(l.split(',')[0]) >= Date.UTC(2023, 8, 25));
  const oct = rows('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz');
  mkdirSync(join(root, 'in'), { recursive: true });
  writeFileSync(input, gzipSync(`${[...sept, ...oct].join('\n')}\n`, { level: 1 }));
  beforeState = committedState(before);
  const reference = join(root, 'reference');
  cpSync(before, reference, { recursive: true });
  totalCalls = runChild(reference, 0).calls ?? 0;
  afterState = committedState(reference);
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an import killed with SIGKILL', () => {
  it('changes the committed state only as a whole: the reference import adds October and keeps August and September', () => {
    expect(Object.keys(beforeState).sort(), 'before: August and September').toEqual(['/binance/um/FILUSDT/klines-1m/2023-08.mfc', '/binance/um/FILUSDT/klines-1m/2023-09.mfc']);
    expect(afterState['/binance/um/FILUSDT/klines-1m/2023-08.mfc'], 'August, untouched by the import, is carried into the new generation as it was').toBe(
      beforeState['/binance/um/FILUSDT/klines-1m/2023-08.mfc'],
    );
    expect(Object.keys(afterState).sort(), 'after: August, September and October').toEqual([
      '/binance/um/FILUSDT/klines-1m/2023-08.mfc',
      '/binance/um/FILUSDT/klines-1m/2023-09.mfc',
      '/binance/um/FILUSDT/klines-1m/2023-10.mfc',
    ]);
    expect(totalCalls, 'the import makes enough fs calls for kill points all through it').toBeGreaterThan(20);
  });

  it(`leaves the cache before-or-after when killed at any call of the commit and at seeded calls before it (seed ${SEED}), and the next import cleans up`, async () => {
    const outcomes: string[] = [];
    let orphansSeen = 0;
    for (const killAt of killPoints(totalCalls)) {
      const cache = join(root, `kill-${killAt}`);
      cpSync(before, cache, { recursive: true });
      const r = runChild(cache, killAt);
      expect(r.signal, `kill point ${killAt} of ${totalCalls}: the child was killed`).toBe('SIGKILL');
      const state = committedState(cache);
      const which = JSON.stringify(state) === JSON.stringify(beforeState) ? 'before' : JSON.stringify(state) === JSON.stringify(afterState) ? 'after' : 'MIXED';
      outcomes.push(`${killAt}:${which}`);
      expect(which, `kill point ${killAt} of ${totalCalls} (seed ${SEED}) leaves the old or the new cache, never a mix`).not.toBe('MIXED');
      const series = join(cache, 'binance/um/FILUSDT/klines-1m');
      const head = readFileSync(join(series, 'HEAD'), 'utf8').trim();
      const orphans = readdirSync(series).filter((f) => f.startsWith('gen-') && f !== head);
      if (orphans.length > 0) orphansSeen++;
      const bars = readBars(cache, KEY);
      expect(bars.length, `kill point ${killAt}: a reader sees whole months only, ignoring staging folders`).toBe(44_640 + 43_200 + (which === 'before' ? 0 : 44_640));

      await importFile(input, { cacheDir: cache, venue: 'binance', market: 'um' });
      expect(committedState(cache), `kill point ${killAt}: importing again gives the after state`).toEqual(afterState);
      const newHead = readFileSync(join(series, 'HEAD'), 'utf8').trim();
      expect(readdirSync(series).sort(), `kill point ${killAt}: staging folders, spills and the dead import's lock are removed`).toEqual(['HEAD', newHead].sort());
      expect(statSync(join(series, newHead)).isDirectory()).toBe(true);
    }
    expect(outcomes.some((o) => o.endsWith(':before')) && outcomes.some((o) => o.endsWith(':after')), `kill points hit both sides of the commit: ${outcomes.join(' ')}`).toBe(true);
    expect(orphansSeen, 'some kills left a staging folder behind, which readers ignored').toBeGreaterThan(0);
  }, 180_000);
});
