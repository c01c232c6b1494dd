// Scenario tapes for the simulated venue's account rules and the trade and quote models: isolated liquidation at the
// bracket boundary, inverse P&L in coin, margin and minimum-notional refusals, partial fills against the trade tape,
// spread crossing, latency, modify and cancel. Every expected number is worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import { decimal, testSpec } from '../../../test/support/contract-terms.js';
import type { SimVenueConfigInput } from './sim-config.js';
import { SimulatedVenue } from './simulated-venue.js';
import { VenueTape } from './venue-tape.js';

const T0 = Date.UTC(2025, 4, 4, 7, 57);
const ID = 'BINANCE:TEST' as const;
const usd = (text: string): Money => moneyFromText(text)!;
type Action = 'buy' | 'sell';
const base = (id: string, action: Action, qty: number, reduceOnly = false) => ({
  clientId: id,
  instrument: ID,
  action,
  qtyLots: qty as Lots,
  effect: reduceOnly ? ('reduce-only' as const) : ('open-or-reduce' as const),
});
const market = (id: string, action: Action, qty: number, reduceOnly = false): OrderSpec => ({ ...base(id, action, qty, reduceOnly), type: 'market' });
const limit = (id: string, action: Action, qty: number, price: number, reduceOnly = false): OrderSpec => ({
  ...base(id, action, qty, reduceOnly),
  type: 'limit',
  limitTicks: price as Ticks,
  timeInForce: 'GTC',
});
const stop = (id: string, action: Action, qty: number, trigger: number): OrderSpec => ({ ...base(id, action, qty, true), type: 'stop-market', triggerTicks: trigger as Ticks });

function tape(config: SimVenueConfigInput = {}, extra: Partial<InstrumentSpec> = {}): VenueTape {
  const spec: InstrumentSpec = { ...testSpec(), liquidationFeeRate: 0.0125, ...extra };
  return new VenueTape(new SimulatedVenue({ instruments: [{ spec }], config }), T0);
}

function expectClean(t: VenueTape, start: Money = usd('10000')): void {
  expect(t.refused, 'every event passes the order transition table').toEqual([]);
  const x = t.venue.totals();
  expect(t.venue.account.balance, 'balance = start + realised - fees + funding').toBe(start + x.realisedPnl - x.fees + x.funding);
}

describe('simulated venue: isolated liquidation at the bracket boundary', () => {
  // Long 0.01 BTC at 70,000 with 50x isolated: margin 700 / 50 = 14 USDT. Binance's isolated formula with a flat
  // 0.4 % maintenance rate and cum 0: LP = (14 - 0.01 x 70,000) / (0.01 x 0.004 - 0.01) = -686 / -0.00996
  // = 68,875.502..., rounded up to the tick (a long is warned early): 68,875.6 = 688756 ticks.
  const run = (stopTicks: number): VenueTape => {
    const t = tape({ marginMode: 'isolated', leverage: 50 });
    t.bar(700000, 700500, 699500, 700000);
    t.bracket({ entry: market('entry', 'buy', 10), stopLoss: stop('sl', 'sell', 10, stopTicks) });
    t.bars([
      [700000, 700300, 699700, 700100],
      [699000, 699500, 688000, 689000], // the low 688000 passes both the liquidation price and the stop
      [689000, 690000, 688500, 689500],
      [689500, 690500, 689000, 690000],
      [690000, 691000, 689500, 690500],
      [690500, 691500, 690000, 691000],
    ]);
    return t;
  };

  it('lets a stop 4 ticks above the liquidation price close the position first', () => {
    const t = run(688760);
    expect(t.log.slice(-2)).toEqual(['bar 2: triggered sl', 'bar 2: fill sl sell 10 @688760 taker fee 0.34438']);
    // P&L 0.01 x (68,876 - 70,000) = -11.24; fees 0.35 + 688.76 x 0.0005 = 0.34438.
    expect(t.venue.account.balance, '10000 - 11.24 - 0.35 - 0.34438').toBe(usd('9988.06562'));
    expect(t.venue.totals().liquidations).toBe(0);
    expectClean(t);
  });

  it('liquidates at the liquidation price when the stop lies beyond it, losing the whole isolated margin', () => {
    const t = run(688750);
    // P&L 0.01 x (68,875.6 - 70,000) = -11.244; the 1.25 % fee (8.60945) is capped by the margin left,
    // 14 - 11.244 = 2.756, so the position loses exactly its 14 USDT of margin.
    expect(t.log.slice(-2)).toEqual([
      'bar 2: cancelled sl (cancelled by the venue: position liquidated)',
      'bar 2: liquidated BINANCE:TEST long 10 @688756 pnl -11.244 fee 2.756',
    ]);
    expect(t.venue.totals()).toMatchObject({ realisedPnl: usd('-11.244'), fees: usd('3.106'), liquidations: 1 });
    expect(t.venue.account.balance, '10000 - 0.35 entry fee - 14 margin').toBe(usd('9985.65'));
    expect(t.venue.snapshotNow().positions).toEqual([]);
    expectClean(t);
  });
});

