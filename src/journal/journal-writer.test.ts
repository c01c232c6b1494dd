import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/time.js';
import { handTrip, runMeta, T0 } from '../../test/support/journal-fixtures.js';
import { openJournalDb } from './journal-db.js';
import { getTrade, listRuns } from './journal-queries.js';
import { JournalWriter } from './journal-writer.js';
import { compareWithRebuild, rebuildProjections, snapshotProjections } from './projections.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-journal-writer-'));
let n = 0;
const freshJournal = (): ReturnType<typeof openJournalDb> => openJournalDb(join(dir, `j${(n += 1)}.sqlite`), { create: true });
const clock = new ManualClock(T0);

describe('JournalWriter', () => {
  it('records a round trip with plan vs actual, stop or target hit, time held and money exactly', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock });
    const runId = w.startRun(runMeta('bt-1'));
    const { events, trip } = handTrip(runId);
    for (const e of events) w.append(e);
    w.recordRoundTrip(trip, { plannedEntry: 69999.9, reason: 'bounce off the session VWAP', tags: ['A-Setup', 'a-setup', 'morning'] });
    w.finishRun(runId, { finishedMs: T0 + 3_600_000, status: 'completed' });
    const row = j.db.prepare('SELECT * FROM trades').get() as Record<string, unknown>;
    expect(row, 'every column as the hand-written trip says (see journal-fixtures handTrip)').toMatchObject({
      run_id: 'bt-1',
      seq_in_run: 1,
      source: 'backtest',
      instrument: 'BINANCE:BTCUSDT',
      side: 'long',
      entry_ms: T0,
      exit_ms: T0 + 600_000,
      held_ms: 600_000,
      planned_entry: 69999.9,
      entry_price: 70000,
      planned_stop: 69900,
      planned_target: 70100,
      exit_price: 70100,
      gross_pnl: 50_000_000,
      fees: 35_025_000,
      funding: 0,
      net_pnl: 14_975_000,
      exit_reason: 'take-profit',
      hit: 'target',
      reason: 'bounce off the session VWAP',
      initial_risk: 50_000_000,
      mae: -2_000_000,
      mfe: 50_000_000,
      bars_held: 10,
    });
    const trade = getTrade(j.db, row['trade_id'] as number);
    expect(trade?.tags, 'tags are lower-cased and kept once').toEqual(['a-setup', 'morning']);
    expect(trade?.settle).toBe('USDT');
    const run = listRuns(j.db)[0];
    expect(run).toMatchObject({ runId: 'bt-1', status: 'completed', tradeCount: 1, netPnl: 14_975_000, eventCount: events.length + 3 });
    const orders = j.db.prepare('SELECT client_id, status, filled_lots FROM orders ORDER BY client_id').all();
    expect(orders).toEqual([
      { client_id: '1-entry', status: 'filled', filled_lots: 5 },
      { client_id: '1-stop', status: 'cancelled', filled_lots: 0 },
      { client_id: '1-target', status: 'filled', filled_lots: 5 },
    ]);
    j.close();
  });

  it('keeps events in memory until the batch is full, but commits a live order intent before append returns', () => {
    const j = freshJournal();
    const reader = new Database(j.file, { readonly: true });
    const committed = (): number => (reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const w = new JournalWriter(j.db, { clock, batchSize: 100 });
    const runId = w.startRun(runMeta('live-batch', 'live'));
    expect(committed(), 'startRun commits at once').toBe(1);
    const { events } = handTrip(runId);
    const [intent, accepted, fill] = events;
    if (intent === undefined || accepted === undefined || fill === undefined) throw new Error('fixture changed');
    w.append(accepted);
    w.append(fill);
    expect(committed(), 'two market events wait for the batch').toBe(1);
    w.append(intent);
    expect(committed(), 'a live intent flushes itself and everything before it: a restart must find it, never resend').toBe(4);
    expect(w.stats()).toEqual({ eventsWritten: 4, transactions: 2 });
    const bt = w.startRun(runMeta('bt-batch', 'backtest'));
    const btIntent = handTrip(bt).events[0];
    if (btIntent === undefined) throw new Error('fixture changed');
    w.append(btIntent);
    expect(committed(), 'a backtest sends nothing, so its intents wait for the batch').toBe(5);
    w.flush();
    expect(committed()).toBe(6);
    reader.close();
    j.close();
  });

  it('refuses a run id that is already in the journal and writes nothing', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock });
    w.startRun(runMeta('bt-dup'));
    expect(() => new JournalWriter(j.db, { clock }).startRun(runMeta('bt-dup'))).toThrow(/run bt-dup is already in the journal/);
    expect((j.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(1);
    j.close();
  });

  it('refuses events for a run it did not start, as a bug', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock });
    const { events } = handTrip('nobody');
    const first = events[0];
    if (first === undefined) throw new Error('fixture changed');
    expect(() => w.append(first)).toThrow(/run nobody started/);
    j.close();
  });

  it('refuses a client id used twice in a run as a bug and writes none of that batch', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock, batchSize: 10 });
    const runId = w.startRun(runMeta('bt-twice'));
    const intent = handTrip(runId).events[0];
    if (intent === undefined) throw new Error('fixture changed');
    w.append(intent);
    w.append(intent);
    expect(() => w.flush()).toThrow(/client ids unique within a run.*SQLITE_CONSTRAINT_PRIMARYKEY.*batch of 2 events was not written/);
    expect((j.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 'only RunStarted').toBe(1);
    j.close();
  });

  it('gives a run id with the source and UTC start time when none is passed', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock: new ManualClock(Date.UTC(2025, 4, 4, 15, 33, 0)) });
    const { runId: _omit, ...meta } = runMeta('x', 'paper');
    expect(w.startRun(meta)).toMatch(/^paper-20250504-153300-[0-9a-f]{4}$/);
    j.close();
  });

  it('rebuilds projections equal to the incremental ones, notes and tags included', () => {
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock, batchSize: 3 });
    const runId = w.startRun(runMeta('bt-rebuild'));
    for (let i = 1; i <= 5; i += 1) {
      const { events, trip } = handTrip(runId, i, T0 + i * 3_600_000);
      for (const e of events) w.append(e);
      w.recordRoundTrip(trip, { tags: [`t${i}`] });
    }
    w.finishRun(runId, { finishedMs: T0 + 86_400_000, status: 'completed', metrics: { sharpe: 1.2 } });
    const before = snapshotProjections(j.db);
    expect((before['trades'] ?? []).length).toBe(5);
    expect(compareWithRebuild(j.db), 'the check rebuilds in a rolled-back transaction').toEqual([]);
    expect(rebuildProjections(j.db)).toBe(1 + 5 * 8 + 1);
    expect(snapshotProjections(j.db)).toEqual(before);
    j.close();
  });
});

describe('secrets', () => {
  it('never writes a secret from the run config or metrics to the journal file', () => {
    const canary = 'CANARY-7f3a9c-do-not-store';
    const j = freshJournal();
    const w = new JournalWriter(j.db, { clock });
    const runId = w.startRun(runMeta('bt-secret', 'live', { venue: { apiKey: canary, api_secret: canary, nested: [{ passphrase: canary }] }, targetPct: 0.2 }));
    w.finishRun(runId, { finishedMs: T0, status: 'completed', metrics: { 'X-MBX-APIKEY': canary, winRate: 0.5 } });
    const run = listRuns(j.db)[0];
    expect(run?.config).toEqual({ venue: { apiKey: '[redacted]', api_secret: '[redacted]', nested: [{ passphrase: '[redacted]' }] }, targetPct: 0.2 });
    j.db.pragma('wal_checkpoint(TRUNCATE)');
    j.close();
    for (const f of [j.file, `${j.file}-wal`]) {
      if (existsSync(f)) expect(readFileSync(f).includes(canary), `${f} must not hold the canary`).toBe(false);
    }
  });
});
