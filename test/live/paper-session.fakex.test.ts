// A paper session against fakex on loopback: ema-cross (small periods) trades the replayed Binance capture through
// the simulated venue, every order intent is journaled before its fills, and the risk guard refuses an oversize
// entry with the reason in the journal. The 345 s capture replays at 60x and the session's bar scale is 600x, so each
// "1m" bar is 100 ms of rebased stream time = 6 s of the capture: about 57 bars.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { moneyFromText, type Money } from '../../src/core/money.js';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import { untilReplayDone } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { NO_FAULTS } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { parseParams } from '../../src/engine/strategy-params.js';
import type { StrategyDefinition } from '../../src/engine/strategy.js';
import { IN_MEMORY, openJournalDb, type JournalDb } from '../../src/journal/journal-db.js';
import { binanceWsBase } from '../../src/live/trade-stream.js';
import { startPaper } from '../../src/live/paper-session.js';
import { DEFAULT_GUARD_LIMITS } from '../../src/risk/guard.js';
import emaCross from '../../src/strategies/ema-cross.js';
import { sharedData } from '../support/shared-data.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2024-08-08T2354.txt.gz');
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const strategy = emaCross as unknown as StrategyDefinition;

interface EventRow {
  readonly seq: number;
  readonly type: string;
  readonly payload: string;
}

function runPaper(server: FakexServer, journal: JournalDb, notional: string) {
  const params = parseParams(strategy.params, { fast: '2', slow: '3', notional });
  return startPaper({
    spec,
    strategy,
    params,
    journal,
    wsBase: binanceWsBase(server.url),
    limits: DEFAULT_GUARD_LIMITS,
    equity: '10000',
    startingBalance: moneyFromText('10000') as Money,
    leverage: 10,
    replaySpeed: 600,
    durationMs: 60_000,
    clock,
    config: { notional },
    log: () => undefined,
  });
}

describe('paper session on fakex', () => {
  let server: FakexServer;
  const normal = openJournalDb(IN_MEMORY, { create: true });
  const oversize = openJournalDb(IN_MEMORY, { create: true });
  let events: EventRow[] = [];
  let oversizeEvents: EventRow[] = [];
  let bars = 0;

  beforeAll(async () => {
    server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 60, faults: NO_FAULTS, credentials: { apiKey: 'k', secret: 's' }, registry, paused: true, log: () => undefined });
    const a = runPaper(server, normal, '1000');
    const b = runPaper(server, oversize, '50000');
    // Both sockets must be open before the replay starts, or the first seconds of trades are missed.
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`${server.url}/__control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ replay: 'resume' }) });
    await untilReplayDone(server.url, 20_000);
    await new Promise((r) => setTimeout(r, 1200));
    bars = (await a.stop()).bars;
    await b.stop();
    const read = (j: JournalDb): EventRow[] => j.db.prepare('SELECT seq, type, payload FROM events ORDER BY seq').all() as EventRow[];
    events = read(normal);
    oversizeEvents = read(oversize);
  }, 40_000);
  afterAll(async () => {
    normal.close();
    oversize.close();
    await server.close();
  });

  test('builds bars from the live trades and trades ema-cross through the simulated venue', () => {
    // 345 s of capture in 6 s bars: 57 or 58 bars (a bar exists only where trades were; BTCUSDT trades every second).
    expect(bars, 'one bar per 6 s of capture').toBeGreaterThanOrEqual(50);
    // fakex stamps replayed trades on its wall clock: on a loaded machine a late delivery stretches stream time a
    // little, so a few more bars than 58 may close; far more would mean bars are not built from stream time.
    expect(bars, 'one bar per 6 s of capture').toBeLessThanOrEqual(66);
    const fills = events.filter((e) => e.type === 'Fill');
    expect(fills.length, 'EMA(2)/EMA(3) crosses many times in 57 bars, and market entries fill on the next trade').toBeGreaterThan(2);
    const trips = events.filter((e) => e.type === 'RoundTripClosed');
    expect(trips.length, 'brackets close trades within the capture').toBeGreaterThan(0);
  });

  test('journals every order intent before any event of that order', () => {
    const intentSeq = new Map<string, number>();
    for (const e of events) {
      const p = JSON.parse(e.payload) as { clientId?: string };
      if (e.type === 'OrderIntent') intentSeq.set(p.clientId!, e.seq);
      else if (p.clientId !== undefined) expect(intentSeq.get(p.clientId), `${e.type} of ${p.clientId} comes after its intent`).toBeLessThan(e.seq);
    }
    expect(intentSeq.size).toBeGreaterThan(0);
    const ids = [...intentSeq.keys()];
    expect(new Set(ids).size, 'no client id is used twice').toBe(ids.length);
    for (const id of ids) expect(id, 'fits Binance newClientOrderId ^[.A-Z:/a-z0-9_-]{1,36}$').toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
  });

  test('refuses an oversize entry, journals why and sends nothing', () => {
    const denied = oversizeEvents.filter((e) => e.type === 'RiskDenied').map((e) => JSON.parse(e.payload) as { code: string; detail: string });
    expect(denied.length, 'every entry of a 50,000 USDT notional is refused').toBeGreaterThan(0);
    // 50,000 USDT at 10x = 5,000 USDT of margin, above 10 % of 10,000 USDT equity (1,000 USDT).
    expect(denied[0]!.code).toBe('MARGIN_UTILISATION');
    expect(denied[0]!.detail).toContain('would exceed 10% of equity (1000.00 USDT)');
    expect(oversizeEvents.filter((e) => e.type === 'OrderIntent'), 'a refused order is never journaled as sent').toHaveLength(0);
  });
});
