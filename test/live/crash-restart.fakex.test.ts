// Crash-only restarts of `microfut live` against fakex: the built CLI trades a replayed capture, is killed with
// SIGKILL at seeded points, and restarted on the same journal and run id. Within 5 s of each restart the journal's
// fills equal fakex's by trade identity, the journal's net position equals fakex's, the reconciled position and
// balance equal fakex's truth, and no intent has more than one venue order. N = 8 (MICROFUT_SOAK=1: 50).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fakexTruth } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { SeededRandom } from '../../src/engine/seeded-random.js';
import { sharedData } from '../support/shared-data.js';
import { ensureBuilt, journalFills, sorted, startLiveProcess, truthFillKeys, venueOrdersPerClientId, type LiveProcess } from './live-process.js';

const SOAK = process.env.MICROFUT_SOAK === '1';
const KILLS = SOAK ? 50 : 8;
/** Kill points per fakex (one replay of the capture); a soak runs several rounds. */
const KILLS_PER_ROUND = 8;
const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const STRATEGY = 'test/live/fixtures/flip-bracket.mjs';
const CANARY = 'canary-crash-secret-7f31a9';
const RESTART_LIMIT_MS = 5_000;
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');

interface TruthAccount {
  readonly account: { readonly balance: string };
  readonly positions: readonly { readonly signedLots: number }[];
  readonly orders: readonly unknown[];
  readonly fills: readonly unknown[];
}

describe('kill -9 and restart of a live session on fakex', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(`after each of ${KILLS} seeded kills the restart reconciles fills, position and balance with the venue within 5 s`, async () => {
    const random = new SeededRandom(20_240_808);
    const everything: string[] = [];
    let checked = 0;
    const totals = { missedFills: 0, notSent: 0, adopted: 0, orphans: 0, slowestMs: 0 };
    const count = (text: string, what: string): number => Number(new RegExp(`(\\d+) ${what}`).exec(text)?.[1] ?? 0);
    const tally = (text: string, elapsedMs: number): void => {
      totals.missedFills += count(text, 'missed fills journaled');
      totals.notSent += count(text, 'not sent');
      totals.adopted += count(text, 'open orders adopted');
      totals.orphans += count(text, 'orphans cancelled');
      totals.slowestMs = Math.max(totals.slowestMs, elapsedMs);
    };
    for (let round = 0; checked < KILLS; round++) {
      const server: FakexServer = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry });
      const journal = join(dir, `journal-${round}.sqlite`);
      const control = (body: object): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
      const args = ['--strategy', STRATEGY, '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money', '--replay-speed', '600', '--param', 'lots=2', '--param', 'pct=0.03', '--duration', '10m', '--journal', journal, '--poll-ms', '200'];
      const env = { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: CANARY };
      let lastFills = 0;
      let proc: LiveProcess = startLiveProcess(args, env);
      const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
      try {
        for (let k = 0; k < KILLS_PER_ROUND && checked < KILLS; k++) {
          await new Promise((r) => setTimeout(r, 300 + Math.floor(random.next() * 1500)));
          proc.child.kill('SIGKILL');
          await proc.exited;
          everything.push(...proc.out, ...proc.err);
          // Frozen market while the restart is checked: no new trades, so no new bars, orders or triggers.
          await control({ replay: 'pause' });
          const restartedAt = Date.now();
          // Both ways to resume: the run id, or the last unfinished run of this strategy, instrument and venue.
          proc = startLiveProcess([...args, ...(k % 2 === 0 ? ['--run', runId] : ['--resume'])], env);
          const line = await proc.waitFor(/^reconciled run .* position (-?\d+) lots, balance (\S+) USDT/, RESTART_LIMIT_MS);
          const truth = (await fakexTruth(server.url)) as unknown as TruthAccount;
          const elapsedMs = Date.now() - restartedAt;
          tally(line[0], elapsedMs);
          const db = new Database(journal, { readonly: true });
          const fills = journalFills(db, runId);
          db.close();
          lastFills = fills.keys.length;
          const truthLots = truth.positions.reduce((s, p) => s + p.signedLots, 0);
          const where = `round ${round}, kill ${k} (run ${runId})`;
          expect(elapsedMs, `${where}: reconciled within ${RESTART_LIMIT_MS} ms of the restart`).toBeLessThan(RESTART_LIMIT_MS);
          expect(sorted(fills.keys), `${where}: journal fills equal fakex's fills, none lost and none twice`).toEqual(sorted(truthFillKeys(truth, spec.lot.stepFloat, spec.tick.stepFloat)));
          expect(fills.netLots, `${where}: the journal's fills add up to fakex's position`).toBe(truthLots);
          expect(Number(line[1]), `${where}: the reconciled position is fakex's`).toBe(truthLots);
          expect(line[2], `${where}: the reconciled balance is fakex's wallet balance`).toBe(Number(truth.account.balance).toFixed(8));
          const duplicates = [...venueOrdersPerClientId(truth)].filter(([, n]) => n > 1);
          expect(duplicates, `${where}: one venue order per intent`).toEqual([]);
          checked++;
          await control({ replay: 'resume' });
        }
      } finally {
        proc.child.kill('SIGKILL');
        await proc.exited;
        everything.push(...proc.out, ...proc.err);
        const db = new Database(journal, { readonly: true });
        everything.push(JSON.stringify(db.prepare('SELECT * FROM events').all()), JSON.stringify(db.prepare('SELECT * FROM runs').all()));
        db.close();
        await server.close();
      }
      expect(lastFills, `round ${round}: the sessions traded (the test would prove nothing on an idle run)`).toBeGreaterThan(0);
    }
    // The figures behind the report (docs/live.md): what the restarts had to repair.
    console.info(`crash-restart: ${checked} kills; ${JSON.stringify(totals)}`);
    expect(everything.join('\n').split(CANARY).length - 1, 'the canary secret appears 0 times in output, journal rows and runs').toBe(0);
  }, SOAK ? 900_000 : 120_000);
});
