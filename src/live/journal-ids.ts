// Client order ids for paper and live runs, continued from the journal so that a restarted process never reuses
// one: `<tag><prefix><n>` with n counting on from the run's journaled intents. Must never hand out an id twice.
import type Database from 'better-sqlite3';
import type { IdGenerator } from '../core/ids.js';

export class JournalIds implements IdGenerator {
  private n: number;

  constructor(
    private readonly tag: string,
    first: number,
  ) {
    this.n = first - 1;
  }

  next(prefix: string): string {
    this.n += 1;
    return `${this.tag}${prefix}${this.n}`;
  }
}

/**
 * Where a run's ids go on: one past the highest number in its journaled intents (ids are `<tag><letters><n>`), so ids
 * spent before a crash (journaled before sending) are never handed out again. The tag is short and fits every
 * venue's client-id rule (Binance `^[.A-Z:/a-z0-9_-]{1,36}$`, MEXC 32 characters).
 */
export function continueIds(db: Database.Database, runId: string): { readonly tag: string; readonly first: number } {
  const tag = `mf${runId.replace(/[^A-Za-z0-9]/g, '').slice(-6)}-`;
  const rows = db.prepare("SELECT json_extract(payload, '$.clientId') AS id FROM events WHERE run_id = ? AND type = 'OrderIntent'").all(runId) as { id: string }[];
  let max = 0;
  for (const r of rows) {
    const m = /(\d+)$/.exec(r.id);
    if (m !== null) max = Math.max(max, Number(m[1]));
  }
  return { tag, first: max + 1 };
}
