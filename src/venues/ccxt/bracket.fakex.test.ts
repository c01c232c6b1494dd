// Emulated brackets on CcxtVenue against fakex on loopback: after the entry fills exactly one reduce-only stop and
// one take-profit rest on the venue (judged by fakex's /__truth), they follow the position through a scale-in and a
// partial close, and none is left once the position is closed or cancelled everywhere.
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec } from '../venue.js';
import { ccxtForFakex, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { fakexRig, workingOrders, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
afterEach(async () => rig?.close());

/** A long bracket: market entry of `lots`, stop 500 USD under the bid, take-profit limit 500 USD over the ask. */
function longBracket(r: FakexRig, id: string, lots: number): BracketSpec {
  const exit = { instrument: BTC, action: 'sell', qtyLots: lots as Lots, effect: 'reduce-only' } as const;
  const stop: OrderSpec = { ...exit, clientId: `${id}-sl`, type: 'stop-market', triggerTicks: (r.bidTicks - 5000) as Ticks };
  const tp: OrderSpec = { ...exit, clientId: `${id}-tp`, type: 'limit', limitTicks: (r.askTicks + 5000) as Ticks, timeInForce: 'GTC' };
  return { entry: { clientId: `${id}-in`, instrument: BTC, action: 'buy', qtyLots: lots as Lots, effect: 'open-or-reduce', type: 'market' }, stopLoss: stop, takeProfit: tp };
}

/** The exits resting on fakex: stops are algo orders (STOP_MARKET), take-profits regular LIMIT sells. */
async function exits(url: string): Promise<{ stops: Record<string, unknown>[]; targets: Record<string, unknown>[] }> {
  const working = await workingOrders(url);
  return {
    stops: working.filter((o) => o['orderType'] === 'STOP_MARKET'),
    targets: working.filter((o) => o['type'] === 'LIMIT' && o['side'] === 'SELL'),
  };
}

const positionBtc = async (url: string): Promise<number> => {
  const truth = (await (await fetch(`${url}/__truth`)).json()) as { positions: { signedLots: number }[] };
  return truth.positions.reduce((s, p) => s + p.signedLots, 0);
};

describe('CcxtVenue brackets on fakex', () => {
  test('the entry fill puts exactly one reduce-only stop and one take-profit of its size on the venue', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b1', 5), tsLocal: Date.now() });
    await r.venue.idle();
    const { stops, targets } = await exits(r.server.url);
    expect(stops, 'one stop rests on the algo service').toHaveLength(1);
    expect(targets, 'one take-profit rests in the book').toHaveLength(1);
    expect([stops[0]!['quantity'], stops[0]!['reduceOnly'], stops[0]!['clientAlgoId']], '0.005 BTC, reduce-only, the session\'s id').toEqual(['0.005', true, 'b1-sl']);
    expect([targets[0]!['origQty'], targets[0]!['reduceOnly']]).toEqual(['0.005', true]);
    const seen = r.events.filter((e) => e.type === 'OrderAccepted').map((e) => ('clientId' in e ? e.clientId : ''));
    expect(seen.sort(), 'the session hears of the entry and both exits under its own ids').toEqual(['b1-in', 'b1-sl', 'b1-tp']);
  });

  test('a scale-in and a partial close resize the exits, placing the new stop before cancelling the old', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b1', 5), tsLocal: Date.now() });
    await r.venue.idle();
    r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b2', 4), tsLocal: Date.now() });
    await r.venue.idle();
    let now = await exits(r.server.url);
    expect(now.stops.map((o) => [o['clientAlgoId'], o['quantity']]), 'one stop for the whole 0.009 BTC, under the scale-in\'s id').toEqual([['b2-sl', '0.009']]);
    expect(now.targets.map((o) => o['origQty'])).toEqual(['0.009']);
    expect(r.events.some((e) => e.type === 'OrderCancelled' && e.clientId === 'b1-sl'), 'the session learns the first stop was replaced').toBe(true);

    r.venue.send({ type: 'SubmitOrder', order: { clientId: 'part', instrument: BTC, action: 'sell', qtyLots: 2 as Lots, effect: 'reduce-only', type: 'market' }, tsLocal: Date.now() });
    await r.venue.idle();
    now = await exits(r.server.url);
    expect(now.stops.map((o) => o['quantity']), 'the stop follows the position down to 0.007').toEqual(['0.007']);
    expect(now.targets.map((o) => o['origQty'])).toEqual(['0.007']);
    const truth = (await (await fetch(`${r.server.url}/__truth`)).json()) as { orders: Record<string, unknown>[] };
    const stopIds = truth.orders.filter((o) => o['orderType'] === 'STOP_MARKET').map((o) => o['algoId'] as number);
    expect(stopIds, 'each replacement stop was created after the one it replaced (ids rise)').toEqual([...stopIds].sort((a, b) => a - b));
    const modified = r.events.filter((e) => e.type === 'OrderModified' && e.clientId === 'b2-sl');
    const last = modified.at(-1);
    expect(last?.type === 'OrderModified' ? last.order.qtyLots : undefined, 'the session sees its stop resized to 7 lots').toBe(7);
  });

  test('closing the position cancels both exits (no orphan), and the session hears each cancelled once', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b1', 5), tsLocal: Date.now() });
    await r.venue.idle();
    r.venue.send({ type: 'SubmitOrder', order: { clientId: 'close', instrument: BTC, action: 'sell', qtyLots: 5 as Lots, effect: 'reduce-only', type: 'market' }, tsLocal: Date.now() });
    await r.venue.idle();
    expect(await workingOrders(r.server.url), 'nothing works on the venue once flat').toEqual([]);
    expect(await positionBtc(r.server.url)).toBe(0);
    const cancels = r.events.filter((e) => e.type === 'OrderCancelled').map((e) => ('clientId' in e ? e.clientId : ''));
    expect(cancels.sort()).toEqual(['b1-sl', 'b1-tp']);
  });

  test('a cancel-all lets the exits go and nothing re-places them', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b1', 5), tsLocal: Date.now() });
    await r.venue.idle();
    r.venue.send({ type: 'CancelAll', instrument: BTC, tsLocal: Date.now() });
    await r.venue.idle();
    await r.venue.poll();
    expect(await workingOrders(r.server.url), 'the kill switch leaves no order working').toEqual([]);
  });

  test('a bracket whose stop is on the wrong side of the entry is refused before anything is sent', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const b = longBracket(r, 'bad', 5);
    r.venue.send({ type: 'SubmitBracket', bracket: { ...b, stopLoss: { ...b.stopLoss, action: 'buy' } }, tsLocal: Date.now() });
    await r.venue.idle();
    expect(r.events.map((e) => e.type)).toEqual(['OrderRejected', 'OrderRejected', 'OrderRejected']);
    expect((await (await fetch(`${r.server.url}/__truth`)).json() as { orders: unknown[] }).orders, 'no order reached the venue').toEqual([]);
  });

  test('an OCO pair: the fill of one cancels the other', async () => {
    const r = (rig = await fakexRig(FAKEX_API));
    const a: OrderSpec = { clientId: 'oco-a', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: (r.askTicks + 10) as Ticks, timeInForce: 'GTC' };
    const b: OrderSpec = { clientId: 'oco-b', instrument: BTC, action: 'buy', qtyLots: 5 as Lots, effect: 'open-or-reduce', type: 'limit', limitTicks: (r.bidTicks - 5000) as Ticks, timeInForce: 'GTC' };
    r.venue.send({ type: 'SubmitOco', orders: [b, a], tsLocal: Date.now() });
    await r.venue.idle();
    await r.venue.poll();
    await r.venue.idle();
    expect(r.events.some((e) => e.type === 'OrderFilled' && e.clientId === 'oco-a'), 'the marketable one fills').toBe(true);
    expect(r.events.some((e) => e.type === 'OrderCancelled' && e.clientId === 'oco-b'), 'its peer is cancelled').toBe(true);
    expect(await workingOrders(r.server.url)).toEqual([]);
  });
});
