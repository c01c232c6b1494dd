import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDataServer, type DataServer } from '../../test/support/data-server.js';
import { sharedData } from '../../test/support/shared-data.js';
import { planVisionFiles, type VisionFile, type VisionRequest } from './binance-vision.js';
import { downloadVisionFiles, localPathOf, type DownloadEvent, type DownloadOptions } from './download.js';
import { readChunks } from './input.js';
import { parseFile } from './parse-file.js';
import { verifyParsed } from './verify.js';
import { readBars } from './cache.js';
import { importFile } from './import.js';
import { resampleBars } from './resample.js';

let server: DataServer;
let dir: string;

beforeAll(async () => {
  server = await startDataServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'microfut-download-'));
  server.faults.length = 0;
  return () => rm(dir, { recursive: true, force: true });
});

const btc = (over: Partial<VisionRequest> = {}): VisionFile[] =>
  planVisionFiles({ market: 'um', kind: 'klines', symbol: 'BTCUSDT', interval: '1m', fromDate: '2025-05-05', toDate: '2025-05-07', ...over });

const run = (files: readonly VisionFile[], over: Partial<DownloadOptions> = {}) =>
  downloadVisionFiles({ baseUrl: server.url, dir, files, backoffMs: 1, retries: 2, ...over });

/** Every file under dir, relative, sorted: to prove nothing half-written is left under a final name. */
const listFiles = (root: string): string[] => {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out.push(`${rel}${e.name}`);
    }
  };
  if (existsSync(root)) walk(root, '');
  return out.sort();
};

const unzipText = async (path: string): Promise<string> => {
  const parts: Buffer[] = [];
  for await (const c of readChunks(path)) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
};

