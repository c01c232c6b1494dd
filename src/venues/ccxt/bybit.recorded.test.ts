// Bybit V5 (linear and inverse) through ccxt, offline: the exact REST call each command produces and the events,
// snapshot and settings its recorded answer becomes; every entry of the retCode table. Payloads follow Bybit's
// documented examples (test/fixtures/venues/README.md lists the page of each): https://bybit-exchange.github.io/docs/v5/intro
import { describe, expect, it } from 'vitest';
import { readAccountSettings, setLeverage, setMarginMode, setPositionMode } from './account-setup.js';
import { BYBIT_ERRORS, bybitInverseProfile, bybitLinearProfile } from './bybit.js';
import { recorded, recordedRig, orderAt, type Script } from './testing/recorded-rig.js';
import type { HttpReply } from './testing/recorded-transport.js';

const CREATE = 'POST /v5/order/create';
const REALTIME = 'GET /v5/order/realtime';
// ccxt asks whether the account is unified before trading; a unified trading account (UTA) is what Bybit opens today.
const UTA = { ccxtOptions: { enableUnifiedAccount: true, enableUnifiedMargin: false } };
const ok = (name: string): HttpReply => recorded('bybit', name);

const base: Script = {
  [CREATE]: ok('create-order'),
  [REALTIME]: ok('order-realtime-filled'),
  'GET /v5/execution/list': ok('execution-list'),
  'POST /v5/order/cancel': ok('cancel-order'),
  'GET /v5/account/wallet-balance': ok('wallet-balance'),
  'GET /v5/position/list': ok('position-list'),
  'POST /v5/position/switch-mode': ok('switch-mode'),
  'POST /v5/account/set-margin-mode': ok('set-margin-mode'),
  'POST /v5/position/set-leverage': ok('set-leverage'),
};

describe('bybit-linear through ccxt: orders (https://bybit-exchange.github.io/docs/v5/order/create-order)', () => {
  const cases = [
    ['a market buy', { type: 'market' }, { orderType: 'Market' }],
    ['a GTC limit', { type: 'limit', price: 69000 }, { orderType: 'Limit', price: '69000', timeInForce: 'GTC' }],
    ['a post-only limit', { type: 'limit', price: 69000, postOnly: true }, { orderType: 'Limit', price: '69000', timeInForce: 'PostOnly' }],
  ] as const;
  for (const [title, kind, wire] of cases) {
    it(`sends ${title} as POST /v5/order/create with the exact decimals and our orderLinkId`, async () => {
      const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bybit-1', action: 'buy', lots: 2, ...kind }), tsLocal: 0 });
      expect(r.callsTo(CREATE)[0]?.params, '2 lots of 0.001 BTC = qty "0.002"').toEqual({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', qty: '0.002', orderLinkId: 'mf-bybit-1', ...wire });
      expect(events[0]).toMatchObject({ type: 'OrderAccepted', clientId: 'mf-bybit-1', venueOrderId: '1321003749386327552' });
    });
  }

  it('sends a reduce-only stop as a conditional order that fires when the price falls to the trigger', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-stop', action: 'sell', lots: 2, type: 'stop-market', trigger: 68500, reduceOnly: true }), tsLocal: 0 });
    expect(r.callsTo(CREATE)[0]?.params, 'triggerDirection 2 = falls to triggerPrice (a sell stop)').toEqual({
      category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.002', orderLinkId: 'mf-stop', triggerPrice: '68500', triggerDirection: '2', reduceOnly: 'true',
    });
  });

  it('sends a reduce-only take-profit that fires when the price rises to the trigger', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-tp', action: 'sell', lots: 2, type: 'take-profit-market', trigger: 71000, reduceOnly: true }), tsLocal: 0 });
    expect(r.callsTo(CREATE)[0]?.params, 'triggerDirection 1 = rises to triggerPrice (a sell take-profit)').toMatchObject({ orderType: 'Market', triggerPrice: '71000', triggerDirection: '1', reduceOnly: 'true' });
  });

  it('reads a market order back and reports its execution with exact lots, ticks and fee', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bybit-mkt', action: 'buy', lots: 2, type: 'market' }), tsLocal: 0 });
    expect(r.callsTo(REALTIME)[0]?.params, 'read back by venue order id').toEqual({ category: 'linear', symbol: 'BTCUSDT', orderId: '1321003749386327552' });
    expect(r.callsTo('GET /v5/execution/list')[0]?.params).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', orderId: '1321003749386327552' });
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(events[1], 'execQty "0.002" = 2 lots; execPrice "70000.5" / 0.1 = 700005 ticks; execFee "0.07700055" USDT = 7700055 units of 1e-8').toMatchObject({
      type: 'OrderFilled', clientId: 'mf-bybit-mkt', instrument: 'BYBIT:BTCUSDT', action: 'buy', lots: 2, priceTicks: 700005, fee: 7700055, liquidity: 'taker', tsVenue: 1746316800456,
    });
  });

  it('cancels by venue order id with POST /v5/order/cancel and reports OrderCancelled', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bybit-1', action: 'buy', lots: 2, type: 'limit', price: 69000, postOnly: true }), tsLocal: 0 });
    const events = await r.run({ type: 'CancelOrder', clientId: 'mf-bybit-1', tsLocal: 0 });
    expect(r.callsTo('POST /v5/order/cancel')[0]?.params).toEqual({ category: 'linear', symbol: 'BTCUSDT', orderId: '1321003749386327552' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderCancelled', clientId: 'mf-bybit-1' })]);
  });

  it('asks GET /v5/order/realtime by orderLinkId after a create timed out, adopts the order the venue lists and never re-sends', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, [CREATE]: { fault: 'timeout' }, [REALTIME]: ok('order-realtime-new') }, UTA);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bybit-to', action: 'buy', lots: 2, type: 'limit', price: 69000 }), tsLocal: 0 });
    // https://bybit-exchange.github.io/docs/v5/order/open-order: orderLinkId filters; Bybit has no `clientOrderId`, and
    // an empty orderId would leave the list unfiltered (ccxt returns its first order).
    expect(r.callsTo(REALTIME)[0]?.params, 'asked by our orderLinkId only (ccxt needs acknowledged, a profile option)').toEqual({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'mf-bybit-to' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderAccepted', clientId: 'mf-bybit-to', venueOrderId: '1321003749386327999' })]);
    expect(r.callsTo(CREATE), 'one create per intent').toHaveLength(1);
    expect(r.failures.map((f) => f.code)).toEqual(['TIMEOUT']);
  });
});

