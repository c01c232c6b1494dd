// WEEX USDT-M perpetual contracts through ccxt, offline: the exact REST call each command produces and the events,
// snapshot and settings its recorded answer becomes; every entry of the error table. Payloads follow WEEX's contract
// V3 docs (https://www.weex.com/api-doc/contract/Transaction_API/PlaceOrder) and ccxt's recorded WEEX answers.
import { describe, expect, it } from 'vitest';
import { setLeverage, setMarginMode, setPositionMode } from './account-setup.js';
import { recorded, recordedRig, orderAt, type Script } from './testing/recorded-rig.js';
import type { HttpReply } from './testing/recorded-transport.js';
import { WEEX_ERRORS, weexProfile } from './weex.js';

const CREATE = 'POST /capi/v3/order';
const QUERY = 'GET /capi/v3/order';
const ALGO = 'POST /capi/v3/algoOrder';
const ok = (name: string): HttpReply => recorded('weex', name);
const ID = 'WEEX:BTCUSDT';

const base: Script = {
  [CREATE]: ok('create-order'),
  [ALGO]: ok('create-algo-order'),
  [QUERY]: ok('query-order-filled'),
  'GET /capi/v3/userTrades': ok('user-trades'),
  'DELETE /capi/v3/order': ok('cancel-order'),
  'GET /capi/v3/openOrders': ok('open-orders'),
  'GET /capi/v3/openAlgoOrders': ok('open-algo-orders'),
  'GET /capi/v3/account/balance': ok('account-balance'),
  'GET /capi/v3/account/position/allPosition': ok('all-position'),
  'GET /capi/v3/account/symbolConfig': ok('symbol-config'),
  'POST /capi/v3/account/marginType': ok('success'),
  'POST /capi/v3/account/leverage': ok('success'),
};

