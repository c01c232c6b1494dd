// BingX USDT-M perpetual swaps through ccxt, offline: the exact REST call each command produces and the events,
// snapshot and settings its recorded answer becomes; every entry of the error table. Payloads follow BingX's swap V2
// docs (https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html; test/fixtures/venues/README.md per file).
import { describe, expect, it } from 'vitest';
import { setLeverage, setMarginMode, setPositionMode } from './account-setup.js';
import { BINGX_ERRORS, bingxProfile } from './bingx.js';
import { RECORDED_T0_MS, recorded, recordedRig, orderAt, type Script } from './testing/recorded-rig.js';
import type { HttpReply } from './testing/recorded-transport.js';

const ORDER = '/openApi/swap/v2/trade/order';
const CREATE = `POST ${ORDER}`;
const QUERY = `GET ${ORDER}`;
const ok = (name: string): HttpReply => recorded('bingx', name);
const ID = 'BINGX:BTC-USDT';

const base: Script = {
  [CREATE]: ok('create-order'),
  [QUERY]: ok('query-order-filled'),
  'GET /openApi/swap/v2/trade/allFillOrders': ok('all-fill-orders'),
  [`DELETE ${ORDER}`]: ok('cancel-order'),
  'GET /openApi/swap/v2/trade/openOrders': ok('open-orders'),
  'GET /openApi/swap/v3/user/balance': ok('user-balance-v3'),
  'GET /openApi/swap/v2/user/positions': ok('user-positions'),
  'GET /openApi/swap/v1/positionSide/dual': ok('position-side-dual'),
  'POST /openApi/swap/v1/positionSide/dual': ok('set-position-side-dual'),
  'POST /openApi/swap/v2/trade/marginType': ok('set-margin-type'),
};

describe('bingx through ccxt: orders', () => {
  // 20 lots of 0.0001 BTC = quantity "0.002"; positionSide BOTH is one-way mode.
  const cases = [
    ['a market buy', { type: 'market', action: 'buy' }, { type: 'MARKET', side: 'BUY' }],
    ['a GTC limit', { type: 'limit', action: 'buy', price: 69000 }, { type: 'LIMIT', side: 'BUY', price: '69000', timeInForce: 'GTC' }],
    ['a post-only limit', { type: 'limit', action: 'buy', price: 69000, postOnly: true }, { type: 'LIMIT', side: 'BUY', price: '69000', timeInForce: 'PostOnly' }],
    ['a reduce-only market sell', { type: 'market', action: 'sell', reduceOnly: true }, { type: 'MARKET', side: 'SELL', reduceOnly: 'true' }],
    ['a reduce-only stop-market', { type: 'stop-market', action: 'sell', trigger: 68500, reduceOnly: true }, { type: 'STOP_MARKET', side: 'SELL', stopPrice: '68500', reduceOnly: 'true' }],
    ['a reduce-only take-profit-market', { type: 'take-profit-market', action: 'sell', trigger: 71000, reduceOnly: true }, { type: 'TAKE_PROFIT_MARKET', side: 'SELL', stopPrice: '71000', reduceOnly: 'true' }],
  ] as const;
  for (const [title, kind, wire] of cases) {
    it(`sends ${title} as POST ${ORDER} with the exact decimals and our clientOrderID`, async () => {
      const r = recordedRig(bingxProfile, ID, base);
      const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-1', lots: 20, ...kind }), tsLocal: 0 });
      expect(r.callsTo(CREATE)[0]?.params, 'https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html#Place%20order').toEqual({ symbol: 'BTC-USDT', quantity: '0.002', positionSide: 'BOTH', clientOrderID: 'mf-bingx-1', ...wire });
      expect(events[0], 'a 19-digit orderId survives as text').toMatchObject({ type: 'OrderAccepted', clientId: 'mf-bingx-1', venueOrderId: '1736012449498123456' });
    });
  }

  it('reads a market order back and reports its fill with exact lots, ticks and fee', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    expect(r.callsTo(QUERY)[0]?.params).toEqual({ symbol: 'BTC-USDT', orderId: '1736012449498123456' });
    expect(r.callsTo('GET /openApi/swap/v2/trade/allFillOrders')[0]?.params).toMatchObject({ symbol: 'BTC-USDT', orderId: '1736012449498123456', tradingUnit: 'CONT' });
    expect(events.map((e) => e.type)).toEqual(['OrderAccepted', 'OrderFilled']);
    expect(events[1], 'volume "0.0020" = 20 lots; price "70000.5" = 700005 ticks; commission "-0.0700" is a cost of 0.07 USDT; filledTime 08:00:00.456 +0800').toMatchObject({
      type: 'OrderFilled', clientId: 'mf-bingx-mkt', lots: 20, priceTicks: 700005, fee: 7000000, tsVenue: RECORDED_T0_MS + 456,
    });
  });

  it('cancels with DELETE by venue order id and reports OrderCancelled', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-1', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    const events = await r.run({ type: 'CancelOrder', clientId: 'mf-bingx-1', tsLocal: 0 });
    expect(r.callsTo(`DELETE ${ORDER}`)[0]?.params).toEqual({ symbol: 'BTC-USDT', orderId: '1736012449498123456' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderCancelled', clientId: 'mf-bingx-1' })]);
  });

  it('asks for the order by clientOrderId after a create timed out, adopts it and never re-sends', async () => {
    const r = recordedRig(bingxProfile, ID, { ...base, [CREATE]: { fault: 'timeout' }, [QUERY]: ok('query-order-new') });
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-to', action: 'buy', lots: 20, type: 'limit', price: 69000 }), tsLocal: 0 });
    expect(r.callsTo(QUERY)[0]?.params, 'query order by clientOrderId alone: no empty orderId beside it').toEqual({ symbol: 'BTC-USDT', clientOrderId: 'mf-bingx-to' });
    expect(events).toEqual([expect.objectContaining({ type: 'OrderAccepted', clientId: 'mf-bingx-to', venueOrderId: '1736012449498123999' })]);
    expect(r.callsTo(CREATE)).toHaveLength(1);
  });
});

