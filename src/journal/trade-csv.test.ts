import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/time.js';
import { handTrip, runMeta, T0 } from '../../test/support/journal-fixtures.js';
import { addNote } from './annotations.js';
import { openJournalDb } from './journal-db.js';
import { listTrades } from './journal-queries.js';
import { JournalWriter } from './journal-writer.js';
import { csvText, TRADE_CSV_COLUMNS, tradesToCsv, writeFileAtomically } from './trade-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'microfut-trade-csv-'));

describe('tradesToCsv', () => {
  it('writes exact money, ISO times and quoted notes, one row per trade', () => {
    const j = openJournalDb(':memory:', { create: true });
    const w = new JournalWriter(j.db, { clock: new ManualClock(T0) });
    const runId = w.startRun(runMeta('bt'));
    w.recordRoundTrip(handTrip(runId).trip, { reason: 'vwap, then "bounce"' });
    w.flush();
    const t = listTrades(j.db)[0];
    if (t === undefined) throw new Error('no trade');
    addNote(j.db, t.tradeId, '=HYPERLINK("http://x")', new ManualClock(T0));
    const csv = tradesToCsv(listTrades(j.db));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(TRADE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    const row = lines[1] ?? '';
    expect(row, 'money from the hand-computed trip: net 0.14975, fees 0.35025 USDT').toContain(',USDT,0.5,0.35025,0,0.14975,0.5,-0.02,0.5,take-profit,target,');
    expect(row).toContain(',2024-01-01T00:00:00.000Z,2024-01-01T00:10:00.000Z,600,');
    expect(row, 'a quote inside a field is doubled and the field quoted (RFC 4180)').toContain(',"vwap, then ""bounce""",');
    expect(row.endsWith(`,"'=HYPERLINK(""http://x"")"`), 'a formula-looking note is defused').toBe(true);
  });

  it('never defuses a negative number, only free text', () => {
    expect(csvText('-5 was the loss')).toBe("'-5 was the loss");
    expect(csvText('plain')).toBe('plain');
  });
});

describe('writeFileAtomically', () => {
  it('replaces the target whole and leaves no temporary file', () => {
    const file = join(dir, 'out.csv');
    writeFileSync(file, 'old');
    writeFileAtomically(file, 'new,content\r\n', '--out');
    expect(readFileSync(file, 'utf8')).toBe('new,content\r\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a missing folder and an unwritable folder, leaving the old file as it was', () => {
    expect(() => writeFileAtomically(join(dir, 'nope', 'out.csv'), 'x', '--out')).toThrow(/^--out: the folder .*nope does not exist/);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
    if (process.getuid?.() === 0) return; // root writes anywhere: the permission case cannot be staged
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'out.csv'), 'old');
    chmodSync(locked, 0o500);
    try {
      expect(() => writeFileAtomically(join(locked, 'out.csv'), 'x', '--out')).toThrow(/^--out: cannot write .*out\.csv \(EACCES\)/);
      expect(readFileSync(join(locked, 'out.csv'), 'utf8')).toBe('old');
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});
