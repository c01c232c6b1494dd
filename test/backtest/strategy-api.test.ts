// The Strategy API additions through a real backtest (runBacktest on real 1m bars, SimulatedVenue, Engine):
// onTradeClosed, onEnd, ctx.funding, ctx.instrument fees and ctx.leverage with overrides, and a stop widened by a
// modify, recorded with its new price and found by the weekly review end to end (journal -> review).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../../src/backtest/backtest-config.js';
import { recordBacktest } from '../../src/backtest/journal-sink.js';
import { eventsJsonl } from '../../src/backtest/outputs.js';
import { runBacktest } from '../../src/backtest/run-backtest.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { IN_MEMORY, openJournalDb } from '../../src/journal/journal-db.js';
import { getRun } from '../../src/journal/journal-queries.js';
import { JournalWriter } from '../../src/journal/journal-writer.js';
import { weeklyReview } from '../../src/reports/review.js';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const FUNDING = sharedData('binance/futures-um/fundingRate/BTCUSDT-fundingRate-2025-03-06_2025-06-24.csv');
const dir = mkdtempSync(join(tmpdir(), 'microfut-strategy-api-'));
const zod = pathToFileURL(resolve(REPO_ROOT, 'node_modules/zod/index.js')).href;

/**
 * Bar 0: a long 0.01 BTC at market with a stop 1 % under the close. Bar 5: the stop moves to 2 % under (wider).
 * Bar 10: closes at market. Notes what it sees of the API.
 */
const STRATEGY = [
  `import { z } from ${JSON.stringify(zod)};`,
  'export default {',
  "  name: 'widen-stop',",
  '  params: z.object({}),',
  "  data: { bars: '1m' },",
  '  create(ctx) {',
  '    let ids;',
  '    const down = (x, pct) => Math.round(x * (1 - pct / 100) * 10) / 10;',
  '    return {',
  '      onBar(bar) {',
  "        if (bar.index === 0) { ids = ctx.orders.bracket({ entry: { action: 'buy', lots: 10 }, stopLoss: { price: down(bar.close, 1) } }); ctx.note(`stop ${down(bar.close, 1)}`); }",
  '        if (bar.index === 5) { ctx.orders.modify(ids.stopLoss, { trigger: down(bar.close, 2) }); ctx.note(`wider ${down(bar.close, 2)}`); }',
  "        if (bar.index === 10) { ctx.orders.cancel(ids.stopLoss); ctx.orders.market({ action: 'sell', lots: 10, reduceOnly: true }); }",
  '      },',
  '      onTradeClosed(trip, c) { c.note(`closed ${trip.side} ${trip.exitReason} at ${c.time}`); },',
  '      onEnd(c) { c.note(`end: taker ${c.instrument.fees.taker} leverage ${c.leverage} rate ${c.funding.lastRate} last ${c.funding.lastTimeMs} next ${c.funding.nextTimeMs}`); },',
  '    };',
  '  },',
  '};',
].join('\n');

async function widenStopRun() {
  const file = join(dir, 'widen-stop.mjs');
  writeFileSync(file, STRATEGY);
  const config = parseBacktestConfig({ strategy: file, instrument: 'BINANCE:BTCUSDT', data: KLINES, from: '2025-05-12T00:00', to: '2025-05-12T00:20', feeTakerPct: 0.04, leverage: 5 });
  return runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
}

describe('strategy API additions in a backtest', () => {
  it('calls onTradeClosed once per closed trip and onEnd once, whose notes the summary keeps', async () => {
    const run = await widenStopRun();
    expect(run.result.trips, 'the market exit at bar 10 closes the one trip').toHaveLength(1);
    const notes = [...run.result.log.events()].filter((e) => e.kind === 'note').map((e) => e.text ?? '');
    const closed = notes.filter((n) => n.startsWith('closed '));
    const exitMs = run.result.trips[0]!.exitTimeMs;
    expect(closed, 'one onTradeClosed (a strategy market exit is a "signal" exit), with ctx.time at the closing fill').toEqual([`closed long signal at ${exitMs}`]);
    expect(run.result.endNotes, 'onEnd ran once and its note is the run\'s final note').toHaveLength(1);
    expect(run.result.endNotes[0]).toMatch(/^end: /);
  });

  it('shows the --fee-taker and --leverage overrides in ctx.instrument and ctx.leverage', async () => {
    const run = await widenStopRun();
    expect(run.result.endNotes[0], '0.04 % = 0.0004 of notional; leverage 5').toMatch(/^end: taker 0\.0004 leverage 5 /);
  });

  it('knows the last funding settlement at or before now and the next one from the 8 h schedule', async () => {
    const run = await widenStopRun();
    // The funding file's settlement at 2025-05-12 00:00 UTC (1747008000004 ms: Binance stamps a few ms late).
    const row = readFileSync(FUNDING, 'utf8').split('\n').find((l) => l.startsWith('1747008000004,'));
    expect(row, 'the file has the 00:00 settlement').toBeDefined();
    const rate = Number(row!.split(',')[1]);
    const next = Date.UTC(2025, 4, 12, 8);
    expect(run.result.endNotes[0], 'rate and time of the 00:00 settlement; next at 08:00 UTC').toBe(`end: taker 0.0004 leverage 5 rate ${rate} last 1747008000004 next ${next}`);
  });

  it('logs a modify with its new trigger price, and the weekly review reports the stop moved wider', async () => {
    const run = await widenStopRun();
    const notes = [...run.result.log.events()].filter((e) => e.kind === 'note').map((e) => e.text ?? '');
    const from = notes.find((n) => n.startsWith('stop '))!.slice(5);
    const to = notes.find((n) => n.startsWith('wider '))!.slice(6);
    const modified = eventsJsonl(run).split('\n').filter((l) => l.includes('"order-modified"')).map((l) => JSON.parse(l) as { price?: string; priceKind?: string });
    expect(modified, 'one modify, carrying the new trigger').toEqual([expect.objectContaining({ price: to, priceKind: 'trigger' })]);
    const j = openJournalDb(IN_MEMORY, { create: true });
    const w = new JournalWriter(j.db, { clock: { nowMs: () => 1_750_000_000_000 as never } });
    const r = recordBacktest(run, { port: w, runExists: (id) => getRun(j.db, id) !== undefined, startedMs: 1, finishedMs: 2 });
    const review = weeklyReview(j.db, { period: { label: 'test', fromMs: Date.UTC(2025, 4, 12), toMs: Date.UTC(2025, 4, 13) }, runId: r.runId });
    const wider = review.violations.filter((v) => v.kind === 'stop-moved-wider');
    expect(wider, `the stop moved from ${from} down to ${to}, away from the long's price`).toEqual([expect.objectContaining({ fromPrice: from, toPrice: to })]);
    j.close();
  });
});
