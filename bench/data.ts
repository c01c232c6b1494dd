// Market-data speed on the real files in ../shared/data: parse rate of gzip klines and trades (microfut's byte
// parser against split(',') + Number() baselines), cache read time for a month and for a year of 10 symbols,
// bytes per bar and per trade, the binary cache against Parquet via DuckDB, the streaming import and `data verify`
// (rows/s and peak RSS of a fresh process per run). Medians of RUNS runs. Run: npm run bench:data (BENCH_RUNS=5);
// the verify rows alone: node dist/bench/data.js --verify-only (BENCH_VERIFY_TILES copies for the large file, 10).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip, gunzipSync } from 'node:zlib';
import { columnsOf, readBars, readTrades, writeSeries, type CacheKey, type FlatColumns } from '../src/data/cache.js';
import { columnBytes } from '../src/data/columns.js';
import { importFile } from '../src/data/import.js';
import { parseFile } from '../src/data/parse-file.js';
import { verifyParsed } from '../src/data/verify.js';
import { verifyFile } from '../src/data/verify-file.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** ../shared/data beside the repo root, found from bench/ or dist/bench/ (or MICROFUT_SHARED_DATA). */
function sharedDataDir(): string {
  if (process.env.MICROFUT_SHARED_DATA) return process.env.MICROFUT_SHARED_DATA;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 3; i++) {
    dir = resolve(dir, '..');
    if (existsSync(resolve(dir, 'package.json'))) return resolve(dir, '..', 'shared', 'data');
  }
  throw new Error('cannot find ../shared/data; set MICROFUT_SHARED_DATA');
}
const SHARED_DATA = sharedDataDir();
const data = (p: string): string => join(SHARED_DATA, p);

const KLINE_FILES = [
  'binance/futures-um/klines/FILUSDT-1m-2023-08.csv.gz',
  'binance/futures-um/klines/FILUSDT-1m-2023-09.csv.gz',
  'binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz',
  'binance/futures-um/klines/FILUSDT-1m-2023-11.csv.gz',
  'binance/futures-um/klines/NEARUSDT-1m-2023-08.csv.gz',
  'binance/futures-um/klines/NEARUSDT-1m-2023-09.csv.gz',
  'binance/futures-um/klines/NEARUSDT-1m-2023-10.csv.gz',
  'binance/futures-um/klines/NEARUSDT-1m-2025-06.csv.gz',
  'binance/spot/klines/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz',
  'binance/spot/klines/ETHUSDT-1m-2025-05-20_2025-08-18.csv.gz',
].map(data);
const TRADE_FILES = [
  'binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz',
  'binance/futures-um/trades/BTCUSDT-trades-2024-08-08T2354.csv.gz',
  'binance/futures-um/trades/ETHUSDT-trades-2024-08-08T2354.csv.gz',
  'binance/spot/trades/BTCUSDT-trades-2024-08-08T2354.csv.gz',
].map(data);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] as number;
}

async function timeRuns(fn: () => Promise<number> | number): Promise<{ ms: number; rows: number }> {
  await fn();
  const times: number[] = [];
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    rows = await fn();
    times.push(performance.now() - t);
  }
  return { ms: median(times), rows };
}

async function parseAll(files: string[]): Promise<number> {
  let rows = 0;
  for (const f of files) rows += (await parseFile(f)).rows;
  return rows;
}

/** Baseline 1: gunzipSync, one string, split('\n') and split(','), Number() per field into Float64Arrays. */
function splitNumberAll(files: string[], fields: number): number {
  let rows = 0;
  for (const f of files) {
    const lines = gunzipSync(readFileSync(f)).toString('latin1').split('\n');
    const cols = Array.from({ length: fields }, () => new Float64Array(lines.length));
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '' || line.charCodeAt(0) > 57) continue;
      const parts = line.split(',');
      for (let k = 0; k < fields; k++) (cols[k] as Float64Array)[rows] = Number(parts[k]);
      rows++;
    }
  }
  return rows;
}

