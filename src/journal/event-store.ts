// The append-only events table: writing one event row and reading rows back as typed events. Rows are only ever
// inserted; nothing here updates or deletes an event.
import type Database from 'better-sqlite3';
import { InvariantError } from '../core/errors.js';
import { eventInstrument, eventTimeMs, eventTradeId, JOURNAL_EVENT_TYPES, type JournalEvent } from './journal-events.js';

/** An event as stored: its sequence number (global, increasing, the order of truth) and the event. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: JournalEvent;
}

export interface EventRow {
  readonly seq: number;
  readonly type: string;
  readonly run_id: string;
  readonly payload: string;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(JOURNAL_EVENT_TYPES);

/** Prepared insert for the events table; `insert` returns the new event's seq. */
export function eventInserter(db: Database.Database): (event: JournalEvent) => number {
  const stmt = db.prepare('INSERT INTO events (type, run_id, trade_id, instrument, ts_ms, payload) VALUES (?, ?, ?, ?, ?, ?)');
  return (event) => {
    const info = stmt.run(event.type, event.runId, eventTradeId(event) ?? null, eventInstrument(event) ?? null, eventTimeMs(event), JSON.stringify(event));
    return Number(info.lastInsertRowid);
  };
}

/** Decodes a stored row. A row that does not parse is corrupt data: the message says which seq and what was found. */
export function decodeEventRow(row: EventRow): StoredEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.payload);
  } catch {
    throw new InvariantError(`event ${row.seq} to hold JSON`, row.payload.slice(0, 80));
  }
  const e = parsed as Partial<JournalEvent> | null;
  if (e === null || typeof e !== 'object' || typeof e.type !== 'string' || !KNOWN_TYPES.has(e.type) || e.type !== row.type || e.runId !== row.run_id) {
    throw new InvariantError(`event ${row.seq} of type ${row.type} for run ${row.run_id}`, row.payload.slice(0, 80));
  }
  return { seq: row.seq, event: parsed as JournalEvent };
}

/**
 * Every event in seq order, read in pages so the caller may write to the same connection between pages
 * (better-sqlite3 refuses other statements while an iterator is open).
 */
export function* readAllEvents(db: Database.Database, pageSize = 5_000): Generator<StoredEvent> {
  const page = db.prepare('SELECT seq, type, run_id, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
  let after = 0;
  for (;;) {
    const rows = page.all(after, pageSize) as EventRow[];
    for (const row of rows) yield decodeEventRow(row);
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return;
    after = last.seq;
  }
}