describe('bingx through ccxt: fills without trade ids', () => {
  it('reports both fills of one order although allFillOrders gives no trade id (keyed by order, time, quantity, price)', async () => {
    const r = recordedRig(bingxProfile, ID, { ...base, 'GET /openApi/swap/v2/trade/allFillOrders': ok('all-fill-orders-two') });
    const events = await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    expect(events.map((e) => e.type), 'two fills of 10 lots make the 20-lot order').toEqual(['OrderAccepted', 'OrderFilled', 'OrderFilled']);
    expect(events.slice(1), 'volume "0.0010" = 10 lots at "70000.5" and "70001.0" (0.1 ticks); commission "-0.0350" each').toMatchObject([
      { lots: 10, priceTicks: 700005, fee: 3500000 },
      { lots: 10, priceTicks: 700010, fee: 3500000 },
    ]);
  });
});

describe('bingx through ccxt: the fills a restart journals as missed (fillsSince)', () => {
  // GET /openApi/swap/v2/trade/allFillOrders (https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html, "Query
  // historical transaction orders"; shape as in ccxt's js/src/bingx.js): rows carry no trade id and no side.
  const FILLS = 'GET /openApi/swap/v2/trade/allFillOrders';
  const fillRow = (orderId: string, volume: string, price: string, commission: string, filledTime: string) => ({ volume, price, amount: '0', commission, currency: 'USDT', orderId, liquidatedPrice: '0.00', liquidatedMarginRatio: '0.00', filledTime });
  // T0 = 2025-05-04T00:00:00Z = 08:00 +0800: one fill of our market buy a minute before, and two equal fills of an
  // order this process never placed (an earlier process's reduce-only close) 30 s before.
  const answer = { code: 0, msg: '', data: { fill_orders: [
    fillRow('1736012449498123456', '0.0020', '70000.5', '-0.0700', '2025-05-04T07:59:00.456+0800'),
    fillRow('1736012449498777777', '0.0010', '69990.0', '-0.0350', '2025-05-04T07:59:30.000+0800'),
    fillRow('1736012449498777777', '0.0010', '69990.0', '-0.0350', '2025-05-04T07:59:30.000+0800'),
  ] } };
  // GET /openApi/swap/v2/trade/order by orderId: the unknown order, a SELL (close long) under the earlier process's id.
  // The 19-digit orderId is a JSON number, as BingX sends it (written as text here: a JS number would round it).
  const closeOrderText = (clientOrderId: string): string => `{"code":0,"msg":"","data":{"order":{"symbol":"BTC-USDT","orderId":1736012449498777777,"side":"SELL","positionSide":"BOTH","type":"MARKET","origQty":"0.0020","price":"0.0","executedQty":"0.0020","avgPrice":"69990.0","cumQuote":"139.98","status":"FILLED","time":${RECORDED_T0_MS - 30_100},"updateTime":${RECORDED_T0_MS - 30_000},"clientOrderId":"${clientOrderId}","reduceOnly":true}}}`;

  it('reads allFillOrders between startTs and endTs and gives each fill the action of its order', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    await r.run({ type: 'SubmitOrder', order: orderAt(r.spec, { clientId: 'mf-bingx-mkt', action: 'buy', lots: 20, type: 'market' }), tsLocal: 0 });
    r.script({ [FILLS]: { status: 200, body: answer }, [QUERY]: { status: 200, body: closeOrderText('mf-bingx-close') } });
    const before = r.callsTo(FILLS).length;
    const sinceMs = RECORDED_T0_MS - 120_000;
    const got = await r.venue.fillsSince(ID, sinceMs);
    expect(r.callsTo(FILLS).slice(before).map((c) => c.params), 'one window, from the time asked to now (the rig\'s clock, T0)').toEqual([
      { symbol: 'BTC-USDT', startTs: String(sinceMs), endTs: String(RECORDED_T0_MS), tradingUnit: 'CONT' },
    ]);
    expect(r.callsTo(QUERY).at(-1)?.params, 'the order this process does not know is read once, by its id').toEqual({ symbol: 'BTC-USDT', orderId: '1736012449498777777' });
    expect(r.callsTo(QUERY).filter((c) => c.params['orderId'] === '1736012449498777777'), 'once for its two fills').toHaveLength(1);
    expect(got.complete).toBe(true);
    // The rows have no side, and ccxt leaves trade.side undefined: the close would have been journaled as a buy.
    expect(got.fills.map((f) => [f.venueOrderId, f.event.clientId, f.event.action, f.event.lots, f.event.priceTicks, f.event.fee, f.event.tsVenue]), 'volume "0.0020" = 20 lots, "0.0010" = 10; price / 0.1; commission "-0.0350" = a 0.035 USDT cost').toEqual([
      ['1736012449498123456', 'mf-bingx-mkt', 'buy', 20, 700005, 7_000_000, RECORDED_T0_MS - 59_544],
      ['1736012449498777777', 'mf-bingx-close', 'sell', 10, 699900, 3_500_000, RECORDED_T0_MS - 30_000],
      ['1736012449498777777', 'mf-bingx-close', 'sell', 10, 699900, 3_500_000, RECORDED_T0_MS - 30_000],
    ]);
    expect(got.fills.map((f) => f.tradeId), 'no trade id: keyed by order, time, quantity and price; the equal second fill stays a second fill').toEqual([
      `1736012449498123456:${RECORDED_T0_MS - 59_544}:0.002:70000.5`,
      `1736012449498777777:${RECORDED_T0_MS - 30_000}:0.001:69990`,
      `1736012449498777777:${RECORDED_T0_MS - 30_000}:0.001:69990#1`,
    ]);
  });

  it('leaves out a fill whose order it cannot name, and says the answer is incomplete', async () => {
    const unnamed = { status: 200, body: closeOrderText('') };
    // Both orders are unknown to this process: read back in time order, the buy names itself, the close does not.
    const r = recordedRig(bingxProfile, ID, { ...base, [FILLS]: { status: 200, body: answer }, [QUERY]: [ok('query-order-filled'), unnamed] });
    const got = await r.venue.fillsSince(ID, RECORDED_T0_MS - 120_000);
    expect(got.complete, 'an unnamed order\'s fills cannot be matched to an intent').toBe(false);
    expect(got.fills.map((f) => [f.event.clientId, f.event.action]), 'the buy read back by id names itself; the close has no client id').toEqual([['mf-bingx-mkt', 'buy']]);
  });
});

