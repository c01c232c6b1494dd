import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, sharedData } from '../../test/support/shared-data.js';
import { tradeIsSell } from './columns.js';
import { parseFile } from './parse-file.js';

// Acceptance: every data file in ../shared/data parses, and its row count and first/last timestamps equal the
// `rows:` and `range:` lines SOURCES.md writes for it (an independent record made when the data was collected).
interface SourceFacts {
  readonly rows: number;
  readonly first: string;
  readonly last: string;
  readonly streams?: Record<string, number>;
}

function readSources(): Map<string, SourceFacts> {
  const text = readFileSync(`${SHARED_DATA}/SOURCES.md`, 'utf8');
  const facts = new Map<string, SourceFacts>();
  let dir = '';
  let file = '';
  for (const line of text.split('\n')) {
    const d = /^### (\S+)\/$/.exec(line);
    if (d) dir = d[1] as string;
    const f = /^#### `([^`]+)`/.exec(line);
    if (f) file = `${dir}/${f[1]}`;
    const r = /^- rows: (\d+); range: (\S+ \S+) \.\. (\S+ \S+) UTC/.exec(line);
    if (r && file) facts.set(file, { rows: Number(r[1]), first: r[2] as string, last: r[3] as string });
    const s = /streams=(\{[^}]*\})/.exec(line);
    if (s && file && facts.has(file)) facts.set(file, { ...(facts.get(file) as SourceFacts), streams: JSON.parse(s[1] as string) });
  }
  return facts;
}

/** SOURCES.md prints times as `YYYY-MM-DD HH:MM:SS` UTC, truncated to the second. */
const toSecond = (ms: number | undefined): string =>
  ms === undefined ? 'none' : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('T', ' ').slice(0, 19);

const facts = readSources();
const dataFiles = [...facts.keys()].filter((f) => !f.includes('/meta/'));

describe('every file in ../shared/data', () => {
  it('is listed in SOURCES.md (92 files, 5 of them JSON metadata)', () => {
    expect(dataFiles.length, 'SOURCES.md lists 87 market-data files besides meta/').toBe(87);
  });

  it.each(dataFiles)('%s parses with the row count and time range SOURCES.md records', async (file) => {
    const expected = facts.get(file) as SourceFacts;
    const parsed = await parseFile(sharedData(file));
    expect(parsed.rows, 'rows: data lines without the header, as SOURCES.md counts').toBe(expected.rows);
    expect(toSecond(parsed.firstMs), 'first timestamp, to the second').toBe(expected.first);
    expect(toSecond(parsed.lastMs), 'last timestamp, to the second').toBe(expected.last);
    if (parsed.series === 'stream' && expected.streams) {
      expect(parsed.capture.streams, 'messages per stream, as SOURCES.md counts them').toEqual(expected.streams);
    }
  });
});

describe('parsed values', () => {
  it('equal Number() of each field for every row of a 12-column kline file (bitwise)', async () => {
    const file = sharedData('binance/futures-um/klines/NEARUSDT-1m-2023-08.csv.gz');
    const parsed = await parseFile(file);
    if (parsed.series !== 'bars') throw new Error('expected bars');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
    const b = parsed.bars;
    expect(b.length).toBe(lines.length);
    const mismatches: string[] = [];
    lines.forEach((line, i) => {
      const f = line.split(',').map(Number);
      const got = [b.openTimeMs[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i], b.quoteVolume?.[i], b.trades?.[i], b.takerBuyVolume?.[i], b.takerBuyQuoteVolume?.[i]];
      const want = [f[0], f[1], f[2], f[3], f[4], f[5], f[7], f[8], f[9], f[10]];
      if (!got.every((g, k) => Object.is(g, want[k]))) mismatches.push(`line ${i + 2}: ${line}`);
    });
    expect(mismatches, 'the byte parser must round exactly like Number()').toEqual([]);
  });

  it('reads Tardis µs timestamps to ms and keeps the µs value', async () => {
    const parsed = await parseFile(sharedData('binance/futures-um/trades/BTCUSDT-tardis-trades-2020-02-22.csv.gz'));
    if (parsed.series !== 'trades') throw new Error('expected trades');
    // First row: binance-futures,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132
    expect(parsed.trades.timeMs[0], '1582329602111000 µs = 1582329602111 ms').toBe(1582329602111);
    expect(parsed.trades.timeUs?.[0]).toBe(1582329602111000);
    expect(tradeIsSell(parsed.trades, 0), 'side buy: the taker bought, so the buyer was not the maker').toBe(false);
    expect(parsed.trades.id?.[0]).toBe(42377944);
    expect(parsed.timeUnit).toBe('us');
  });

  it('takes spot bookTicker times from the ns receive clock when the row has no venue time', async () => {
    const parsed = await parseFile(sharedData('binance/spot/bookTicker/BTCUSDT-bookTicker-2024-08-08T2354.csv.gz'));
    if (parsed.series !== 'bookTicker') throw new Error('expected quotes');
    // First row: 50093239212,61837.63000000,3.78826000,61837.64000000,1.54698000,,,1723161254087891268
    expect(parsed.quotes.timeMs[0], 'ns 1723161254087891268 floored to ms').toBe(1723161254087);
    expect(parsed.quotes.localTimeUs?.[0], 'ns floored to µs').toBe(1723161254087891);
    expect(parsed.quotes.bidPrice[0]).toBe(61837.63);
    expect(parsed.quotes.updateId?.[0]).toBe(50093239212);
  });

  it('groups Binance depth rows into events with their update ids', async () => {
    const parsed = await parseFile(sharedData('binance/futures-um/depth/BTCUSDT-depthUpdate-2022-11-01.csv'));
    if (parsed.series !== 'depth') throw new Error('expected depth');
    const d = parsed.depth;
    expect(d.levelCount, 'one level per row').toBe(100);
    expect(d.firstUpdateId[0]).toBe(2098041693435);
    expect(d.lastUpdateId[0]).toBe(2098041696700);
    expect(d.prevUpdateId[0], 'the row\'s pu column').toBe(2098041693400);
    expect(d.levelStart[d.eventCount], 'the last offset closes the level arrays').toBe(100);
  });

  it('splits a websocket capture into trades, quotes, depth and mark price with the stream counts', async () => {
    const parsed = await parseFile(sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz'));
    if (parsed.series !== 'stream') throw new Error('expected a capture');
    const c = parsed.capture;
    expect(c.trades.length).toBe(2197);
    expect(c.bookTicker.length).toBe(6765);
    expect(c.markPrice.length).toBe(99);
    expect(c.depth.eventCount, '4322 diff events + 1 REST snapshot').toBe(4323);
    // The snapshot line: {"lastUpdateId": 2710246765483, "E": 1680652700590, "T": 1680652700580, "bids": [...1000], ...}
    const snap = Array.from(c.depth.eventKind).indexOf(0);
    expect(c.depth.lastUpdateId[snap]).toBe(2710246765483);
    expect((c.depth.levelStart[snap + 1] as number) - (c.depth.levelStart[snap] as number), '1000 bids + 1000 asks').toBe(2000);
  });
});
