// ALGO_UPDATE on fakex's user data stream and CcxtVenue's reading of it, on loopback with no polling: fakex pushes a
// conditional order's lifecycle as Binance does (NEW, TRIGGERED with its child order, FINISHED; CANCELED; REJECTED
// when the triggered order is refused), and the venue reports the trigger, a cancel made elsewhere and a rejection
// once each, for the conditional order's client id.
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import { WebSocket } from 'ws';
import { ccxtForFakex, fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import type { VenueEvent } from '../venue.js';
import { FAKEX_KEYS, fakexRig, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
let tap: WebSocket | undefined;
afterEach(async () => {
  tap?.terminate();
  await rig?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const control = (url: string, body: unknown): Promise<Response> => fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });

async function until(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}

/** A second socket on the account's listen key (fakex has one per account), keeping every ALGO_UPDATE `o`. */
async function tapAlgoUpdates(r: FakexRig): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${r.server.url}/fapi/v1/listenKey`, { method: 'POST', headers: { 'X-MBX-APIKEY': FAKEX_KEYS.apiKey } });
  const { listenKey } = (await res.json()) as { listenKey: string };
  const seen: Record<string, unknown>[] = [];
  tap = new WebSocket(`${r.server.wsUrl}/ws/${listenKey}`);
  tap.on('message', (raw) => {
    const msg = JSON.parse(raw.toString()) as { e?: string; o?: Record<string, unknown> };
    if (msg.e === 'ALGO_UPDATE' && msg.o !== undefined) seen.push(msg.o);
  });
  await new Promise((resolve) => tap!.once('open', resolve));
  return seen;
}

const of = (events: readonly VenueEvent[], clientId: string): string[] => events.filter((e) => 'clientId' in e && e.clientId === clientId).map((e) => e.type);

describe('ALGO_UPDATE on fakex', () => {
  test('a stop that triggers and fills: NEW, TRIGGERED with its child, FINISHED; the venue reports the trigger once, before the fill', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, userStream: { backoffMs: { initial: 20, max: 200 } } }));
    await r.venue.userStream!.opened();
    const algo = await tapAlgoUpdates(r);
    // A 5-lot short at market, protected by a buy stop 1 USD over the primed ask, which the capture's rise crosses.
    r.venue.send({ type: 'SubmitOrder', order: { clientId: 'a1-in', instrument: BTC, action: 'sell', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' }, tsLocal: Date.now() });
    const stop: OrderSpec = { clientId: 'a1-sl', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'reduce-only', type: 'stop-market', triggerTicks: (r.askTicks + 10) as Ticks };
    r.venue.send({ type: 'SubmitOrder', order: stop, tsLocal: Date.now() });
    await r.venue.idle();
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    await until(() => of(r.events, 'a1-sl').includes('OrderFilled'), 5000, 'the stop fill reached the venue from the stream');
    await until(() => algo.some((o) => o['X'] === 'FINISHED'), 2000, 'fakex pushed FINISHED');
    await r.venue.idle();
    const mine = algo.filter((o) => o['caid'] === 'a1-sl');
    expect(mine.map((o) => o['X']), 'the conditional order’s lifecycle, as Binance pushes it').toEqual(['NEW', 'TRIGGERED', 'FINISHED']);
    const child = (await fakexTruth(r.server.url)).orders.find((o) => o['clientOrderId'] === 'a1-sl' && o['algoId'] === undefined);
    expect(mine[1]?.['ai'], 'TRIGGERED names the regular order that works for it').toBe(String(child?.['orderId']));
    expect(mine[2]?.['aq'], 'FINISHED carries the child’s filled quantity').toBe('0.005');
    expect(of(r.events, 'a1-sl'), 'accepted, triggered once, then its one fill').toEqual(['OrderAccepted', 'OrderTriggered', 'OrderFilled']);
  }, 45_000);

  test('a stop cancelled by another client reaches the venue as one OrderCancelled with no poll', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { userStream: { backoffMs: { initial: 20, max: 200 } } }));
    await r.venue.userStream!.opened();
    const stop: OrderSpec = { clientId: 'a2-sl', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'stop-market', triggerTicks: (r.askTicks + 50_000) as Ticks };
    r.venue.send({ type: 'SubmitOrder', order: stop, tsLocal: Date.now() });
    await r.venue.idle();
    const other = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret);
    await other.loadMarkets();
    const algoId = (await fakexTruth(r.server.url)).orders.find((o) => o['clientAlgoId'] === 'a2-sl')?.['algoId'];
    await other.cancelOrder(String(algoId), 'BTC/USDT:USDT', { trigger: true });
    await until(() => of(r.events, 'a2-sl').includes('OrderCancelled'), 5000, 'the cancel reached the venue from the stream');
    await r.venue.poll();
    expect(of(r.events, 'a2-sl'), 'cancelled once: the poll after the stream adds nothing').toEqual(['OrderAccepted', 'OrderCancelled']);
  }, 45_000);

  test('a triggered reduce-only stop with nothing to reduce ends REJECTED with its reason, and leaves no working child', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, userStream: { backoffMs: { initial: 20, max: 200 } } }));
    await r.venue.userStream!.opened();
    const algo = await tapAlgoUpdates(r);
    // A short with its reduce-only stop, then the short closed by another order: the stop rests until its trigger,
    // where the matching engine finds nothing to reduce (the race of a take-profit filling as the stop triggers).
    const market = (clientId: string, action: 'buy' | 'sell'): OrderSpec => ({ clientId, instrument: BTC, action, qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' });
    r.venue.send({ type: 'SubmitOrder', order: market('a3-in', 'sell'), tsLocal: Date.now() });
    const stop: OrderSpec = { clientId: 'a3-sl', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'reduce-only', type: 'stop-market', triggerTicks: (r.askTicks + 10) as Ticks };
    r.venue.send({ type: 'SubmitOrder', order: stop, tsLocal: Date.now() });
    r.venue.send({ type: 'SubmitOrder', order: market('a3-out', 'buy'), tsLocal: Date.now() });
    await r.venue.idle();
    expect(of(r.events, 'a3-sl'), 'the stop rests on the now flat account').toEqual(['OrderAccepted']);
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    await until(() => of(r.events, 'a3-sl').includes('OrderCancelled'), 5000, 'the rejection reached the venue from the stream');
    await r.venue.idle();
    expect(algo.filter((o) => o['caid'] === 'a3-sl').map((o) => o['X']), 'NEW, TRIGGERED, then REJECTED').toEqual(['NEW', 'TRIGGERED', 'REJECTED']);
    expect(algo.find((o) => o['X'] === 'REJECTED')?.['rm'], 'with the matching engine’s reason').toBe('ReduceOnly Order is rejected.');
    const cancelled = r.events.find((e) => e.type === 'OrderCancelled' && e.clientId === 'a3-sl');
    expect(cancelled !== undefined && cancelled.type === 'OrderCancelled' ? cancelled.reason : '', 'the session hears why').toMatch(/rejected by the venue after it was accepted: ReduceOnly Order is rejected/);
    await r.venue.poll();
    expect(of(r.events, 'a3-sl'), 'accepted, triggered, ended once (a poll after the stream adds nothing)').toEqual(['OrderAccepted', 'OrderTriggered', 'OrderCancelled']);
    const working = (await fakexTruth(r.server.url)).orders.filter((o) => o['status'] === 'NEW' || o['algoStatus'] === 'NEW');
    expect(working, 'no child order is left working on fakex').toEqual([]);
  }, 45_000);
});
