// The hedge keeper live against fakex: the built CLI (`microfut live --strategy hedge-keeper --spot-from-venue`) reads
// the spot balance fakex holds, shorts the hedge target, follows the balance when it changes (through a failed read),
// keeps one reduce-only stop over the whole short, and buys the short back reduce-only when its duration ends; every
// venue order was journaled as an intent first and the canary secret appears nowhere. Also `paper --spot-qty` with no
// keys. The 345 s capture replays at 10x; the session's bars are 100 ms (--replay-speed 600).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { REPO_ROOT, sharedData } from '../support/shared-data.js';
import { CLI, ensureBuilt, journalFills, sorted, startLiveProcess, truthFillKeys, type LiveProcess } from './live-process.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const CANARY = 'canary-hedge-secret-5c2e81';
const KEYS = { MICROFUT_BINANCEUSDM_API_KEY: 'fakex-key', MICROFUT_BINANCEUSDM_API_SECRET: CANARY };
const spec = loadRegistry().get('BINANCE:BTCUSDT');

/**
 * The planner rule written out: target short = spot qty x hedge ratio, rounded down to the 0.001 BTC lot, counted in
 * whole 1e-8 BTC so no float noise decides the rounding (0.05 BTC x 1 = 5,000,000 / 100,000 = 50 lots).
 */
const targetLots = (spotBtc: number, ratio = 1): number => Math.floor(Math.round(spotBtc * ratio * 1e8) / Math.round(spec.lot.stepFloat * 1e8));

interface TruthOrder {
  readonly clientOrderId?: string;
  readonly clientAlgoId?: string;
  readonly type?: string;
  readonly origType?: string;
  readonly orderType?: string;
  readonly algoId?: number;
  readonly status?: string;
  readonly algoStatus?: string;
  readonly quantity?: string;
  readonly origQty?: string;
  readonly reduceOnly?: boolean;
  readonly side?: string;
}
interface Truth {
  readonly positions: readonly { readonly signedLots: number }[];
  readonly orders: readonly TruthOrder[];
  readonly fills: readonly unknown[];
}