describe('weex through ccxt: orders', () => {
  // 20 lots of 0.0001 BTC = quantity "0.002"; ccxt names the leg WEEX's order needs (LONG for a buy or a long's close).
  const cases = [
    ['a market buy', CREATE, { type: 'market', action: 'buy' }, { type: 'MARKET', side: 'BUY', positionSide: 'LONG', newClientOrderId: 'mf-weex-1' }],
    ['a GTC limit', CREATE, { type: 'limit', action: 'buy', price: 69000 }, { type: 'LIMIT', side: 'BUY', positionSide: 'LONG', price: '69000', timeInForce: 'GTC', newClientOrderId: 'mf-weex-1' }],
    ['a post-only limit', CREATE, { type: 'limit', action: 'buy', price: 69000, postOnly: true }, { type: 'LIMIT', side: 'BUY', positionSide: 'LONG', price: '69000', timeInForce: 'GTC', postOnly: 'true', newClientOrderId: 'mf-weex-1' }],
    ['a reduce-only market sell', CREATE, { type: 'market', action: 'sell', reduceOnly: true }, { type: 'MARKET', side: 'SELL', positionSide: 'LONG', reduceOnly: 'true', newClientOrderId: 'mf-weex-1' }],
    ['a reduce-only stop-market (algo order)', ALGO, { type: 'stop-market', action: 'sell', trigger: 68500, reduceOnly: true }, { type: 'STOP_MARKET', side: 'SELL', positionSide: 'LONG', triggerPrice: '68500', reduceOnly: 'true', clientAlgoId: 'mf-weex-1' }],
    ['a reduce-only take-profit-market (algo order)', ALGO, { type: 'take-profit-market', action: 'sell', trigger: 71000, reduceOnly: true }, { type: 'TAKE_PROFIT_MARKET', side: 'SELL', positionSide: 'LONG', triggerPrice: '71000', reduceOnly: 'true', clientAlgoId: 'mf-weex-1' }],
  ] as const;
  for (const [title, route, kind, wire] of cases) {
    it(`sends ${title} as ${route} with the exact decimals and our client id`, async () => {
      const r = recordedRig(weexProfile, ID, base);
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-weex-1', lots: 20, ...kind }), tsLocal: 0 });
      expect(r.callsTo(route)[0]?.params).toEqual({ symbol: 'BTCUSDT', quantity: '0.002', ...wire });
      expect(events[0]).toMatchObject({ type: 'OrderAccepted', clientId: 'mf-weex-1', venueOrderId: route === ALGO ? '737074389748547944' : '736557215397183592' });
    });
  }

  it('refuses limit-priced triggers before sending: WEEX trigger orders take no time in force', async () => {
    const r = recordedRig(weexProfile, ID, base);
    const order = { clientId: 'mf-tpl', instrument: ID, action: 'sell', qtyLots: 20, effect: 'reduce-only', type: 'take-profit-limit', triggerTicks: 710000, limitTicks: 710000, timeInForce: 'GTC' } as const;
    const events = await r.run({ type: 'SubmitOrder', order: order as never, tsLocal: 0 });
    expect(events[0]).toMatchObject({ type: 'OrderRejected', code: 'UNSUPPORTED', reason: 'weex does not support take-profit-limit orders' });
    expect(r.calls).toHaveLength(0);
  });

  it('reads a market order back and reports its trade with exact lots, ticks and fee', async () => {
    const r = recordedRig(weexProfile, ID, base);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-weex-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    expect(r.callsTo(QUERY)[0]?.params).toEqual({ orderId: '736557215397183592' });
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(events[1], 'qty "0.0020" = 20 lots; price "70000.5" = 700005 ticks; commission "0.08400030" USDT (0.06 % taker)').toMatchObject({
      type: 'OrderFilled', clientId: 'mf-weex-mkt', lots: 20, priceTicks: 700005, fee: 8400030, liquidity: 'taker', tsVenue: 1746316800456,
    });
  });

  it('cancels with DELETE /capi/v3/order by venue order id and reports OrderCancelled', async () => {
    const r = recordedRig(weexProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-weex-1', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    const events = await r.run({ type: 'CancelOrder', clientId: 'mf-weex-1', tsLocal: 0 });
    expect(r.callsTo('DELETE /capi/v3/order')[0]?.params).toMatchObject({ orderId: '736557215397183592' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderCancelled', clientId: 'mf-weex-1' })]);
  });

  it('asks GET /capi/v3/order by origClientOrderId after a create timed out, adopts it and never re-sends', async () => {
    const r = recordedRig(weexProfile, ID, { ...base, [CREATE]: { fault: 'timeout' }, [QUERY]: ok('query-order-new') });
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-weex-to', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    expect(r.callsTo(QUERY)[0]?.params).toEqual({ origClientOrderId: 'mf-weex-to' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderAccepted', clientId: 'mf-weex-to', venueOrderId: '736557215397183999' })]);
    expect(r.callsTo(CREATE)).toHaveLength(1);
  });
});

describe('weex through ccxt: a stop asked for by client id', () => {
  it('looks for a stop among the open algo orders after its create timed out (no single algo-order read), not among plain orders', async () => {
    const r = recordedRig(weexProfile, ID, { ...base, [ALGO]: { fault: 'timeout' } });
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-weex-stop', action: 'buy', lots: 50, type: 'stop-market', trigger: 71500, reduceOnly: true }), tsLocal: 0 });
    expect(r.callsTo('GET /capi/v3/openAlgoOrders'), 'the open algo orders list clientAlgoId').not.toHaveLength(0);
    expect(r.callsTo(QUERY), 'GET /capi/v3/order holds plain orders only: its answer names another order').toHaveLength(0);
    expect(events).toEqual([expect.objectContaining({ type: 'OrderAccepted', clientId: 'mf-weex-stop', venueOrderId: '737074389748547944' })]);
    expect(r.callsTo(ALGO), 'one create per intent').toHaveLength(1);
  });
});

