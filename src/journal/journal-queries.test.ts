import { describe, expect, it } from 'vitest';
import { ManualClock, MS_PER_DAY } from '../core/time.js';
import type { Money } from '../core/money.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { ETHUSDT, handTrip, runMeta, T0 } from '../../test/support/journal-fixtures.js';
import { addNote, addTags } from './annotations.js';
import { openJournalDb } from './journal-db.js';
import { getTrade, listRuns, listTrades, tradeEvents } from './journal-queries.js';
import { JournalWriter } from './journal-writer.js';

/** Two runs: a backtest with BTC trips on days 1-3 (one stopped out) and an ETH trip, and a paper run with one trip. */
function fixture(): ReturnType<typeof openJournalDb> {
  const j = openJournalDb(':memory:', { create: true });
  const w = new JournalWriter(j.db, { clock: new ManualClock(T0) });
  const bt = w.startRun(runMeta('bt'));
  for (let d = 0; d < 3; d += 1) {
    const { events, trip } = handTrip(bt, d + 1, T0 + d * MS_PER_DAY);
    for (const e of events) w.append(e);
    const stopped: RoundTrip = { ...trip, exitReason: 'stop-loss', exitPrice: 69900, netPnl: -85_000_000 as Money };
    w.recordRoundTrip(d === 1 ? stopped : trip, d === 2 ? { tags: ['late'] } : {});
  }
  const eth = handTrip(bt, 4, T0 + 3 * MS_PER_DAY).trip;
  w.recordRoundTrip({ ...eth, instrument: ETHUSDT.id, entryPrice: 2300.55, exitPrice: 2310 });
  w.finishRun(bt, { finishedMs: T0 + 4 * MS_PER_DAY, status: 'completed' });
  const paper = w.startRun({ ...runMeta('pp', 'paper'), startedMs: T0 + 5 * MS_PER_DAY });
  const p = handTrip(paper, 1, T0 + 5 * MS_PER_DAY);
  w.recordRoundTrip({ ...p.trip, source: 'paper' });
  w.flush();
  return j;
}

const ids = (trades: readonly { seqInRun: number; runId: string }[]): string[] => trades.map((t) => `${t.runId}#${t.seqInRun}`);

describe('listTrades', () => {
  const j = fixture();

  it('lists every trade oldest entry first when no filter is given', () => {
    expect(ids(listTrades(j.db))).toEqual(['bt#1', 'bt#2', 'bt#3', 'bt#4', 'pp#1']);
  });

  it('filters by run, source, exit reason and tag', () => {
    expect(ids(listTrades(j.db, { runId: 'pp' }))).toEqual(['pp#1']);
    expect(ids(listTrades(j.db, { source: 'paper' }))).toEqual(['pp#1']);
    expect(ids(listTrades(j.db, { exitReason: 'stop-loss' }))).toEqual(['bt#2']);
    expect(ids(listTrades(j.db, { tag: 'LATE' })), 'tags match case-insensitively').toEqual(['bt#3']);
  });

  it('matches a full instrument id exactly and a bare symbol on any venue', () => {
    expect(ids(listTrades(j.db, { instrument: 'BINANCE:ETHUSDT' }))).toEqual(['bt#4']);
    expect(ids(listTrades(j.db, { instrument: 'ethusdt' }))).toEqual(['bt#4']);
    expect(listTrades(j.db, { instrument: 'BYBIT:ETHUSDT' })).toEqual([]);
  });

  it('keeps entries on both date bounds (inclusive)', () => {
    expect(ids(listTrades(j.db, { fromMs: T0 + MS_PER_DAY, toMs: T0 + 2 * MS_PER_DAY }))).toEqual(['bt#2', 'bt#3']);
    expect(ids(listTrades(j.db, { fromMs: T0 + MS_PER_DAY + 1, toMs: T0 + 2 * MS_PER_DAY - 1 }))).toEqual([]);
  });

  it('marks the stop or the target hit from the exit reason', () => {
    expect(listTrades(j.db, { runId: 'bt' }).map((t) => t.hit)).toEqual(['target', 'stop', 'target', 'target']);
  });
});

describe('getTrade and tradeEvents', () => {
  it('returns a trade with its fills, orders, closing event and later notes in seq order', () => {
    const j = fixture();
    const first = listTrades(j.db)[0];
    if (first === undefined) throw new Error('fixture has no trades');
    addNote(j.db, first.tradeId, '  entered late  ', new ManualClock(T0 + 10 * MS_PER_DAY));
    addTags(j.db, first.tradeId, ['Review', 'review'], new ManualClock(T0 + 10 * MS_PER_DAY));
    const t = getTrade(j.db, first.tradeId);
    expect(t?.notes).toEqual([{ seq: expect.any(Number) as number, tsMs: T0 + 10 * MS_PER_DAY, text: 'entered late' }]);
    expect(t?.tags).toEqual(['review']);
    const types = tradeEvents(j.db, first).map((e) => e.event.type);
    expect(types, 'the 7 order events of handTrip, then the close, then the note and tag').toEqual([
      'OrderIntent', 'OrderAccepted', 'Fill', 'OrderIntent', 'OrderIntent', 'Fill', 'OrderCancelled', 'RoundTripClosed', 'NoteAdded', 'TagAdded',
    ]);
    expect(getTrade(j.db, 999_999)).toBeUndefined();
  });
});

describe('listRuns', () => {
  it('lists runs newest first with trade counts, net P&L and status', () => {
    const j = fixture();
    const runs = listRuns(j.db);
    expect(runs.map((r) => [r.runId, r.source, r.status, r.tradeCount])).toEqual([
      ['pp', 'paper', 'running', 1],
      ['bt', 'backtest', 'completed', 4],
    ]);
    expect(runs[1]?.netPnl, '3 x 0.14975 - 0.85 USDT').toBe(3 * 14_975_000 - 85_000_000);
    expect(runs[1]?.startedMs).toBe(T0);
    expect(runs[0]?.startedMs).toBe(T0 + 5 * MS_PER_DAY);
  });
});
