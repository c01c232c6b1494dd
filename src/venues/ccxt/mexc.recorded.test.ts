// MEXC USDT-M perpetual contracts through ccxt, offline: the exact REST call each command produces and the events,
// snapshot and settings its recorded answer becomes; every entry of the error table; trigger orders refused before
// sending. Payloads follow MEXC's contract API docs (https://mexcdevelop.github.io/apidocs/contract_v1_en/).
import { describe, expect, it } from 'vitest';
import { setLeverage, setMarginMode, setPositionMode } from './account-setup.js';
import { MEXC_ERRORS, mexcProfile } from './mexc.js';
import { venueFixture } from './testing/fixtures.js';
import { RECORDED_T0_MS, recorded, recordedRig, orderAt, type Script } from './testing/recorded-rig.js';
import type { HttpReply } from './testing/recorded-transport.js';

const CREATE = 'POST /api/v1/private/order/create';
const GET_ORDER = 'GET /api/v1/private/order/get/739113577038255616';
const ok = (name: string): HttpReply => recorded('mexc', name);
const ID = 'MEXC:BTC_USDT';

const base: Script = {
  [CREATE]: ok('create-order'),
  [GET_ORDER]: ok('order-get-filled'),
  'GET /api/v1/private/order/list/order_deals': ok('order-deals'),
  'POST /api/v1/private/order/cancel': ok('cancel-order'),
  'GET /api/v1/private/order/list/open_orders': ok('open-orders'),
  'GET /api/v1/private/account/assets': ok('account-assets'),
  'GET /api/v1/private/position/open_positions': ok('open-positions'),
  'GET /api/v1/private/position/position_mode': ok('position-mode'),
  'POST /api/v1/private/position/change_position_mode': ok('change-position-mode'),
};