describe('weex through ccxt: account reads and setters', () => {
  it('reads the wallet balance, the short position, its settings and the plain and algo working orders exactly', async () => {
    const r = recordedRig(weexProfile, ID, base);
    const snap = await r.venue.snapshot();
    expect(snap.balance, 'balance "1234.56780000" USDT').toBe(123456780000);
    expect(snap.positions, 'side SHORT, size "0.0050" = -50 lots; entry = openValue / size = 70123.4').toEqual([{ instrument: ID, signedLots: -50, entryTicks: expect.closeTo(701234, 6) as number }]);
    expect(snap.settings, 'marginType ISOLATED, leverage "10.00"').toEqual([{ instrument: ID, marginMode: 'isolated', leverage: 10 }]);
    expect(snap.positionMode, 'separatedType COMBINED = one-way').toBe('one-way');
    expect(r.callsTo('GET /capi/v3/openAlgoOrders'), 'conditional orders are listed with trigger: true').toHaveLength(1);
    expect(snap.openOrders.map((o) => o.order)).toEqual([
      { clientId: 'mf-weex-1', instrument: ID, action: 'buy', qtyLots: 20, effect: 'open-or-reduce', type: 'limit', limitTicks: 690000, timeInForce: 'GTC' },
      { clientId: 'mf-weex-stop', instrument: ID, action: 'buy', qtyLots: 50, effect: 'reduce-only', type: 'stop-market', triggerTicks: 715000 },
    ]);
  });

  it('sends margin mode and leverage with the documented requests and takes the success answer as success', async () => {
    const r = recordedRig(weexProfile, ID, base);
    const src = { profile: weexProfile, exchange: r.exchange };
    // ccxt 4.5.84 (weex.handleErrors) throws on any answer carrying `msg`, including the documented success answer
    // {"code":"200","msg":"success"}; the profile recognises it, so the setters resolve.
    await expect(setMarginMode(src, r.spec, 'isolated', { positionMode: 'one-way' }), 'code "200" is success').resolves.toBeUndefined();
    await expect(setLeverage(src, r.spec, 10, { marginMode: 'cross' })).resolves.toBeUndefined();
    await setLeverage(src, r.spec, 10, { marginMode: 'isolated' });
    expect(r.callsTo('POST /capi/v3/account/marginType')[0]?.params, 'the position mode is kept (COMBINED = one-way)').toEqual({ symbol: 'BTCUSDT', marginType: 'ISOLATED', separatedType: 'COMBINED' });
    // POST /capi/v3/account/leverage names the account's margin type: cross sets crossLeverage, isolated both legs.
    expect(r.callsTo('POST /capi/v3/account/leverage').map((c) => c.params)).toEqual([
      { symbol: 'BTCUSDT', marginType: 'CROSSED', crossLeverage: '10' },
      { symbol: 'BTCUSDT', marginType: 'ISOLATED', isolatedLongLeverage: '10', isolatedShortLeverage: '10' },
    ]);
  });

  it('switches position mode together with the margin type it must name', async () => {
    const r = recordedRig(weexProfile, ID, base);
    await expect(setPositionMode({ profile: weexProfile, exchange: r.exchange }, r.spec, 'hedge', { marginMode: 'cross' })).resolves.toBeUndefined();
    // One request sets both (https://www.weex.com/api-doc/contract/Account_API/ChangeMarginModeTRADE); ccxt refuses
    // setPositionMode without a margin mode.
    expect(r.callsTo('POST /capi/v3/account/marginType').map((c) => c.params)).toEqual([{ symbol: 'BTCUSDT', marginType: 'CROSSED', separatedType: 'SEPARATED' }]);
  });

  it('still fails a setter on a real error answer, with the venue code', async () => {
    const r = recordedRig(weexProfile, ID, { ...base, 'POST /capi/v3/account/leverage': { status: 400, body: { code: -1050, msg: 'permission denied' } } });
    await expect(setLeverage({ profile: weexProfile, exchange: r.exchange }, r.spec, 10, { marginMode: 'cross' })).rejects.toMatchObject({ name: 'VenueFailure', code: 'AUTH', venueCode: '-1050' });
  });
});

describe('weex error table (https://www.weex.com/api-doc/contract/ErrorCodes)', () => {
  for (const [code, meaning] of Object.entries(WEEX_ERRORS)) {
    it(`maps code ${code} on order create to ${meaning.kind} ${meaning.code}`, async () => {
      const body = /^-?\d+$/.test(code) ? { code: Number(code), msg: `recorded error ${code}` } : { code, msg: `recorded error ${code}` };
      const r = recordedRig(weexProfile, ID, { ...base, [CREATE]: { status: 400, body }, [QUERY]: { status: 400, body: { code: -2200, msg: 'Order does not exist' } } });
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
