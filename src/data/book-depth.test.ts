import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { planVisionFiles } from './binance-vision.js';
import { readBookDepth } from './cache.js';
import { downloadVisionFiles, localPathOf } from './download.js';
import { importFile } from './import.js';
import { parseFile } from './parse-file.js';
import { verifyParsed } from './verify.js';

// ../shared/data holds no data.binance.vision bookDepth file, so these tests build small files in the documented
// layout: header `timestamp,percentage,depth,notional`, UTC text times, bands -5..5. The first snapshot is the ten rows
// of BTCUSDT-bookDepth-2025-05-19.zip quoted in https://github.com/binance/binance-public-data/issues/431; the second
// repeats them 30 s later (snapshots are about 30 s apart), so both are in the real layout and value ranges.
const QUOTED = [
  '-5,7885.27500000,647368074.36920000',
  '-4,7178.45300000,590768470.27090000',
  '-3,5443.14900000,450287742.99870000',
  '-2,3989.69900000,331452387.75030000',
  '-1,2294.32400000,191369991.21780000',
  '1,2097.41000000,176607765.20950000',
  '2,3485.14100000,294629128.47080000',
  '3,4813.86500000,408742768.20550000',
  '4,5699.71200000,485628858.29740000',
  '5,6491.51500000,555012399.28440000',
];
const HEADER = 'timestamp,percentage,depth,notional';
const T1 = Date.UTC(2025, 4, 19, 11, 7, 31);
const T2 = T1 + 30_000;
const snapshot = (time: string): string[] => QUOTED.map((r) => `${time},${r}`);
const DAY = [HEADER, ...snapshot('2025-05-19 11:07:31'), ...snapshot('2025-05-19 11:08:01')];
const NEXT_DAY = [HEADER, ...snapshot('2025-05-20 00:00:07')];

