// Crash-only restarts of `microfut live` against fakex: the built CLI trades a replayed capture, is killed with
// SIGKILL at seeded points, and restarted on the same journal and run id. After each restart (within 5 s in the
// soak; CI records the times) the journal's fills equal fakex's by trade identity, the journal's net position equals
// fakex's, the reconciled position and balance equal fakex's truth, no intent has more than one venue order, and an
// open position has exactly one stop on the venue (none while flat). Kill points: 8 random ones with fixed-price
// brackets and 2 in the middle of a stop replacement (MICROFUT_SOAK=1: 50 and 12, plus 16 random and 12
// mid-replacement with exits priced from the fill).
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
const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const CANARY = 'canary-crash-secret-7f31a9';
/**
 * The issue's bound from restart to reconciled, asserted in the soak (run it on a quiet machine); CI only records the
 * figures (a shared CI runner's timings prove nothing) and waits up to RESTART_HANG_MS before calling a restart hung.
 */
const RESTART_LIMIT_MS = 5_000;
const RESTART_HANG_MS = 30_000;
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');

/**
 * Where the kills land: `random` after a seeded 0.3-1.8 s of trading; `stop-replacement` the moment fakex holds two
 * working stops of the run (the new one placed, the old one not yet cancelled: the bracket keeper's replace order).
 */
type KillAt = 'random' | 'stop-replacement';
interface Scenario {
  readonly name: string;
  readonly strategy: string;
  readonly params: readonly string[];
  readonly kills: number;
  readonly killAt: KillAt;
  /**
   * Kill points per fakex (one replay of the capture); a soak runs several rounds. One for mid-replacement kills: each
   * round's kill lands in the first process's replacements (restarted sessions also move their adopted stops now,
   * adopted-exits.ts, but their kill points are not counted here).
   */
  readonly perRound: number;
}
const FLIP = 'test/live/fixtures/flip-bracket.mjs';
const TRAIL = 'test/live/fixtures/trail-bracket.mjs';
const SCENARIOS: readonly Scenario[] = [
  { name: 'fixed-price brackets', strategy: FLIP, params: ['lots=2', 'pct=0.03'], kills: SOAK ? 50 : 8, killAt: 'random', perRound: 8 },
  // The stop is trailed every 3rd bar (fixed prices: the replacement path alone).
  { name: 'trailed stops, killed mid-replacement', strategy: TRAIL, params: ['lots=2', 'pct=0.05', 'exits=price', 'every=3'], kills: SOAK ? 12 : 2, killAt: 'stop-replacement', perRound: 1 },
  ...(SOAK
    ? [
        { name: 'fill-priced trailed brackets', strategy: TRAIL, params: ['lots=2', 'pct=0.05', 'exits=pct', 'every=3'], kills: 16, killAt: 'random' as const, perRound: 8 },
        { name: 'fill-priced trailed brackets, killed mid-replacement', strategy: TRAIL, params: ['lots=2', 'pct=0.05', 'exits=pct', 'every=3'], kills: 12, killAt: 'stop-replacement' as const, perRound: 1 },
      ]
    : []),
];

interface TruthAccount {
  readonly account: { readonly balance: string };
  readonly positions: readonly { readonly signedLots: number }[];
  readonly orders: readonly unknown[];
  readonly fills: readonly unknown[];
}

