import { describe, expect, test } from 'vitest';
import type { Money } from '../core/money.js';
import type { Clock, TimestampMs } from '../core/time.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderIntentEvent } from '../journal/journal-events.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { lastStopTicks } from './restart-protection.js';
import { exitIsSpent, generationOf, intentIdOf, lastUnfinishedRun, newestGenerations, readRunJournalState } from './run-journal-state.js';

const clock: Clock = { nowMs: () => 1_700_000_000_000 as TimestampMs };
const instrument = 'BINANCE:BTCUSDT' as InstrumentId;

function journalWithRun(): { writer: JournalWriter; db: ReturnType<typeof openJournalDb>; runId: string } {
  const db = openJournalDb(IN_MEMORY, { create: true });
  const writer = new JournalWriter(db.db, { clock, batchSize: 1 });
  const runId = writer.startRun({ source: 'live', strategy: 'flip', instruments: [{ id: instrument, tickSize: '0.1', lotSize: '0.001', settle: 'USDT' }], startedMs: 1, config: { venue: 'binanceusdm' } });
  return { writer, db, runId };
}

const stamp = { tsVenue: 10, tsLocal: 10 };
const intent = (runId: string, clientId: string, purpose: string, action: 'buy' | 'sell' = 'buy'): OrderIntentEvent => ({ type: 'OrderIntent', runId, ...stamp, clientId, instrument, action, orderType: 'market', qtyLots: 2, reduceOnly: purpose !== 'entry', purpose });

describe('the journal state of a run', () => {
  test('an adapter rejection after an unknown outcome leaves the intent open; other rejections, cancels and full fills settle it', () => {
    const { writer, db, runId } = journalWithRun();
    for (const id of ['a1', 'a2', 'a3', 'a4']) writer.append(intent(runId, id, 'order'));
    writer.append({ type: 'OrderRejected', runId, ...stamp, clientId: 'a1', instrument, reason: 'VENUE_ERROR: outcome unknown after TIMEOUT: ...; it is not re-sent' });
    writer.append({ type: 'OrderRejected', runId, ...stamp, clientId: 'a2', instrument, reason: 'INSUFFICIENT_MARGIN: ...' });
    writer.append({ type: 'OrderCancelled', runId, ...stamp, clientId: 'a3', instrument });
    writer.append({ type: 'Fill', runId, ...stamp, clientId: 'a4', instrument, action: 'buy', qtyLots: 1, priceTicks: 5, fee: 0 as Money, liquidity: 'taker' });
    const partial = readRunJournalState(db.db, runId);
    expect(partial.intents.get('a4')!.final, 'one of two lots filled: still working').toBeUndefined();
    writer.append({ type: 'Fill', runId, tsVenue: 12, tsLocal: 12, clientId: 'a4', instrument, action: 'buy', qtyLots: 1, priceTicks: 6, fee: 0 as Money, liquidity: 'taker' });
    const s = readRunJournalState(db.db, runId);
    expect([...s.intents.values()].map((x) => x.final), 'a1 may exist on the venue, so it is asked about again').toEqual([undefined, 'rejected', 'cancelled', 'filled']);
    expect(s.lastFillTsVenue).toBe(12);
    expect(s.fills).toHaveLength(2);
  });

  test('a bracket exit is spent when its other exit filled or its entry ended unfilled', () => {
    const { writer, db, runId } = journalWithRun();
    for (const [id, purpose] of [['e1', 'entry'], ['s1', 'stop'], ['t1', 'target'], ['e2', 'entry'], ['s2', 'stop'], ['t2', 'target'], ['p3', 'order']] as const) writer.append(intent(runId, id, purpose));
    writer.append({ type: 'Fill', runId, ...stamp, clientId: 'e1', instrument, action: 'buy', qtyLots: 2, priceTicks: 5, fee: 0 as Money, liquidity: 'taker' });
    writer.append({ type: 'Fill', runId, ...stamp, clientId: 's1', instrument, action: 'sell', qtyLots: 2, priceTicks: 4, fee: 0 as Money, liquidity: 'taker' });
    writer.append({ type: 'Fill', runId, ...stamp, clientId: 'e2', instrument, action: 'buy', qtyLots: 2, priceTicks: 5, fee: 0 as Money, liquidity: 'taker' });
    const s = readRunJournalState(db.db, runId);
    expect(exitIsSpent(s, 't1'), 'the stop of its bracket filled: the take-profit has nothing to protect').toBe(true);
    expect(exitIsSpent(s, 's2'), 'its entry filled and no exit did: the stop protects a position').toBe(false);
    expect(exitIsSpent(s, 'p3'), 'a plain order belongs to no bracket').toBe(false);
  });

  test('re-placed exits map back to their intent, and the last unfinished run is found by strategy, instrument and venue', () => {
    expect(intentIdOf('mfab12cd-o7.3')).toBe('mfab12cd-o7');
    expect(intentIdOf('mfab12cd-o7')).toBe('mfab12cd-o7');
    const { db, runId } = journalWithRun();
    expect(lastUnfinishedRun(db.db, { source: 'live', strategy: 'flip', instrument, venue: 'binanceusdm' })).toBe(runId);
    expect(lastUnfinishedRun(db.db, { source: 'live', strategy: 'flip', instrument, venue: 'bybit-linear' }), 'another venue is another run').toBeUndefined();
  });

  test('of two placements of one exit left open by a kill, the newest is kept', () => {
    expect(generationOf('mfab12cd-o7'), "the intent's own id is the first placement").toBe(1);
    expect(generationOf('mfab12cd-o7.12')).toBe(12);
    const newest = newestGenerations(['mfab12cd-o7.2', 'mfab12cd-o8', 'mfab12cd-o7.3', 'mfab12cd-o7']);
    expect(newest.get('mfab12cd-o7'), 'the replacement .3 was placed after .2 and the first one').toBe('mfab12cd-o7.3');
    expect(newest.get('mfab12cd-o8')).toBe('mfab12cd-o8');
  });

  test("a bare position's stop is the run's last stop on its exit side, moved by its journaled modifications", () => {
    const { writer, db, runId } = journalWithRun();
    const stop = (clientId: string, action: 'buy' | 'sell', triggerTicks: number): OrderIntentEvent => ({ ...intent(runId, clientId, 'stop', action), orderType: 'stop-market', triggerTicks });
    writer.append(stop('s1', 'sell', 100));
    writer.append({ type: 'OrderModified', runId, ...stamp, clientId: 's1', instrument, triggerTicks: 105 });
    writer.append(stop('s2', 'buy', 300));
    expect(lastStopTicks(db.db, runId, 'sell'), "a long's stop: s1, trailed from 100 to 105").toBe(105);
    expect(lastStopTicks(db.db, runId, 'buy'), "a short's stop: s2").toBe(300);
    writer.append(stop('s3', 'sell', 110));
    writer.append({ type: 'OrderModified', runId, ...stamp, clientId: 's1', instrument, triggerTicks: 120 });
    expect(lastStopTicks(db.db, runId, 'sell'), 'the newest stop intent (s3) wins over a later move of an older one').toBe(110);
  });
});
