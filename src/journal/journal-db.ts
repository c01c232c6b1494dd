// Opens or creates a journal file: where it lives, the SQLite settings that make it crash-safe (WAL, synchronous,
// foreign keys) and the schema migrations. Must never open a file that is not a journal without saying so.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';
import { migrate } from './migrations.js';

/** The environment variable that names the journal file when no --journal flag is given. */
export const JOURNAL_ENV = 'MICROFUT_JOURNAL';

/**
 * What a committed transaction survives.
 * - `process-crash` (synchronous = NORMAL): a killed process or crashed program loses nothing committed; a power
 *   cut may roll back the last few transactions, never corrupt the file (SQLite WAL guarantee,
 *   https://www.sqlite.org/pragma.html#pragma_synchronous). The default: backtests and reading.
 * - `power-loss` (synchronous = FULL): every commit is fsynced before it returns, so an order intent on disk stays
 *   there after a power cut. Live trading uses it; it costs one fsync per transaction.
 */
export type Durability = 'process-crash' | 'power-loss';

export interface OpenOptions {
  /** Create the file (and its folder) when missing; readers pass false so a typo does not make an empty journal. */
  readonly create: boolean;
  readonly durability?: Durability;
  /** The flag or variable the path came from, named in errors (e.g. "--journal"). */
  readonly inputName?: string;
}

/** A journal that lives in memory only (tests, dry runs): same schema, nothing on disk. */
export const IN_MEMORY = ':memory:';

export interface JournalDb {
  readonly db: Database.Database;
  /** Absolute path of the journal file. */
  readonly file: string;
  close(): void;
}

/**
 * The journal path: `--journal FILE` when given, else $MICROFUT_JOURNAL, else ~/.microfut/journal.sqlite.
 * Returns the path and the name of where it came from, for error messages.
 */
export function resolveJournalPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): { readonly file: string; readonly inputName: string } {
  if (flag !== undefined && flag.trim() !== '') return { file: resolve(flag), inputName: '--journal' };
  const fromEnv = env[JOURNAL_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { file: resolve(fromEnv), inputName: JOURNAL_ENV };
  return { file: join(home, '.microfut', 'journal.sqlite'), inputName: 'the default journal' };
}

/**
 * Opens the journal at `file` with WAL, the chosen synchronous level, foreign keys on and a busy timeout (a CLI
 * `note` may run while a backtest writes), then applies pending migrations. Errors name the file and the fix.
 */
export function openJournalDb(file: string, opts: OpenOptions): JournalDb {
  const inputName = opts.inputName ?? file;
  if (file === IN_MEMORY) {
    const db = new Database(IN_MEMORY);
    configure(db, opts.durability ?? 'process-crash');
    migrate(db, inputName);
    return { db, file: IN_MEMORY, close: () => db.close() };
  }
  const absolute = resolve(file);
  const existed = existsSync(absolute);
  if (existed && statSync(absolute).isDirectory()) {
    throw new InputError('INVALID_FILE', inputName, `${absolute} is a folder, not a journal file`, 'Pass a file path such as ~/.microfut/journal.sqlite');
  }
  if (!existed && !opts.create) {
    throw new InputError('NOT_FOUND', inputName, `there is no journal at ${absolute}`, 'Run a backtest or paper session first, or pass --journal FILE (or set MICROFUT_JOURNAL) to the journal you meant');
  }
  if (!existed) {
    try {
      mkdirSync(dirname(absolute), { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new InputError('INVALID_FILE', inputName, `cannot create the folder ${dirname(absolute)} (${(e as Error).message})`, 'Pass --journal with a path in a folder you can write');
    }
  }
  let db: Database.Database;
  try {
    db = new Database(absolute, { fileMustExist: !opts.create });
  } catch (e) {
    throw new InputError('INVALID_FILE', inputName, `cannot open ${absolute} (${(e as Error).message})`, 'Pass --journal with a path you can read and write');
  }
  try {
    configure(db, opts.durability ?? 'process-crash');
    migrate(db, inputName);
  } catch (e) {
    db.close();
    if (e instanceof InputError) throw e;
    const message = (e as Error).message;
    if (/not a database|malformed|file is encrypted/i.test(message)) {
      throw new InputError('INVALID_FILE', inputName, `${absolute} is not a microfut journal (${message})`, 'Pass --journal with a journal file, or a new path to create one');
    }
    throw e;
  }
  if (!existed) {
    // Trading records are private; SQLite gives the -wal and -shm files the same permissions as the database file.
    try {
      chmodSync(absolute, 0o600);
    } catch {
      // Filesystems without POSIX permissions (some network and Windows drives) keep their default.
    }
  }
  return { db, file: absolute, close: () => db.close() };
}

function configure(db: Database.Database, durability: Durability): void {
  // journal_mode=WAL: readers never block the writer and a crash mid-transaction leaves the last commit intact.
  // An in-memory database has no file to log to and reports "memory".
  const mode = (db.pragma('journal_mode = WAL', { simple: true }) as string).toLowerCase();
  if (mode !== 'wal' && !(db.memory && mode === 'memory')) throw new Error(`journal_mode WAL not available (got ${mode})`);
  db.pragma(`synchronous = ${durability === 'power-loss' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}