/** Baseline 2: streaming gunzip + readline + split(',') + Number() (the usual Node.js recipe). */
async function readlineAll(files: string[], fields: number): Promise<number> {
  let rows = 0;
  for (const f of files) {
    const cols = Array.from({ length: fields }, () => [] as number[]);
    for await (const line of createInterface({ input: createReadStream(f).pipe(createGunzip()), crlfDelay: Infinity })) {
      if (line === '' || line.charCodeAt(0) > 57) continue;
      const parts = line.split(',');
      for (let k = 0; k < fields; k++) (cols[k] as number[]).push(Number(parts[k]));
      rows++;
    }
  }
  return rows;
}

function row(name: string, r: { ms: number; rows: number }): string {
  return `| ${name} | ${r.rows} | ${r.ms.toFixed(1)} | ${((r.rows / r.ms) * 1000 / 1e6).toFixed(2)} |`;
}

async function parseBench(): Promise<void> {
  console.log(`### Parse (gzip, real files, median of ${RUNS})\n`);
  console.log('| parser | rows | ms | M rows/s |\n| --- | ---: | ---: | ---: |');
  console.log(row('klines: microfut byte parser (streaming)', await timeRuns(() => parseAll(KLINE_FILES))));
  console.log(row('klines: gunzipSync + split + Number', await timeRuns(() => splitNumberAll(KLINE_FILES, 6))));
  console.log(row('klines: readline + split + Number', await timeRuns(() => readlineAll(KLINE_FILES, 6))));
  console.log(row('trades: microfut byte parser (streaming)', await timeRuns(() => parseAll(TRADE_FILES))));
  console.log(row('trades: gunzipSync + split + Number', await timeRuns(() => splitNumberAll(TRADE_FILES, 4))));
  console.log(row('trades: readline + split + Number', await timeRuns(() => readlineAll(TRADE_FILES, 4))));
}

/** Shifts a month of real bars into month `m` of 2024 (times only, cut at the month's end), to tile a year. */
function shifted(bars: FlatColumns, m: number): FlatColumns {
  const cols = columnsOf(bars);
  const delta = Date.UTC(2024, m, 1) - ((cols.openTimeMs as Float64Array)[0] as number);
  const t = (cols.openTimeMs as Float64Array).map((x) => x + delta);
  let n = 0;
  while (n < t.length && (t[n] as number) < Date.UTC(2024, m + 1, 1)) n++;
  const out: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(cols)) out[k] = (k === 'openTimeMs' ? t : (v as Float64Array)).subarray(0, n);
  return { ...out, length: n };
}

