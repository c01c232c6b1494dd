// A restarted live session trails the stop it took over: the built CLI enters a bracket on fakex (trail-bracket.mjs
// moves its stop every bar), is killed with SIGKILL while the position is open, and restarted with --run. The resumed
// strategy moves the adopted stop: fakex then holds exactly one stop of the run, at the journaled new trigger, placed
// as `<intent>.N+1`; the adopted one is cancelled, and nothing else of the run is left working beside the exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakexTruth } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { sharedData } from '../support/shared-data.js';
import { ensureBuilt, startLiveProcess, type LiveProcess } from './live-process.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const STRATEGY = 'test/live/fixtures/trail-bracket.mjs';
const SECRET = 'canary-trail-secret-0c4e91';
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const ENV = { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: SECRET };
const STOP_TYPES = new Set(['stop-market', 'stop-limit', 'trailing-stop']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const truthLots = async (url: string): Promise<number> => ((await fakexTruth(url)) as unknown as { positions: readonly { signedLots: number }[] }).positions.reduce((s, p) => s + p.signedLots, 0);
const intentOf = (id: string): string => id.replace(/\.\d+$/, '');
const generationOf = (id: string): number => Number(/\.(\d+)$/.exec(id)?.[1] ?? 1);

function journalRows(file: string, runId: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare(sql).all(runId);
  db.close();
  return rows;
}

/** The run's orders on fakex (client ids with the run's prefix), working or not. */
function runOrders(server: FakexServer, tag: string): { clientId: string; type: string; working: boolean; reduceOnly: boolean; triggerTicks: number | undefined }[] {
  return [...server.exchange.orders.values()]
    .filter((o) => o.clientOrderId.startsWith(tag))
    .map((o) => ({ clientId: o.clientOrderId, type: o.spec.type, working: !o.isFinal(), reduceOnly: o.spec.effect === 'reduce-only', triggerTicks: 'triggerTicks' in o.spec ? o.spec.triggerTicks : undefined }));
}

describe('a restarted live session on fakex', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-trail-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('moves the stop it took over: one stop on the venue at the new trigger, the adopted one cancelled, nothing orphaned', async () => {
    const server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: SECRET }, registry });
    const journal = join(dir, 'journal.sqlite');
    const control = (body: object): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
    // Exits 0.3 % away and a stop moved 0.02 % of the close every bar: the moves come long before an exit is reached.
    const params = ['lots=2', 'pct=0.3', 'exits=price', 'every=1', 'trailPct=0.02'];
    const args = ['--strategy', STRATEGY, '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money', '--replay-speed', '600', ...params.flatMap((p) => ['--param', p]), '--duration', '10m', '--journal', journal, '--poll-ms', '200'];
    let proc: LiveProcess = startLiveProcess(args, ENV);
    try {
      const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
      const tag = `mf${runId.replace(/[^A-Za-z0-9]/g, '').slice(-6)}-`;
      for (let waited = 0; (await truthLots(server.url)) === 0; waited += 50) {
        if (waited > 30_000) throw new Error('the session opened no position within 30 s');
        await sleep(50);
      }
      await control({ replay: 'pause' });
      const acks = (): number => (journalRows(journal, runId, "SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'OrderAccepted'")[0] as { n: number }).n;
      for (let waited = 0; acks() < 3; waited += 50) {
        if (waited > 10_000) throw new Error(`the bracket's exits were not acknowledged within 10 s; stderr: ${proc.err.slice(-5).join(' | ')}`);
        await sleep(50);
      }
      proc.child.kill('SIGKILL');
      await proc.exited;
      const held = await truthLots(server.url);
      expect(held, 'the position is still open at the kill (the test proves nothing on a flat account)').not.toBe(0);
      const lastSeq = (journalRows(journal, runId, 'SELECT MAX(seq) AS s FROM events WHERE run_id = ?')[0] as { s: number }).s;

      proc = startLiveProcess([...args, '--run', runId], ENV);
      const resumed = await proc.waitFor(/^engine resumed: position (-?\d+) lots, (\d+) working orders taken over/, 15_000);
      expect(Number(resumed[2]), 'the stop and the take-profit resting on fakex are taken over').toBe(2);
      const adoptedStop = runOrders(server, tag).filter((o) => o.working && STOP_TYPES.has(o.type));
      expect(adoptedStop.length, `one stop rests before the move (${JSON.stringify(adoptedStop)})`).toBe(1);
      const adoptedId = adoptedStop[0]!.clientId;

      await control({ replay: 'resume' });
      const moved = await proc.waitFor(/^reconcile: adopted (\S+) moved/, 30_000);
      await control({ replay: 'pause' });
      // Let the replacement's cancel (and any move already under way) complete.
      await sleep(1_500);
      expect(moved[1], 'the adopted stop is the one moved').toBe(adoptedId);
      const lots = await truthLots(server.url);
      expect(lots, 'the position is still the resumed one (no exit ran in between, so one stop must rest)').toBe(held);

      const orders = runOrders(server, tag);
      const stops = orders.filter((o) => o.working && STOP_TYPES.has(o.type));
      expect(stops.length, `exactly one stop of the run works on fakex (${JSON.stringify(stops)}; ${proc.timeline.slice(-12).join(' | ')})`).toBe(1);
      const stop = stops[0]!;
      expect(intentOf(stop.clientId), 'the resting stop belongs to the adopted stop intent').toBe(intentOf(adoptedId));
      expect(generationOf(stop.clientId), `the moved stop is a new placement ${intentOf(adoptedId)}.N+1 (was ${adoptedId}, now ${stop.clientId})`).toBeGreaterThan(generationOf(adoptedId));
      expect(orders.find((o) => o.clientId === adoptedId)?.working, 'the adopted stop is cancelled on fakex').toBe(false);
      const mods = journalRows(journal, runId, "SELECT json_extract(payload, '$.clientId') AS clientId, json_extract(payload, '$.triggerTicks') AS trigger, seq FROM events WHERE run_id = ? AND type = 'OrderModified' ORDER BY seq") as { clientId: string; trigger: number; seq: number }[];
      const after = mods.filter((m) => m.seq > lastSeq);
      expect(after.length, 'the restarted process journaled the move').toBeGreaterThan(0);
      expect(after.every((m) => m.clientId === intentOf(adoptedId)), `moves are journaled on the stop's intent (${JSON.stringify(after)})`).toBe(true);
      expect(stop.triggerTicks, 'the stop rests at the last journaled trigger').toBe(after[after.length - 1]!.trigger);
      expect(stop.triggerTicks, 'the stop moved from where it was adopted').not.toBe(adoptedStop[0]!.triggerTicks);
      const working = orders.filter((o) => o.working);
      expect(working.every((o) => o.reduceOnly), `nothing but reduce-only exits works on fakex (${JSON.stringify(working)})`).toBe(true);
      expect(working.length, `the stop and the take-profit, nothing orphaned (${JSON.stringify(working)})`).toBe(2);
      expect([...proc.out, ...proc.err].join('\n').includes(SECRET), 'the secret never reaches the output').toBe(false);
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await server.close();
    }
  }, 120_000);
});
