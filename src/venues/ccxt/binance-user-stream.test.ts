// Parsing Binance USD-M user data events (payload shapes from
// https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update and
// .../Event-Balance-and-Position-Update) and turning a pushed trade into exact lots, ticks and fee.
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../data/spec-files.js';
import { parseAccountUpdate, parseOrderTradeUpdate } from './binance-user-stream.js';
import { streamTrade } from './user-stream-link.js';

const spec = loadRegistry().get('BINANCE:BTCUSDT');
const grids = { tick: spec.tick, lot: spec.lot, settle: spec.settle };

/** The docs' example, turned from a NEW trailing stop into a partial fill of a limit by hand. */
const TRADE = {
  e: 'ORDER_TRADE_UPDATE', E: 1568879465651, T: 1568879465650,
  o: {
    s: 'BTCUSDT', c: 'mf-1-entry', S: 'SELL', o: 'LIMIT', f: 'GTC', q: '0.003', p: '7103.1', ap: '7103.1', sp: '0', x: 'TRADE', X: 'PARTIALLY_FILLED',
    i: 8886774, l: '0.002', z: '0.002', L: '7103.1', N: 'USDT', n: '0.00568248', T: 1568879465650, t: 123456789, b: '0', a: '9.91', m: true, R: false,
    wt: 'CONTRACT_PRICE', ot: 'LIMIT', ps: 'BOTH', cp: false, rp: '0', pP: false, si: 0, ss: 0, V: 'EXPIRE_TAKER', pm: 'NONE', gtd: 0,
  },
};

describe('ORDER_TRADE_UPDATE', () => {
  it('keeps the trade id, the decimal texts and the maker flag of a TRADE event', () => {
    expect(parseOrderTradeUpdate(TRADE)).toEqual({
      symbol: 'BTCUSDT', clientId: 'mf-1-entry', venueOrderId: '8886774', execution: 'TRADE', status: 'PARTIALLY_FILLED', tsVenue: 1568879465651,
      fill: { tradeId: '123456789', qtyText: '0.002', priceText: '7103.1', feeText: '0.00568248', feeAsset: 'USDT', maker: true, tsVenue: 1568879465650 },
    });
  });

  it('has no fill for a NEW event (the docs\' example: l "0", t 0)', () => {
    const u = parseOrderTradeUpdate({ ...TRADE, o: { ...TRADE.o, x: 'NEW', X: 'NEW', l: '0', z: '0', L: '0', n: '0', t: 0 } });
    expect([u?.execution, u?.fill]).toEqual(['NEW', undefined]);
  });

  it('turns the pushed trade into 2 lots of 0.001 at 71031 ticks of 0.1 and 568248 fee units of 1e-8 USDT', () => {
    const u = parseOrderTradeUpdate(TRADE)!;
    expect(streamTrade(u, grids)).toEqual({ tradeId: '123456789', lots: 2, priceTicks: 71031, liquidity: 'maker', fee: 568248, tsVenue: 1568879465650 });
  });

  it('refuses to guess: an off-grid quantity or a fee in another asset leaves the trade to the REST read-back', () => {
    const offGrid = parseOrderTradeUpdate({ ...TRADE, o: { ...TRADE.o, l: '0.0025' } })!;
    expect(streamTrade(offGrid, grids), '0.0025 BTC is not a whole number of 0.001 lots').toBeUndefined();
    const bnbFee = parseOrderTradeUpdate({ ...TRADE, o: { ...TRADE.o, N: 'BNB' } })!;
    expect(streamTrade(bnbFee, grids), 'a BNB fee cannot be booked in USDT units').toBeUndefined();
  });
});

describe('ACCOUNT_UPDATE', () => {
  it('lists the wallet balances and positions of the docs\' example', () => {
    const u = parseAccountUpdate({
      e: 'ACCOUNT_UPDATE', E: 1564745798939, T: 1564745798938,
      a: {
        m: 'ORDER',
        B: [{ a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' }],
        P: [{ s: 'BTCUSDT', pa: '20', ep: '6563.66500', bep: '0', cr: '0', up: '2850.21200', mt: 'isolated', iw: '13200.70726908', ps: 'LONG' }],
      },
    });
    expect(u).toEqual({
      reason: 'ORDER', tsVenue: 1564745798939,
      balances: [{ asset: 'USDT', walletText: '122624.12345678' }],
      positions: [{ symbol: 'BTCUSDT', qtyText: '20', entryPriceText: '6563.66500', positionSide: 'LONG', marginType: 'isolated' }],
    });
  });
});
