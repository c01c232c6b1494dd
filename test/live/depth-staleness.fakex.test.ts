// The order book of a paper session against fakex's depth faults: every depth-sequence gap fakex injects (its
// /__truth lists them) is detected by the session's book or falls inside a resync already under way, each one is
// resynced, an entry attempted while the book is stale is refused (`BLOCKED`, journaled with "order book stale: ..."),
// an exit passes, and entries pass again after the resync; a dropped socket and a silent stall block entries the same
// way. The strategy here only hands its order API to the test, which attempts entries at the moments that matter.
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { moneyFromText, type Money } from '../../src/core/money.js';
import type { Clock, TimestampMs } from '../../src/core/time.js';
import { fakexTruth, untilReplayDone } from '../../src/apps/fakex/ccxt-fakex.js';
import { startFakex, type FakexServer } from '../../src/apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../src/apps/fakex/fault-plan.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import type { OrderApi } from '../../src/engine/order-api.js';
import { defineStrategy, type StrategyDefinition } from '../../src/engine/strategy.js';
import { IN_MEMORY, openJournalDb, type JournalDb } from '../../src/journal/journal-db.js';
import { startPaper, type PaperHandle } from '../../src/live/paper-session.js';
import { binanceWsBase } from '../../src/live/trade-stream.js';
import { DEFAULT_GUARD_LIMITS } from '../../src/risk/guard.js';
import { sharedData } from '../support/shared-data.js';

const CAPTURE = sharedData('binance/futures-um/stream/BTCUSDT-wsRaw-2023-04-04T2358.txt.gz');
const clock: Clock = { nowMs: () => Date.now() as TimestampMs };
const registry = loadRegistry();
const spec = registry.get('BINANCE:BTCUSDT');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: FakexServer | undefined;
let handle: PaperHandle | undefined;
let journal: JournalDb | undefined;
afterEach(async () => {
  await handle?.stop();
  journal?.close();
  await server?.close();
  handle = undefined;
  journal = undefined;
  server = undefined;
});

async function until(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}

/** An entry attempt and what the guarded port did with it. */
interface Attempt {
  readonly at: 'stale' | 'resynced' | 'direct';
  readonly clientId: string;
  /** The BLOCKED reason journaled for it; undefined when it passed the guard. */
  readonly blocked: string | undefined;
}

interface Rig {
  readonly s: FakexServer;
  readonly lines: string[];
  readonly attempts: Attempt[];
  attempt(at: Attempt['at']): Attempt;
  /** A market order of `lots` on `action` with no stop of its own (an entry when flat, an exit when it shrinks the position); its BLOCKED reason or undefined. */
  market(action: 'buy' | 'sell', lots: number, stopTicks?: number): string | undefined;
  readonly blockedRows: () => { clientId: string; detail: string }[];
  readonly intents: () => Set<string>;
}

/**
 * fakex (paused) and a paper session with its order book on; `attemptOn` makes the test try an entry inside the log
 * line that reports a stale book or a resync, so the attempt meets exactly that state.
 */
async function rig(faults: string, stallMs: number, attemptOn: { stale: boolean; resynced: boolean }): Promise<Rig> {
  const s = (server = await startFakex({ port: 0, replayFile: CAPTURE, speed: 10, faults: parseFaultSpec(faults), credentials: { apiKey: 'k', secret: 'depth-test-secret' }, registry, paused: true, log: () => undefined }));
  const bid = s.exchange.bestTicks!.bid;
  let orders: OrderApi | undefined;
  const probe = defineStrategy({
    name: 'order-probe',
    params: z.object({}),
    data: { bars: '1m' },
    create(ctx) {
      orders = ctx.orders;
      return {};
    },
  }) as unknown as StrategyDefinition;
  const j = (journal = openJournalDb(IN_MEMORY, { create: true }));
  const lines: string[] = [];
  const attempts: Attempt[] = [];
  let n = 0;
  const attempt = (at: Attempt['at']): Attempt => {
    const denials = handle?.session.guarded.denials.length ?? 0;
    // A resting buy far below the market with its stop: it never fills, so every attempt is a fresh entry from flat.
    // 5 lots (0.005 BTC, about 140 USDT in this 2023 capture) keep its notional above Binance's 100 USDT minimum.
    const ids = orders!.bracket({ entry: { type: 'limit', action: 'buy', lots: 5, price: { ticks: bid - 3000 - (n++ % 500) } }, stopLoss: { price: { ticks: bid - 4000 } } });
    const denial = handle?.session.guarded.denials.slice(denials).find((d) => d.clientId === ids?.entry);
    const a = { at, clientId: ids!.entry, blocked: denial?.denial.code === 'BLOCKED' ? denial.denial.reason : undefined };
    attempts.push(a);
    return a;
  };
  const market = (action: 'buy' | 'sell', lots: number, stopTicks?: number): string | undefined => {
    const denials = handle!.session.guarded.denials.length;
    const id = stopTicks === undefined ? orders!.market({ action, lots }) : orders!.bracket({ entry: { action, lots }, stopLoss: { price: { ticks: stopTicks } } })?.entry;
    const denial = handle!.session.guarded.denials.slice(denials).find((d) => d.clientId === id);
    return denial === undefined ? undefined : denial.denial.code === 'BLOCKED' ? denial.denial.reason : denial.denial.code;
  };
  handle = startPaper({
    spec,
    strategy: probe,
    params: {},
    journal: j,
    wsBase: binanceWsBase(s.url),
    limits: DEFAULT_GUARD_LIMITS,
    equity: '10000',
    startingBalance: moneyFromText('10000') as Money,
    leverage: 10,
    // 100 ms bars: a market bracket needs a closed bar to price its stop against.
    replaySpeed: 600,
    durationMs: 120_000,
    depth: { restBase: s.url, stallMs },
    clock,
    config: {},
    log: (line) => {
      lines.push(line);
      if (attemptOn.stale && line.startsWith('order book stale')) attempt('stale');
      if (attemptOn.resynced && line.startsWith('order book resynced') && handle !== undefined) attempt('resynced');
    },
  });
  const blockedRows = (): { clientId: string; detail: string }[] =>
    (j.db.prepare("SELECT payload FROM events WHERE type = 'RiskDenied'").all() as { payload: string }[])
      .map((r) => JSON.parse(r.payload) as { code: string; detail: string })
      .filter((r) => r.code === 'BLOCKED')
      .map((r) => ({ clientId: r.detail.slice(0, r.detail.indexOf(':')), detail: r.detail.slice(r.detail.indexOf(':') + 2) }));
  const intents = (): Set<string> => new Set((j.db.prepare("SELECT json_extract(payload, '$.clientId') AS id FROM events WHERE type = 'OrderIntent'").all() as { id: string }[]).map((r) => r.id));
  await sleep(300);
  return { s, lines, attempts, attempt, market, blockedRows, intents };
}