/** The rows of the shared BTCUSDT 1m file whose open time is in [startMs, endMs), as stored. */
const sharedRows = (startMs: number, endMs: number): string[] => {
  const text = gunzipSync(readFileSync(sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz'))).toString('utf8');
  return text
    .split('\n')
    .slice(1)
    .filter((l) => {
      const t = Number(l.slice(0, l.indexOf(',')));
      return l.length > 0 && t >= startMs && t < endMs;
    });
};

describe('downloadVisionFiles against the local archive server', () => {
  it('downloads three days of BTCUSDT 1m whose rows are exactly the shared file rows of those UTC days', async () => {
    const files = btc();
    const report = await run(files);
    expect(report.failures).toEqual([]);
    expect(report.results.map((r) => r.outcome)).toEqual(['downloaded', 'downloaded', 'downloaded']);
    expect(report.requests, 'one .CHECKSUM and one zip request per file').toBe(6);
    for (const r of report.results) {
      expect(readFileSync(r.localPath).equals(server.zipFor(r.file.path) ?? Buffer.alloc(0)), 'the stored zip is byte-identical to the served one').toBe(true);
      const lines = (await unzipText(r.localPath)).split('\n').filter((l) => l.length > 0);
      expect(lines[0]).toBe('open_time,open,high,low,close,volume');
      expect(lines.slice(1), `rows of ${r.file.date}`).toEqual(sharedRows(r.file.startMs, r.file.endMs));
      expect(lines.length - 1, 'a full UTC day of 1m candles').toBe(1440);
    }
    expect(listFiles(dir).filter((p) => p.endsWith('.part')), 'no part files remain').toEqual([]);
  });

  it('round-trips download -> verify -> parse to exactly the values of the shared CSV for three days of BTCUSDT 1m', async () => {
    const report = await run(btc());
    for (const r of report.results) {
      const parsed = await parseFile(r.localPath);
      const verified = verifyParsed(parsed, { symbol: 'BTCUSDT' });
      expect(verified.errors, `${r.file.fileName} verifies clean`).toEqual([]);
      expect(verified.clean).toBe(true);
      expect([verified.rows, verified.firstMs, verified.lastMs], 'a whole UTC day').toEqual([1440, r.file.startMs, r.file.endMs - 60_000]);
      expect(parsed.series).toBe('bars');
      if (parsed.series !== 'bars') continue;
      const rows = sharedRows(r.file.startMs, r.file.endMs).map((l) => l.split(',').map(Number));
      const { bars } = parsed;
      expect(bars.length).toBe(rows.length);
      const columns = [bars.openTimeMs, bars.open, bars.high, bars.low, bars.close, bars.volume];
      const got = Array.from({ length: bars.length }, (_, i) => columns.map((c) => c[i]));
      expect(got, `${r.file.fileName}: every field equals the double of the shared CSV's decimal text`).toEqual(rows);
    }
  });

  it('skips files already present and verified without any request on a second run', async () => {
    await run(btc());
    const before = server.requests.length;
    const again = await run(btc());
    expect(again.results.map((r) => r.outcome)).toEqual(['already-present', 'already-present', 'already-present']);
    expect(again.requests).toBe(0);
    expect(server.requests.length - before, 'the server saw no request on resume').toBe(0);
  });

  it('downloads again only the file whose local copy no longer matches its checksum', async () => {
    const first = await run(btc());
    const damaged = first.results[1]?.localPath ?? '';
    writeFileSync(damaged, 'not a zip');
    const before = server.requests.length;
    const again = await run(btc());
    expect(again.results.map((r) => r.outcome)).toEqual(['already-present', 'downloaded', 'already-present']);
    expect(server.requests.slice(before).map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(['BTCUSDT-1m-2025-05-06.zip.CHECKSUM', 'BTCUSDT-1m-2025-05-06.zip']);
  });

  it('retries a 500 and a dropped connection, then succeeds', async () => {
    server.faults.push({ kind: 'status-500', match: 'BTCUSDT-1m-2025-05-05.zip', times: 1 });
    server.faults.push({ kind: 'drop', match: 'BTCUSDT-1m-2025-05-06.zip', times: 1 });
    const events: DownloadEvent[] = [];
    const report = await run(btc(), { onEvent: (e) => events.push(e), concurrency: 1 });
    expect(report.failures).toEqual([]);
    expect(report.results).toHaveLength(3);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => (e.type === 'retry' ? e.reason : '')), 'one retry per injected fault').toEqual(['HTTP 500', expect.stringMatching(/fetch failed|socket|ECONNRESET|other side closed/)]);
    expect(report.requests, '6 requests plus one per fault').toBe(8);
  });

  it('gives up on a body that keeps breaking off and leaves no file under the final name', async () => {
    server.faults.push({ kind: 'truncate', match: 'BTCUSDT-1m-2025-05-06.zip' });
    const report = await run(btc());
    expect(report.results.map((r) => r.file.date)).toEqual(['2025-05-05', '2025-05-07']);
    const failure = report.failures[0];
    expect(failure?.error.code).toBe('NETWORK');
    expect(failure?.error.input).toBe(`${server.url}/data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-05-06.zip`);
    expect(failure?.error.problem).toMatch(/broke off after \d+ bytes.*after 3 attempts/);
    expect(listFiles(dir).filter((p) => p.includes('2025-05-06')), 'neither the zip nor its part file nor a checksum').toEqual([]);
  });

  it('refuses a file whose sha256 does not match its .CHECKSUM and keeps nothing of it', async () => {
    server.faults.push({ kind: 'wrong-checksum', match: 'BTCUSDT-1m-2025-05-07.zip.CHECKSUM' });
    const report = await run(btc());
    const failure = report.failures[0];
    expect(failure?.error.code).toBe('CHECKSUM_MISMATCH');
    expect(failure?.error.message).toMatch(/BTCUSDT-1m-2025-05-07\.zip: the sha256 of the \d+ bytes received is [0-9a-f]{64}, but BTCUSDT-1m-2025-05-07\.zip\.CHECKSUM says [0-9a-f]{64}/);
    expect(existsSync(localPathOf(dir, btc()[2] as VisionFile))).toBe(false);
    expect(listFiles(dir).filter((p) => p.includes('2025-05-07'))).toEqual([]);
  });

  it('reports a 404 naming the URL and that the day may not be published, without retrying it', async () => {
    const files = btc({ fromDate: '2025-07-01', toDate: '2025-07-01' });
    const report = await run(files);
    const failure = report.failures[0];
    expect(failure?.error.code).toBe('NOT_FOUND');
    expect(failure?.error.input).toBe(`${server.url}/data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-07-01.zip.CHECKSUM`);
    expect(failure?.error.message).toContain('the day 2025-07-01');
    expect(failure?.error.message).toContain('has not published it yet');
    expect(report.requests, 'a 404 is never retried').toBe(1);
    expect(listFiles(dir)).toEqual([]);
  });

  it('aborts and retries a download that stalls mid-body, then succeeds', async () => {
    server.faults.push({ kind: 'stall', match: 'BTCUSDT-1m-2025-05-05.zip', times: 1 });
    const events: DownloadEvent[] = [];
    const report = await run(btc({ toDate: '2025-05-05' }), { timeoutMs: 150, onEvent: (e) => events.push(e) });
    expect(report.failures).toEqual([]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.reason : ''))).toEqual([expect.stringContaining('no data for 150 ms')]);
  });

  it('gives up after the retries when the server keeps answering 500', async () => {
    server.faults.push({ kind: 'status-500', match: '2025-05-05' });
    const report = await run(btc({ toDate: '2025-05-05' }));
    expect(report.failures[0]?.error.message).toMatch(/the server answered HTTP 500 \(after 3 attempts\)/);
    expect(report.requests).toBe(3);
  });

  it('downloads a whole month as one monthly file holding the shared 12-column rows with their header', async () => {
    const files = planVisionFiles({ market: 'um', kind: 'klines', symbol: 'FILUSDT', interval: '1m', fromDate: '2023-08-01', toDate: '2023-08-31' });
    expect(files.map((f) => f.fileName)).toEqual(['FILUSDT-1m-2023-08.zip']);
    const report = await run(files);
    expect(report.failures).toEqual([]);
    const text = await unzipText(report.results[0]?.localPath ?? '');
    const shared = gunzipSync(readFileSync(sharedData('binance/futures-um/klines/FILUSDT-1m-2023-08.csv.gz'))).toString('utf8');
    expect(text.trimEnd(), 'the month file is the shared file, header and 44,640 rows').toBe(shared.trimEnd());
  });

  it('does not replace a missing monthly file by daily files that the archive never has (weekly candles)', async () => {
    const report = await run(btc({ interval: '1w', fromDate: '2025-05-01', toDate: '2025-05-31' }));
    expect(report.failures.map((f) => `${f.error.code} ${f.file.fileName}`)).toEqual(['NOT_FOUND BTCUSDT-1w-2025-05.zip']);
    expect(report.requests).toBe(1);
  });

  it('replaces a monthly file the archive lacks by the daily files of that month', async () => {
    // BTCUSDT shared 1m data ends on 2025-06-24 10:31 UTC: the 2025-06 monthly file and the days from 06-24 do not exist.
    const files = btc({ fromDate: '2025-06-01', toDate: '2025-06-30' });
    expect(files.map((f) => f.period)).toEqual(['monthly']);
    const events: DownloadEvent[] = [];
    const report = await run(files, { onEvent: (e) => events.push(e) });
    expect(events.some((e) => e.type === 'monthly-replaced')).toBe(true);
    expect(report.results.map((r) => r.file.date)).toEqual(Array.from({ length: 23 }, (_, i) => `2025-06-${String(i + 1).padStart(2, '0')}`));
    expect(report.failures.map((f) => f.file.date)).toEqual(['2025-06-24', '2025-06-25', '2025-06-26', '2025-06-27', '2025-06-28', '2025-06-29', '2025-06-30']);
    expect(report.failures.every((f) => f.error.code === 'NOT_FOUND')).toBe(true);
  });
});

