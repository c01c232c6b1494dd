import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFile } from './parse-file.js';
import { verifyFile } from './verify-file.js';
import { verifyParsed, type VerifyReport } from './verify.js';

// Bad rows placed exactly at part boundaries: a file verified in tiny parts must give the report the whole-file
// verify gives (which the hand-written expectations below pin down), with every row reported once, at its line.
const dir = mkdtempSync(join(tmpdir(), 'microfut-verify-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const KLINE_HEADER = 'open_time,open,high,low,close,volume';
const bar = (minute: number, o = 10, h = 11, l = 9, c = 10): string => `${T0 + minute * MIN},${o},${h},${l},${c},5`;

/**
 * Writes `lines` as `name` (in its own folder) and verifies it whole and in parts of each size in `partRows`;
 * every streamed report must equal the whole one. Returns the whole-file report.
 */
async function bothWays(name: string, lines: readonly string[], partRows: readonly number[] = [1, 2, 3, 4, 5]): Promise<VerifyReport> {
  const sub = join(dir, String(fileNo++));
  const path = join(sub, name);
  mkdirSync(sub);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const whole = verifyParsed(await parseFile(path), { symbol: 'BTCUSDT' });
  for (const n of partRows) {
    const streamed = await verifyFile(path, { symbol: 'BTCUSDT', partRows: n });
    expect(streamed.parts?.maxRows, `a part holds at most ${n} rows plus the carried ones`).toBeLessThanOrEqual(n + 3);
    expect(streamed.report, `parts of ${n} rows report what the whole file does`).toEqual(whole);
  }
  return whole;
}

describe('klines verified in parts', () => {
  it('reports a duplicate time that is the first row of a part once, at its line', async () => {
    // Parts of 2 rows: [0, 1], then 1 carried + [1 (again), 2]: the repeat opens the second part.
    const r = await bothWays('BTCUSDT-1m-dup.csv', [KLINE_HEADER, bar(0), bar(1), bar(1), bar(2)], [2]);
    expect(r.duplicates).toBe(1);
    expect(r.errors, 'line 4 = header + third row').toEqual([{ line: 4, message: 'duplicate bar at 2024-01-01T00:01:00Z' }]);
  });

  it('reports a time that goes back across a cut, and the step after it', async () => {
    const r = await bothWays('BTCUSDT-1m-back.csv', [KLINE_HEADER, bar(0), bar(1), bar(2), bar(3), bar(1), bar(4)], [1, 2, 4]);
    expect(r.outOfOrder, 'only 00:01 after 00:03 goes back').toBe(1);
    expect(r.errors[0]).toEqual({ line: 6, message: 'bar at 2024-01-01T00:01:00Z comes after 2024-01-01T00:03:00Z (timestamps must increase)' });
    // 00:01 -> 00:04 is three steps: bars 00:02 and 00:03 count as missing after the backwards row.
    expect(r.gaps).toEqual([{ of: 'bars', from: T0 + 2 * MIN, to: T0 + 3 * MIN, missing: 2 }]);
  });

  it('reports the exact range of a gap whose ends lie in different parts', async () => {
    const r = await bothWays('BTCUSDT-1m-gap.csv', [KLINE_HEADER, bar(0), bar(1), bar(5), bar(6)], [1, 2, 3]);
    expect(r.gaps, 'bars 00:02..00:04 are missing').toEqual([{ of: 'bars', from: T0 + 2 * MIN, to: T0 + 4 * MIN, missing: 3 }]);
    expect(r.errorCount).toBe(0);
  });

  it('reports a gap across a month boundary, where every part is cut anyway', async () => {
    const jan31 = Date.UTC(2024, 0, 31, 23, 58);
    const rows = [0, 1, 4, 5].map((m) => `${jan31 + m * MIN},10,11,9,10,5`);
    const r = await bothWays('BTCUSDT-1m-month.csv', [KLINE_HEADER, ...rows], [1, 2, 100]);
    expect(r.gaps, '2024-02-01 00:00 and 00:01 are missing').toEqual([{ of: 'bars', from: Date.UTC(2024, 1, 1), to: Date.UTC(2024, 1, 1, 0, 1), missing: 2 }]);
  });

  it('checks OHLC of the row carried into the next part once', async () => {
    const r = await bothWays('BTCUSDT-1m-ohlc.csv', [KLINE_HEADER, bar(0), bar(1, 10, 9, 11, 10), bar(2), bar(3)], [1, 2]);
    expect(r.ohlcViolations, 'the high < low row is counted once although it is carried').toBe(1);
    expect(r.errors).toEqual([{ line: 3, message: 'bar at 2024-01-01T00:01:00Z: high 9 < low 11 (expected low <= open, close <= high, low > 0)' }]);
  });

  it('finds the interval of a file whose name has none from the first 10,000 rows, then gaps before and after them', async () => {
    // 12,000 minutes with minute 5 and minute 11,000 left out; the name says no interval.
    const minutes = Array.from({ length: 12_000 }, (_, i) => i).filter((m) => m !== 5 && m !== 11_000);
    const r = await bothWays('BTCUSDT-candles.csv', [KLINE_HEADER, ...minutes.map((m) => bar(m))], [7, 4_999]);
    expect(r.intervalMs, 'the most common step').toBe(MIN);
    expect(r.gaps).toEqual([
      { of: 'bars', from: T0 + 5 * MIN, to: T0 + 5 * MIN, missing: 1 },
      { of: 'bars', from: T0 + 11_000 * MIN, to: T0 + 11_000 * MIN, missing: 1 },
    ]);
  });

  it('puts the error about a wrong interval in the name first, found only after the last part', async () => {
    const r = await bothWays('BTCUSDT-1m-wrong.csv', [KLINE_HEADER, bar(0), bar(5), bar(10), bar(15, 10, 9, 11, 10)], [1, 2]);
    expect(r.errors[0]?.message).toBe('the file name says 1m bars but consecutive bars are 300 s apart');
    expect(r.errors[1]?.line, 'then the row errors in file order').toBe(5);
  });
});

describe('trades, funding, quotes and percentage depth verified in parts', () => {
  const TRADES = 'id,price,qty,quote_qty,time,is_buyer_maker';
  const trade = (id: number, t: number): string => `${id},100.5,0.1,10.05,${T0 + t},true`;

  it('reports a duplicate id opening a part, an id gap across a cut and a time going back across a cut', async () => {
    const r = await bothWays('BTCUSDT-trades-2024-01-01.csv', [TRADES, trade(1, 0), trade(2, 5), trade(2, 5), trade(6, 9), trade(7, 3), trade(8, 10)], [1, 2, 3]);
    expect(r.duplicates, 'id 2 twice').toBe(1);
    expect(r.outOfOrder, 'time 3 ms after 9 ms').toBe(1);
    expect(r.gaps, 'ids 3..5 are missing').toEqual([{ of: 'trade ids', from: 3, to: 5, missing: 3 }]);
    expect(r.errors).toEqual([
      { line: 4, message: 'duplicate trade id 2' },
      { line: 6, message: `trade time ${T0 + 3} comes after ${T0 + 9} (must not decrease)` },
    ]);
  });

  it('finds a missing 8 h settlement wherever the cut falls around it', async () => {
    const H8 = 8 * 3_600_000;
    // Settlements 0..7 with 4 left out; a few seconds of venue jitter on each, as Binance writes them.
    const rows = [0, 1, 2, 3, 5, 6, 7].map((k) => `${T0 + k * H8 + 7},0.0001`);
    const r = await bothWays('BTCUSDT-fundingRate-2024-01.csv', ['funding_time,funding_rate', ...rows], [1, 2, 3, 4, 5, 6]);
    expect(r.gaps).toEqual([{ of: 'funding', from: T0 + 4 * H8, to: T0 + 4 * H8, missing: 1 }]);
    expect(r.intervalMs).toBe(H8);
  });

  it('reports a repeated update id and a crossed quote opening a part, and counts locked quotes over all parts', async () => {
    const HEAD = 'update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time';
    const q = (id: number, bid: number, ask: number): string => `${id},${bid},1,${ask},1,${T0 + id},${T0 + id}`;
    const r = await bothWays('BTCUSDT-bookTicker-2024-01-01.csv', [HEAD, q(1, 10, 11), q(2, 10, 10), q(2, 10, 11), q(3, 12, 11), q(4, 10, 10)], [1, 2]);
    expect(r.errors).toEqual([
      { line: 4, message: 'update id 2 repeats' },
      { line: 5, message: 'crossed quote: bid 12 > ask 11' },
    ]);
    expect(r.warnings, 'two locked quotes in two different parts').toEqual(['2 locked quotes (bid = ask)']);
  });

  it('reports a band repeated at the start of a part of percentage depth', async () => {
    const t = '2025-05-19 11:07:31';
    const rows = [`${t},-2,10,100`, `${t},-1,5,50`, `${t},-1,5,50`, `${t},1,6,60`];
    const r = await bothWays('BTCUSDT-bookDepth-2025-05-19.csv', ['timestamp,percentage,depth,notional', ...rows], [1, 2]);
    expect(r.errors).toEqual([{ line: 4, message: 'percentage -1 repeats in the snapshot at 2025-05-19T11:07:31Z' }]);
  });
});

describe('any kline file verified in any parts', () => {
  it('gives the whole-file report for random duplicates, reversals, gaps and bad candles (property)', async () => {
    const step = fc.record({ kind: fc.constantFrom('next', 'next', 'next', 'dup', 'back', 'skip', 'bad'), skip: fc.integer({ min: 2, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (steps, partRows) => {
        let m = 0;
        const lines = [KLINE_HEADER, bar(0)];
        for (const s of steps) {
          m += s.kind === 'dup' ? 0 : s.kind === 'back' ? -2 : s.kind === 'skip' ? s.skip : 1;
          lines.push(s.kind === 'bad' ? bar(m, 10, 9, 11, 10) : bar(m));
        }
        await bothWays('BTCUSDT-1m-random.csv', lines, [partRows]);
      }),
      { numRuns: 60 },
    );
  });
});