describe('mexc through ccxt: orders (https://mexcdevelop.github.io/apidocs/contract_v1_en/#order-under-maintenance)', () => {
  // vol in contracts of 0.0001 BTC; type 1 limit, 2 post-only, 6 market; side 1 open long, 4 close long; openType 2 cross.
  const cases = [
    ['a market buy', { type: 'market', action: 'buy' }, { type: '6', side: '1' }],
    ['a GTC limit', { type: 'limit', action: 'buy', price: 69000 }, { type: '1', side: '1', price: '69000', timeInForce: 'GTC' }],
    ['a post-only limit', { type: 'limit', action: 'buy', price: 69000, postOnly: true }, { type: '2', side: '1', price: '69000' }],
    ['a reduce-only market sell (close long)', { type: 'market', action: 'sell', reduceOnly: true }, { type: '6', side: '4' }],
  ] as const;
  for (const [title, kind, wire] of cases) {
    it(`sends ${title} as POST /api/v1/private/order/create with our externalOid`, async () => {
      const r = recordedRig(mexcProfile, ID, base);
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-1', lots: 20, ...kind }), tsLocal: 0 });
      expect(r.callsTo(CREATE)[0]?.params).toEqual({ symbol: 'BTC_USDT', vol: '20', openType: '2', externalOid: 'mf-mexc-1', ...wire });
      expect(events[0]).toMatchObject({ type: 'OrderAccepted', clientId: 'mf-mexc-1', venueOrderId: '739113577038255616' });
    });
  }

  it('sends the session\'s isolated margin (openType 1) with its leverage, not ccxt\'s default cross', async () => {
    const r = recordedRig(mexcProfile, ID, base, { marginMode: 'isolated', leverage: 10 });
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-iso', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    // order/create: openType 1 isolated, 2 cross; leverage "necessary on isolated margin".
    expect(r.callsTo(CREATE)[0]?.params).toMatchObject({ openType: '1', leverage: '10', externalOid: 'mf-mexc-iso' });
  });

  it('asks GET order/external/{symbol}/{external_oid} after a create timed out, adopts the order and never re-sends', async () => {
    const EXTERNAL = 'GET /api/v1/private/order/external/BTC_USDT/mf-mexc-to';
    const r = recordedRig(mexcProfile, ID, { ...base, [CREATE]: { fault: 'timeout' }, [EXTERNAL]: ok('order-external') });
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-to', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    // https://mexcdevelop.github.io/apidocs/contract_v1_en/#query-the-order-based-on-the-external-number; ccxt's
    // fetchOrder ignores the client id and would ask order/get/ with no id.
    expect(r.callsTo(EXTERNAL), 'asked by our externalOid').toHaveLength(1);
    expect(events).toEqual([expect.objectContaining({ type: 'OrderAccepted', clientId: 'mf-mexc-to', venueOrderId: '739113577038255999' })]);
    expect(r.callsTo(CREATE), 'one create per intent').toHaveLength(1);
  });

  it('refuses stop and take-profit orders before sending, naming why and what to do instead', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    const stop = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-stop', action: 'sell', lots: 20, type: 'stop-market', trigger: 68500, reduceOnly: true }), tsLocal: 0 });
    expect(stop[0]).toMatchObject({ type: 'OrderRejected', code: 'UNSUPPORTED' });
    const stopReason = stop[0]?.type === 'OrderRejected' ? stop[0].reason : '';
    // ccxt 4.5.84 mexc.js createSwapOrder: triggerPrice -> planorder/place with executeCycle 1 (24 h) or 2 (7 days).
    expect(stopReason, 'the reason: a plan order that lapses and cannot be kept').toMatch(/^mexc does not support stop-market orders: .*plan order that lapses after 24 h or 7 days.*read back by id, find at a restart or cancel/);
    expect(stopReason, 'the workaround').toMatch(/set the stop in MEXC's own app, or trade on a venue with exchange-side stops \(binanceusdm, bybit-linear, bingx\)$/);
    const tp = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-tp', action: 'sell', lots: 20, type: 'take-profit-market', trigger: 71000, reduceOnly: true }), tsLocal: 0 });
    expect(tp[0]?.type === 'OrderRejected' ? tp[0].reason : '', 'a take-profit can rest as a reduce-only limit').toMatch(/^mexc does not support take-profit-market orders: .*rest the take-profit as a reduce-only limit order instead$/);
    expect(r.calls, 'nothing sent').toHaveLength(0);
  });

  it('refuses a bracket whose stop MEXC cannot rest, all three ids, before sending the entry', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    const entry = orderAt(r.spec, { clientId: 'mf-b-in', action: 'buy', lots: 20, type: 'market' });
    const stopLoss = orderAt(r.spec, { clientId: 'mf-b-sl', action: 'sell', lots: 20, type: 'stop-market', trigger: 68500, reduceOnly: true });
    const takeProfit = orderAt(r.spec, { clientId: 'mf-b-tp', action: 'sell', lots: 20, type: 'limit', price: 71000, reduceOnly: true });
    const events = await r.run({ type: 'SubmitBracket', bracket: { entry, stopLoss, takeProfit }, tsLocal: 0 });
    expect(events.map((e) => [e.type, 'clientId' in e ? e.clientId : '', e.type === 'OrderRejected' ? e.code : '']), 'no entry without its stop').toEqual([
      ['OrderRejected', 'mf-b-in', 'UNSUPPORTED'], ['OrderRejected', 'mf-b-sl', 'UNSUPPORTED'], ['OrderRejected', 'mf-b-tp', 'UNSUPPORTED'],
    ]);
    expect(events[0]?.type === 'OrderRejected' ? events[0].reason : '').toMatch(/^mexc does not support stop-market orders: through ccxt 4\.5 a MEXC stop is a plan order/);
    expect(r.calls, 'nothing sent').toHaveLength(0);
  });

  it('reads a market order back and reports its deal with exact lots, ticks and fee', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    expect(r.callsTo(GET_ORDER), 'GET order/get/{order_id}').toHaveLength(1);
    expect(r.callsTo('GET /api/v1/private/order/list/order_deals')[0]?.params).toMatchObject({ symbol: 'BTC_USDT' });
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(events[1], 'vol 20 contracts = 20 lots; price 70000.5 = 700005 ticks; fee 0.0280002 USDT (0.02 % taker of 140.001)').toMatchObject({
      type: 'OrderFilled', clientId: 'mf-mexc-mkt', lots: 20, priceTicks: 700005, fee: 2800020, liquidity: 'taker', tsVenue: 1746316800456,
    });
  });

  it('cancels with POST order/cancel carrying the id list and reports OrderCancelled', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-1', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    const events = await r.run({ type: 'CancelOrder', clientId: 'mf-mexc-1', tsLocal: 0 });
    expect(r.callsTo('POST /api/v1/private/order/cancel')[0]?.params, 'the body is a JSON array of order ids').toEqual({ body: '["739113577038255616"]' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderCancelled', clientId: 'mf-mexc-1' })]);
  });
});

