// The journal's schema history: a numbered list of migrations, applied in order, each in one transaction with the
// `user_version` pragma set to its number. A migration once released is never edited; changes append a new one.
import type Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';

export interface Migration {
  /** 1, 2, 3, ...: the `user_version` the journal has once this migration is applied. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, runs, trades, trade notes and tags, orders',
    sql: `
      CREATE TABLE events (
        seq        INTEGER PRIMARY KEY,
        type       TEXT    NOT NULL,
        run_id     TEXT    NOT NULL,
        trade_id   INTEGER,
        instrument TEXT,
        ts_ms      INTEGER NOT NULL,
        payload    TEXT    NOT NULL CHECK (json_valid(payload))
      );
      CREATE INDEX events_run_instrument_ts ON events (run_id, instrument, ts_ms);
      CREATE INDEX events_trade ON events (trade_id) WHERE trade_id IS NOT NULL;

      CREATE TABLE runs (
        run_id       TEXT    PRIMARY KEY,
        source       TEXT    NOT NULL CHECK (source IN ('backtest', 'paper', 'live')),
        strategy     TEXT    NOT NULL,
        instruments  TEXT    NOT NULL,
        started_ms   INTEGER NOT NULL,
        finished_ms  INTEGER,
        status       TEXT    NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'aborted')),
        config       TEXT    NOT NULL,
        summary      TEXT,
        trade_count  INTEGER NOT NULL DEFAULT 0,
        net_pnl      INTEGER NOT NULL DEFAULT 0,
        started_seq  INTEGER NOT NULL REFERENCES events (seq)
      );

      CREATE TABLE trades (
        trade_id       INTEGER PRIMARY KEY REFERENCES events (seq),
        run_id         TEXT    NOT NULL REFERENCES runs (run_id),
        seq_in_run     INTEGER NOT NULL,
        source         TEXT    NOT NULL,
        instrument     TEXT    NOT NULL,
        side           TEXT    NOT NULL CHECK (side IN ('long', 'short')),
        entry_ms       INTEGER NOT NULL,
        exit_ms        INTEGER NOT NULL,
        held_ms        INTEGER NOT NULL,
        entry_price    REAL    NOT NULL,
        exit_price     REAL    NOT NULL,
        planned_entry  REAL,
        planned_stop   REAL,
        planned_target REAL,
        max_lots       INTEGER NOT NULL,
        max_contracts  TEXT    NOT NULL,
        entries        INTEGER NOT NULL,
        exits          INTEGER NOT NULL,
        gross_pnl      INTEGER NOT NULL,
        fees           INTEGER NOT NULL,
        funding        INTEGER NOT NULL,
        net_pnl        INTEGER NOT NULL,
        exit_reason    TEXT    NOT NULL,
        hit            TEXT    CHECK (hit IN ('stop', 'target')),
        entry_tag      TEXT,
        reason         TEXT,
        initial_risk   INTEGER,
        mae            INTEGER NOT NULL,
        mfe            INTEGER NOT NULL,
        bars_held      INTEGER NOT NULL,
        UNIQUE (run_id, seq_in_run)
      );
      CREATE INDEX trades_entry ON trades (entry_ms);
      CREATE INDEX trades_instrument ON trades (instrument, entry_ms);

      CREATE TABLE trade_notes (
        seq      INTEGER PRIMARY KEY REFERENCES events (seq),
        trade_id INTEGER NOT NULL REFERENCES trades (trade_id),
        ts_ms    INTEGER NOT NULL,
        text     TEXT    NOT NULL
      );
      CREATE INDEX trade_notes_trade ON trade_notes (trade_id);

      CREATE TABLE trade_tags (
        trade_id INTEGER NOT NULL REFERENCES trades (trade_id),
        tag      TEXT    NOT NULL,
        PRIMARY KEY (trade_id, tag)
      ) WITHOUT ROWID;
      CREATE INDEX trade_tags_tag ON trade_tags (tag);

      CREATE TABLE orders (
        client_id     TEXT    NOT NULL,
        run_id        TEXT    NOT NULL REFERENCES runs (run_id),
        instrument    TEXT    NOT NULL,
        status        TEXT    NOT NULL CHECK (status IN ('intent', 'accepted', 'rejected', 'cancelled', 'filled')),
        qty_lots      INTEGER NOT NULL,
        filled_lots   INTEGER NOT NULL DEFAULT 0,
        venue_order_id TEXT,
        intent_seq    INTEGER NOT NULL REFERENCES events (seq),
        last_seq      INTEGER NOT NULL REFERENCES events (seq),
        PRIMARY KEY (run_id, client_id)
      );
      CREATE INDEX orders_status ON orders (status);
    `,
  },
];

/** The schema version this build of microfut writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings a journal to SCHEMA_VERSION, one transaction per migration, so a crash mid-migration leaves the journal
 * at the previous version. Refuses a journal written by a newer microfut (it would misread it). Returns the
 * versions applied.
 */
export function migrate(db: Database.Database, file: string): readonly number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new InputError(
      'INVALID_FILE',
      file,
      `the journal has schema version ${current}, newer than this microfut understands (${SCHEMA_VERSION})`,
      'Upgrade microfut, or pass --journal with another file',
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      // PRAGMA takes no bound parameters; the version is an integer from the list above, never user input.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