const control = (url: string, body: unknown): Promise<Response> => fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });
/** "gap after update A (next event's pu P)" of the session's log. */
const GAP = /^order book stale: depth sequence gap after update (\d+) \(next event's pu (\d+)\)/;
const RESYNC = /^order book resynced from snapshot (\d+)/;

describe('the order book of a paper session on fakex', () => {
  test('every injected depth gap is detected and resynced; entries are refused while the book is stale and pass after the resync', async () => {
    const r = await rig('depth-gap:0.01,seed:23', 60_000, { stale: true, resynced: true });
    await control(r.s.url, { replay: 'resume' });
    await untilReplayDone(r.s.url, 60_000);
    await until(() => handle!.session.blockedReason() === undefined, 5000, 'the book is fresh after the replay');
    const injected = (await fakexTruth(r.s.url)).faults.depthGaps;
    const resyncs = r.lines.map((l) => RESYNC.exec(l)).filter((m) => m !== null).map((m) => Number(m[1]));
    const firstLive = resyncs[0]!;
    const detections = r.lines.map((l) => GAP.exec(l)).filter((m) => m !== null).map((m) => ({ afterU: Number(m[1]), pu: Number(m[2]) }));
    // A gap is detected when it lies between the last applied update and the pu that broke the chain; one injected
    // while a resync is under way lies before the snapshot that healed the book (that snapshot already holds it).
    const detected = injected.filter((g) => detections.some((d) => d.afterU < g.u && g.u <= d.pu));
    const healedAt = (d: { pu: number }): number => Math.min(...resyncs.filter((x) => x >= d.pu));
    const healed = injected.filter((g) => !detected.includes(g) && detections.some((d) => d.afterU < g.u && g.u <= healedAt(d)));
    const beforeSync = injected.filter((g) => g.u <= firstLive);
    console.info(`depth gaps: ${injected.length} injected, ${detected.length} detected, ${healed.length} inside a resync under way, ${beforeSync.length} before the first sync; ${detections.length} detections, ${resyncs.length} snapshots synced`);
    expect(injected.length, 'the seed injects gaps').toBeGreaterThan(5);
    expect(detected.length + healed.length + beforeSync.length, 'no injected gap slips past the book').toBe(injected.length);
    expect(detections.every((d) => injected.some((g) => d.afterU < g.u && g.u <= d.pu)), 'every detection is an injected gap').toBe(true);
    expect(resyncs.length, 'the first sync, then one resync per detection').toBe(detections.length + 1);

    const stale = r.attempts.filter((a) => a.at === 'stale');
    expect(stale.length, 'an entry was attempted at every stale report').toBe(detections.length);
    expect(stale.every((a) => a.blocked?.startsWith('order book stale: depth sequence gap after update') === true), 'every entry attempted while a gap is being resynced is refused, naming the gap').toBe(true);
    const rows = r.blockedRows();
    for (const a of stale) expect(rows.find((x) => x.clientId === a.clientId)?.detail, `${a.clientId}: the refusal is journaled with its reason`).toBe(a.blocked);
    const resumed = r.attempts.filter((a) => a.at === 'resynced').slice(1);
    expect(resumed.length, 'an entry was attempted at every resync').toBe(detections.length);
    expect(resumed.filter((a) => a.blocked !== undefined), 'entries pass again once the book is resynced').toEqual([]);
    const intents = r.intents();
    expect(resumed.every((a) => intents.has(a.clientId)), 'each entry after a resync is journaled as an intent and sent').toBe(true);
    expect(stale.some((a) => intents.has(a.clientId)), 'no refused entry is journaled as an intent').toBe(false);
  }, 90_000);

  test('a dropped socket blocks entries until the book is resynced from a new snapshot', async () => {
    const r = await rig('ws-drop:0.002,seed:5', 60_000, { stale: true, resynced: false });
    await control(r.s.url, { replay: 'resume' });
    await untilReplayDone(r.s.url, 60_000);
    await sleep(800);
    const truth = await fakexTruth(r.s.url);
    const depthDrops = r.lines.filter((l) => l.startsWith('order book stale: the depth stream is disconnected')).length;
    const tradeDrops = r.lines.filter((l) => l.startsWith('market data: trade stream closed')).length;
    console.info(`ws drops: ${truth.faults.wsDrops} by fakex, ${depthDrops} of the depth socket, ${tradeDrops} of the trade socket`);
    expect(depthDrops, 'fakex dropped the depth socket').toBeGreaterThan(0);
    expect(depthDrops + tradeDrops, "every socket fakex dropped is one the session saw close").toBe(truth.faults.wsDrops);
    // After a drop the book syncs again from a new snapshot, unless the socket drops again first (during that resync)
    // or the capture has no depth message left to sync to.
    const events = r.lines.filter((l) => RESYNC.test(l) || l.startsWith('order book stale: the depth stream is disconnected')).map((l) => (RESYNC.test(l) ? 'sync' : 'drop'));
    const syncs = events.filter((e) => e === 'sync').length;
    expect(syncs, 'the book resynced after drops').toBeGreaterThan(1);
    expect(events.every((e, i) => e === 'drop' || i === events.indexOf('sync') || events[i - 1] === 'drop'), 'every resync after the first follows a drop: none is invented').toBe(true);
    expect(syncs, 'at most the first sync and one per drop').toBeLessThanOrEqual(depthDrops + 1);
    const stale = r.attempts.filter((a) => a.at === 'stale');
    expect(stale.length).toBe(depthDrops);
    // The trade socket may be down at the same moment: its reason comes first, and blocks entries just the same.
    const reasons = stale.map((a) => a.blocked ?? 'passed');
    expect(reasons.filter((x) => x !== 'order book stale: the depth stream is disconnected; reconnecting' && !/^trade stream closed/.test(x)), 'refused while a socket is down, with the reason').toEqual([]);
    expect(reasons.filter((x) => x.startsWith('order book stale')).length, 'the book is named as the reason when it alone is down').toBeGreaterThan(0);
  }, 90_000);

  test('a silent stream is a stall: entries are refused with the silence named, an exit passes, and entries return after the resync', async () => {
    const r = await rig('', 400, { stale: false, resynced: false });
    await control(r.s.url, { replay: 'resume' });
    await until(() => r.lines.some((l) => RESYNC.test(l)), 5000, 'the book synced');
    await sleep(300);
    expect(r.attempt('direct').blocked, 'fresh book: the entry passes').toBeUndefined();
    const bid = r.s.exchange.bestTicks!.bid;
    expect(r.market('buy', 5, bid - 4000), 'fresh book: a market entry with its stop passes').toBeUndefined();
    await until(() => handle!.session.engine.books[0]!.signedLots === 5, 5000, 'the paper entry filled');
    await control(r.s.url, { replay: 'pause' });
    await until(() => r.lines.some((l) => l.startsWith('order book stale: no market data for')), 3000, 'the stall is reported');
    const during = r.attempt('direct');
    expect(during.blocked, 'refused while the stream is silent, naming the silence').toMatch(/^order book stale: (no market data for \d+ ms \(stall limit 400 ms\)|the depth stream is disconnected|not synced yet)/);
    expect(r.blockedRows().find((x) => x.clientId === during.clientId)?.detail, 'journaled with its reason').toBe(during.blocked);
    expect(r.market('buy', 5, bid - 4000), 'adding to the long is an entry: refused').toMatch(/^order book stale/);
    expect(r.market('sell', 5), 'selling the 5-lot long only shrinks it: an exit passes a stale book').toBeUndefined();
    await control(r.s.url, { replay: 'resume' });
    const syncedBefore = r.lines.filter((l) => RESYNC.test(l)).length;
    await until(() => r.lines.filter((l) => RESYNC.test(l)).length > syncedBefore && handle!.session.blockedReason() === undefined, 5000, 'the book resynced after the stall');
    expect(r.attempt('direct').blocked, 'entries pass again after the resync').toBeUndefined();
  }, 60_000);
});