describe('bybit through ccxt: an order asked for by client id', () => {
  it('does not adopt an order carrying another orderLinkId: the create stays unresolved and is not re-sent', async () => {
    // order-realtime-new lists mf-bybit-to; a venue ignoring the filter would answer with it for any client id.
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, [CREATE]: { fault: 'timeout' }, [REALTIME]: ok('order-realtime-new') }, UTA);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bybit-mine', action: 'buy', lots: 2, type: 'limit', price: 69000 }), tsLocal: 0 });
    expect(events.map((e) => e.type), 'someone else\'s order is never reported as ours').toEqual(['OrderRejected']);
    expect(events[0]).toMatchObject({ code: 'VENUE_ERROR', reason: expect.stringContaining('not re-sent') as string });
    expect(r.callsTo(CREATE), 'one create per intent').toHaveLength(1);
  });
});

describe('bybit through ccxt: account reads and setters', () => {
  it('reads one-way mode from positionIdx 0 and the margin mode from GET /v5/account/info (ccxt has no fetchPositionMode for Bybit)', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, 'GET /v5/account/info': ok('account-info') }, UTA);
    const settings = await readAccountSettings({ profile: bybitLinearProfile, exchange: r.exchange }, r.spec);
    expect(settings, 'positionIdx 0 = one-way; REGULAR_MARGIN = cross (account-wide on a unified account); leverage "10"').toEqual({ positionMode: 'one-way', marginMode: 'cross', leverage: 10 });
    expect(r.callsTo('GET /v5/position/list')[0]?.params).toMatchObject({ category: 'linear', symbol: 'BTCUSDT' });
  });

  it('reads hedge mode from positionIdx 1 and 2 (a flat long leg is listed too) and ISOLATED_MARGIN as isolated', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, 'GET /v5/position/list': ok('position-list-hedge'), 'GET /v5/account/info': ok('account-info-isolated') }, UTA);
    const settings = await readAccountSettings({ profile: bybitLinearProfile, exchange: r.exchange }, r.spec);
    // https://bybit-exchange.github.io/docs/v5/position: positionIdx 1 buy side of hedge mode, 2 sell side.
    expect(settings, 'both legs listed = hedge mode').toMatchObject({ positionMode: 'hedge', marginMode: 'isolated' });
  });

  it('reads the USDT wallet balance, the short position and both working orders exactly', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, [REALTIME]: ok('open-orders'), 'GET /v5/account/info': ok('account-info') }, UTA);
    const snap = await r.venue.snapshot();
    expect(r.callsTo('GET /v5/account/wallet-balance')[0]?.params).toEqual({ accountType: 'UNIFIED' });
    expect(snap.balance, 'coin USDT walletBalance "1234.56789012" in 1e-8 units').toBe(123456789012);
    expect(snap.positions, 'side Sell, size "0.005" = -5 lots at avgPrice "70123.4" = 701234 ticks').toEqual([{ instrument: 'BYBIT:BTCUSDT', signedLots: -5, entryTicks: expect.closeTo(701234, 6) as number }]);
    // Unified accounts set the margin mode account-wide (GET /v5/account/info); a position's tradeMode is deprecated
    // and always 0 there (https://bybit-exchange.github.io/docs/v5/position), so the mode is read from the account.
    expect(snap.settings, 'leverage "10"; REGULAR_MARGIN = cross').toEqual([{ instrument: 'BYBIT:BTCUSDT', marginMode: 'cross', leverage: 10 }]);
    expect(snap.openOrders.map((o) => o.order)).toEqual([
      { clientId: 'mf-bybit-1', instrument: 'BYBIT:BTCUSDT', action: 'buy', qtyLots: 2, effect: 'open-or-reduce', type: 'limit', limitTicks: 690000, timeInForce: 'GTX' },
      { clientId: 'mf-bybit-stop', instrument: 'BYBIT:BTCUSDT', action: 'buy', qtyLots: 5, effect: 'reduce-only', type: 'stop-market', triggerTicks: 715000 },
    ]);
    expect(snap.openOrders.map((o) => o.venueOrderId)).toEqual(['1321003749386327552', '1321003749386328001']);
  });

  it('reads the inverse wallet in BTC and the position in 1-USD contracts', async () => {
    const r = recordedRig(bybitInverseProfile, 'BYBIT:BTCUSD', { ...base, [REALTIME]: ok('order-realtime-empty'), 'GET /v5/position/list': ok('position-list-inverse') }, UTA);
    const snap = await r.venue.snapshot();
    expect(snap.settleAsset).toBe('BTC');
    expect(snap.balance, 'coin BTC walletBalance "0.01234567"').toBe(1234567);
    expect(r.callsTo('GET /v5/position/list')[0]?.params).toMatchObject({ category: 'inverse', symbol: 'BTCUSD' });
    expect(snap.positions, 'side Buy, size "100" contracts at "70123.5" = 140247 ticks of 0.5').toEqual([{ instrument: 'BYBIT:BTCUSD', signedLots: 100, entryTicks: expect.closeTo(140247, 6) as number }]);
    expect(snap.settings, 'leverage "5"').toEqual([{ instrument: 'BYBIT:BTCUSD', marginMode: undefined, leverage: 5 }]);
  });

  it('sends an inverse order in whole contracts under category inverse', async () => {
    const r = recordedRig(bybitInverseProfile, 'BYBIT:BTCUSD', base, UTA);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-inv-1', action: 'buy', lots: 100, type: 'limit', price: 69000 }), tsLocal: 0 });
    expect(r.callsTo(CREATE)[0]?.params).toMatchObject({ category: 'inverse', symbol: 'BTCUSD', qty: '100', price: '69000', orderLinkId: 'mf-inv-1' });
  });

  it('switches position mode, margin mode and leverage with the documented requests', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', base, UTA);
    const src = { profile: bybitLinearProfile, exchange: r.exchange };
    await setPositionMode(src, r.spec, 'hedge');
    await setMarginMode(src, r.spec, 'isolated');
    await setLeverage(src, r.spec, 10);
    // https://bybit-exchange.github.io/docs/v5/position/position-mode (mode 3 = both sides),
    // https://bybit-exchange.github.io/docs/v5/account/set-margin-mode, https://bybit-exchange.github.io/docs/v5/position/leverage
    expect(r.callsTo('POST /v5/position/switch-mode')[0]?.params).toEqual({ category: 'linear', symbol: 'BTCUSDT', mode: '3' });
    expect(r.callsTo('POST /v5/account/set-margin-mode')[0]?.params).toEqual({ setMarginMode: 'ISOLATED_MARGIN' });
    expect(r.callsTo('POST /v5/position/set-leverage')[0]?.params).toEqual({ category: 'linear', symbol: 'BTCUSDT', buyLeverage: '10', sellLeverage: '10' });
  });

  it('maps a refused setter (110043 leverage not modified) to a VenueFailure naming the venue code', async () => {
    const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, 'POST /v5/position/set-leverage': { status: 200, body: { retCode: 110043, retMsg: 'Set leverage not modified', result: {}, retExtInfo: {}, time: 1746316800500 } } }, UTA);
    await expect(setLeverage({ profile: bybitLinearProfile, exchange: r.exchange }, r.spec, 10)).rejects.toMatchObject({ name: 'VenueFailure', venueCode: '110043' });
  });
});

