import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/time.js';
import { randomTrip, runMeta, seededRandom, T0 } from '../../test/support/journal-fixtures.js';
import { addNote, addTags } from './annotations.js';
import { openJournalDb } from './journal-db.js';
import { JournalWriter } from './journal-writer.js';
import { compareWithRebuild, rebuildProjections, snapshotProjections } from './projections.js';

/** Writes the same seeded session (runs, trips, notes, tags) with a given batch size; returns the snapshot. */
function writeSession(seed: number, batchSize: number, runs: number, tripsPerRun: number): { snapshot: ReturnType<typeof snapshotProjections>; rebuilt: ReturnType<typeof snapshotProjections>; differences: number } {
  const j = openJournalDb(':memory:', { create: true });
  const rnd = seededRandom(seed);
  const clock = new ManualClock(T0);
  const w = new JournalWriter(j.db, { clock, batchSize });
  for (let r = 0; r < runs; r += 1) {
    const runId = w.startRun(runMeta(`run-${seed}-${r}`));
    let t = T0 + r * 86_400_000;
    for (let i = 1; i <= tripsPerRun; i += 1) {
      const { events, trip } = randomTrip(runId, i, t, rnd);
      for (const e of events) w.append(e);
      w.recordRoundTrip(trip, rnd() < 0.3 ? { tags: ['gen', `r${r}`] } : {});
      t = trip.exitTimeMs + 60_000;
    }
    w.flush();
    const ids = (j.db.prepare('SELECT trade_id FROM trades WHERE run_id = ?').all(runId) as { trade_id: number }[]).map((x) => x.trade_id);
    for (const id of ids) {
      if (rnd() < 0.2) addNote(j.db, id, `note on ${id}`, clock);
      if (rnd() < 0.2) addTags(j.db, id, ['reviewed'], clock);
    }
    if (r % 2 === 0) w.finishRun(runId, { finishedMs: t, status: 'completed' });
  }
  w.flush();
  const snapshot = snapshotProjections(j.db);
  const differences = compareWithRebuild(j.db).length;
  rebuildProjections(j.db);
  const rebuilt = snapshotProjections(j.db);
  j.close();
  return { snapshot, rebuilt, differences };
}

describe('projections', () => {
  it('equal a rebuild from the events, whatever the batch size (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 12 }), (seed, batch, runs, trips) => {
        const a = writeSession(seed, batch, runs, trips);
        expect(a.differences, 'the SQL comparison finds no difference').toBe(0);
        expect(a.rebuilt, 'rebuilt rows equal the incremental rows').toEqual(a.snapshot);
        const unbatched = writeSession(seed, 1, runs, trips);
        expect(unbatched.snapshot, 'batching changes when rows are committed, never what they hold').toEqual(a.snapshot);
      }),
      { numRuns: 25 },
    );
  });

  it('reports a tampered trade row without changing it', () => {
    const j = openJournalDb(':memory:', { create: true });
    const w = new JournalWriter(j.db, { clock: new ManualClock(T0) });
    const runId = w.startRun(runMeta('tamper'));
    const rnd = seededRandom(7);
    for (let i = 1; i <= 3; i += 1) {
      const { events, trip } = randomTrip(runId, i, T0 + i * 3_600_000, rnd);
      for (const e of events) w.append(e);
      w.recordRoundTrip(trip);
    }
    w.flush();
    j.db.prepare('UPDATE trades SET net_pnl = net_pnl + 1 WHERE seq_in_run = 2').run();
    j.db.prepare("DELETE FROM orders WHERE client_id = '1-in-0'").run();
    const tampered = snapshotProjections(j.db);
    expect(compareWithRebuild(j.db)).toEqual([
      { table: 'orders', extra: 0, missing: 1 },
      { table: 'trades', extra: 1, missing: 1 },
    ]);
    expect(snapshotProjections(j.db), 'the check rolls its rebuild back').toEqual(tampered);
    rebuildProjections(j.db);
    expect(compareWithRebuild(j.db), 'a rebuild repairs it').toEqual([]);
    j.close();
  });
});