async function cacheBench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'microfut-bench-'));
  try {
    const month = await parseFile(data('binance/futures-um/klines/FILUSDT-1m-2023-10.csv.gz'));
    if (month.series !== 'bars') throw new Error('expected bars');
    const key: CacheKey = { venue: 'binance', market: 'um', symbol: 'FILUSDT', kind: 'klines', interval: '1m' };
    writeSeries(root, key, 'bars', month.bars as unknown as FlatColumns, {});
    const one = await timeRuns(() => readBars(root, key).length);
    const bars = readBars(root, key);
    console.log(`\n### Cache (binary columnar, page cache warm, median of ${RUNS})\n`);
    console.log('| read | rows | ms | bytes/row in memory |\n| --- | ---: | ---: | ---: |');
    console.log(`| a month of 1m bars (FILUSDT 2023-10) | ${one.rows} | ${one.ms.toFixed(2)} | ${(columnBytes(bars) / bars.length).toFixed(1)} |`);

    // A year for 10 symbols: each symbol's 12 months tiled from a real 31-day month (times shifted, values real).
    const sources = KLINE_FILES.slice(0, 8).concat(KLINE_FILES.slice(0, 2));
    const keys: CacheKey[] = [];
    for (let s = 0; s < 10; s++) {
      const p = await parseFile(sources[s] as string);
      if (p.series !== 'bars') throw new Error('expected bars');
      const k: CacheKey = { ...key, symbol: `SYM${s}USDT` };
      keys.push(k);
      for (let m = 0; m < 12; m++) writeSeries(root, k, 'bars', shifted(p.bars as unknown as FlatColumns, m), {});
    }
    const year = await timeRuns(() => keys.reduce((n, k) => n + readBars(root, k).length, 0));
    console.log(`| a year of 1m bars for 10 symbols (tiled real months) | ${year.rows} | ${year.ms.toFixed(1)} | 48.0 |`);

    const trades = await parseFile(data('binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz'));
    if (trades.series !== 'trades') throw new Error('expected trades');
    const tkey: CacheKey = { venue: 'binance', market: 'spot', symbol: 'LTCUSDT', kind: 'aggTrades' };
    writeSeries(root, tkey, 'trades', trades.trades as unknown as FlatColumns, {});
    const tr = await timeRuns(() => readTrades(root, tkey).length);
    const t = readTrades(root, tkey);
    console.log(`| LTCUSDT aggTrades (2 days) | ${tr.rows} | ${tr.ms.toFixed(2)} | ${(columnBytes(t) / t.length).toFixed(1)} |`);
    await duckdbBench(root, month.bars as unknown as FlatColumns, one.ms);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The part of @duckdb/node-api this comparison uses (the package is optional, so its types may be absent). */
interface DuckDbModule {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{
        run(sql: string): Promise<unknown>;
        runAndReadAll(sql: string): Promise<{ getColumnsJS(): unknown[][] }>;
        closeSync?(): void;
      }>;
    }>;
  };
}

/** The same month as Parquet (DuckDB COPY), read back into Float64Arrays: the alternative to the binary format. */
async function duckdbBench(root: string, bars: FlatColumns, binaryMs: number): Promise<void> {
  // DuckDB is not a dependency (the binary cache won: docs/data.md); install it to include this comparison:
  // npm install --no-save @duckdb/node-api
  let duck: DuckDbModule;
  try {
    const name = '@duckdb/node-api';
    duck = (await import(name)) as DuckDbModule;
  } catch {
    console.log('\n(DuckDB not installed: Parquet comparison skipped; npm install --no-save @duckdb/node-api to include it)');
    return;
  }
  const instance = await duck.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const csv = join(root, 'month.csv');
  const parquet = join(root, 'month.parquet');
  const cols = columnsOf(bars);
  const names = ['openTimeMs', 'open', 'high', 'low', 'close', 'volume'];
  const lines = [names.join(',')];
  for (let i = 0; i < bars.length; i++) lines.push(names.map((n) => String((cols[n] as Float64Array)[i])).join(','));
  (await import('node:fs')).writeFileSync(csv, lines.join('\n'));
  await conn.run(`COPY (SELECT * FROM read_csv('${csv}', header=true, columns={${names.map((n) => `'${n}': 'DOUBLE'`).join(',')}})) TO '${parquet}' (FORMAT parquet)`);
  const read = await timeRuns(async () => {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${parquet}')`);
    const out = reader.getColumnsJS().map((c) => Float64Array.from(c as number[]));
    return (out[0] as Float64Array).length;
  });
  console.log(`| the same month as Parquet via DuckDB, into Float64Arrays | ${read.rows} | ${read.ms.toFixed(2)} | 48.0 |`);
  console.log(`\nBinary columnar is ${(read.ms / binaryMs).toFixed(1)}x faster to load than Parquet via DuckDB for this month.`);
  conn.closeSync?.();
}