describe('mexc through ccxt: the fills a restart journals as missed (fillsSince)', () => {
  // GET /api/v1/private/order/list/order_deals (https://mexcdevelop.github.io/apidocs/contract_v1_en/#get-all-transaction-details-of-the-user-s-order):
  // side 1 open long, 2 close short, 3 open short, 4 close long; vol in contracts; page_size at most 100.
  const DEALS = 'GET /api/v1/private/order/list/order_deals';
  const deal = (id: number, orderId: string, side: number, vol: number, price: number, fee: number, timestamp: number) => ({ id: String(id), symbol: 'BTC_USDT', side, vol, price, feeCurrency: 'USDT', fee, timestamp, profit: 0, category: 1, orderId, positionMode: 1, taker: true });
  const reply = (rows: readonly unknown[]): HttpReply => ({ status: 200, body: { success: true, code: 0, data: rows } });
  // GET /api/v1/private/order/get/{order_id}: an order this process never placed, side 4 (close long) under the earlier process's externalOid.
  const closeOrder: HttpReply = { status: 200, body: { success: true, code: 0, data: { orderId: '739113577038255777', symbol: 'BTC_USDT', positionId: '1394650', price: 0, vol: 10, leverage: 10, side: 4, category: 1, orderType: 5, dealAvgPrice: 69990, dealVol: 10, orderMargin: 0, takerFee: 0.0139980, makerFee: 0, profit: -0.105, feeCurrency: 'USDT', openType: 2, state: 3, externalOid: 'mf-mexc-close', errorCode: 0, usedMargin: 0, createTime: RECORDED_T0_MS - 30_100, updateTime: RECORDED_T0_MS - 30_000 } } };

  it('reads order_deals between start_time and end_time, 100 a page, and gives each fill the action of its order', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    const GET_CLOSE = 'GET /api/v1/private/order/get/739113577038255777';
    r.script({ [DEALS]: reply([deal(1195472870, '739113577038255616', 1, 20, 70000.5, 0.0280002, RECORDED_T0_MS - 59_544), deal(1195472999, '739113577038255777', 4, 10, 69990, 0.013998, RECORDED_T0_MS - 30_000)]), [GET_CLOSE]: closeOrder });
    const before = r.callsTo(DEALS).length;
    const sinceMs = RECORDED_T0_MS - 120_000;
    const got = await r.venue.fillsSince(ID, sinceMs);
    // ccxt ends the window at start_time + 90 days unless end_time is given, sends `limit` as page_size and would pass `until` on unread.
    expect(r.callsTo(DEALS).slice(before).map((c) => c.params), 'one window to now (the rig\'s clock, T0), 100 rows at most').toEqual([
      { symbol: 'BTC_USDT', start_time: String(sinceMs), end_time: String(RECORDED_T0_MS), page_size: '100' },
    ]);
    expect(r.callsTo(GET_CLOSE), 'the order this process does not know is read once, by its id').toHaveLength(1);
    expect(got.complete).toBe(true);
    // ccxt reads side 4 as "4" (and 2 as sell): the close of the long would have been journaled as a buy.
    expect(got.fills.map((f) => [f.tradeId, f.event.clientId, f.event.action, f.event.lots, f.event.priceTicks, f.event.fee, f.event.tsVenue]), 'vol = lots of 0.0001 BTC; price / 0.1; fee in 1e-8 USDT').toEqual([
      ['1195472870', 'mf-mexc-mkt', 'buy', 20, 700005, 2_800_020, RECORDED_T0_MS - 59_544],
      ['1195472999', 'mf-mexc-close', 'sell', 10, 699900, 1_399_800, RECORDED_T0_MS - 30_000],
    ]);
  });

  it('reads the rest of a full page on both sides of it (newest first here), and reports every fill once', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-mexc-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    // 150 fills one second apart; the venue lists the newest 100 first. Asked to end at the oldest of those (+50 s)
    // it gives the 51 up to it; asked to start at the newest (+149 s), that one fill.
    const startMs = RECORDED_T0_MS - 200_000;
    const rows = Array.from({ length: 150 }, (_, i) => deal(1_000 + i, '739113577038255616', 1, 1, 70000.5, 0.0014, startMs + i * 1000)).reverse();
    r.script({ [DEALS]: [reply(rows.slice(0, 100)), reply(rows.slice(99)), reply(rows.slice(0, 1))] });
    const before = r.callsTo(DEALS).length;
    const got = await r.venue.fillsSince(ID, startMs);
    expect(r.callsTo(DEALS).slice(before).map((c) => [c.params['start_time'], c.params['end_time']]), 'a full page in an unknown order: the rest is read before it and after it').toEqual([
      [String(startMs), String(RECORDED_T0_MS)],
      [String(startMs), String(startMs + 50_000)],
      [String(startMs + 149_000), String(RECORDED_T0_MS)],
    ]);
    expect(got.complete).toBe(true);
    expect(got.fills.map((f) => f.tradeId), 'all 150, oldest first, the boundary fill once').toEqual(Array.from({ length: 150 }, (_, i) => String(1_000 + i)));
  });
});