describe('bybit retCode table (https://bybit-exchange.github.io/docs/v5/error)', () => {
  for (const [code, meaning] of Object.entries(BYBIT_ERRORS)) {
    it(`maps retCode ${code} on order create to ${meaning.kind} ${meaning.code}`, async () => {
      const body = { retCode: Number(code), retMsg: `recorded error ${code}`, result: {}, retExtInfo: {}, time: 1746316800500 };
      const r = recordedRig(bybitLinearProfile, 'BYBIT:BTCUSDT', { ...base, [CREATE]: { status: 200, body }, [REALTIME]: ok('order-realtime-empty') }, UTA);
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-err', action: 'buy', lots: 2, type: 'limit', price: 69000 }), tsLocal: 0 });
      const rejected = events.find((e) => e.type === 'OrderRejected');
      if (meaning.kind === 'refusal') {
        expect(rejected, `retCode ${code} is a final refusal`).toMatchObject({ code: meaning.code });
        expect(r.failures).toHaveLength(0);
      } else {
        expect(rejected, `retCode ${code} is a failure, reported to the session as VENUE_ERROR`).toMatchObject({ code: 'VENUE_ERROR' });
        expect(r.failures[0], `retCode ${code}`).toMatchObject({ code: meaning.code, venueCode: code });
      }
      expect(r.callsTo(CREATE), 'never re-sent').toHaveLength(1);
    });
  }
});
