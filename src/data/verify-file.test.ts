import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../../test/support/shared-data.js';
import { InputError } from '../core/errors.js';
import { kindOfFormat, nameInfo, sniffFormat } from './formats.js';
import { makeContext } from './parse-context.js';
import { parseFile, readFirstLine } from './parse-file.js';
import { parseFreqtradeJson } from './parse-freqtrade.js';
import type { ParsedData } from './parsed.js';
import { verifyFile, verifiesInParts } from './verify-file.js';
import { verifyParsed } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-verify-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataFiles = readdirSync(SHARED_DATA, { recursive: true, encoding: 'utf8' })
  .filter((f) => !f.includes('meta') && !f.endsWith('.md') && statSync(join(SHARED_DATA, f)).isFile())
  .sort();

// Parts of 7 rows: thousands of cuts per file, never aligned with the 10,000 rows the interval is found from.
const TINY_PARTS = 7;
const WHOLE_FORMATS = ['binance-depth-rows', 'tardis-book-snapshot', 'tardis-incremental-l2', 'bybit-orderbook', 'ws-capture'];

describe('verify in parts on every file in ../shared/data', () => {
  it('finds the 87 market-data files SOURCES.md lists', () => {
    expect(dataFiles.length, 'README.md and SOURCES.md: 92 files, 5 of them JSON metadata').toBe(87);
  });

  it.each(dataFiles)('%s: parts of 7 rows give exactly the whole-file report', async (file) => {
    const path = join(SHARED_DATA, file);
    const format = sniffFormat(path, await readFirstLine(path)).format;
    if (!verifiesInParts(format)) {
      // Their checks (update-id chains across a capture's streams) need the whole file; verifyFile parses it whole.
      expect(WHOLE_FORMATS, `${file} is an order-book event file or a capture`).toContain(format);
      return;
    }
    // A symbol the file may not hold, so the file-level errors and their order are compared too.
    const whole = verifyParsed(await parseFile(path), { symbol: 'BTCUSDT' });
    const streamed = await verifyFile(path, { symbol: 'BTCUSDT', partRows: TINY_PARTS });
    expect(JSON.stringify(streamed.report), 'same JSON, field for field and in the same order').toBe(JSON.stringify(whole));
    expect(streamed.parts?.count, 'every 7 rows (or month) a new part').toBeGreaterThanOrEqual(Math.ceil(whole.rows / TINY_PARTS));
    expect(streamed.parts?.maxRows, 'a part holds its 7 rows plus at most 3 carried').toBeLessThanOrEqual(TINY_PARTS + 3);
  });
});

/** Yields `text` in chunks of `size` bytes, so numbers are cut between chunks. */
async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

function freqtrade(text: string, size: number, path = 'BTC_USDT-1m.json'): Promise<ParsedData> {
  const name = nameInfo(path);
  return parseFreqtradeJson(chunksOf(text, size), makeContext(path, 'freqtrade-json', kindOfFormat('freqtrade-json', name.klineKind), name));
}

describe('freqtrade JSON candles', () => {
  const t0 = Date.UTC(2024, 0, 31, 23, 57);
  const candles = [0, 1, 2, 5, 6].map((m) => [t0 + m * 60_000, 42283.58 + m, 42298.62 + m, 42261.02 + m, 42290.5 + m, 35.92 + m]);
  const text = JSON.stringify(candles).replace(/\],\[/g, '],\n[');

  it('reads the same values whatever the chunk size, numbers cut between chunks included', async () => {
    const oneChunk = await freqtrade(text, text.length);
    if (oneChunk.series !== 'bars') throw new Error('expected bars');
    expect(Array.from(oneChunk.bars.close), 'the closes as written').toEqual(candles.map((c) => c[4]));
    expect(Array.from(oneChunk.bars.openTimeMs)).toEqual(candles.map((c) => c[0]));
    for (const size of [1, 2, 3, 7]) {
      const cut = await freqtrade(text, size);
      expect(cut, `chunks of ${size} bytes`).toEqual(oneChunk);
    }
  });

  it('is verified in parts with the whole-file report: the gap across the month boundary is exact', async () => {
    const path = join(dir, 'BTC_USDT-1m.json');
    writeFileSync(path, text);
    const whole = verifyParsed(await parseFile(path));
    for (const partRows of [1, 2, 3]) {
      const streamed = await verifyFile(path, { partRows });
      expect(streamed.report, `parts of ${partRows}`).toEqual(whole);
      expect(streamed.parts?.maxRows, 'one candle carried at most').toBeLessThanOrEqual(partRows + 1);
    }
    expect(whole.rows).toBe(5);
    expect(whole.gaps, '2024-02-01 00:00 and 00:01 are missing').toEqual([{ of: 'bars', from: Date.UTC(2024, 1, 1), to: Date.UTC(2024, 1, 1, 0, 1), missing: 2 }]);
  });

  it('refuses a truncated array and a candle of five values, naming the line and the candle', async () => {
    await expect(freqtrade(text.slice(0, -30), 4)).rejects.toThrow(/BTC_USDT-1m\.json:5: the array is not closed \(truncated file\?\) \(candle 5\)/);
    await expect(freqtrade('[[1704067200000,1,2,0.5,1.5,3],\n[1704067260000,1,2,0.5,1.5]]', 3)).rejects.toThrow(/:2: a candle has 5 values, expected 6 \(candle 2\)/);
    await expect(freqtrade('[[1704067200000,1,2,0.5,abc,3]]', 5)).rejects.toThrow(/"abc" is not a number \(candle 1\)/);
  });
});

describe('verifyFile input checks', () => {
  it('refuses a part size that is not a positive whole number, naming it', async () => {
    const sub = join(dir, 'opt');
    mkdirSync(sub, { recursive: true });
    const path = join(sub, 'BTCUSDT-1m-x.csv');
    writeFileSync(path, 'open_time,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,3\n');
    const err = await verifyFile(path, { partRows: 0 }).catch((e: unknown) => e);
    expect(err, 'an InputError the CLI prints in one line').toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/partRows.*expected a whole number of rows >= 1/);
  });

  it('names a missing file', async () => {
    await expect(verifyFile(join(dir, 'nope-1m.csv'))).rejects.toThrow(/nope-1m\.csv: no such file/);
  });
});
