// A restarted live session carries on from the venue's position: the built CLI enters a bracket on fakex, is killed
// with SIGKILL while the position is open, and restarted with --run. The resumed engine holds fakex's position and
// the adopted exits, the strategy (flip-bracket enters only when flat and idle) opens nothing beside it, and the
// adopted exit closing it journals one round trip from the original entry, its fills once, and the other adopted exit
// is cancelled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakexTruth } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { sharedData } from '../support/shared-data.js';
import { ensureBuilt, startLiveProcess, type LiveProcess } from './live-process.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const STRATEGY = 'test/live/fixtures/flip-bracket.mjs';
const SECRET = 'canary-resume-secret-5be2c0';
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const ENV = { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: SECRET };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const truthLots = async (url: string): Promise<number> => ((await fakexTruth(url)) as unknown as { positions: readonly { signedLots: number }[] }).positions.reduce((s, p) => s + p.signedLots, 0);

/** Acknowledged orders journaled for the run (entry, stop and take-profit of the bracket once all are resting). */
function accepted(file: string, runId: string): number {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'OrderAccepted'").get(runId) as { n: number }).n;
  db.close();
  return n;
}

interface TradeRow {
  readonly seq_in_run: number;
  readonly entry_ms: number;
  readonly exit_ms: number;
  readonly max_lots: number;
  readonly side: string;
}

describe('a restarted live session on fakex', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-resume-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('takes over the open position and its exits, opens nothing beside it, and the adopted exit closes one round trip', async () => {
    const server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry });
    const journal = join(dir, 'journal.sqlite');
    const control = (body: object): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
    const args = ['--strategy', STRATEGY, '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money', '--replay-speed', '600', '--param', 'lots=2', '--param', 'pct=0.04', '--duration', '10m', '--journal', journal, '--poll-ms', '200'];
    let proc: LiveProcess = startLiveProcess(args, ENV);
    try {
      const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
      // Kill while a position is open: the first fill, then a moment for its stop and take-profit to be placed.
      let before = 0;
      for (let waited = 0; before === 0; waited += 50) {
        if (waited > 30_000) throw new Error('the session opened no position within 30 s');
        await sleep(50);
        before = await truthLots(server.url);
      }
      await control({ replay: 'pause' });
      for (let waited = 0; accepted(journal, runId) < 3; waited += 50) {
        if (waited > 10_000) throw new Error(`the bracket's exits were not acknowledged within 10 s; stderr: ${proc.err.slice(-5).join(' | ')}`);
        await sleep(50);
      }
      proc.child.kill('SIGKILL');
      await proc.exited;
      const held = await truthLots(server.url);
      expect(held, 'the position is still open at the kill (the test proves nothing on a flat account)').not.toBe(0);
      const db = new Database(journal, { readonly: true });
      const openedMs = (db.prepare("SELECT MAX(json_extract(payload, '$.tsVenue')) AS t FROM events WHERE run_id = ? AND type = 'Fill'").get(runId) as { t: number }).t;
      db.close();

      proc = startLiveProcess([...args, '--run', runId], ENV);
      const resumed = await proc.waitFor(/^engine resumed: position (-?\d+) lots, (\d+) working orders taken over/, 10_000);
      expect(Number(resumed[1]), "the resumed engine's position is fakex's").toBe(held);
      expect(Number(resumed[2]), 'the stop and the take-profit resting on fakex are taken over').toBe(2);

      await control({ replay: 'resume' });
      let maxAbsLots = Math.abs(held);
      let trip: TradeRow | undefined;
      for (let waited = 0; trip === undefined; waited += 100) {
        if (waited > 60_000) throw new Error(`no round trip journaled within 60 s of the restart (fakex position ${await truthLots(server.url)}, replay ${JSON.stringify((await fakexTruth(server.url)).replay)}); stderr: ${proc.err.join(' | ')}`);
        await sleep(100);
        maxAbsLots = Math.max(maxAbsLots, Math.abs(await truthLots(server.url)));
        const rdb = new Database(journal, { readonly: true });
        trip = rdb.prepare('SELECT seq_in_run, entry_ms, exit_ms, max_lots, side FROM trades WHERE run_id = ? ORDER BY seq_in_run LIMIT 1').get(runId) as TradeRow | undefined;
        rdb.close();
      }
      expect(maxAbsLots, 'no second position beside the resumed one (the strategy enters only when flat)').toBe(Math.abs(held));
      expect(trip.side, 'the round trip is the resumed position').toBe(held > 0 ? 'long' : 'short');
      expect(trip.max_lots, 'the round trip is the resumed position').toBe(Math.abs(held));
      expect(trip.entry_ms, 'the round trip starts at the entry fill journaled before the kill').toBe(openedMs);

      await proc.waitFor(/^reconcile: cancelling adopted \S+, its bracket is done/, 5_000);
      await control({ replay: 'pause' });
      await sleep(600);
      const rdb = new Database(journal, { readonly: true });
      const trips = rdb.prepare('SELECT COUNT(*) AS n FROM trades WHERE run_id = ? AND entry_ms = ?').get(runId, openedMs) as { n: number };
      // Between the entry and the trip's exit only the adopted exit traded (nothing else was entered meanwhile).
      const exitFills = rdb
        .prepare("SELECT json_extract(payload, '$.clientId') AS clientId, json_extract(payload, '$.qtyLots') AS lots FROM events WHERE run_id = ? AND type = 'Fill' AND json_extract(payload, '$.tsVenue') > ? AND json_extract(payload, '$.tsVenue') <= ?")
        .all(runId, openedMs, trip.exit_ms) as { clientId: string; lots: number }[];
      rdb.close();
      expect(trips.n, 'exactly one round trip closes the resumed position').toBe(1);
      expect(new Set(exitFills.map((f) => f.clientId)).size, `one adopted exit closed it (${JSON.stringify(exitFills)})`).toBe(1);
      expect(exitFills.reduce((s, f) => s + f.lots, 0), `the exit's fills are journaled once: ${Math.abs(held)} lots, not twice that (${JSON.stringify(exitFills)})`).toBe(Math.abs(held));
      expect([...proc.out, ...proc.err].join('\n').includes(SECRET), 'the secret never reaches the output').toBe(false);
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await server.close();
    }
  }, 120_000);
});