describe('bingx through ccxt: account reads and setters', () => {
  it('reads the wallet balance into the snapshot from `balance`, not ccxt\'s total (equity with unrealised P&L)', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    const snap = await r.venue.snapshot();
    expect(snap.balance, 'balance "1234.5678" USDT in 1e-8 units; equity would be 1234.9178').toBe(123456780000);
  });

  it('reads a one-way position (positionSide BOTH) with a negative amount as short', async () => {
    const r = recordedRig(bingxProfile, ID, { ...base, 'GET /openApi/swap/v2/user/positions': ok('user-positions-oneway') });
    const snap = await r.venue.snapshot();
    expect(snap.positions, 'positionAmt "-0.0050" = -50 lots').toEqual([{ instrument: ID, signedLots: -50, entryTicks: expect.closeTo(701234, 6) as number }]);
    expect(snap.settings, 'isolated false = cross').toEqual([{ instrument: ID, marginMode: 'cross', leverage: 10 }]);
  });

  it('sets leverage for side BOTH in one-way mode and for LONG and SHORT in hedge mode', async () => {
    const LEVERAGE = 'POST /openApi/swap/v2/trade/leverage';
    const r = recordedRig(bingxProfile, ID, { ...base, [LEVERAGE]: ok('set-leverage') });
    const src = { profile: bingxProfile, exchange: r.exchange };
    await setLeverage(src, r.spec, 10, { positionMode: 'one-way' });
    // https://bingx-api.github.io/docs/#/en-us/swapV2/trade-api.html#Set%20Leverage: side LONG, SHORT, or BOTH (one-way).
    expect(r.callsTo(LEVERAGE).map((c) => c.params)).toEqual([{ symbol: 'BTC-USDT', side: 'BOTH', leverage: '10' }]);
    await setLeverage(src, r.spec, 5, { positionMode: 'hedge' });
    expect(r.callsTo(LEVERAGE).slice(1).map((c) => c.params.side), 'each leg of hedge mode').toEqual(['LONG', 'SHORT']);
  });

  it('reads the wallet balance, the short position, its settings and both working orders exactly', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    const snap = await r.venue.snapshot();
    const raw = (await r.exchange.fetchBalance({ type: 'swap' })).info;
    expect(bingxProfile.walletBalanceText?.(raw, 'USDT'), 'the wallet is `balance`, not ccxt\'s total (`equity` "1234.9178")').toBe('1234.5678');
    expect(snap.positions, 'positionSide SHORT, positionAmt "0.0050" = -50 lots at "70123.4"').toEqual([{ instrument: ID, signedLots: -50, entryTicks: expect.closeTo(701234, 6) as number }]);
    expect(snap.settings, 'isolated true, leverage 10').toEqual([{ instrument: ID, marginMode: 'isolated', leverage: 10 }]);
    expect(snap.positionMode, 'dualSidePosition "false"').toBe('one-way');
    expect(snap.openOrders.map((o) => o.order)).toEqual([
      { clientId: 'mf-bingx-1', instrument: ID, action: 'buy', qtyLots: 20, effect: 'open-or-reduce', type: 'limit', limitTicks: 690000, timeInForce: 'GTC' },
      { clientId: 'mf-bingx-stop', instrument: ID, action: 'buy', qtyLots: 50, effect: 'reduce-only', type: 'stop-market', triggerTicks: 715000 },
    ]);
  });

  it('switches position mode and margin mode with the documented requests', async () => {
    const r = recordedRig(bingxProfile, ID, base);
    const src = { profile: bingxProfile, exchange: r.exchange };
    await setPositionMode(src, r.spec, 'hedge');
    await setMarginMode(src, r.spec, 'isolated');
    expect(r.callsTo('POST /openApi/swap/v1/positionSide/dual')[0]?.params).toEqual({ dualSidePosition: 'true' });
    expect(r.callsTo('POST /openApi/swap/v2/trade/marginType')[0]?.params).toEqual({ symbol: 'BTC-USDT', marginType: 'ISOLATED' });
  });
});

describe('bingx error table (https://bingx-api.github.io/docs/#/en-us/swapV2/base-info.html)', () => {
  for (const [code, meaning] of Object.entries(BINGX_ERRORS)) {
    it(`maps code ${code} on order create to ${meaning.kind} ${meaning.code}`, async () => {
      const r = recordedRig(bingxProfile, ID, { ...base, [CREATE]: { status: 200, body: { code: Number(code), msg: `recorded error ${code}`, data: {} } }, [QUERY]: { status: 200, body: { code: 80016, msg: 'order not exist', data: {} } } });
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