describe('mexc through ccxt: account reads and setters', () => {
  it('reads the short position, its leverage, position mode and the wallet balance exactly', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    const snap = await r.venue.snapshot();
    expect(snap.positions, 'positionType 2 = short, holdVol 50 contracts at holdAvgPrice 70123.4').toEqual([{ instrument: ID, signedLots: -50, entryTicks: expect.closeTo(701234, 6) as number }]);
    // ccxt 4.5.84 reads the margin mode from `margin_mode`, a field the documented answer does not have; the profile
    // reads openType (1 isolated, 2 cross).
    expect(snap.settings, 'openType 1 = isolated, leverage 10').toEqual([{ instrument: ID, marginMode: 'isolated', leverage: 10 }]);
    expect(snap.positionMode, 'position_mode data 2 = one-way').toBe('one-way');
    expect(snap.balance, 'the wallet is cashBalance 1234.5678 (1e-8 units), not ccxt\'s total = equity 1234.9178').toBe(123456780000);
  });

  it('matches working orders to our client ids by externalOid and rebuilds them from orderType and side', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    const snap = await r.venue.snapshot();
    expect(r.callsTo('GET /api/v1/private/order/list/open_orders')[0]?.params).toEqual({ page_size: '100' });
    // ccxt 4.5.84 parses neither externalOid nor orderType; side 1 = open long (buy), orderType 2 = post-only.
    expect(snap.openOrders).toEqual([{
      clientId: 'mf-mexc-1', venueOrderId: '739113577038255616', filledLots: 0,
      order: { clientId: 'mf-mexc-1', instrument: ID, action: 'buy', qtyLots: 20, effect: 'open-or-reduce', type: 'limit', limitTicks: 690000, timeInForce: 'GTX' },
    }]);
    const events = await r.run({ type: 'CancelOrder', clientId: 'mf-mexc-1', tsLocal: 0 });
    expect(events, 'the adopted order can be cancelled after a restart').toEqual([expect.objectContaining({ type: 'OrderCancelled', clientId: 'mf-mexc-1' })]);
  });

  it('reads side 4 (close long) as a reduce-only sell', async () => {
    const closeLong = { status: 200, body: venueFixture('mexc', 'open-orders').replace('"side":1', '"side":4').replace('"orderType":2', '"orderType":1') };
    const r = recordedRig(mexcProfile, ID, { ...base, 'GET /api/v1/private/order/list/open_orders': closeLong });
    const snap = await r.venue.snapshot();
    expect(snap.openOrders[0]?.order, 'sides 3 and 4 are sells; 2 and 4 close a position; orderType 1 = GTC limit').toMatchObject({ action: 'sell', effect: 'reduce-only', type: 'limit', timeInForce: 'GTC' });
  });

  it('sets leverage with its margin type for both position types, and the margin type with the leverage', async () => {
    const CHANGE = 'POST /api/v1/private/position/change_leverage';
    const r = recordedRig(mexcProfile, ID, { ...base, [CHANGE]: ok('change-leverage') });
    const src = { profile: mexcProfile, exchange: r.exchange };
    // https://mexcdevelop.github.io/apidocs/contract_v1_en/#switch-leverage: with no position, openType, symbol and
    // positionType (1 long, 2 short) are required.
    await setLeverage(src, r.spec, 10, { marginMode: 'isolated' });
    expect(r.callsTo(CHANGE).map((c) => c.params)).toEqual([
      { leverage: '10', openType: '1', symbol: 'BTC_USDT', positionType: '1' },
      { leverage: '10', openType: '1', symbol: 'BTC_USDT', positionType: '2' },
    ]);
    await setMarginMode(src, r.spec, 'cross', { leverage: 5 });
    expect(r.callsTo(CHANGE).slice(2).map((c) => c.params), 'openType 2 = cross, at the given leverage').toEqual([
      { leverage: '5', openType: '2', symbol: 'BTC_USDT', positionType: '1' },
      { leverage: '5', openType: '2', symbol: 'BTC_USDT', positionType: '2' },
    ]);
  });

  it('switches position mode with POST change_position_mode (1 hedge, 2 one-way)', async () => {
    const r = recordedRig(mexcProfile, ID, base);
    await setPositionMode({ profile: mexcProfile, exchange: r.exchange }, r.spec, 'hedge');
    expect(r.callsTo('POST /api/v1/private/position/change_position_mode')[0]?.params).toEqual({ positionMode: '1' });
  });
});

describe('mexc error table (https://mexcdevelop.github.io/apidocs/contract_v1_en/#error-code-example)', () => {
  for (const [code, meaning] of Object.entries(MEXC_ERRORS)) {
    it(`maps code ${code} on order create to ${meaning.kind} ${meaning.code}`, async () => {
      const r = recordedRig(mexcProfile, ID, { ...base, [CREATE]: { status: 200, body: { success: false, code: Number(code), message: `recorded error ${code}` } } });
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-err', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
      const rejected = events.find((e) => e.type === 'OrderRejected');
      if (meaning.kind === 'refusal') {
        expect(rejected, `code ${code} is a final refusal`).toMatchObject({ code: meaning.code });
      } else {
        expect(rejected).toMatchObject({ code: 'VENUE_ERROR' });
        expect(r.failures[0], `code ${code}`).toMatchObject({ code: meaning.code, venueCode: code });
      }
      expect(r.callsTo(CREATE), 'never re-sent').toHaveLength(1);
    });
  }
});