/** Files for the import benchmark: real klines (1m, several months) and real trades/aggTrades. */
const IMPORT_FILES = [
  { label: 'klines 1m, BTCUSDT spot 3 months', file: 'binance/spot/klines/BTCUSDT-1m-2025-05-20_2025-08-18.csv.gz', market: 'spot' },
  { label: 'klines 1m, BTCUSDT USD-M 7 weeks', file: 'binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz', market: 'um' },
  { label: 'aggTrades, LTCUSDT spot 2 days', file: 'binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz', market: 'spot' },
  { label: 'trades, ETHUSDT USD-M 6 minutes', file: 'binance/futures-um/trades/ETHUSDT-trades-2024-08-08T2354.csv.gz', market: 'um' },
];

/** One import in this process (run as a child, so its peak RSS is the import's own): prints rows, ms and max RSS. */
async function importChild(file: string, cacheDir: string, market: string): Promise<void> {
  const t = performance.now();
  const r = await importFile(file, { cacheDir, venue: 'binance', market });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ rows: r.rows, ms, maxRssKb: process.resourceUsage().maxRSS, parts: r.parts?.count ?? 0 }));
}

/** Streaming import: RUNS fresh processes per file (empty cache each), medians of rows/s and of peak RSS. */
function importBench(): void {
  console.log(`\n### Streaming import into the cache (parse + verify + spill + assemble + commit; fresh process and empty cache per run, median of ${RUNS})\n`);
  console.log('| file | rows | parts | ms | M rows/s | peak RSS MB |\n| --- | ---: | ---: | ---: | ---: | ---: |');
  const self = fileURLToPath(import.meta.url);
  for (const f of IMPORT_FILES) {
    const runs: { rows: number; ms: number; maxRssKb: number; parts: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const cache = mkdtempSync(join(tmpdir(), 'microfut-bench-import-'));
      try {
        const out = spawnSync(process.execPath, [self, '--import-child', data(f.file), cache, f.market], { encoding: 'utf8' });
        if (out.status !== 0) throw new Error(`import child failed: ${out.stderr}`);
        runs.push(JSON.parse(out.stdout) as { rows: number; ms: number; maxRssKb: number; parts: number });
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }
    const ms = median(runs.map((x) => x.ms));
    const rows = (runs[0] as { rows: number }).rows;
    const rss = median(runs.map((x) => x.maxRssKb)) / 1024;
    console.log(`| ${f.label} | ${rows} | ${(runs[0] as { parts: number }).parts} | ${ms.toFixed(0)} | ${((rows / ms) * 1000 / 1e6).toFixed(2)} | ${rss.toFixed(0)} |`);
  }
  // The same process with the modules loaded and no import: the floor the figures above sit on.
  const idle = spawnSync(process.execPath, [self, '--idle-child'], { encoding: 'utf8' });
  console.log(`| (no import: node + the data modules loaded) | 0 | 0 | 0 | - | ${((JSON.parse(idle.stdout) as { maxRssKb: number }).maxRssKb / 1024).toFixed(0)} |`);
}

const VERIFY_TRADES = 'binance/spot/aggTrades/LTCUSDT-aggTrades-2025-06-21_2025-06-22.csv.gz';
/** Copies of the real trades laid end to end for the large-file rows (ids and times shifted so they continue). */
const TILES = Number(process.env.BENCH_VERIFY_TILES ?? 10);

/** One verify in this process (a child, so the peak RSS is its own): whole parse + verifyParsed, or verifyFile in parts. */
async function verifyChild(mode: string, file: string, partRows: number): Promise<void> {
  const t = performance.now();
  const report = mode === 'whole' ? verifyParsed(await parseFile(file)) : (await verifyFile(file, { partRows })).report;
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ rows: report.rows, ms, maxRssKb: process.resourceUsage().maxRSS, gaps: report.gaps.length }));
}

