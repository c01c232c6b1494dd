// `microfut backtest --journal` killed with SIGKILL while it records the run: the journal must stay consistent.
// Spawns the compiled CLI; `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/journal-fixtures.js';
import { REPO_ROOT, sharedData } from '../../test/support/shared-data.js';
import { checkJournal } from '../journal/journal-check.js';
import { openJournalDb } from '../journal/journal-db.js';
import { listRuns } from '../journal/journal-queries.js';

const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const KLINES = sharedData('binance/futures-um/klines/BTCUSDT-1m-2025-05-04_2025-06-24.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'microfut-sink-crash-'));

/** Committed events of the journal, read without taking a write lock; 0 while the file or schema is not there. */
function committedEvents(file: string): number {
  if (!existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Runs a backtest into `file`; once the journal holds more than `afterEvents` events (polled), SIGKILLs it. */
function backtestAndKill(file: string, to: string, afterEvents: number): Promise<'killed' | 'finished'> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'backtest', '--strategy', 'ema-cross', '--instrument', 'BINANCE:BTCUSDT', '--data', KLINES, '--from', '2025-05-05', '--to', to, '--journal', file, '--json'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CI: '1' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setInterval(() => {
      if (committedEvents(file) > afterEvents) child.kill('SIGKILL');
    }, 1);
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') done('killed');
      else if (code === 0) done('finished');
      else fail(new Error(`backtest failed (${code}): ${err}`));
    });
  });
}

describe('backtest journal under SIGKILL', () => {
  it('leaves a consistent journal whenever the backtest is killed while recording', { timeout: 180_000 }, async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
    const rnd = seededRandom(20250512);
    const file = join(dir, 'journal.sqlite');
    const outcomes: string[] = [];
    // Different end dates give different run ids, so every kill starts a new run in the same journal.
    for (const [k, to] of ['2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05'].entries()) {
      const before = committedEvents(file);
      const outcome = await backtestAndKill(file, to, before + Math.floor(rnd() * 8000));
      outcomes.push(outcome);
      const j = openJournalDb(file, { create: false });
      try {
        const c = checkJournal(j.db);
        expect(c.integrity, `kill ${k}: PRAGMA integrity_check`).toEqual(['ok']);
        expect(c.foreignKeyViolations, `kill ${k}: foreign keys`).toBe(0);
        expect(c.projectionDifferences, `kill ${k}: projections equal a rebuild from the events`).toEqual([]);
        const half = j.db
          .prepare(`SELECT t.trade_id FROM trades t WHERE (SELECT count(*) FROM events e WHERE e.run_id = t.run_id AND e.type = 'Fill'
              AND e.ts_ms BETWEEN t.entry_ms AND t.exit_ms) < t.entries + t.exits`)
          .all();
        expect(half, `kill ${k}: every recorded trade has its fills`).toEqual([]);
      } finally {
        j.close();
      }
    }
    const j = openJournalDb(file, { create: false });
    const running = listRuns(j.db).filter((r) => r.status === 'running' && r.eventCount > 1);
    j.close();
    expect(outcomes.filter((o) => o === 'killed').length, `the kills landed (${outcomes.join(', ')})`).toBeGreaterThan(0);
    expect(running.length, 'at least one kill landed mid-recording: a run with some events but no finish').toBeGreaterThan(0);
  });
});
