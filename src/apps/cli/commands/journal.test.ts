import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ManualClock, MS_PER_DAY } from '../../../core/time.js';
import { openJournalDb } from '../../../journal/journal-db.js';
import { JournalWriter } from '../../../journal/journal-writer.js';
import { handTrip, runMeta, T0 } from '../../../../test/support/journal-fixtures.js';
import { REPO_ROOT } from '../../../../test/support/shared-data.js';
import { durationText } from './journal.js';

// Spawns the compiled CLI, as a user runs it. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
const CLI = resolve(REPO_ROOT, 'dist/src/apps/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'microfut-journal-cli-'));

function run(args: readonly string[], env: Record<string, string> = {}): { code: number; out: string; err: string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsc -p tsconfig.build.json first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MICROFUT_JOURNAL: '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A journal with one backtest run of three hand trips, one a day from 2024-01-01. Returns the file and trade ids. */
function makeJournal(name: string): { file: string; ids: number[] } {
  const file = join(dir, name);
  const j = openJournalDb(file, { create: true });
  const w = new JournalWriter(j.db, { clock: new ManualClock(T0) });
  const runId = w.startRun(runMeta('bt-cli', 'backtest', { apiKey: 'CANARY' }));
  for (let d = 0; d < 3; d += 1) {
    const { events, trip } = handTrip(runId, d + 1, T0 + d * MS_PER_DAY);
    for (const e of events) w.append(e);
    w.recordRoundTrip(trip, { plannedEntry: 70000, reason: 'vwap bounce' });
  }
  w.finishRun(runId, { finishedMs: T0 + 3 * MS_PER_DAY, status: 'completed' });
  const ids = (j.db.prepare('SELECT trade_id FROM trades ORDER BY trade_id').all() as { trade_id: number }[]).map((r) => r.trade_id);
  j.close();
  return { file, ids };
}

const eventCount = (file: string): number => {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  db.close();
  return n;
};

describe('microfut journal', () => {
  const { file, ids } = makeJournal('journal.sqlite');
  const [first = 0, second = 0] = ids;

  it('lists runs and trades, filtered by UTC day and instrument, as a table and as JSON', () => {
    const runs = run(['journal', 'runs', '--journal', file]);
    expect(runs.code, runs.err).toBe(0);
    expect(runs.out).toMatch(/bt-cli\s+backtest\s+vwap-bounce\s+BINANCE:BTCUSDT BINANCE:ETHUSDT\s+2024-01-01 00:00\s+completed\s+3\s+0\.44925 USDT/);
    const list = run(['journal', 'list', '--journal', file, '--instrument', 'BTCUSDT', '--from', '2024-01-02', '--to', '2024-01-02', '--json']);
    expect(list.code, list.err).toBe(0);
    const out = JSON.parse(list.out) as { count: number; trades: { tradeId: number; netPnl: number; hit: string; entryTime: string }[] };
    expect(out.count, 'only the trade entered on 2 January').toBe(1);
    expect(out.trades[0]).toMatchObject({ tradeId: second, netPnl: 0.14975, hit: 'target', entryTime: '2024-01-02T00:00:00.000Z' });
    const table = run(['journal', 'list'], { MICROFUT_JOURNAL: file });
    expect(table.out, 'MICROFUT_JOURNAL names the journal').toMatch(/3 trades, 3 won, net 0\.44925 USDT/);
  });

  it('shows a trade with plan vs actual, R, and its fills at exact prices', () => {
    const r = run(['journal', 'show', String(first), '--journal', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/entry\s+2024-01-01T00:00:00\.000Z at 70000 \(planned 70000\), 1 fill\(s\)/);
    expect(r.out).toMatch(/exit reason\s+take-profit \(target hit\)/);
    expect(r.out, 'R = net 0.14975 / risk 0.5').toMatch(/initial risk \/ R\s+0\.50 USDT \/ 0\.30/);
    expect(r.out).toMatch(/held\s+10m 00s \(10 bars\)/);
    expect(r.out).toMatch(/Fill\s+buy 0\.005 @ 70000 \(taker, fee 0\.175 USDT\) for 1-entry/);
    expect(r.out).toMatch(/OrderIntent\s+intent 1-stop: sell 0\.005 stop-market trigger 69900 reduce-only \(stop\)/);
  });

  it('adds a note and tags that show and list then carry', () => {
    const n = run(['journal', 'note', String(first), 'chased', 'the entry', '--journal', file]);
    expect(n.code, n.err).toBe(0);
    const t = run(['journal', 'tag', String(first), 'FOMO', 'late', '--journal', file]);
    expect(t.out).toBe(`trade ${first} tags: fomo late\n`);
    const shown = run(['journal', 'show', String(first), '--journal', file]);
    expect(shown.out).toMatch(/note \d{4}-\d\d-\d\d \d\d:\d\d: chased the entry/);
    expect(shown.out).toMatch(/tags\s+fomo late/);
    const tagged = run(['journal', 'list', '--tag', 'fomo', '--json', '--journal', file]);
    expect((JSON.parse(tagged.out) as { count: number }).count).toBe(1);
  });

  it('exports CSV with every filtered trade and writes nothing when the folder is missing', () => {
    const out = join(dir, 'trades.csv');
    const r = run(['journal', 'export', '--out', out, '--exit-reason', 'take-profit', '--journal', file]);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + 3);
    const bad = run(['journal', 'export', '--out', join(dir, 'missing', 't.csv'), '--journal', file]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: --out: the folder .*missing does not exist/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('refuses an unknown trade id, a bad date and a bad exit reason with exit 2, changing nothing', () => {
    const before = eventCount(file);
    const unknown = run(['journal', 'note', '999999', 'x', '--journal', file]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe('error: trade id: there is no trade 999999 in this journal. Run `microfut journal list` to see trade ids\n');
    expect(run(['journal', 'show', 'abc', '--journal', file]).err).toMatch(/^error: trade id: "abc" is not a trade id/);
    const date = run(['journal', 'list', '--from', '2024-13-01', '--journal', file]);
    expect(date.code).toBe(2);
    expect(date.err).toMatch(/^error: --from: "2024-13-01" is not a real calendar date/);
    expect(run(['journal', 'list', '--exit-reason', 'stopped', '--journal', file]).err).toMatch(/^error: --exit-reason: "stopped" is not one of take-profit, stop-loss/);
    expect(eventCount(file), 'no event was added').toBe(before);
  });

  it('refuses a journal that does not exist and does not create it', () => {
    const missing = join(dir, 'nope.sqlite');
    const r = run(['journal', 'list', '--journal', missing]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error: --journal: there is no journal at .*nope\.sqlite/);
    expect(existsSync(missing)).toBe(false);
  });

  it('checks a consistent journal with exit 0 and rebuilds it to the same rows', () => {
    const c = run(['journal', 'check', '--journal', file]);
    expect(c.code, c.out + c.err).toBe(0);
    expect(c.out).toMatch(/projections\s+equal to a rebuild from the events/);
    expect(run(['journal', 'rebuild', '--journal', file]).out).toMatch(/from \d+ events/);
    const db = new Database(file);
    db.prepare('UPDATE runs SET trade_count = 99').run();
    db.close();
    const broken = run(['journal', 'check', '--journal', file]);
    expect(broken.code, 'a projection that disagrees with the events fails the check').toBe(1);
    expect(broken.out).toMatch(/runs: 1 extra, 1 missing/);
    run(['journal', 'rebuild', '--journal', file]);
    expect(run(['journal', 'check', '--journal', file]).code).toBe(0);
  });
});

describe('durationText', () => {
  it('prints the largest two units', () => {
    expect([45_000, 200_000, 7_500_000, 97_200_000].map(durationText)).toEqual(['45s', '3m 20s', '2h 05m', '1d 03h']);
  });
});