/** Writes the real LTCUSDT aggTrades TILES times, each copy's ids and times shifted past the previous copy's. */
async function writeTiledTrades(path: string): Promise<void> {
  const lines = gunzipSync(readFileSync(data(VERIFY_TRADES))).toString('utf8').trim().split('\n');
  const header = lines.shift() as string;
  const rows = lines.map((l) => l.split(','));
  const first = rows[0] as string[];
  const last = rows[rows.length - 1] as string[];
  const idSpan = Number(last[4]) - Number(first[4]) + 1;
  const timeSpan = Number(last[0]) - Number(first[0]) + 1;
  const gz = createGzip({ level: 1 });
  const done = new Promise<void>((ok, fail) => {
    gz.pipe(createWriteStream(path)).on('finish', ok).on('error', fail);
  });
  gz.write(`${header}\n`);
  for (let k = 0; k < TILES; k++) {
    const out = rows.map((r) => `${Number(r[0]) + k * timeSpan},${r[1]},${r[2]},${r[3]},${Number(r[4]) + k * idSpan}\n`);
    if (!gz.write(out.join(''))) await new Promise((ok) => gz.once('drain', ok));
  }
  gz.end();
  await done;
}

/**
 * `data verify` on a real trades file: the checks alone over columns in memory (rows/s, in process), then parse +
 * checks end to end in fresh processes (rows/s and peak RSS), whole against in parts, on the real file and on
 * TILES copies of it end to end (where only the parts keep memory flat).
 */
async function verifyBench(): Promise<void> {
  const parsed = await parseFile(data(VERIFY_TRADES));
  const checks = await timeRuns(() => verifyParsed(parsed).rows);
  console.log(`\n### data verify (LTCUSDT aggTrades, real; median of ${RUNS})\n`);
  console.log(`checks alone, columns in memory: ${checks.rows} rows in ${checks.ms.toFixed(1)} ms = ${((checks.rows / checks.ms) * 1000 / 1e6).toFixed(1)} M rows/s\n`);
  console.log('| file | mode | rows | ms | M rows/s | peak RSS MB |\n| --- | --- | ---: | ---: | ---: | ---: |');
  const root = mkdtempSync(join(tmpdir(), 'microfut-bench-verify-'));
  const tiled = join(root, 'tiled', 'LTCUSDT-aggTrades-tiled.csv.gz');
  mkdirSync(dirname(tiled));
  try {
    await writeTiledTrades(tiled);
    const self = fileURLToPath(import.meta.url);
    const cases = [
      { label: 'real, 2 days', file: data(VERIFY_TRADES) },
      { label: `${TILES} copies end to end`, file: tiled },
    ];
    const modes = [
      { mode: 'whole', partRows: 0, label: 'whole (parseFile + verifyParsed)' },
      { mode: 'parts', partRows: 262_144, label: 'parts of 262,144 (default)' },
      { mode: 'parts', partRows: 16_384, label: 'parts of 16,384' },
    ];
    for (const c of cases) {
      for (const m of modes) {
        const runs: { rows: number; ms: number; maxRssKb: number }[] = [];
        for (let r = 0; r < RUNS; r++) {
          const out = spawnSync(process.execPath, [self, '--verify-child', m.mode, c.file, String(m.partRows)], { encoding: 'utf8' });
          if (out.status !== 0) throw new Error(`verify child failed: ${out.stderr}`);
          runs.push(JSON.parse(out.stdout) as { rows: number; ms: number; maxRssKb: number });
        }
        const ms = median(runs.map((x) => x.ms));
        const rows = (runs[0] as { rows: number }).rows;
        const rss = median(runs.map((x) => x.maxRssKb)) / 1024;
        console.log(`| ${c.label} | ${m.label} | ${rows} | ${ms.toFixed(0)} | ${((rows / ms) * 1000 / 1e6).toFixed(2)} | ${rss.toFixed(0)} |`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--idle-child') {
  process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
} else if (process.argv[2] === '--import-child') {
  await importChild(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
} else if (process.argv[2] === '--verify-child') {
  await verifyChild(process.argv[3] as string, process.argv[4] as string, Number(process.argv[5]));
} else if (process.argv[2] === '--verify-only') {
  await verifyBench();
} else {
  await parseBench();
  await cacheBench();
  importBench();
  await verifyBench();
}
