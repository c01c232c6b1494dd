// `microfut backtest --fill quotes` as a user runs it (the compiled CLI, spawned): market orders cross the real
// best bid / ask of a Binance USD-M bookTicker capture. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
// A 6-minute capture, 2024-08-08 23:54 .. 2024-08-09 00:00 UTC.
const QUOTES = sharedData('binance/futures-um/bookTicker/BTCUSDT-bookTicker-2024-08-08T2354.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'microfut-backtest-quotes-'));

function run(...args: string[]): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The first quote at or after `timeMs` (transaction_time), read from the file with a plain split. */
function quoteAtOrAfter(timeMs: number): { readonly bid: string; readonly ask: string; readonly timeMs: number } {
  const rows = gunzipSync(readFileSync(QUOTES)).toString('utf8').trim().split('\n').slice(1);
  for (const row of rows) {
    const f = row.split(',');
    if (Number(f[5]) >= timeMs) return { bid: f[1]!, ask: f[3]!, timeMs: Number(f[5]) };
  }
  throw new Error(`no quote at or after ${timeMs}`);
}

const STRATEGY = (zod: string): string =>
  [
    `import { z } from ${JSON.stringify(zod)};`,
    'export default {',
    "  name: 'buy-then-sell',",
    '  params: z.object({}),',
    "  data: { bars: '1m' },",
    '  create(ctx) {',
    '    return { onBar(bar) {',
    "      if (bar.index === 1) ctx.orders.market({ action: 'buy', qty: 0.002 });",
    "      if (bar.index === 3) ctx.orders.market({ action: 'sell', qty: 0.002, reduceOnly: true });",
    '    } };',
    '  },',
    '};',
  ].join('\n');

describe('microfut backtest --fill quotes', () => {
  it('fills a market buy at the ask and a market sell at the bid of the first quote after the decision', () => {
    const file = join(dir, 'buy-then-sell.mjs');
    writeFileSync(file, STRATEGY(pathToFileURL(resolve(REPO_ROOT, 'node_modules/zod/index.js')).href));
    const out = join(dir, 'run');
    const r = run('backtest', '--strategy', file, '--instrument', 'BINANCE:BTCUSDT', '--fill', 'quotes', '--data', QUOTES, '--funding', 'off', '--out', out, '--json', '--no-journal');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as { bars: number; trades: number; from: string; fees: number; netPnl: number };
    expect(s.from).toBe('2024-08-08T23:54:00.000Z');
    expect(s.trades, 'one round trip: buy, then sell').toBe(1);
    const fills = readFileSync(join(out, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; time: string; price: string; qty: string; liquidity: string })
      .filter((e) => e.kind === 'order-filled');
    // Bar 1 (23:55) closes at 23:56:00.000, bar 3 (23:57) at 23:58:00.000: each order meets the next quote.
    const atBuy = quoteAtOrAfter(Date.UTC(2024, 7, 8, 23, 56));
    const atSell = quoteAtOrAfter(Date.UTC(2024, 7, 8, 23, 58));
    expect(atBuy.ask, 'the spread is open at the buy, so bid and ask differ').not.toBe(atBuy.bid);
    expect(fills.map((f) => [f.time, Number(f.price), f.qty, f.liquidity]), 'buy at the ask, sell at the bid, both taker').toEqual([
      [new Date(atBuy.timeMs).toISOString(), Number(atBuy.ask), '0.002', 'taker'],
      [new Date(atSell.timeMs).toISOString(), Number(atSell.bid), '-0.002', 'taker'],
    ]);
    // Hand P&L: 0.002 x (bid - ask), taker fee 0.05 % of each notional.
    const gross = 0.002 * (Number(atSell.bid) - Number(atBuy.ask));
    const fees = 0.0005 * 0.002 * (Number(atBuy.ask) + Number(atSell.bid));
    expect(s.fees, 'taker fees on both notionals').toBeCloseTo(fees, 8);
    expect(s.netPnl, 'gross - fees').toBeCloseTo(gross - fees, 8);
    const meta = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { config: { fill: string }; models: string[] };
    expect(meta.config.fill).toBe('quotes');
    expect(meta.models[0]).toBe('fill model: {"kind":"quotes"}');
  });

  it('refuses a kline file as --data for the quote model, naming the input', () => {
    const klines = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
    const r = run('backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--fill', 'quotes', '--data', klines, '--no-journal');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not bookTicker quotes/);
  });
});