describe('simulated venue: inverse contracts', () => {
  it('settles P&L and fees in coin: contracts x value x (1/entry - 1/exit)', () => {
    const t = tape({ startingBalance: '1' }, { contractType: 'inverse', contractSize: decimal('100'), lot: testSpec({ lot: '1' }).lot, settle: 'BTC', quote: 'USD' });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('entry', 'buy', 10));
    t.bars([
      [700000, 705000, 699000, 704000],
      [704000, 709000, 703000, 709000],
    ]);
    t.submit(market('exit', 'sell', 10));
    t.bars([
      [710000, 711000, 709000, 710500],
      [710500, 711000, 710000, 710800],
      [710800, 711200, 710500, 711000],
      [711000, 711500, 710800, 711200],
    ]);
    // 10 contracts x 100 USD = 1,000 USD. Entry fee 1,000 / 70,000 BTC x 0.0005 = 0.00000714285.. -> up: 0.00000715.
    // Exit fee 1,000 / 71,000 x 0.0005 = 0.0000070422.. -> 0.00000705. P&L 1,000 x (1/70,000 - 1/71,000)
    // = 1,000 x 1,000 / 4,970,000,000 = 0.000201207.. -> 0.00020121 BTC.
    expect(t.log.filter((l) => l.includes('fill'))).toEqual([
      'bar 1: fill entry buy 10 @700000 taker fee 0.00000715',
      'bar 3: fill exit sell 10 @710000 taker fee 0.00000705',
    ]);
    expect(t.venue.totals().realisedPnl).toBe(usd('0.00020121'));
    expect(t.venue.account.balance, '1 + 0.00020121 - 0.00000715 - 0.00000705 BTC').toBe(usd('1.00018701'));
    expect(t.venue.snapshotNow().settleAsset).toBe('BTC');
    expectClean(t, usd('1'));
  });
});

describe('simulated venue: refusals on arrival', () => {
  it('refuses an order whose initial margin exceeds the available balance', () => {
    const t = tape({ startingBalance: '100', leverage: 10 });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('too-big', 'buy', 20)); // 0.02 x 70,000 / 10 = 140 > 100
    t.submit(market('fits', 'buy', 14)); // 0.014 x 70,000 / 10 = 98 <= 100
    t.bars([
      [700000, 700200, 699800, 700100],
      [700100, 700300, 699900, 700200],
      [700200, 700400, 700000, 700300],
      [700300, 700500, 700100, 700400],
      [700400, 700600, 700200, 700500],
    ]);
    expect(t.log.slice(0, 3)).toEqual(['bar 1: rejected too-big INSUFFICIENT_MARGIN', 'bar 1: accepted fits', 'bar 1: fill fits buy 14 @700000 taker fee 0.49']);
    const rejected = t.events.find((e) => e.type === 'OrderRejected');
    expect(rejected && 'reason' in rejected ? rejected.reason : '', 'the reason names both amounts').toMatch(/140.00 USDT is above the available 100.00 USDT/);
    expect(t.venue.metrics().positionMargin, 'margin held at entry: 98').toBe(usd('98'));
    expectClean(t, usd('100'));
  });

  it('refuses an order below the minimum notional but lets a reduce-only close through', () => {
    const t = tape({}, { minNotional: decimal('100') });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('small', 'buy', 1)); // 0.001 x 70,000 = 70 < 100
    t.submit(market('ok', 'buy', 2)); // 140 >= 100
    t.bar(700000, 700200, 699800, 700100);
    t.submit(market('close-one', 'sell', 1, true)); // 70 < 100, exempt: reduce-only
    t.bars([
      [700100, 700300, 699900, 700200],
      [700200, 700400, 700000, 700300],
      [700300, 700500, 700100, 700400],
      [700400, 700600, 700200, 700500],
    ]);
    expect(t.log.filter((l) => !l.includes('accepted'))).toEqual([
      'bar 1: rejected small MIN_NOTIONAL',
      'bar 1: fill ok buy 2 @700000 taker fee 0.07',
      'bar 2: fill close-one sell 1 @700100 taker fee 0.035005',
    ]);
    expectClean(t);
  });
});