describe('downloadVisionFiles with an unusable folder', () => {
  it('names the folder it cannot create and writes nothing', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should go');
    const report = await run(btc({ toDate: '2025-05-05' }), { dir: join(blocker, 'sub') });
    expect(report.failures[0]?.error.code).toBe('INVALID_FILE');
    expect(report.failures[0]?.error.message).toMatch(/blocker\/sub\/data\/futures\/um\/daily\/klines\/BTCUSDT\/1m: cannot create the folder/);
    expect(listFiles(dir)).toEqual(['blocker']);
  });
});

describe('download -> verify -> cache -> read -> resample', () => {
  it('gives NEARUSDT 2023-08..10 1m bars equal to the shared CSV and 1h bars equal to the real 1h file', async () => {
    const files = planVisionFiles({ market: 'um', kind: 'klines', symbol: 'NEARUSDT', interval: '1m', fromDate: '2023-08-01', toDate: '2023-10-31' });
    const report = await run(files);
    expect(report.results.map((r) => r.file.fileName)).toEqual(['NEARUSDT-1m-2023-08.zip', 'NEARUSDT-1m-2023-09.zip', 'NEARUSDT-1m-2023-10.zip']);
    const cacheDir = join(dir, 'cache');
    for (const r of report.results) {
      const imported = await importFile(r.localPath, { cacheDir });
      expect(imported.report.clean, `${r.file.fileName} verifies clean before it is cached`).toBe(true);
      expect(imported.key).toMatchObject({ venue: 'binance', market: 'um', symbol: 'NEARUSDT', interval: '1m' });
    }
    const bars = readBars(cacheDir, { venue: 'binance', market: 'um', symbol: 'NEARUSDT', kind: 'klines', interval: '1m' }, { fields: 'all' });
    const csv = ['08', '09', '10'].flatMap((m) =>
      gunzipSync(readFileSync(sharedData(`binance/futures-um/klines/NEARUSDT-1m-2023-${m}.csv.gz`)))
        .toString('utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l.length > 0)
        .map((l) => l.split(',').map(Number)),
    );
    expect(bars.length).toBe(csv.length);
    const cols = [bars.openTimeMs, bars.open, bars.high, bars.low, bars.close, bars.volume, undefined, bars.quoteVolume, bars.trades, bars.takerBuyVolume, bars.takerBuyQuoteVolume];
    for (let i = 0; i < csv.length; i++) {
      const row = csv[i] as number[];
      cols.forEach((c, k) => {
        if (c !== undefined && c[i] !== row[k]) expect.fail(`row ${i + 2} column ${k + 1}: cache has ${c[i]}, the CSV ${row[k]}`);
      });
    }
    const { bars: hourly, incompleteBuckets } = resampleBars(bars, 60_000, 3_600_000);
    expect(incompleteBuckets).toEqual([]);
    const ref = new Map(
      gunzipSync(readFileSync(sharedData('binance/futures-um/klines/NEARUSDT-1h-2020-10-15_2026-06-07.csv.gz')))
        .toString('utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map((r) => [Number(r[0]), r.slice(1, 6).map(Number)] as const),
    );
    for (let i = 0; i < hourly.length; i++) {
      const t = hourly.openTimeMs[i] as number;
      expect([hourly.open[i], hourly.high[i], hourly.low[i], hourly.close[i], hourly.volume[i]], new Date(t).toISOString()).toEqual(ref.get(t));
    }
    expect(hourly.length).toBe(2208);
  });
});
