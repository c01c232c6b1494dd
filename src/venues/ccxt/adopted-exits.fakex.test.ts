// Exits a restarted process adopted, against fakex on loopback: an earlier CcxtVenue left a long with its bracket's
// stop and take-profit resting; a second CcxtVenue (the restarted process, new ccxt client) adopts them from its
// snapshot. When the position grows or shrinks after the restart, the adopted exits follow it (new order first, then
// the old one cancelled); a scale-in bracket takes the whole position over. After every step exactly one stop works
// on the venue, sized to the position (judged by fakex's /__truth).
import { afterEach, describe, expect, test } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import type { TimestampMs } from '../../core/time.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueEvent } from '../venue.js';
import { ccxtForFakex, untilReplayDone } from '../../apps/fakex/ccxt-fakex.js';
import { startFakex } from '../../apps/fakex/fakex-server.js';
import { parseFaultSpec } from '../../apps/fakex/fault-plan.js';
import { binanceUsdmProfile } from './binanceusdm.js';
import { CcxtVenue } from './ccxt-venue.js';
import { FAKEX_KEYS, fakexRig, workingOrders, type FakexRig } from './testing/fakex-rig.js';

const BTC = 'BINANCE:BTCUSDT' as InstrumentId;
const FAKEX_API = { startFakex, ccxtForFakex, untilReplayDone, parseFaultSpec };
let rig: FakexRig | undefined;
let restarted: CcxtVenue | undefined;
afterEach(async () => {
  await restarted?.close();
  restarted = undefined;
  await rig?.close();
});

/** A long bracket: market entry of `lots`, stop-market `stopUsd` under the bid, take-profit-market 500 USD over the ask. */
function longBracket(r: FakexRig, id: string, lots: number, stopUsd = 500): BracketSpec {
  const exit = { instrument: BTC, action: 'sell', qtyLots: lots as Lots, effect: 'reduce-only' } as const;
  const stop: OrderSpec = { ...exit, clientId: `${id}-sl`, type: 'stop-market', triggerTicks: (r.bidTicks - stopUsd * 10) as Ticks };
  const tp: OrderSpec = { ...exit, clientId: `${id}-tp`, type: 'take-profit-market', triggerTicks: (r.askTicks + 5000) as Ticks };
  return { entry: { clientId: `${id}-in`, instrument: BTC, action: 'buy', qtyLots: lots as Lots, effect: 'open-or-reduce', type: 'market' }, stopLoss: stop, takeProfit: tp };
}

const market = (clientId: string, action: 'buy' | 'sell', lots: number): OrderSpec => ({ clientId, instrument: BTC, action, qtyLots: lots as Lots, effect: action === 'sell' ? 'reduce-only' : 'open-or-reduce', type: 'market' });

/** The algo orders working on fakex by type: [client id, quantity, trigger in ticks]. */
async function exits(url: string, tick: number): Promise<{ stops: unknown[][]; targets: unknown[][] }> {
  const working = await workingOrders(url);
  const row = (o: Record<string, unknown>): unknown[] => [o['clientAlgoId'], o['quantity'], Math.round(Number(o['triggerPrice']) / tick)];
  return { stops: working.filter((o) => o['orderType'] === 'STOP_MARKET').map(row), targets: working.filter((o) => o['orderType'] === 'TAKE_PROFIT_MARKET').map(row) };
}

const positionLots = async (url: string): Promise<number> => {
  const truth = (await (await fetch(`${url}/__truth`)).json()) as { positions: { signedLots: number }[] };
  return truth.positions.reduce((s, p) => s + p.signedLots, 0);
};

/** The earlier process leaves a 5-lot long with its bracket's exits resting; the restarted venue adopts them. */
async function restartWithLong(): Promise<{ r: FakexRig; venue: CcxtVenue; events: VenueEvent[]; send: (c: Parameters<CcxtVenue['send']>[0]) => Promise<void> }> {
  const r = (rig = await fakexRig(FAKEX_API));
  r.venue.send({ type: 'SubmitBracket', bracket: longBracket(r, 'b1', 5), tsLocal: Date.now() });
  await r.venue.idle();
  const exchange = ccxtForFakex(r.server.url, FAKEX_KEYS.apiKey, FAKEX_KEYS.secret, 2000);
  await exchange.loadMarkets();
  const venue = (restarted = new CcxtVenue({ profile: binanceUsdmProfile, exchange, instruments: [r.spec], clock: { nowMs: () => Date.now() as TimestampMs }, positionMode: 'one-way', marginMode: 'cross', unknownOutcome: { queries: 3, delayMs: 50 } }));
  const events: VenueEvent[] = [];
  venue.connect({ onVenueEvent: (e) => events.push(e) });
  const snap = await venue.snapshot();
  expect(snap.openOrders.map((o) => o.clientId).sort(), 'the restarted process finds the earlier stop and take-profit').toEqual(['b1-sl', 'b1-tp']);
  const send = async (c: Parameters<CcxtVenue['send']>[0]): Promise<void> => {
    venue.send(c);
    await venue.idle();
  };
  return { r, venue, events, send };
}

