// Restart protection over a constructed journal and venue snapshot, through a real ccxt binanceusdm client whose
// transport answers from recorded payloads: the exact REST call each leg's stop or close becomes. Hedge mode: each
// leg gets its own stop on its own leg (positionSide LONG/SHORT), never the other's; one-way mode: reduce-only.
import { describe, expect, test } from 'vitest';
import { asLots, asTicks } from '../core/grid.js';
import type { Clock, TimestampMs } from '../core/time.js';
import type { OrderSpec } from '../domain/order.js';
import type { Side } from '../domain/side.js';
import { loadRegistry } from '../data/spec-files.js';
import { IN_MEMORY, openJournalDb } from '../journal/journal-db.js';
import { JournalWriter } from '../journal/journal-writer.js';
import { binanceUsdmProfile } from '../venues/ccxt/binanceusdm.js';
import { specFromCcxtOrder } from '../venues/ccxt/order-mapping.js';
import { binanceExchangeInfo } from '../venues/ccxt/testing/binance-subject.js';
import { installTransport, type HttpReply } from '../venues/ccxt/testing/recorded-transport.js';
import { createExchange } from '../venues/ccxt/venue-profiles.js';
import type { PositionMode, VenueOpenOrder, VenuePosition, VenueSnapshot } from '../venues/venue.js';
import { describeProtection, protectionActions, protectPosition, type Protection } from './restart-protection.js';

const clock: Clock = { nowMs: () => 1_746_316_800_000 as TimestampMs };
const TAG = 'mfhedge-';
const ALGO = 'POST /fapi/v1/algoOrder';
const ORDER = 'POST /fapi/v1/order';
// BTCUSDT: tick 0.1, lot 0.001. Long leg 5 lots (0.005 BTC), stop 68,500.0 = 685,000 ticks; short leg 3 lots, stop
// 71,500.0 = 715,000 ticks; an unrelated sell stop entry of the short leg at 67,000.0.
const LONG_STOP = 685_000;
const SHORT_STOP = 715_000;

/** Binance's answer to POST /fapi/v1/algoOrder (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/New-Algo-Order). */
const algoJson = (clientAlgoId: string, side: 'BUY' | 'SELL', positionSide: string, qty: string, trigger: string): Record<string, unknown> => ({
  algoId: 2146760, clientAlgoId, algoType: 'CONDITIONAL', orderType: 'STOP_MARKET', symbol: 'BTCUSDT', side, positionSide, timeInForce: 'GTC', quantity: qty, algoStatus: 'NEW', triggerPrice: trigger,
  price: '0.00', workingType: 'CONTRACT_PRICE', closePosition: false, priceProtect: false, reduceOnly: false, createTime: 1746316800200, updateTime: 1746316800200,
});
const algoAnswer = (...a: Parameters<typeof algoJson>): HttpReply => ({ status: 200, body: algoJson(...a) });
/** Binance's answer to a market order (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api). */
const marketAnswer = (clientOrderId: string, side: 'BUY' | 'SELL', positionSide: string, qty: string): HttpReply => ({
  status: 200,
  body: JSON.stringify({ orderId: 4093821, clientOrderId, symbol: 'BTCUSDT', status: 'NEW', side, positionSide, type: 'MARKET', origType: 'MARKET', origQty: qty, executedQty: '0', cumQuote: '0', price: '0', avgPrice: '0.00', reduceOnly: false, timeInForce: 'GTC', updateTime: 1746316800300 }),
});
/** -2021, "Order would immediately trigger." (https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code). */
const wouldTrigger: HttpReply = { status: 400, body: '{"code":-2021,"msg":"Order would immediately trigger."}' };

/**
 * ccxt's real binanceusdm client (the production `createExchange`) with Binance's real exchangeInfo (BTCUSDT; its
 * `orderTypes` are what ccxt checks a stop against), answering each `METHOD /path` from `script` in order.
 */
