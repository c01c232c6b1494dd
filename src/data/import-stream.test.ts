import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../../test/support/shared-data.js';
import { InputError } from '../core/errors.js';
import { readBars } from './cache.js';
import type { BarColumns } from './columns.js';
import { importFile } from './import.js';
import { parseFile } from './parse-file.js';

// The peak-memory comparison runs the compiled data layer in child processes (a fresh heap each), as a CLI
// import would. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
const DIST = resolve(REPO_ROOT, 'dist/src/data');
const SOURCE = sharedData('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz');
const REPEATS = 24;
// October 2023 has 31 days of 1m bars (44,640); shifting each copy by 31 days makes one gap-free series.
const SHIFT_MS = 31 * 86_400_000;
const BAD_REPEAT = 12;
const BAD_ROW = 100;

const root = mkdtempSync(join(tmpdir(), 'microfut-import-stream-'));
const good = join(root, 'good', 'FILUSDT-1m-2023-10.csv.gz');
const bad = join(root, 'bad', 'FILUSDT-1m-2023-10.csv.gz');
let month: BarColumns;

/** Writes the real month REPEATS times with shifted open and close times; `badRow` replaces one open price with "abc". */
async function writeSynthetic(path: string, badRow?: number): Promise<void> {
  const lines = gunzipSync(readFileSync(SOURCE)).toString('utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => {
    const f = l.split(',');
    return { open: Number(f[0]), mid: f.slice(1, 6).join(','), close: Number(f[6]), tail: f.slice(7).join(',') };
  });
  mkdirSync(resolve(path, '..'), { recursive: true });
  const gz = createGzip({ level: 1 });
  const done = new Promise<void>((ok, fail) => {
    gz.pipe(createWriteStream(path)).on('finish', ok).on('error', fail);
  });
  gz.write('open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n');
  for (let k = 0; k < REPEATS; k++) {
    const s = k * SHIFT_MS;
    const out: string[] = [];
    rows.forEach((r, j) => {
      const mid = badRow === k * rows.length + j ? `abc${r.mid.slice(r.mid.indexOf(','))}` : r.mid;
      out.push(`${r.open + s},${mid},${r.close + s},${r.tail}\n`);
    });
    if (!gz.write(out.join(''))) await new Promise((ok) => gz.once('drain', ok));
  }
  gz.end();
  await done;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** Runs `mode` (stream: importFile; whole: parseFile into whole columns) in a fresh node and returns its peak RSS in KB. */
function peakRssKb(mode: 'stream' | 'whole', cacheDir: string): { maxRssKb: number; rows: number } {
  const child = join(root, 'child.mjs');
  writeFileSync(
    child,
    `
import { importFile } from ${JSON.stringify(pathToFileURL(join(DIST, 'import.js')).href)};
import { parseFile } from ${JSON.stringify(pathToFileURL(join(DIST, 'parse-file.js')).href)};
const [mode, file, cacheDir] = process.argv.slice(2);
const rows = mode === 'stream'
  ? (await importFile(file, { cacheDir, venue: 'binance', market: 'um' })).rows
  : (await parseFile(file)).rows;
process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, rows }));
`,
  );
  const r = spawnSync(process.execPath, [child, mode, good, cacheDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { maxRssKb: number; rows: number };
}

beforeAll(async () => {
  if (!existsSync(join(DIST, 'import.js'))) throw new Error('dist/src/data is missing: run `npx tsc -p tsconfig.build.json` first');
  const parsed = await parseFile(SOURCE);
  if (parsed.series !== 'bars') throw new Error('the source month should parse as bars');
  month = parsed.bars;
  await writeSynthetic(good);
  await writeSynthetic(bad, BAD_REPEAT * month.length + BAD_ROW);
}, 120_000);

afterAll(() => {
  // The synthetic files are ~40 MB each and the cache as big again: leave nothing in the temp folder.
  rmSync(root, { recursive: true, force: true });
});

describe('streaming import of a file bigger than one month in memory', () => {
  it('imports 24 months with a peak RSS well under whole-file parsing, and reads back exactly the input', () => {
    const cache = join(root, 'cache-stream');
    const whole = peakRssKb('whole', join(root, 'unused'));
    const streamed = peakRssKb('stream', cache);
    expect(streamed.rows, 'every row of every copy is imported').toBe(REPEATS * month.length);
    expect(whole.rows, 'whole-file parsing reads the same rows').toBe(streamed.rows);
    expect(
      streamed.maxRssKb,
      `streaming holds about one month of bars, whole-file parsing all 24 months plus builder slack (stream ${streamed.maxRssKb} KB, whole ${whole.maxRssKb} KB)`,
    ).toBeLessThan(0.6 * whole.maxRssKb);

    const key = { venue: 'binance', market: 'um', symbol: 'FILUSDT', kind: 'klines', interval: '1m' } as const;
    const back = readBars(cache, key, { fields: 'all' });
    expect(back.length, 'the cache holds every imported bar').toBe(REPEATS * month.length);
    const fields = ['open', 'high', 'low', 'close', 'volume', 'quoteVolume', 'trades', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;
    let mismatches = 0;
    let firstMismatch = '';
    for (let i = 0; i < back.length; i++) {
      const j = i % month.length;
      const k = Math.floor(i / month.length);
      const same =
        back.openTimeMs[i] === (month.openTimeMs[j] as number) + k * SHIFT_MS &&
        fields.every((f) => Object.is((back[f] as Float64Array)[i], (month[f] as Float64Array)[j]));
      if (!same && mismatches++ === 0) firstMismatch = `row ${i}`;
    }
    expect(mismatches, `every cached value equals the CSV's (first mismatch: ${firstMismatch})`).toBe(0);
    expect(filesUnder(cache).filter((f) => f.includes('.tmp-')), 'no temp file is left after a commit').toEqual([]);
  }, 300_000);

  it('leaves no cache entry and no temp file when month 13 has a bad row', async () => {
    const cache = join(root, 'cache-bad');
    const line = BAD_REPEAT * month.length + BAD_ROW + 2;
    let error: unknown;
    try {
      await importFile(bad, { cacheDir: cache, venue: 'binance', market: 'um' });
    } catch (e) {
      error = e;
    }
    expect(error, 'a non-numeric price is refused').toBeInstanceOf(InputError);
    expect((error as InputError).message, 'the error names the file and line (header is line 1)').toContain(`:${line}`);
    expect(filesUnder(cache), 'twelve staged months are removed, nothing is committed').toEqual([]);
    expect(existsSync(join(cache, 'binance')), 'the series folders this import created are removed').toBe(false);
  }, 120_000);
});
