import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openJournalDb, resolveJournalPath } from './journal-db.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-journal-db-'));

describe('resolveJournalPath', () => {
  it('takes --journal over MICROFUT_JOURNAL over ~/.microfut/journal.sqlite', () => {
    expect(resolveJournalPath('/a/j.sqlite', { MICROFUT_JOURNAL: '/b/j.sqlite' }, '/home/u')).toEqual({ file: '/a/j.sqlite', inputName: '--journal' });
    expect(resolveJournalPath(undefined, { MICROFUT_JOURNAL: '/b/j.sqlite' }, '/home/u')).toEqual({ file: '/b/j.sqlite', inputName: 'MICROFUT_JOURNAL' });
    expect(resolveJournalPath(undefined, {}, '/home/u').file).toBe('/home/u/.microfut/journal.sqlite');
  });
});

describe('openJournalDb', () => {
  it('creates a journal in WAL mode with foreign keys on and the latest schema version', () => {
    const file = join(dir, 'new', 'journal.sqlite');
    const j = openJournalDb(file, { create: true });
    expect(j.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(j.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(j.db.pragma('synchronous', { simple: true }), 'NORMAL (1): safe against a killed process').toBe(1);
    expect(j.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    j.close();
    expect(statSync(file).mode & 0o777, 'trading records are private to the user').toBe(0o600);
    const live = openJournalDb(file, { create: false, durability: 'power-loss' });
    expect(live.db.pragma('synchronous', { simple: true }), 'FULL (2): every commit fsynced, for live order intents').toBe(2);
    live.close();
  });

  it('numbers migrations 1, 2, 3, ... with no gap, so user_version names exactly what was applied', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuses a missing journal when asked not to create one and creates nothing', () => {
    const file = join(dir, 'missing', 'journal.sqlite');
    expect(() => openJournalDb(file, { create: false, inputName: '--journal' })).toThrow(/^--journal: there is no journal at .*missing\/journal\.sqlite\. Run a backtest/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('refuses a file that is not a journal and leaves it byte for byte as it was', () => {
    const file = join(dir, 'notes.txt');
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(file, text);
    expect(() => openJournalDb(file, { create: false, inputName: '--journal' })).toThrow(/^--journal: .*notes\.txt is not a microfut journal/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a journal written by a newer microfut without touching it', () => {
    const file = join(dir, 'future.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openJournalDb(file, { create: false, inputName: '--journal' })).toThrow(/schema version 2, newer than this microfut understands \(1\)/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(again.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    again.close();
  });

  it('reopens an existing journal without reapplying migrations', () => {
    const file = join(dir, 'reopen.sqlite');
    openJournalDb(file, { create: true }).close();
    const j = openJournalDb(file, { create: false });
    expect(j.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    j.close();
  });

  it('refuses a folder given as the journal file', () => {
    expect(() => openJournalDb(dir, { create: true, inputName: '--journal' })).toThrow(/is a folder, not a journal file/);
  });
});
