import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/support/shared-data.js';
import { seededRandom } from '../../test/support/journal-fixtures.js';
import { checkJournal } from './journal-check.js';
import { openJournalDb } from './journal-db.js';

// The child runs the compiled journal, as a backtest would. `npm test` builds first; alone: `npx tsc -p tsconfig.build.json`.
const DIST = resolve(REPO_ROOT, 'dist/src/journal');
const dir = mkdtempSync(join(tmpdir(), 'microfut-journal-crash-'));
const CHILD = join(dir, 'writer.mjs');

// Writes round trips forever: per trip an entry intent and fill, an exit intent and fill, the round trip, and every
// fifth trip a note. After each explicit flush it reports how many trips are committed.
writeFileSync(
  CHILD,
  `
import { openJournalDb } from ${JSON.stringify(pathToFileURL(join(DIST, 'journal-db.js')).href)};
import { JournalWriter } from ${JSON.stringify(pathToFileURL(join(DIST, 'journal-writer.js')).href)};
import { addNote } from ${JSON.stringify(pathToFileURL(join(DIST, 'annotations.js')).href)};
const [file, runId, batch] = process.argv.slice(2);
const clock = { nowMs: () => 1704067200000 };
const j = openJournalDb(file, { create: true });
const w = new JournalWriter(j.db, { clock, batchSize: Number(batch) });
const inst = { id: 'BINANCE:BTCUSDT', tickSize: '0.1', lotSize: '0.001', settle: 'USDT' };
w.startRun({ runId, source: 'backtest', strategy: 'crash-test', instruments: [inst], startedMs: 1704067200000, config: {} });
process.stdout.write('started\\n');
const instrument = inst.id;
for (let i = 1; i < 1e7; i += 1) {
  const t = 1704067200000 + i * 120000;
  const s = (dt) => ({ runId, tsVenue: t + dt, tsLocal: t + dt, instrument });
  const lots = 1 + (i % 7);
  w.append({ type: 'OrderIntent', ...s(0), clientId: i + '-in', action: 'buy', orderType: 'market', qtyLots: lots, reduceOnly: false });
  w.append({ type: 'Fill', ...s(0), clientId: i + '-in', action: 'buy', qtyLots: lots, priceTicks: 700000 + i, fee: 1000, liquidity: 'taker' });
  w.append({ type: 'OrderIntent', ...s(60000), clientId: i + '-out', action: 'sell', orderType: 'market', qtyLots: lots, reduceOnly: true });
  w.append({ type: 'Fill', ...s(60000), clientId: i + '-out', action: 'sell', qtyLots: lots, priceTicks: 700010 + i, fee: 1000, liquidity: 'taker' });
  w.recordRoundTrip({ id: i, runId, source: 'backtest', instrument, side: 'long', entryTimeMs: t, exitTimeMs: t + 60000,
    entryPrice: (700000 + i) / 10, exitPrice: (700010 + i) / 10, maxLots: lots, maxContracts: String(lots / 1000), entries: 1, exits: 1,
    grossPnl: lots * 100000, fees: 2000, funding: 0, netPnl: lots * 100000 - 2000, exitReason: 'signal', mae: 0, mfe: lots * 100000, barsHeld: 1 }, { tags: ['crash'] });
  if (i % 5 === 0) {
    w.flush();
    const { trade_id } = j.db.prepare('SELECT trade_id FROM trades WHERE run_id = ? AND seq_in_run = ?').get(runId, i);
    addNote(j.db, trade_id, 'note ' + i, clock);
    process.stdout.write('committed ' + i + '\\n');
  }
}
`,
);

interface ChildOutcome {
  readonly committedTrips: number;
  readonly signal: NodeJS.Signals | null;
}

/** Spawns the writer, waits for `started` (unless `early`), then a seeded delay, then SIGKILL. */
function runAndKill(file: string, runId: string, batch: number, delayMs: number, early: boolean): Promise<ChildOutcome> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, file, runId, String(batch)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    const arm = (): void => {
      if (armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    if (early) arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) arm();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') {
        fail(new Error(`writer ended without being killed: ${err}`));
        return;
      }
      const counts = [...out.matchAll(/committed (\d+)/g)].map((m) => Number(m[1]));
      done({ committedTrips: counts.at(-1) ?? 0, signal });
    });
  });
}

function expectConsistent(file: string, label: string): { trades: number; events: number } {
  const j = openJournalDb(file, { create: false });
  try {
    const c = checkJournal(j.db);
    expect(c.integrity, `${label}: PRAGMA integrity_check`).toEqual(['ok']);
    expect(c.foreignKeyViolations, `${label}: foreign keys`).toBe(0);
    expect(c.projectionDifferences, `${label}: stored projections equal a rebuild from the events`).toEqual([]);
    const halfWritten = j.db
      .prepare(`SELECT t.trade_id FROM trades t
        WHERE (SELECT count(*) FROM events e WHERE e.run_id = t.run_id AND e.instrument = t.instrument
               AND e.ts_ms BETWEEN t.entry_ms AND t.exit_ms AND e.type = 'Fill') <> t.entries + t.exits
           OR NOT EXISTS (SELECT 1 FROM trade_tags g WHERE g.trade_id = t.trade_id AND g.tag = 'crash')`)
      .all();
    expect(halfWritten, `${label}: every trade has all its fills and its tag`).toEqual([]);
    return { trades: c.trades, events: c.events };
  } finally {
    j.close();
  }
}

describe('journal crash safety', () => {
  it('stays consistent and keeps every committed trade after SIGKILL at seeded points', { timeout: 120_000 }, async () => {
    if (!existsSync(join(DIST, 'journal-writer.js'))) throw new Error(`${DIST} is missing: run npx tsc -p tsconfig.build.json first`);
    const rnd = seededRandom(20240101);
    const file = join(dir, 'journal.sqlite');
    let committedSoFar = 0;
    for (const [k, batch] of [1, 7, 64, 512, 3, 200].entries()) {
      const delayMs = 30 + Math.floor(rnd() * 400);
      const outcome = await runAndKill(file, `crash-${k}`, batch, delayMs, false);
      const { trades } = expectConsistent(file, `kill ${k} (batch ${batch}, ${delayMs} ms)`);
      committedSoFar += outcome.committedTrips;
      expect(trades, `kill ${k}: trips reported committed before the kill are all there`).toBeGreaterThanOrEqual(committedSoFar);
      committedSoFar = trades;
    }
    expect(committedSoFar, 'the writers made progress, so the kills landed mid-run').toBeGreaterThan(0);
  });

  it('recovers a journal killed while it was being created', { timeout: 60_000 }, async () => {
    const rnd = seededRandom(7);
    for (let k = 0; k < 4; k += 1) {
      const file = join(dir, `early-${k}.sqlite`);
      await runAndKill(file, `early-${k}`, 16, Math.floor(rnd() * 120), true);
      const j = openJournalDb(file, { create: true });
      j.close();
      expectConsistent(file, `early kill ${k}`);
    }
  });
});
