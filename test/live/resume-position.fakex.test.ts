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

/** Whether the run journaled the venue's acknowledgement of the order with this client id. */
function accepted(file: string, runId: string, clientId: string): boolean {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare("SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'OrderAccepted' AND json_extract(payload, '$.clientId') = ?").get(runId, clientId) as { n: number }).n;
  db.close();
  return n > 0;
}

/** An order in fakex's truth: a plain order has status and clientOrderId, an algo (stop, take-profit) algoId, algoStatus and clientAlgoId. */
interface TruthOrder {
  readonly algoId?: number;
  readonly algoStatus?: string;
  readonly clientAlgoId?: string;
  readonly status?: string;
  readonly clientOrderId?: string;
}

/**
 * The session's client ids of the two exits resting on fakex for its open position (a replacement's ".N" dropped),
 * or undefined while fakex holds no position or not exactly two working orders.
 */
async function restingExits(url: string): Promise<string[] | undefined> {
  const truth = (await fakexTruth(url)) as unknown as { positions: readonly { signedLots: number }[]; orders: readonly TruthOrder[] };
  if (truth.positions.reduce((s, p) => s + p.signedLots, 0) === 0) return undefined;
  const open = truth.orders.filter((o) => (o.algoId !== undefined ? o.algoStatus === 'NEW' : o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
  return open.length === 2 ? open.map((o) => (o.clientAlgoId ?? o.clientOrderId ?? '').replace(/\.\d+$/, '')) : undefined;
}

/** The run's last 40 journaled events, one line each (type, client id, code or reason): what a failure message shows. */
function eventsOf(file: string, runId: string): string {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare("SELECT type, json_extract(payload, '$.clientId') AS id, json_extract(payload, '$.code') AS code, json_extract(payload, '$.reason') AS reason FROM events WHERE run_id = ? ORDER BY rowid").all(runId) as { type: string; id: string | null; code: string | null; reason: string | null }[];
  db.close();
  return rows
    .slice(-40)
    .map((r) => [r.type, r.id, r.code, r.reason].filter((x) => x !== null).join(' '))
    .join('; ');
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
      // Kill while a position is open with its stop and take-profit resting and journaled: the replay is paused as
      // soon as fakex holds a position, so nothing trades meanwhile. The exits are fixed prices near the decision
      // bar's close: when the market crossed the stop before it was placed, the session closes at market (-2021,
      // correct) and the position is flat again; then the replay resumes for the strategy's next entry.
      const journaled = (ids: readonly string[]): boolean => ids.every((id) => accepted(journal, runId, id));
      // Deadlines are wall time (the polls themselves take time on a loaded machine), each phase well inside the test's.
      const enterBy = Date.now() + 60_000;
      for (;;) {
        if (Date.now() > enterBy) throw new Error(`no bracket rested whole within 60 s; journal: ${eventsOf(journal, runId)}; stderr: ${proc.err.slice(-8).join(' | ')}`);
        await sleep(25);
        if ((await truthLots(server.url)) === 0) continue;
        await control({ replay: 'pause' });
        let exits = await restingExits(server.url);
        const settleBy = Date.now() + 10_000;
        while (Date.now() < settleBy && (await truthLots(server.url)) !== 0 && (exits === undefined || !journaled(exits))) {
          await sleep(50);
          exits = await restingExits(server.url);
        }
        if (exits !== undefined && journaled(exits)) break;
        await control({ replay: 'resume' });
      }
      proc.child.kill('SIGKILL');
      await proc.exited;
      const held = await truthLots(server.url);
      expect(held, 'the position is still open at the kill (the test proves nothing on a flat account)').not.toBe(0);
      const db = new Database(journal, { readonly: true });
      const openedMs = (db.prepare("SELECT MAX(json_extract(payload, '$.tsVenue')) AS t FROM events WHERE run_id = ? AND type = 'Fill'").get(runId) as { t: number }).t;
      db.close();

      proc = startLiveProcess([...args, '--run', runId], ENV);
      const resumed = await proc.waitFor(/^engine resumed: position (-?\d+) lots, (\d+) working orders taken over/, 20_000);
      expect(Number(resumed[1]), "the resumed engine's position is fakex's").toBe(held);
      expect(Number(resumed[2]), 'the stop and the take-profit resting on fakex are taken over').toBe(2);

      await control({ replay: 'resume' });
      let maxAbsLots = Math.abs(held);
      let trip: TradeRow | undefined;
      const tripBy = Date.now() + 60_000;
      while (trip === undefined) {
        if (Date.now() > tripBy) throw new Error(`no round trip journaled within 60 s of the restart (fakex position ${await truthLots(server.url)}, replay ${JSON.stringify((await fakexTruth(server.url)).replay)}); stderr: ${proc.err.join(' | ')}`);
        await sleep(100);
        maxAbsLots = Math.max(maxAbsLots, Math.abs(await truthLots(server.url)));
        const rdb = new Database(journal, { readonly: true });
        trip = rdb.prepare('SELECT seq_in_run, entry_ms, exit_ms, max_lots, side FROM trades WHERE run_id = ? AND entry_ms = ? ORDER BY seq_in_run LIMIT 1').get(runId, openedMs) as TradeRow | undefined;
        rdb.close();
      }
      expect(maxAbsLots, 'no second position beside the resumed one (the strategy enters only when flat)').toBe(Math.abs(held));
      expect(trip.side, 'the round trip is the resumed position').toBe(held > 0 ? 'long' : 'short');
      expect(trip.max_lots, 'the round trip is the resumed position').toBe(Math.abs(held));
      expect(trip.entry_ms, 'the round trip starts at the entry fill journaled before the kill').toBe(openedMs);

      await proc.waitFor(/^reconcile: cancelling adopted \S+, its bracket is done/, 10_000);
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
  }, 240_000);
});