describe('hedge keeper live on fakex', () => {
  let dir: string;
  let server: FakexServer;
  const serverLog: string[] = [];
  const truth = async (): Promise<Truth> => (await (await fetch(`${server.url}/__truth`)).json()) as Truth;
  const control = async (body: object): Promise<void> => {
    const r = await fetch(`${server.url}/__control`, { method: 'POST', body: JSON.stringify(body) });
    expect(r.status, `fakex control ${JSON.stringify(body)}`).toBe(200);
  };
  const shortLots = (t: Truth): number => 0 - t.positions.reduce((s, p) => s + p.signedLots, 0);
  const workingStops = (t: Truth): TruthOrder[] => t.orders.filter((o) => o.algoId !== undefined && o.algoStatus === 'NEW' && o.orderType === 'STOP_MARKET');
  const working = (t: Truth): TruthOrder[] => t.orders.filter((o) => (o.algoId !== undefined ? o.algoStatus === 'NEW' : o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
  /** Polls the truth until `ok` holds; the last truth either way. */
  const until = async (ok: (t: Truth) => boolean, limitMs: number): Promise<Truth> => {
    const end = Date.now() + limitMs;
    let t = await truth();
    while (!ok(t) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      t = await truth();
    }
    return t;
  };
  /** Short and its one stop: the stop is reduce-only, a buy, and covers exactly the short. */
  const hedgedAt = (lots: number) => (t: Truth): boolean => {
    const stops = workingStops(t);
    return shortLots(t) === lots && stops.length === 1 && Math.round(Number(stops[0]!.quantity) / spec.lot.stepFloat) === lots;
  };

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'microfut-hedge-'));
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: NO_FAULTS, credentials: { apiKey: 'fakex-key', secret: CANARY }, registry: loadRegistry(), paused: true, log: (l) => serverLog.push(l) });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('hedges the venue spot balance, follows it, keeps one stop, ends reduce-only at its duration, journals every intent', async () => {
    await control({ spotBalances: { BTC: '0.05' } });
    const journal = join(dir, 'live.sqlite');
    const args = [
      '--strategy', 'hedge-keeper', '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money',
      '--spot-from-venue', '--spot-poll', '1s', '--replay-speed', '600', '--poll-ms', '200', '--duration', '60s', '--journal', journal,
      // stop 2 % above the entry keeps the risk at the stop (0.08 BTC x ~61,000 x 2 % = ~98 USDT) inside 1 % of 10,000.
      '--param', 'stopPct=2', '--param', 'bandPct=5', '--param', 'durationHours=0.005',
    ];
    const proc: LiveProcess = startLiveProcess(args, KEYS);
    let paper: Promise<PaperRun> | undefined;
    try {
      const runId = (await proc.waitFor(/^live run (\S+):/, 20_000))[1]!;
      expect([...proc.out, ...proc.err].join('\n'), 'the first read happens before the run starts').toContain('spot holding: binance spot balance of BTC: 0.05 BTC');
      // The paper session on the same replay, with a given quantity and no keys at all.
      paper = runPaper(['--strategy', 'hedge-keeper', '--instrument', spec.id, '--base-url', server.url, '--spot-qty', '0.02', '--param', 'stopPct=2', '--replay-speed', '600', '--duration', '8s', '--journal', join(dir, 'paper.sqlite')]);
      await new Promise((r) => setTimeout(r, 300));
      await control({ replay: 'resume' });

      const first = await until(hedgedAt(targetLots(0.05)), 10_000);
      expect(shortLots(first), `after the first bar the short is 0.05 BTC x 1 = 50 lots; stderr: ${proc.err.slice(-6).join(' | ')}`).toBe(targetLots(0.05));
      expect(workingStops(first).map((o) => ({ qty: o.quantity, side: o.side, reduceOnly: o.reduceOnly })), 'one reduce-only stop over the whole short').toEqual([{ qty: '0.050', side: 'BUY', reduceOnly: true }]);

      await control({ spotBalances: { BTC: '0.08' } });
      const up = await until(hedgedAt(targetLots(0.08)), 6_000);
      expect(shortLots(up), 'the short follows 0.08 BTC within one rebalance (30 % outside the 5 % band)').toBe(80);
      expect(workingStops(up).map((o) => o.quantity), 'the added sell brought no second stop: one stop over 80 lots').toEqual(['0.080']);

      // Two failed reads first: the hedge keeps 0.08 until a read succeeds.
      await control({ spotBalances: { BTC: '0.03' }, spotFailures: 2 });
      await proc.waitFor(/spot holding: reading the binance spot balance of BTC failed .*keeping 0\.08 BTC/, 5_000);
      const down = await until(hedgedAt(targetLots(0.03)), 8_000);
      expect(shortLots(down), 'the short follows 0.03 BTC: a reduce-only buy of 50 lots').toBe(30);
      expect(workingStops(down).map((o) => o.quantity), 'the one stop is resized to 30 lots').toEqual(['0.030']);

      // durationHours 0.005 = 18 s after the hedge was placed: the short is bought back and its stop cancelled.
      const end = await until((t) => shortLots(t) === 0 && working(t).length === 0, 25_000);
      expect(shortLots(end), 'the duration closed the short').toBe(0);
      expect(working(end), 'no stop or order is left on the venue').toEqual([]);
      const buys = end.orders.filter((o) => o.algoId === undefined && o.type === 'MARKET' && o.side === 'BUY');
      expect(buys.map((o) => ({ qty: o.origQty, reduceOnly: o.reduceOnly })), 'both buy-backs (50 lots, then the last 30) are reduce-only').toEqual([
        { qty: '0.050', reduceOnly: true },
        { qty: '0.030', reduceOnly: true },
      ]);

      proc.child.kill('SIGTERM');
      expect(await proc.exited, 'the session finishes on SIGTERM').toBe(0);
      const db = new Database(journal, { readonly: true });
      const events = db.prepare('SELECT seq, type, payload FROM events WHERE run_id = ? ORDER BY seq').all(runId) as { seq: number; type: string; payload: string }[];
      const intents = new Map<string, number>();
      for (const e of events) {
        const p = JSON.parse(e.payload) as { clientId?: string };
        if (e.type === 'OrderIntent') intents.set(p.clientId!, e.seq);
        else if (p.clientId !== undefined) expect(intents.get(p.clientId), `${e.type} of ${p.clientId} comes after its intent`).toBeLessThan(e.seq);
      }
      const venueIds = end.orders.filter((o) => o.algoId !== undefined || o.origType === o.type).map((o) => (o.clientAlgoId ?? o.clientOrderId)!.replace(/\.\d+$/, ''));
      for (const id of venueIds) expect(intents.has(id), `venue order ${id} was journaled as an intent before it was sent`).toBe(true);
      const sent = events.filter((e) => e.type === 'OrderIntent').map((e) => JSON.parse(e.payload) as { action: string; qtyLots: number; purpose: string; reduceOnly: boolean });
      expect(sent.filter((i) => i.purpose !== 'stop').map((i) => `${i.action} ${i.qtyLots}${i.reduceOnly ? ' reduce-only' : ''}`), 'one order per change of the holding: hedge 50, +30, -50, close 30').toEqual([
        'sell 50',
        'sell 30',
        'buy 50 reduce-only',
        'buy 30 reduce-only',
      ]);
      // Entries wait for the order book to sync (BLOCKED), and the hedge asks again a bar later; no limit refused one.
      const denials = events.filter((e) => e.type === 'RiskDenied').map((e) => (JSON.parse(e.payload) as { code: string }).code);
      expect(denials.filter((c) => c !== 'BLOCKED'), 'the risk guard refused nothing but orders sent before the book was synced').toEqual([]);
      const fills = journalFills(db, runId);
      expect(sorted(fills.keys), 'every fakex fill is journaled once').toEqual(sorted(truthFillKeys(end as never, spec.lot.stepFloat, spec.tick.stepFloat)));
      expect(fills.netLots, 'the journal adds up to flat').toBe(0);
      const rows = JSON.stringify([db.prepare('SELECT * FROM events').all(), db.prepare('SELECT * FROM runs').all()]);
      db.close();
      const spot = (await (await fetch(`${server.url}/__truth/spot`)).json()) as { reads: number };
      expect(spot.reads, 'the balance was polled every second, not read once').toBeGreaterThan(5);

      const p = await paper;
      expect(p.code, `paper exits cleanly; stderr: ${p.err.slice(-3).join(' | ')}`).toBe(0);
      const pdb = new Database(join(dir, 'paper.sqlite'), { readonly: true });
      const paperRun = (pdb.prepare("SELECT run_id FROM runs WHERE source = 'paper'").get() as { run_id: string }).run_id;
      const paperIntents = (pdb.prepare("SELECT payload FROM events WHERE run_id = ? AND type = 'OrderIntent'").all(paperRun) as { payload: string }[]).map((r) => JSON.parse(r.payload) as { action: string; qtyLots: number; purpose: string });
      const paperLots = journalFills(pdb, paperRun).netLots;
      pdb.close();
      expect(paperIntents.filter((i) => i.purpose === 'entry').map((i) => ({ action: i.action, lots: i.qtyLots })), 'paper shorts the given 0.02 BTC = 20 lots').toEqual([{ action: 'sell', lots: targetLots(0.02) }]);
      expect(paperLots, 'the simulated fills add up to the 20-lot short').toBe(-20);
      const everything = [...proc.out, ...proc.err, ...p.out, ...p.err, ...serverLog, rows].join('\n');
      expect(everything.split(CANARY).length - 1, 'the canary secret appears 0 times in output, journal rows and the server log').toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
      await paper;
    }
  }, 90_000);

  test('refuses a live hedge with no holding, and a holding flag for another strategy, before touching the venue', async () => {
    const none = await runCli(['live', '--strategy', 'hedge-keeper', '--instrument', spec.id, '--base-url', server.url, '--i-understand-this-trades-real-money'], KEYS);
    expect(none.code, 'a fixable input error').toBe(2);
    expect(none.err.join('\n')).toMatch(/--spot-from-venue.*a live hedge needs the spot holding it hedges.*--spot-qty/);
    const other = await runCli(['paper', '--strategy', 'ema-cross', '--instrument', spec.id, '--spot-qty', '0.5'], {});
    expect(other.code).toBe(2);
    expect(other.err.join('\n')).toContain('--spot-qty');
    expect(other.err.join('\n')).toContain('hedge-keeper');
  }, 30_000);
});

interface PaperRun {
  readonly code: number | null;
  readonly out: string[];
  readonly err: string[];
}

/** `microfut paper ...` with no API keys in its environment. */
function runPaper(args: readonly string[]): Promise<PaperRun> {
  return runCli(['paper', ...args], {});
}

function runCli(args: readonly string[], extraEnv: Readonly<Record<string, string>>): Promise<PaperRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...extraEnv };
  if (extraEnv['MICROFUT_BINANCEUSDM_API_KEY'] === undefined) {
    delete env['MICROFUT_BINANCEUSDM_API_KEY'];
    delete env['MICROFUT_BINANCEUSDM_API_SECRET'];
  }
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(...c.toString('utf8').split('\n').filter((l) => l !== '')));
  child.stderr.on('data', (c: Buffer) => err.push(...c.toString('utf8').split('\n').filter((l) => l !== '')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}
