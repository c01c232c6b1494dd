import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/support/shared-data.js';
import { loadRegistry } from '../data/spec-files.js';
import { checkJournal } from '../journal/journal-check.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { getRun, listTrades } from '../journal/journal-queries.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { parseBacktestConfig } from './backtest-config.js';
import { freeJournalRunId, recordBacktest } from './journal-sink.js';
import { runBacktest } from './run-backtest.js';

const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const clock = { nowMs: () => 1_750_000_000_000 as never };

async function backtest() {
  const config = parseBacktestConfig({ strategy: 'ema-cross', instrument: 'BINANCE:BTCUSDT', data: KLINES, from: '2025-05-12', to: '2025-05-14' });
  return runBacktest(config, { registry: loadRegistry({}), cacheDir: '/nonexistent-cache' });
}

describe('recordBacktest', () => {
  it('records every round trip, fill and order of a real backtest and leaves the journal consistent', async () => {
    const run = await backtest();
    const j = openJournalDb(IN_MEMORY, { create: true });
    const w = new JournalWriter(j.db, { clock, batchSize: 256 });
    const r = recordBacktest(run, { port: w, runExists: (id) => getRun(j.db, id) !== undefined, startedMs: 1, finishedMs: 2 });
    expect(r.runId, 'the first recording keeps the backtest run id').toBe(run.runId);
    const trades = listTrades(j.db, { runId: r.runId });
    expect(trades.length, 'one journal trade per closed round trip').toBe(run.result.trips.length);
    expect(trades.length > 10, 'ema-cross trades on two days of BTCUSDT').toBe(true);
    const logFills = [...run.result.log.events()].filter((e) => e.kind === 'order-filled').length;
    const fills = (j.db.prepare("SELECT count(*) AS n FROM events WHERE type = 'Fill' AND run_id = ?").get(r.runId) as { n: number }).n;
    expect(fills, 'every fill of the engine log is a Fill event').toBe(logFills);
    const netSum = trades.reduce((a, t) => a + t.netPnl, 0);
    expect(netSum, 'the journal net P&L is the run net P&L, exact in 1e-8 units').toBe(run.summary.netPnl);
    for (const t of trades) {
      expect(t.plannedEntry, `trade ${t.seqInRun} has a planned entry`).toBeDefined();
      expect(t.reason ?? '', `trade ${t.seqInRun}'s reason is the strategy's note at entry`).toMatch(/EMA\d+ crossed/);
      expect(t.plannedStop, `trade ${t.seqInRun} has its bracket stop`).toBeDefined();
    }
    // ema-cross enters at market: its planned entry is the decision bar's close, the next open is the fill.
    const first = trades[0]!;
    const i = run.data.bars.openTimeMs.indexOf(first.entryTimeMs - run.data.intervalMs);
    expect(first.plannedEntry, 'planned entry = close of the bar before the entry bar').toBeCloseTo(run.data.bars.close[i]!, 6);
    const c = checkJournal(j.db);
    expect(c.consistent, JSON.stringify(c)).toBe(true);
    const stored = getRun(j.db, r.runId)!;
    expect(stored.status, 'the run is finished').toBe('completed');
    expect(stored.config.equity, 'the starting equity is recorded for the review').toBe('10000');
    j.close();
  });

  it('records a rerun of the same backtest under a suffixed run id', async () => {
    const run = await backtest();
    const j = openJournalDb(IN_MEMORY, { create: true });
    const w = new JournalWriter(j.db, { clock });
    const opts = { port: w, runExists: (id: string) => getRun(j.db, id) !== undefined, startedMs: 1, finishedMs: 2 };
    const a = recordBacktest(run, opts);
    const b = recordBacktest(run, opts);
    expect([a.runId, b.runId]).toEqual([run.runId, `${run.runId}.2`]);
    expect(listTrades(j.db, { runId: b.runId }).length, 'the rerun has all its trades').toBe(run.result.trips.length);
    j.close();
  });

  it('picks the first free run id', () => {
    const taken = new Set(['bt-1', 'bt-1.2']);
    expect(freeJournalRunId('bt-1', (id) => taken.has(id))).toBe('bt-1.3');
    expect(freeJournalRunId('bt-2', (id) => taken.has(id))).toBe('bt-2');
  });
});