describe('simulated venue: latency, modify and cancel', () => {
  it('fills an order decided at a close one bar later when latency carries it past the next open', () => {
    const t = tape({ latency: { kind: 'constant', ms: 250 } });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('late', 'buy', 10)); // decided 07:57:59.999, arrives 07:58:00.249: after bar 1's open
    t.bars([
      [700000, 700200, 699800, 700100],
      [700100, 700300, 699900, 700200],
    ]);
    expect(t.log).toEqual(['bar 2: accepted late', 'bar 2: fill late buy 10 @700100 taker fee 0.35005']);
    expectClean(t);
  });

  it('modifies a resting limit, cancels it, and refuses a second cancel and a modify of an unknown order', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(limit('bid', 'buy', 10, 699000));
    t.bar(700000, 700200, 699800, 700100);
    t.modify('bid', { limitTicks: 699500 as Ticks, qtyLots: 12 as Lots });
    t.modify('nobody', { limitTicks: 699500 as Ticks });
    t.bar(700100, 700300, 699900, 700200);
    t.cancel('bid');
    t.bar(700200, 700400, 700000, 700300);
    t.cancel('bid');
    t.bars([
      [700300, 700500, 700100, 700400],
      [700400, 700600, 700200, 700500],
    ]);
    expect(t.log).toEqual([
      'bar 1: accepted bid',
      'bar 2: modify rejected nobody UNKNOWN_ORDER',
      'bar 2: modified bid qty 12',
      'bar 3: cancelled bid (cancelled by user)',
      'bar 4: cancel rejected bid UNKNOWN_ORDER',
    ]);
    expect(t.venue.metrics().orderMargin, 'nothing reserved once the order is gone').toBe(0);
    expectClean(t);
  });
});

describe('simulated venue: trade and quote models', () => {
  const trades = (t: VenueTape, rows: readonly (readonly [number, number, number])[]): void => {
    for (const [dtMs, price, lots] of rows) {
      t.venue.onTrade(0, { timeMs: Float64Array.of(T0 + dtMs), priceTicks: Float64Array.of(price), qtyLots: Float64Array.of(lots) }, 0);
    }
  };

  it('fills a resting bracket entry partially as the tape trades through it, resizing the exits', () => {
    const t = tape({ fill: { kind: 'trades', queue: 'none', slippageTicks: 0 } });
    t.bracket(
      { entry: limit('entry', 'buy', 10, 700000), takeProfit: limit('tp', 'sell', 10, 701000, true), stopLoss: stop('sl', 'sell', 10, 699000) },
      T0,
    );
    trades(t, [
      [100, 700050, 3], // entry arrives and rests: 700050 is above its limit
      [200, 699990, 4], // trades through 700000: 4 lots fill at 700000 (maker); the exits start with 4 lots
      [300, 700000, 5], // at the limit, not through it: no fill without a queue model
      [400, 699900, 10], // through again: the last 6 lots; the exits follow to 10
      [500, 701050, 12], // through the take-profit 701000: all 10 lots; the stop is cancelled (OCO)
    ]);
    expect(t.log.map((l) => l.slice(7))).toEqual([
      'accepted entry',
      // 0.004 x 70,000 x 0.0002 = 0.056 and 0.006 x 70,000 x 0.0002 = 0.084.
      'fill entry buy 4 @700000 maker fee 0.056',
      'accepted tp',
      'modified tp qty 4',
      'accepted sl',
      'modified sl qty 4',
      'fill entry buy 6 @700000 maker fee 0.084',
      'modified tp qty 10',
      'modified sl qty 10',
      // 0.01 x 70,100 x 0.0002 = 0.1402; P&L 0.01 x 100 = 1.00.
      'fill tp sell 10 @701000 maker fee 0.1402',
      'cancelled sl (cancelled by OCO sibling)',
    ]);
    expect(t.venue.account.balance, '10000 + 1.00 - 0.056 - 0.084 - 0.1402').toBe(usd('10000.7198'));
    expectClean(t);
  });

  it('fills a market order at the next trade plus slippage', () => {
    const t = tape({ fill: { kind: 'trades', queue: 'none', slippageTicks: 3 } });
    t.submit(market('m', 'buy', 10), T0);
    trades(t, [[50, 700000, 1]]);
    expect(t.log).toEqual(['bar 0: accepted m', 'bar 0: fill m buy 10 @700003 taker fee 0.3500015']);
    expectClean(t);
  });

  it('crosses the spread for a market order and fills a resting limit when the opposite quote reaches it', () => {
    const t = tape({ fill: { kind: 'quotes' } });
    const quote = (dtMs: number, bid: number, ask: number): void =>
      t.venue.onQuote(0, { timeMs: Float64Array.of(T0 + dtMs), bidTicks: Float64Array.of(bid), askTicks: Float64Array.of(ask), bidLots: Float64Array.of(5), askLots: Float64Array.of(5) }, 0);
    t.submit(market('buy', 'buy', 10), T0);
    quote(100, 699990, 700010); // buys at the ask 700010
    t.submit(limit('sell', 'sell', 10, 700100, true), T0 + 150);
    quote(200, 700000, 700020); // arrives; bid 700000 is below 700100: rests
    quote(300, 700100, 700110); // bid reaches 700100: fills at 700100 as maker
    // Fees 0.01 x 70,001 x 0.0005 = 0.350005 and 0.01 x 70,010 x 0.0002 = 0.14002; P&L 0.01 x 9 = 0.09.
    expect(t.log.map((l) => l.slice(7))).toEqual([
      'accepted buy',
      'fill buy buy 10 @700010 taker fee 0.350005',
      'accepted sell',
      'fill sell sell 10 @700100 maker fee 0.14002',
    ]);
    expect(t.venue.account.balance).toBe(usd('9999.599975'));
    expectClean(t);
  });
});
