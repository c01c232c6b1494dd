// Fills of triggered Binance algo orders on CcxtVenue against fakex on loopback: a bracket's stop is an algo order
// whose trades belong to its child order (`actualOrderId`); the session hears exactly one OrderFilled for the stop, at
// the price and size fakex's /__truth records for the child, whether polling or the user data stream finds it.
import { afterEach, describe, expect, test } from 'vitest';
import { countFromText, type Lots, type Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { Money } from '../../core/money.js';
import type { BracketSpec, VenueEvent } from '../venue.js';
import { ccxtForFakex, fakexTruth, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { fakexRig, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const control = (url: string, body: unknown): Promise<Response> => fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify(body) });

/**
 * A short bracket of 0.005 BTC at market: its buy stop 1 USD over the primed ask, which the capture's ~10 USD rise
 * crosses, and a take-profit 500 USD under the bid, which it never reaches.
 */
function shortBracket(r: FakexRig): BracketSpec {
  const exit = { instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'reduce-only' } as const;
  return {
    entry: { clientId: 's1-in', instrument: BTC, action: 'sell', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'market' },
    stopLoss: { ...exit, clientId: 's1-sl', type: 'stop-market', triggerTicks: (r.askTicks + 10) as Ticks },
    takeProfit: { ...exit, clientId: 's1-tp', type: 'limit', limitTicks: (r.bidTicks - 5000) as Ticks, timeInForce: 'GTC' },
  };
}

type Filled = Extract<VenueEvent, { type: 'OrderFilled' }>;
const stopFills = (events: readonly VenueEvent[]): Filled[] => events.filter((e): e is Filled => e.type === 'OrderFilled' && e.clientId === 's1-sl');

/** The stop's fills in fakex's truth: those of the regular (child) order that carries the stop's client id. */
async function truthStopFills(r: FakexRig): Promise<{ lots: number; priceTicks: number }[]> {
  const t = await fakexTruth(r.server.url);
  const childIds = new Set(t.orders.filter((o) => o['clientOrderId'] === 's1-sl').map((o) => o['orderId']));
  return t.fills
    .filter((f) => childIds.has(f['orderId']))
    .map((f) => {
      const lots = countFromText(String(f['qty']), r.spec.lot, 'exact');
      const price = countFromText(String(f['price']), r.spec.tick, 'exact');
      if (!lots.ok || !price.ok) throw new Error(`fakex fill off the grid: ${JSON.stringify(f)}`);
      return { lots: lots.value, priceTicks: price.value };
    });
}

async function until(cond: () => boolean, limitMs: number, what: string): Promise<void> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (cond()) return;
    await sleep(20);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}

/** Places the bracket at the primed quote, then lets the capture run to its end (the stop triggers and fills). */
async function bracketThroughReplay(r: FakexRig): Promise<{ lots: number; priceTicks: number }[]> {
  r.venue.send({ type: 'SubmitBracket', bracket: shortBracket(r), tsLocal: Date.now() });
  await r.venue.idle();
  expect(stopFills(r.events), 'the stop has not triggered at the primed quote').toHaveLength(0);
  await control(r.server.url, { replay: 'resume' });
  await untilReplayDone(r.server.url, 20_000);
  const truth = await truthStopFills(r);
  expect(truth, 'fakex triggered the stop and its child order filled once').toHaveLength(1);
  return truth;
}

describe('fills of triggered algo orders on fakex', () => {
  test('polling reports the stop child order\'s fill once, with the truth\'s price and lots', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true }));
    const [truth] = await bracketThroughReplay(r);
    await r.venue.poll();
    await r.venue.poll();
    await r.venue.idle();
    const seen = stopFills(r.events).map((e) => ({ lots: e.lots, priceTicks: e.priceTicks }));
    expect(seen, 'exactly one OrderFilled for the stop, as fakex filled its child order').toEqual([truth]);
    expect(stopFills(r.events)[0]?.action, 'the fill is the stop\'s buy').toBe('buy');
  }, 45_000);

  test('the user data stream reports the stop child order\'s fill once with no poll, and a poll adds nothing', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true, userStream: { backoffMs: { initial: 20, max: 200 } } }));
    await r.venue.userStream!.opened();
    const [truth] = await bracketThroughReplay(r);
    await until(() => stopFills(r.events).length > 0, 5000, 'the stop fill reached the session from the stream');
    await r.venue.idle();
    const seen = stopFills(r.events).map((e) => ({ lots: e.lots, priceTicks: e.priceTicks }));
    expect(seen, 'exactly one OrderFilled for the stop, as fakex filled its child order').toEqual([truth]);
    await r.venue.poll();
    await r.venue.idle();
    expect(stopFills(r.events), 'a poll after the stream adds no fill (deduped by trade id)').toHaveLength(1);
  }, 45_000);

  test('a stream trade naming the child order id (under any client id) is linked back to the conditional order', async () => {
    const r = (rig = await fakexRig(FAKEX_API, { paused: true }));
    // A stop-limit whose child (a limit buy at the primed bid) rests after the trigger, so its id is known and idle.
    const order = { clientId: 'sl2', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'stop-limit', triggerTicks: (r.askTicks + 10) as Ticks, limitTicks: r.bidTicks as Ticks, timeInForce: 'GTC' } as const;
    r.venue.send({ type: 'SubmitOrder', order, tsLocal: Date.now() });
    await r.venue.idle();
    await control(r.server.url, { replay: 'resume' });
    await untilReplayDone(r.server.url, 20_000);
    await r.venue.poll();
    const child = (await fakexTruth(r.server.url)).orders.find((o) => o['clientOrderId'] === 'sl2' && o['status'] === 'NEW');
    expect(child, 'fakex triggered the stop-limit and its child limit rests').toBeDefined();
    const trade = { tradeId: 'stream-1', lots: 2 as Lots, priceTicks: r.bidTicks as Ticks, liquidity: 'maker', fee: 0 as Money, tsVenue: Date.now() } as const;
    await r.venue.ingest('binance-child-client-id', String(child!['orderId']), trade);
    await r.venue.ingest('binance-child-client-id', String(child!['orderId']), trade);
    const fills = r.events.filter((e): e is Filled => e.type === 'OrderFilled');
    expect(fills.map((e) => [e.clientId, e.lots, e.priceTicks]), 'one fill, reported as the conditional order\'s, from the pushed trade').toEqual([['sl2', 2, r.bidTicks]]);
  }, 45_000);
});
