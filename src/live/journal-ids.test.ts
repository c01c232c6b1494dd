import { describe, expect, test } from 'vitest';
import { ManualClock } from '../core/time.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { continueIds, JournalIds } from './journal-ids.js';

describe('continueIds', () => {
  test('a restarted run continues after the highest journaled client id, so no id is handed out twice', () => {
    const j = openJournalDb(IN_MEMORY, { create: true });
    const w = new JournalWriter(j.db, { clock: new ManualClock(0), batchSize: 1 });
    const runId = w.startRun({ runId: 'live-20250101-000000-ab12', source: 'live', strategy: 's', instruments: [], startedMs: 0 });
    const first = continueIds(j.db, runId);
    expect(first, 'a new run starts at 1').toEqual({ tag: 'mf00ab12-', first: 1 });
    const ids = new JournalIds(first.tag, first.first);
    const spent = [ids.next('o'), ids.next('o'), ids.next('o')];
    for (const clientId of spent.slice(0, 2)) w.append({ type: 'OrderIntent', runId, tsVenue: 0, tsLocal: 0, clientId, instrument: 'BINANCE:BTCUSDT', action: 'buy', orderType: 'market', qtyLots: 1, reduceOnly: false });
    // The third id was made but never journaled (the process died before sending): reusing it is harmless.
    const again = continueIds(j.db, runId);
    expect(again.first, 'two intents journaled: continue at 3').toBe(3);
    expect(new JournalIds(again.tag, again.first).next('o')).toBe('mf00ab12-o3');
    expect(spent[0], 'fits Binance ^[.A-Z:/a-z0-9_-]{1,36}$').toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
    j.close();
  });
});
