// Checks a journal after a crash or on request: SQLite's own integrity check, foreign keys, and that every
// projection equals a rebuild from the events. Read-only: the rebuild it compares against is rolled back.
import type Database from 'better-sqlite3';
import { compareWithRebuild, type ProjectionDifference } from './projections.js';

export interface JournalCheck {
  /** `PRAGMA integrity_check` lines; exactly ['ok'] for a sound file. */
  readonly integrity: readonly string[];
  /** Rows whose foreign key points at nothing (`PRAGMA foreign_key_check`). */
  readonly foreignKeyViolations: number;
  /** Projection tables that differ from a rebuild; empty when consistent. */
  readonly projectionDifferences: readonly ProjectionDifference[];
  readonly consistent: boolean;
  readonly events: number;
  readonly trades: number;
}

/** Runs every check. Takes a write lock briefly (the rebuild it compares with), then rolls back. */
export function checkJournal(db: Database.Database): JournalCheck {
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  const foreignKeyViolations = (db.pragma('foreign_key_check') as unknown[]).length;
  const projectionDifferences = compareWithRebuild(db);
  const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    integrity,
    foreignKeyViolations,
    projectionDifferences,
    consistent: integrity.length === 1 && integrity[0] === 'ok' && foreignKeyViolations === 0 && projectionDifferences.length === 0,
    events: count('events'),
    trades: count('trades'),
  };
}
