// The websocket market stream against fakex on loopback: every depth gap fakex injects (its /__truth lists them) is
// detected or healed by a resync, the book is stale (entries blocked) from each detection to its resync, a dropped
// socket reconnects, a silent one is a stall, and the live book ends equal to the exchange's own depth.
import { afterEach, describe, expect, test } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { BinanceMarketStream, type StaleCause } from './binance-ws.js';
import { FAKEX_CAPTURE, FAKEX_KEYS } from './testing/fakex-rig.js';

let server: FakexServer | undefined;
let stream: BinanceMarketStream | undefined;
afterEach(async () => {
  stream?.stop();
  await server?.close();
});

const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const control = (url: string, body: unknown): Promise<Response> => fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}

interface Log {
  stale: { cause: StaleCause; afterU: number | undefined; pu: number | undefined; staleFlag: boolean }[];
  resyncs: { lastUpdateId: number; staleFlag: boolean }[];
}

async function run(faults: string, speed: number, stallMs = 60_000): Promise<{ s: FakexServer; m: BinanceMarketStream; log: Log }> {
  const s = (server = await startFakex({ port: 0, replayFile: FAKEX_CAPTURE, speed, faults: parseFaultSpec(faults), credentials: FAKEX_KEYS, registry, paused: true }));
  const log: Log = { stale: [], resyncs: [] };
  const m = (stream = new BinanceMarketStream({
    wsBaseUrl: s.wsUrl,
    restBaseUrl: s.url,
    symbol: 'BTCUSDT',
    tick: spec.tick,
    lot: spec.lot,
    stallMs,
    backoffMs: { initial: 20, max: 200 },
    handlers: {
      onStale: (cause, d) => log.stale.push({ cause, ...d, staleFlag: m.stale }),
      onResync: (lastUpdateId) => log.resyncs.push({ lastUpdateId, staleFlag: m.stale }),
    },
  }));
  m.start();
  await sleep(100);
  await control(s.url, { replay: 'resume' });
  return { s, m, log };
}

/** The top `n` levels of one side of the local book as [price ticks, lots]. */
function top(m: BinanceMarketStream, side: 'bid' | 'ask', n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < Math.min(n, m.book.book.levelCount(side)); i++) out.push([m.book.book.levelPriceTicks(side, i), m.book.book.levelQty(side, i)]);
  return out;
}

describe('BinanceMarketStream on fakex', () => {
  test('every injected depth gap is detected or healed by a resync, and the book is stale in between', async () => {
    const { s, m, log } = await run('depth-gap:0.02,seed:11', 0);
    await untilReplayDone(s.url, 20_000);
    await until(() => !m.stale, 5000, 'the book is live again after the replay');
    const gaps = (await fakexTruth(s.url)).faults.depthGaps;
    expect(gaps.length, 'the seed injects gaps').toBeGreaterThan(5);
    const firstLive = log.resyncs[0]!.lastUpdateId;
    const detections = log.stale.filter((x) => x.cause === 'gap');
    // Not-live stretches: from the last applied u at a stale event to the lastUpdateId of the snapshot that healed it.
    const stretches = log.stale.map((x) => {
      const healed = log.resyncs.find((r) => r.lastUpdateId >= (x.pu ?? x.afterU ?? 0));
      return { from: x.afterU ?? -Infinity, to: healed?.lastUpdateId ?? Infinity };
    });
    const unaccounted = gaps
      .filter((g) => g.u > firstLive)
      .filter((g) => !detections.some((d) => d.afterU !== undefined && d.pu !== undefined && d.afterU < g.u && g.u <= d.pu) && !stretches.some((x) => x.from < g.u && g.u <= x.to));
    expect(unaccounted, 'no injected gap slips past the book').toEqual([]);
    const invented = detections.filter((d) => !gaps.some((g) => d.afterU !== undefined && d.pu !== undefined && d.afterU < g.u && g.u <= d.pu));
    expect(invented, 'every detection is an injected gap').toEqual([]);
    expect(detections.length, 'gaps are found while live').toBeGreaterThan(0);
    expect(log.stale.every((x) => x.staleFlag), 'stale (entries blocked) at every detection').toBe(true);
    expect(log.resyncs.every((r) => !r.staleFlag), 'fresh again at every resync').toBe(true);
    const depth = (await (await fetch(`${s.url}/fapi/v1/depth?symbol=BTCUSDT&limit=5`)).json()) as { bids: [string, string][]; asks: [string, string][] };
    const asCounts = (rows: [string, string][]): number[][] => rows.map(([p, q]) => [Math.round(Number(p) * 10), Math.round(Number(q) * 1000)]);
    expect(top(m, 'bid', 5), 'the healed book equals the exchange\'s depth').toEqual(asCounts(depth.bids));
    expect(top(m, 'ask', 5)).toEqual(asCounts(depth.asks));
  }, 30_000);

  test('a dropped websocket reconnects and the book resyncs', async () => {
    const { s, m, log } = await run('ws-drop:0.002,seed:3', 0);
    await untilReplayDone(s.url, 20_000);
    await sleep(300);
    const truth = await fakexTruth(s.url);
    expect(truth.faults.wsDrops, 'fakex dropped the socket').toBeGreaterThan(0);
    expect(m.stats.reconnects, 'one reconnect per drop').toBe(truth.faults.wsDrops);
    const firstDrop = log.stale.findIndex((x) => x.cause === 'disconnected');
    expect(firstDrop, 'the drop made the book stale').toBeGreaterThanOrEqual(0);
    expect(log.resyncs.length, 'the book was rebuilt from a new snapshot after reconnecting').toBeGreaterThan(1);
  }, 30_000);

  test('a silent socket is a stall: the book goes stale and the socket is replaced', async () => {
    const { s, m, log } = await run('', 0, 300);
    await untilReplayDone(s.url, 20_000);
    // The capture has ended: no message arrives any more, so the stall rule must fire.
    await until(() => m.stats.stalls > 0, 3000, 'a stall is seen');
    expect(m.stale, 'stale while silent').toBe(true);
    expect(log.stale.some((x) => x.cause === 'stall')).toBe(true);
    await until(() => m.stats.reconnects > 0, 3000, 'the silent socket is replaced');
  }, 30_000);
});
