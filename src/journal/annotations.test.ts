import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/time.js';
import { handTrip, runMeta, T0 } from '../../test/support/journal-fixtures.js';
import { addNote, addTags, MAX_NOTE_CHARS, normaliseTag } from './annotations.js';
import { openJournalDb } from './journal-db.js';
import { JournalWriter } from './journal-writer.js';
import { snapshotProjections } from './projections.js';

function journalWithOneTrade(): { j: ReturnType<typeof openJournalDb>; tradeId: number } {
  const j = openJournalDb(':memory:', { create: true });
  const w = new JournalWriter(j.db, { clock: new ManualClock(T0) });
  const runId = w.startRun(runMeta('bt'));
  w.recordRoundTrip(handTrip(runId).trip);
  w.flush();
  const { trade_id } = j.db.prepare('SELECT trade_id FROM trades').get() as { trade_id: number };
  return { j, tradeId: trade_id };
}

const eventCount = (j: ReturnType<typeof openJournalDb>): number => (j.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

describe('notes and tags', () => {
  const clock = new ManualClock(T0);

  it('refuses an unknown trade, a blank or overlong note and a bad tag, and writes nothing', () => {
    const { j, tradeId } = journalWithOneTrade();
    const before = { events: eventCount(j), projections: snapshotProjections(j.db) };
    expect(() => addNote(j.db, tradeId + 1000, 'x', clock)).toThrow(/^trade id: there is no trade \d+ in this journal\. Run `microfut journal list`/);
    expect(() => addNote(j.db, tradeId, '   ', clock)).toThrow(/the note is empty/);
    expect(() => addNote(j.db, tradeId, 'x'.repeat(MAX_NOTE_CHARS + 1), clock)).toThrow(/more than 4000/);
    expect(() => addTags(j.db, tradeId, ['ok', '--json'], clock)).toThrow(/^tag "--json": "--json" is not a valid tag/);
    expect(() => addTags(j.db, tradeId, [], clock)).toThrow(/no tag was given/);
    expect({ events: eventCount(j), projections: snapshotProjections(j.db) }).toEqual(before);
  });

  it('normalises tags to lower case and keeps a repeated tag once', () => {
    expect(normaliseTag(' News:CPI ', 't')).toBe('news:cpi');
    const { j, tradeId } = journalWithOneTrade();
    expect(addTags(j.db, tradeId, ['FOMO', 'fomo', 'late-entry'], clock)).toEqual(['fomo', 'late-entry']);
    addTags(j.db, tradeId, ['fomo'], clock);
    expect(j.db.prepare('SELECT tag FROM trade_tags ORDER BY tag').all()).toEqual([{ tag: 'fomo' }, { tag: 'late-entry' }]);
  });
});