async function binanceClient(script: Record<string, HttpReply | readonly HttpReply[]>) {
  const exchange = createExchange(binanceUsdmProfile, { apiKey: 'recorded-key', secret: 'recorded-secret', origin: 'test' });
  exchange.enableRateLimit = false;
  exchange.options['fetchCurrencies'] = false;
  const routes = new Map<string, HttpReply[]>(Object.entries(script).map(([k, v]) => [k, Array.isArray(v) ? [...(v as HttpReply[])] : [v as HttpReply]]));
  routes.set('GET /fapi/v1/exchangeInfo', [{ status: 200, body: binanceExchangeInfo() }]);
  const calls = installTransport(exchange, (call) => {
    const queue = routes.get(`${call.method} ${call.path}`);
    return (queue !== undefined && queue.length > 1 ? queue.shift() : queue?.[0]) ?? { status: 404, body: `{"code":404404,"msg":"no answer for ${call.method} ${call.path}"}` };
  });
  await exchange.loadMarkets();
  return { exchange, spec: loadRegistry().get('BINANCE:BTCUSDT'), callsTo: (route: string) => calls.filter((c) => `${c.method} ${c.path}` === route) };
}

interface Setup {
  readonly mode: PositionMode;
  readonly positions: readonly VenuePosition[];
  readonly openOrders?: readonly VenueOpenOrder[];
  readonly algo: HttpReply | readonly HttpReply[];
  readonly order?: HttpReply;
}