const STOP_TYPES = new Set(['stop-market', 'stop-limit', 'trailing-stop']);
/** Working reduce-only stops of the run on fakex (algo orders before their trigger; client ids with the run's prefix). */
function workingStops(server: FakexServer, tag: string): string[] {
  const out: string[] = [];
  for (const o of server.exchange.orders.values()) if (!o.isFinal() && o.spec.effect === 'reduce-only' && STOP_TYPES.has(o.spec.type) && o.clientOrderId.startsWith(tag)) out.push(o.clientOrderId);
  return out;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('kill -9 and restart of a live session on fakex', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: after each of ${scenario.kills} seeded kills the restart reconciles fills, position, balance and the stop with the venue`, async () => {
      const random = new SeededRandom(20_240_808);
      const everything: string[] = [];
      let checked = 0;
      const totals = { missedFills: 0, notSent: 0, adopted: 0, orphans: 0 };
      const restartMs: number[] = [];
      const slow: string[] = [];
      const count = (text: string, what: string): number => Number(new RegExp(`(\\d+) ${what}`).exec(text)?.[1] ?? 0);
      const tally = (text: string): void => {
        totals.missedFills += count(text, 'missed fills journaled');
        totals.notSent += count(text, 'not sent');
        totals.adopted += count(text, 'open orders adopted');
        totals.orphans += count(text, 'orphans cancelled');
      };
      for (let round = 0; checked < scenario.kills; round++) {
        // Armed while a mid-replacement kill is wanted: fakex's request log runs before the answer is sent.
        let killNow: (() => void) | undefined;
        let tag = '';
        const server: FakexServer = await startFakex({
          port: 0,
          replayFile: CAPTURE,
          speed: 10,
          faults: NO_FAULTS,
          credentials: { apiKey: 'fakex-key', secret: CANARY },
          registry,
          log: (line) => {
            if (killNow !== undefined && line.startsWith('POST ') && workingStops(server, tag).length >= 2) killNow();
          },
        });
        const journal = join(dir, `journal-${scenario.killAt}-${round}-${scenario.params.join('-')}.sqlite`);
        const control = (body: object): Promise<Response> => fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
        const args = ['--strategy', scenario.strategy, '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money', '--replay-speed', '600', ...scenario.params.flatMap((x) => ['--param', x]), '--duration', '10m', '--journal', journal, '--poll-ms', '200'];
        const env = { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: CANARY };
        let lastFills = 0;
        let proc: LiveProcess = startLiveProcess(args, env);
        const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
        tag = `mf${runId.replace(/[^A-Za-z0-9]/g, '').slice(-6)}-`;
        try {
          for (let k = 0; k < scenario.perRound && checked < scenario.kills; k++) {
            const where = `${scenario.name}, round ${round}, kill ${k} (run ${runId})`;
            if (scenario.killAt === 'random') {
              await new Promise((r) => setTimeout(r, 300 + Math.floor(random.next() * 1500)));
              proc.child.kill('SIGKILL');
            } else {
              const victim = proc;
              await new Promise<void>((resolve, reject) => {
                const limit = setTimeout(() => reject(new Error(`${where}: no stop replacement within 30 s`)), 30_000);
                killNow = () => {
                  killNow = undefined;
                  victim.child.kill('SIGKILL');
                  clearTimeout(limit);
                  resolve();
                };
              });
            }
            await proc.exited;
            everything.push(...proc.out, ...proc.err);
            // Frozen market while the restart is checked: no new trades, so no new bars, orders or triggers.
            await control({ replay: 'pause' });
            const restartedAt = Date.now();
            // Both ways to resume: the run id, or the last unfinished run of this strategy, instrument and venue.
            proc = startLiveProcess([...args, ...(k % 2 === 0 ? ['--run', runId] : ['--resume'])], env);
            const line = await proc.waitFor(/^reconciled run .* position (-?\d+) lots, balance (\S+) USDT/, RESTART_HANG_MS);
            const elapsedMs = Date.now() - restartedAt;
            const truth = (await fakexTruth(server.url)) as unknown as TruthAccount;
            const stops = workingStops(server, tag);
            restartMs.push(elapsedMs);
            tally(line[0]);
            const db = new Database(journal, { readonly: true });
            const fills = journalFills(db, runId);
            db.close();
            lastFills = fills.keys.length;
            const truthLots = truth.positions.reduce((s, p) => s + p.signedLots, 0);
            if (elapsedMs >= RESTART_LIMIT_MS) slow.push(`${where}: ${elapsedMs} ms`);
            expect(sorted(fills.keys), `${where}: journal fills equal fakex's fills, none lost and none twice`).toEqual(sorted(truthFillKeys(truth, spec.lot.stepFloat, spec.tick.stepFloat)));
            expect(fills.netLots, `${where}: the journal's fills add up to fakex's position`).toBe(truthLots);
            expect(Number(line[1]), `${where}: the reconciled position is fakex's`).toBe(truthLots);
            expect(line[2], `${where}: the reconciled balance is fakex's wallet balance`).toBe(Number(truth.account.balance).toFixed(8));
            const duplicates = [...venueOrdersPerClientId(truth)].filter(([, n]) => n > 1);
            expect(duplicates, `${where}: one venue order per intent`).toEqual([]);
            expect(stops.length, `${where}: ${truthLots === 0 ? 'no stop is left over while flat' : `the position of ${truthLots} lots has exactly one stop on the venue`} (${stops.join(', ')}; ${proc.timeline.join(' | ')})`).toBe(truthLots === 0 ? 0 : 1);
            checked++;
            await control({ replay: 'resume' });
          }
        } finally {
          killNow = undefined;
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
      // The figures behind the report (docs/live.md): what the restarts had to repair, and how long they took.
      console.info(`crash-restart (${scenario.name}): ${checked} kills; restart to reconciled median ${median(restartMs)} ms, max ${Math.max(...restartMs)} ms, ${slow.length} at or over ${RESTART_LIMIT_MS} ms; ${JSON.stringify(totals)}`);
      expect(everything.join('\n').split(CANARY).length - 1, 'the canary secret appears 0 times in output, journal rows and runs').toBe(0);
      // Checked last, so a slow machine still gets every kill point's correctness checked and the figures printed.
      if (SOAK) expect(slow, `every restart reconciled within ${RESTART_LIMIT_MS} ms`).toEqual([]);
    }, SOAK ? 900_000 : 120_000);
  }
});
