// The user data stream on CcxtVenue against fakex on loopback: fills of resting orders reach the session from the
// stream with no poll, each once (a later poll adds nothing), and a dropped socket or an expired listen key loses no
// fill: fakex's /__truth is the judge of what filled.
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { VenueEvent } from '../venue.js';
import { ccxtForFakex, fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { fakexRig, FAKEX_KEYS, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const control = (url: string, body: unknown): Promise<Response> => fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });

/** Polls `cond`; resyncs read orders back through ccxt's rate limiter (~250 ms a read), hence the long limits. */
async function until(cond: () => boolean | Promise<boolean>, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (await cond()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}

/**
 * A ladder of resting GTC limits around the primed quote (buys at and under the bid, sells at and over the ask);
 * 0.005 BTC clears the 100 USDT minimum notional, and the capture rises ~10 USD, through part of the sells.
 */
function ladder(r: FakexRig): OrderSpec[] {
  const orders: OrderSpec[] = [];
  for (let i = 0; i < 4; i++) {
    const base = { instrument: BTC, qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'limit', timeInForce: 'GTC' } as const;
    orders.push({ ...base, clientId: `buy-${i}`, action: 'buy', limitTicks: (r.bidTicks - i * 10) as Ticks });
    orders.push({ ...base, clientId: `sell-${i}`, action: 'sell', limitTicks: (r.askTicks + i * 20) as Ticks });
  }
  return orders;
}

type Filled = Extract<VenueEvent, { type: 'OrderFilled' }>;
const filled = (events: readonly VenueEvent[]): Filled[] => events.filter((e): e is Filled => e.type === 'OrderFilled');

/** Lots filled per client id: from the session's events, and from fakex's truth (its fills joined to its orders). */
async function compare(r: FakexRig): Promise<{ seen: Record<string, number>; truth: Record<string, number>; truthFills: number }> {
  const t = await fakexTruth(r.server.url);
  const clientOf = new Map(t.orders.map((o) => [o['orderId'], o['clientOrderId']]));
  const truth: Record<string, number> = {};
  for (const f of t.fills) {
    const id = String(clientOf.get(f['orderId']));
    truth[id] = (truth[id] ?? 0) + Math.round(Number(f['qty']) * 1000) /* lot 0.001 BTC */;
  }
  const seen: Record<string, number> = {};
  for (const e of filled(r.events)) seen[e.clientId] = (seen[e.clientId] ?? 0) + e.lots;
  return { seen, truth, truthFills: t.fills.length };
}

async function restLadder(r: FakexRig): Promise<void> {
  for (const order of ladder(r)) r.venue.send({ type: 'SubmitOrder', order, tsLocal: Date.now() });
  await r.venue.idle();
  expect(filled(r.events), 'nothing is marketable at the primed quote').toHaveLength(0);
}

describe('the Binance user data stream on fakex', () => {
  test('fills of resting orders arrive from the stream with no poll, and a later poll delivers none of them again', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, userStream: { backoffMs: { initial: 20, max: 200 } } }));
    await r.venue.userStream!.opened();
    await restLadder(r);
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    const { truthFills } = await compare(r);
    expect(truthFills, 'the capture moves the market through part of the ladder').toBeGreaterThan(0);
    await until(async () => filled(r.events).length === truthFills, 5000, 'every fakex fill reached the session');
    await r.venue.idle();
    const before = (await compare(r)).seen;
    expect(before, 'lots per order equal fakex\'s fills, without any poll').toEqual((await compare(r)).truth);
    await r.venue.poll();
    expect((await compare(r)).seen, 'a poll after the stream adds no fill (deduped by trade id)').toEqual(before);
    const ids = filled(r.events).map((e) => `${e.clientId}@${e.tsVenue}:${e.lots}`);
    expect(new Set(ids).size, 'no fill event is delivered twice').toBe(ids.length);
  }, 45_000);

  test('an expired listen key is replaced and the REST resync recovers every fill made while disconnected', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, userStream: { backoffMs: { initial: 300, max: 600 } } }));
    const stream = r.venue.userStream!;
    await stream.opened();
    await restLadder(r);
    // DELETE /fapi/v1/listenKey makes fakex send listenKeyExpired and close the socket; the replay then runs to its
    // end inside the 300 ms backoff, so every fill happens while the session has no stream.
    const del = await fetch(`${r.server.url}/fapi/v1/listenKey`, { method: 'DELETE', headers: { 'X-MBX-APIKEY': FAKEX_KEYS.apiKey } });
    expect(del.status).toBe(200);
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    await until(() => stream.stats.resyncs === 1, 5000, 'the stream reconnected on a new key and asked for a resync');
    await until(async () => filled(r.events).length >= (await compare(r)).truthFills, 20_000, 'the resync reported the fills');
    await r.venue.idle();
    const c = await compare(r);
    expect(c.truthFills).toBeGreaterThan(0);
    expect(c.seen, 'lots per order equal fakex\'s truth: nothing lost, nothing doubled').toEqual(c.truth);
    expect([stream.stats.expiries, stream.stats.listenKeys], 'one expiry seen, a second key created').toEqual([1, 2]);
  }, 45_000);

  test('sockets dropped mid-session (seeded ws-drop faults) lose no fill', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, faults: 'ws-drop:0.5,seed:11', userStream: { backoffMs: { initial: 20, max: 100 } } }));
    const stream = r.venue.userStream!;
    await stream.opened();
    await restLadder(r);
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    const drops = (await fakexTruth(r.server.url)).faults.wsDrops;
    expect(drops, 'fakex dropped the user stream at least once').toBeGreaterThan(0);
    await until(() => stream.open && stream.stats.resyncs >= 1, 5000, 'the stream reconnected');
    await r.venue.idle();
    await until(async () => filled(r.events).length >= (await compare(r)).truthFills, 20_000, 'the resync reported the fills');
    await r.venue.idle();
    const c = await compare(r);
    expect(c.seen, 'lots per order equal fakex\'s truth after the drops').toEqual(c.truth);
  }, 45_000);

  test('the listen key is kept alive on the timer', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { userStream: { keepAliveMs: 30 } }));
    await r.venue.userStream!.opened();
    await until(() => r.venue.userStream!.stats.keepAlives >= 2, 3000, 'two keepalives (PUT /fapi/v1/listenKey) succeeded');
    expect(r.venue.userStream!.stats.listenKeys, 'a live key is extended, never replaced').toBe(1);
  });
});