/** A journal holding the run's two brackets (entries filled, stops never sent) and the venue state of `s`. */
async function protect(s: Setup) {
  const rig = await binanceClient({ [ALGO]: s.algo, ...(s.order === undefined ? {} : { [ORDER]: s.order }) });
  const journal = openJournalDb(IN_MEMORY, { create: true });
  const writer = new JournalWriter(journal.db, { clock, batchSize: 1 });
  const spec = rig.spec;
  const runId = writer.startRun({ source: 'live', strategy: 'hedge', instruments: [{ id: spec.id, tickSize: spec.tick.step, lotSize: spec.lot.step, settle: spec.settle }], startedMs: 1 });
  const base = { runId, instrument: spec.id, tsVenue: 5, tsLocal: 5 };
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o1`, action: 'buy', orderType: 'market', qtyLots: 5, reduceOnly: false, purpose: 'entry' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o2`, action: 'sell', orderType: 'stop-market', qtyLots: 5, triggerTicks: LONG_STOP, reduceOnly: true, purpose: 'stop' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o3`, action: 'sell', orderType: 'market', qtyLots: 3, reduceOnly: false, purpose: 'entry' });
  writer.append({ ...base, type: 'OrderIntent', clientId: `${TAG}o4`, action: 'buy', orderType: 'stop-market', qtyLots: 3, triggerTicks: SHORT_STOP, reduceOnly: true, purpose: 'stop' });
  const snap: VenueSnapshot = { tsVenue: 6, settleAsset: 'USDT', balance: 0 as never, positions: s.positions, openOrders: s.openOrders ?? [], positionMode: s.mode, marginMode: 'cross' };
  const netLots = s.positions.reduce((sum, p) => sum + (p.positionSide === 'short' ? -Math.abs(p.signedLots) : Math.abs(p.signedLots)), 0);
  const protection = await protectPosition({ db: journal.db, writer, runId, idTag: TAG, spec, exchange: rig.exchange, profile: binanceUsdmProfile, clock, redact: (t) => t }, snap, netLots);
  const intents = (journal.db.prepare("SELECT payload FROM events WHERE type = 'OrderIntent' AND json_extract(payload, '$.purpose') = 'protect' ORDER BY seq").all() as { payload: string }[]).map((r) => JSON.parse(r.payload) as { clientId: string; action: string; qtyLots: number; reduceOnly: boolean });
  return { protection, algo: rig.callsTo(ALGO).map((c) => c.params), market: rig.callsTo(ORDER).map((c) => c.params), intents, spec };
}

const leg = (positionSide: Side, lots: number): VenuePosition => ({ instrument: 'BINANCE:BTCUSDT' as never, signedLots: positionSide === 'long' ? lots : -lots, positionSide, entryTicks: 700_000 });
const stopOrder = (clientId: string, action: 'buy' | 'sell', positionSide: Side | undefined, trigger: number, effect: OrderSpec['effect'] = 'open-or-reduce'): VenueOpenOrder => ({
  clientId,
  venueOrderId: '1',
  filledLots: asLots(0),
  order: { clientId, instrument: 'BINANCE:BTCUSDT' as never, action, qtyLots: asLots(5), effect, ...(positionSide === undefined ? {} : { positionSide }), type: 'stop-market', triggerTicks: asTicks(trigger) },
});

describe('restart protection in hedge mode', () => {
  test('gives each bare leg its own last stop, on its own leg, in one POST each', async () => {
    const r = await protect({ mode: 'hedge', positions: [leg('long', 5), leg('short', 3)], algo: [algoAnswer(`${TAG}p5`, 'SELL', 'LONG', '0.005', '68500.0'), algoAnswer(`${TAG}p6`, 'BUY', 'SHORT', '0.003', '71500.0')] });
    // Binance hedge mode: positionSide names the leg and makes the order close-only; reduceOnly must not be sent (-1106).
    expect(r.algo, 'the long leg is protected by a SELL on LONG at its stop, the short by a BUY on SHORT at its own').toEqual([
      expect.objectContaining({ side: 'SELL', positionSide: 'LONG', type: 'STOP_MARKET', quantity: '0.005', triggerPrice: '68500', clientAlgoId: `${TAG}p5` }),
      expect.objectContaining({ side: 'BUY', positionSide: 'SHORT', type: 'STOP_MARKET', quantity: '0.003', triggerPrice: '71500', clientAlgoId: `${TAG}p6` }),
    ]);
    expect(r.algo.map((p) => p['reduceOnly']), 'Binance refuses reduceOnly beside positionSide LONG/SHORT').toEqual([undefined, undefined]);
    expect(r.protection, 'one outcome per leg, long first').toEqual({
      kind: 'legs',
      legs: [
        { kind: 'stop-placed', clientId: `${TAG}p5`, triggerTicks: LONG_STOP, lots: 5, positionSide: 'long' },
        { kind: 'stop-placed', clientId: `${TAG}p6`, triggerTicks: SHORT_STOP, lots: 3, positionSide: 'short' },
      ],
    });
    expect(r.intents.map((i) => [i.clientId, i.action, i.qtyLots, i.reduceOnly]), 'each placement is journaled as a reduce-only intent before it is sent').toEqual([[`${TAG}p5`, 'sell', 5, true], [`${TAG}p6`, 'buy', 3, true]]);
    expect(protectionActions(r.protection), 'both stops are adopted by reconciliation').toEqual({ placedStopIds: [`${TAG}p5`, `${TAG}p6`], closed: false });
    expect(describeProtection(r.protection)).toBe(`the long leg had no stop: ${TAG}p5 placed, 5 lots at trigger ${LONG_STOP} ticks; the short leg had no stop: ${TAG}p6 placed, 3 lots at trigger ${SHORT_STOP} ticks`);
  });

  test('protects both legs of equal size, whose net position is zero', async () => {
    const r = await protect({ mode: 'hedge', positions: [leg('long', 3), leg('short', 3)], algo: algoAnswer(`${TAG}p5`, 'SELL', 'LONG', '0.003', '68500.0') });
    expect(r.algo.map((p) => [p['side'], p['positionSide'], p['quantity']]), 'a zero net is two open legs, each needing a stop').toEqual([['SELL', 'LONG', '0.003'], ['BUY', 'SHORT', '0.003']]);
  });

  test("leaves a leg whose stop works alone and protects only the other leg", async () => {
    // As Binance reads a hedge-mode close back: reduceOnly false, the leg in positionSide.
    const r = await protect({ mode: 'hedge', positions: [leg('long', 5), leg('short', 3)], openOrders: [stopOrder('other-1', 'sell', 'long', 684_000)], algo: algoAnswer(`${TAG}p5`, 'BUY', 'SHORT', '0.003', '71500.0') });
    expect(r.algo.map((p) => [p['side'], p['positionSide']]), 'only the short leg was bare').toEqual([['BUY', 'SHORT']]);
    expect(r.protection).toMatchObject({ kind: 'legs', legs: [{ kind: 'none-needed', positionSide: 'long' }, { kind: 'stop-placed', positionSide: 'short' }] });
  });

  test("does not count the short leg's sell stop entry as the long leg's protection", async () => {
    // A SELL stop on SHORT opens or grows the short: it would never close the long.
    const r = await protect({ mode: 'hedge', positions: [leg('long', 5)], openOrders: [stopOrder('entry-1', 'sell', 'short', 670_000)], algo: algoAnswer(`${TAG}p5`, 'SELL', 'LONG', '0.005', '68500.0') });
    expect(r.algo.map((p) => [p['side'], p['positionSide'], p['triggerPrice']]), "the long gets its own stop beside the short's entry").toEqual([['SELL', 'LONG', '68500']]);
  });

  test('closes only the leg whose stop was crossed while down, on that leg, and still protects the other', async () => {
    const r = await protect({ mode: 'hedge', positions: [leg('long', 5), leg('short', 3)], algo: [wouldTrigger, algoAnswer(`${TAG}p7`, 'BUY', 'SHORT', '0.003', '71500.0')], order: marketAnswer(`${TAG}p6`, 'SELL', 'LONG', '0.005') });
    expect(r.market.map((p) => [p['side'], p['type'], p['positionSide'], p['quantity'], p['reduceOnly']]), 'the long leg is closed at market on LONG, its 5 lots, never more').toEqual([['SELL', 'MARKET', 'LONG', '0.005', undefined]]);
    expect(r.algo.map((p) => [p['side'], p['positionSide'], p['clientAlgoId']]), "the refused long stop, then the short leg's stop").toEqual([['SELL', 'LONG', `${TAG}p5`], ['BUY', 'SHORT', `${TAG}p7`]]);
    expect(r.protection).toEqual({
      kind: 'legs',
      legs: [
        { kind: 'closed', clientId: `${TAG}p6`, lots: 5, stopTicks: LONG_STOP, positionSide: 'long' },
        { kind: 'stop-placed', clientId: `${TAG}p7`, triggerTicks: SHORT_STOP, lots: 3, positionSide: 'short' },
      ],
    });
    expect(protectionActions(r.protection), 'the close makes reconciliation journal its fill').toEqual({ placedStopIds: [`${TAG}p7`], closed: true });
  });

  test('reads the leg of an order back from Binance positionSide, so a hedge close is told from an entry', async () => {
    const rig = await binanceClient({});
    const parse = (positionSide: string, hedged: boolean) => specFromCcxtOrder(rig.exchange.parseOrder(algoJson('x-1', 'SELL', positionSide, '0.005', '68500.0')), rig.spec, hedged);
    expect([parse('LONG', true)?.positionSide, parse('SHORT', true)?.positionSide, parse('BOTH', true)?.positionSide], 'LONG and SHORT are legs; BOTH is one-way mode').toEqual(['long', 'short', undefined]);
    expect(parse('LONG', false)?.positionSide, 'a one-way account has no legs, whatever the venue names (WEEX says LONG there too)').toBeUndefined();
  });
});

describe('restart protection in one-way mode', () => {
  test('places the reduce-only stop of the net position and names no leg', async () => {
    const r = await protect({ mode: 'one-way', positions: [{ instrument: 'BINANCE:BTCUSDT' as never, signedLots: 5, entryTicks: 700_000 }], algo: algoAnswer(`${TAG}p5`, 'SELL', 'BOTH', '0.005', '68500.0') });
    expect(r.algo.map((p) => [p['side'], p['reduceOnly'], p['positionSide'], p['quantity'], p['triggerPrice']]), 'one-way: reduceOnly, no positionSide').toEqual([['SELL', 'true', undefined, '0.005', '68500']]);
    const expected: Protection = { kind: 'stop-placed', clientId: `${TAG}p5`, triggerTicks: LONG_STOP, lots: 5 };
    expect(r.protection).toEqual(expected);
  });
});