const root = mkdtempSync(join(tmpdir(), 'microfut-book-depth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function write(name: string, lines: readonly string[]): string {
  const dir = join(root, `in-${n++}`, 'futures', 'um', 'daily', 'bookDepth', 'BTCUSDT');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()) : [];

describe('data.binance.vision percentage bookDepth', () => {
  it('parses time, band, depth and notional exactly as written', async () => {
    const p = await parseFile(write('BTCUSDT-bookDepth-2025-05-19.csv', DAY));
    expect(p.format).toBe('binance-book-depth');
    expect(p.kind).toBe('bookDepth');
    if (p.series !== 'bookDepth') throw new Error('expected bookDepth columns');
    expect([p.rows, p.firstMs, p.lastMs], 'two snapshots of ten bands; first and last times are 11:07:31 and 11:08:01 UTC').toEqual([20, T1, T2]);
    const d = p.bookDepth;
    expect(Array.from(d.percentage.subarray(0, 10)), 'bands -5..-1 then 1..5').toEqual([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]);
    for (let i = 0; i < 20; i++) {
      const [pct, depth, notional] = (QUOTED[i % 10] as string).split(',');
      expect([d.timeMs[i], d.percentage[i], d.depth[i], d.notional[i]], `row ${i + 2} equals Number() of its text`).toEqual([i < 10 ? T1 : T2, Number(pct), Number(depth), Number(notional)]);
    }
    const report = verifyParsed(p);
    expect([report.clean, report.errorCount], 'the quoted snapshot is clean').toEqual([true, 0]);
  });

  it('reads a file without a header row and a band written as -5.00', async () => {
    const p = await parseFile(write('BTCUSDT-bookDepth-2025-05-19.csv', [`2025-05-19 11:07:31,-5.00,1.5,150`, `2025-05-19 11:07:31,5.00,2,200`]));
    if (p.series !== 'bookDepth') throw new Error('expected bookDepth columns');
    expect([p.headerRow, p.rows, Array.from(p.bookDepth.percentage)]).toEqual([false, 2, [-5, 5]]);
  });

  it('refuses a row with a missing field, naming file and line', async () => {
    const lines = [...DAY];
    lines[4] = '2025-05-19 11:07:31,-2,3989.69900000';
    const path = write('BTCUSDT-bookDepth-2025-05-19.csv', lines);
    await expect(parseFile(path), 'line 5 has 3 of the 4 fields').rejects.toThrow(/BTCUSDT-bookDepth-2025-05-19\.csv:5: the row has 3 fields, expected 4/);
  });

  it('refuses a time that is not a date, naming the field', async () => {
    const lines = [...DAY];
    lines[2] = '2025-05-19 25:07:31,-4,7178.45300000,590768470.27090000';
    await expect(parseFile(write('BTCUSDT-bookDepth-2025-05-19.csv', lines))).rejects.toThrow(/:3: field timestamp is "2025-05-19 25:07:31"/);
  });

  it('reports a percentage outside -5..5 and times that go back, with their lines', async () => {
    const lines = [...DAY];
    lines[3] = '2025-05-19 11:07:31,-6,5443.14900000,450287742.99870000';
    lines[15] = '2025-05-19 11:07:30,5,1,1';
    const report = verifyParsed(await parseFile(write('BTCUSDT-bookDepth-2025-05-19.csv', lines)));
    expect(report.clean).toBe(false);
    expect(report.errors.map((e) => e.line), 'line 4: band -6; line 16: a snapshot earlier than the one before').toEqual([4, 16]);
    expect(report.errors[0]?.message).toMatch(/percentage -6 is outside the bands/);
    expect(report.errors[1]?.message).toMatch(/snapshot at 2025-05-19T11:07:30Z comes after 2025-05-19T11:08:01Z/);
  });

  it('refuses an import of a file with a bad band, naming file and line, and caches nothing', async () => {
    const lines = [...DAY];
    lines[12] = '2025-05-19 11:08:01,-7.5,1,1';
    const cache = join(root, 'cache-bad');
    const e = await importFile(write('BTCUSDT-bookDepth-2025-05-19.csv', lines), { cacheDir: cache }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toMatch(/BTCUSDT-bookDepth-2025-05-19\.csv:13\b.*percentage -7\.5/);
    expect(filesUnder(cache), 'nothing is cached').toEqual([]);
  });

  it('imports two daily files into one month and reads back every row in (time, band) order', async () => {
    const cache = join(root, 'cache-ok');
    const a = await importFile(write('BTCUSDT-bookDepth-2025-05-19.csv', DAY), { cacheDir: cache });
    expect(a.key, 'venue, market and symbol come from the archive path').toEqual({ venue: 'binance', market: 'um', symbol: 'BTCUSDT', kind: 'bookDepth' });
    await importFile(write('BTCUSDT-bookDepth-2025-05-20.csv', NEXT_DAY), { cacheDir: cache });
    const again = await importFile(write('BTCUSDT-bookDepth-2025-05-19.csv', DAY), { cacheDir: cache });
    expect(again.partitions[0]?.alreadyCached, 're-importing a day keeps its rows once (merged on time and band)').toBe(20);
    const back = readBookDepth(cache, a.key);
    expect(back.length).toBe(30);
    expect(Array.from(back.timeMs.subarray(18, 22)), 'the second day follows the first').toEqual([T2, T2, Date.UTC(2025, 4, 20, 0, 0, 7), Date.UTC(2025, 4, 20, 0, 0, 7)]);
    expect(Array.from(back.notional.subarray(0, 10)), 'notional exactly as written').toEqual(QUOTED.map((r) => Number(r.split(',')[2])));
  });

  it('downloads a day with `--kind bookDepth` from a mirror, verifying its checksum, then verifies and imports it', async () => {
    const [file] = planVisionFiles({ market: 'um', kind: 'bookDepth', symbol: 'BTCUSDT', interval: undefined, fromDate: '2025-05-19', toDate: '2025-05-19' });
    if (!file) throw new Error('expected one daily file');
    expect(file.path).toBe('data/futures/um/daily/bookDepth/BTCUSDT/BTCUSDT-bookDepth-2025-05-19.zip');
    const zip = zipOf('BTCUSDT-bookDepth-2025-05-19.csv', Buffer.from(`${DAY.join('\n')}\n`));
    const sha = createHash('sha256').update(zip).digest('hex');
    const server = await serve({ [`/${file.path}`]: zip, [`/${file.path}.CHECKSUM`]: Buffer.from(`${sha}  ${file.fileName}\n`) });
    try {
      const dir = join(root, 'download');
      const report = await downloadVisionFiles({ baseUrl: server.url, dir, files: [file], retries: 0 });
      expect(report.failures).toEqual([]);
      const local = localPathOf(dir, file);
      const parsed = await parseFile(local);
      expect([parsed.kind, parsed.rows, parsed.firstMs, parsed.lastMs], 'the zip holds the 20 rows').toEqual(['bookDepth', 20, T1, T2]);
      expect(verifyParsed(parsed).clean).toBe(true);
      const imported = await importFile(local, { cacheDir: join(root, 'cache-download') });
      expect(readBookDepth(join(root, 'cache-download'), imported.key).length).toBe(20);
    } finally {
      await server.close();
    }
  });
});

/** A zip of one deflated file, as data.binance.vision serves them. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(local.length + nameBytes.length + data.length, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

/** A static server on 127.0.0.1 for the given paths (404 for anything else). */
async function serve(files: Readonly<Record<string, Buffer>>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