describe('adopted exits follow the position on fakex', () => {
  test('a moved adopted stop and its take-profit grow with a plain add and shrink with a partial close, one stop at a time', async () => {
    const { r, events, send } = await restartWithLong();
    const tick = r.spec.tick.stepFloat;
    const movedTo = r.bidTicks - 4000;
    await send({ type: 'ModifyOrder', clientId: 'b1-sl', triggerTicks: movedTo as Ticks, tsLocal: Date.now() });
    expect((await exits(r.server.url, tick)).stops, 'moved: one stop, 5 lots, at the new trigger').toEqual([['b1-sl.2', '0.005', movedTo]]);

    await send({ type: 'SubmitOrder', order: market('add-1', 'buy', 4), tsLocal: Date.now() });
    expect(await positionLots(r.server.url)).toBe(9);
    let now = await exits(r.server.url, tick);
    expect(now.stops, 'the add of 4 lots (0.004 BTC: over the 100 USDT minimum notional): one stop over all 9 lots, still at the moved trigger').toEqual([['b1-sl.3', '0.009', movedTo]]);
    expect(now.targets, 'the take-profit covers the 9 lots too, at its own trigger').toEqual([['b1-tp.2', '0.009', r.askTicks + 5000]]);
    const resized = events.filter((e): e is Extract<VenueEvent, { type: 'OrderModified' }> => e.type === 'OrderModified' && e.clientId === 'b1-sl').at(-1);
    expect(resized?.order.qtyLots, 'the session hears its adopted stop resized, under the id it adopted').toBe(9);

    await send({ type: 'SubmitOrder', order: market('cut-1', 'sell', 2), tsLocal: Date.now() });
    now = await exits(r.server.url, tick);
    expect(now.stops, 'a partial close of 2: the stop follows down to 7 lots').toEqual([['b1-sl.4', '0.007', movedTo]]);
    expect(now.targets.map((x) => x[1])).toEqual(['0.007']);
    expect(events.filter((e) => e.type === 'OrderCancelled'), 'the retired placements are the adapter\'s business: the session hears no cancel').toEqual([]);

    await send({ type: 'SubmitOrder', order: market('close', 'sell', 7), tsLocal: Date.now() });
    expect(await positionLots(r.server.url)).toBe(0);
    expect(await workingOrders(r.server.url), 'flat: no adopted exit is left working').toEqual([]);
    expect(events.filter((e) => e.type === 'OrderCancelled').map((e) => ('clientId' in e ? e.clientId : '')).sort(), 'the session hears each exit cancelled once').toEqual(['b1-sl', 'b1-tp']);
  }, 60_000);

  test('a scale-in bracket takes over the whole position from the adopted exits', async () => {
    const { r, events, send } = await restartWithLong();
    const tick = r.spec.tick.stepFloat;
    await send({ type: 'SubmitBracket', bracket: longBracket(r, 'b2', 4, 600), tsLocal: Date.now() });
    expect(await positionLots(r.server.url)).toBe(9);
    const now = await exits(r.server.url, tick);
    expect(now.stops, "one stop over the 9 lots, the scale-in's, at its trigger").toEqual([['b2-sl', '0.009', r.bidTicks - 6000]]);
    expect(now.targets, "one take-profit over the 9 lots, the scale-in's").toEqual([['b2-tp', '0.009', r.askTicks + 5000]]);
    const cancelled = events.filter((e): e is Extract<VenueEvent, { type: 'OrderCancelled' }> => e.type === 'OrderCancelled').map((e) => [e.clientId, e.reason]);
    expect(cancelled.sort(), 'the session hears the adopted exits replaced, once each').toEqual([['b1-sl', "replaced by the scale-in's stop-loss"], ['b1-tp', "replaced by the scale-in's take-profit"]]);

    await send({ type: 'SubmitOrder', order: market('cut-1', 'sell', 3), tsLocal: Date.now() });
    expect((await exits(r.server.url, tick)).stops.map((x) => [x[0], x[1]]), "the scale-in's stop then follows the position as the keeper's own").toEqual([['b2-sl.2', '0.006']]);
  }, 60_000);
});
