// The simulated venue's configuration, cross-margin liquidation, the mark-price series, explicit funding, OCO
// groups and the account metrics, each worked out by hand. Prices in ticks of 0.1 USDT; 10 lots = 0.01 BTC.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.js';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { OrderSpec } from '../../domain/order.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import { resolveSimConfig, type SimVenueConfigInput } from './sim-config.js';
import { SimulatedVenue, type SimInstrumentInput } from './simulated-venue.js';
import { VenueTape } from './venue-tape.js';

const T0 = Date.UTC(2025, 4, 4, 7, 57);
const ID = 'BINANCE:TEST' as const;
const usd = (text: string): Money => moneyFromText(text)!;
const base = (id: string, action: 'buy' | 'sell', qty: number, reduceOnly = false) =>
  ({ clientId: id, instrument: ID, action, qtyLots: qty as Lots, effect: reduceOnly ? 'reduce-only' : 'open-or-reduce' }) as const;
const market = (id: string, action: 'buy' | 'sell', qty: number): OrderSpec => ({ ...base(id, action, qty), type: 'market' });

function tape(config: SimVenueConfigInput = {}, instrument: Partial<SimInstrumentInput> = {}): VenueTape {
  const spec = { ...testSpec(), liquidationFeeRate: 0.0125 };
  return new VenueTape(new SimulatedVenue({ instruments: [{ spec, ...instrument }], config }), T0);
}

describe('simulated venue: configuration', () => {
  it('fills in the documented defaults', () => {
    const { config, startingBalance } = resolveSimConfig();
    expect(config).toMatchObject({
      fill: { kind: 'bar', intrabar: 'stop-first', limitFill: 'through' },
      latency: { kind: 'none' },
      positionMode: 'one-way',
      marginMode: 'cross',
      leverage: 10,
      funding: 'on',
    });
    expect(startingBalance).toBe(usd('10000'));
  });

  it('refuses a bad value with an error that names the setting', () => {
    expect(() => resolveSimConfig({ leverage: -3 })).toThrow(InputError);
    expect(() => resolveSimConfig({ leverage: -3 })).toThrow(/venue\.leverage/);
    expect(() => resolveSimConfig({ startingBalance: '1,000' })).toThrow(/venue\.startingBalance/);
    expect(() => resolveSimConfig({ fill: { kind: 'trades', queue: 'front', slippageTicks: 0 } as never })).toThrow(/venue\.fill\.queue/);
  });

  it('refuses instruments that settle in different assets on one account', () => {
    const inverse = { ...testSpec({ contractType: 'inverse' }), id: 'BYBIT:BTCUSD' as const };
    expect(() => new SimulatedVenue({ instruments: [{ spec: testSpec() }, { spec: inverse }] })).toThrow(/settles in BTC/);
  });
});

describe('simulated venue: account metrics', () => {
  it('reports balance, equity, margin held, available margin and utilisation at the mark', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 10));
    t.bar(700000, 700800, 699800, 700500);
    // Balance 10000 - 0.35 fee; margin 700 / 10 = 70; unrealised at the close 70,050: 0.01 x 50 = 0.50.
    expect(t.venue.metrics()).toEqual({
      balance: usd('9999.65'),
      unrealisedPnl: usd('0.5'),
      equity: usd('10000.15'),
      positionMargin: usd('70'),
      orderMargin: 0,
      availableMargin: usd('9930.15'),
      marginUtilisation: usd('70') / usd('10000.15'),
    });
  });
});

describe('simulated venue: cross-margin liquidation', () => {
  it('liquidates a cross position when the wallet no longer covers maintenance, leaving the wallet at zero', () => {
    const t = tape({ startingBalance: '100', leverage: 10 });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 14));
    t.bars([
      [700000, 700200, 699800, 700100], // entry: 0.014 x 70,000 = 980 notional, fee 0.49; wallet 99.51
      // Binance cross: LP = (99.51 - 0.014 x 70,000) / (0.014 x 0.004 - 0.014) = -880.49 / -0.013944
      // = 63,144.72..., rounded up: 631448 ticks. The low 631000 reaches it.
      [700100, 700100, 631000, 640000],
      [640000, 641000, 639000, 640500],
      [640500, 641000, 640000, 640800],
      [640800, 641500, 640500, 641000],
      [641000, 641200, 640800, 641100],
    ]);
    // P&L 0.014 x (63,144.8 - 70,000) = -95.9728; the 1.25 % fee (11.05034) is capped by the wallet left, 3.5372.
    expect(t.log.filter((l) => l.includes('liquidated'))).toEqual(['bar 2: liquidated BINANCE:TEST long 14 @631448 pnl -95.9728 fee 3.5372']);
    expect(t.venue.account.balance, 'the wallet ends at zero, never below').toBe(0);
    expect(t.refused).toEqual([]);
  });
});

describe('simulated venue: mark-price series', () => {
  // Isolated 50x long of 0.01 BTC at 70,000: liquidation price 688756 ticks (see the account scenarios).
  const open = (t: VenueTape): void => {
    t.bar(700000, 700500, 699500, 700000);
    t.bracket({ entry: market('entry', 'buy', 10), stopLoss: { ...base('sl', 'sell', 10, true), type: 'stop-market', triggerTicks: 688750 as Ticks } });
    t.bar(700000, 700300, 699700, 700100);
  };

  it('does not liquidate on a traded low when the mark stays above the liquidation price', () => {
    const t = tape({ marginMode: 'isolated', leverage: 50 }, { markSource: 'mark-series' });
    open(t);
    t.venue.onMark(0, T0 + 2 * 60_000, 690000);
    t.bar(699000, 699500, 688000, 689000); // traded low 688000 reaches the stop 688750, the mark did not reach 688756
    expect(t.log.slice(-1)).toEqual(['bar 2: fill sl sell 10 @688750 taker fee 0.344375']);
    expect(t.venue.totals().liquidations).toBe(0);
  });

  it('liquidates at the liquidation price when the mark crosses it', () => {
    const t = tape({ marginMode: 'isolated', leverage: 50 }, { markSource: 'mark-series' });
    open(t);
    t.venue.onMark(0, T0 + 2 * 60_000, 690000);
    t.venue.onMark(0, T0 + 2 * 60_000 + 1000, 688700); // from 690000 down through 688756: closes there, not at 688700
    expect(t.log.slice(-2)).toEqual([
      'bar 2: cancelled sl (cancelled by the venue: position liquidated)',
      'bar 2: liquidated BINANCE:TEST long 10 @688756 pnl -11.244 fee 2.756',
    ]);
  });
});

describe('simulated venue: explicit funding and OCO groups', () => {
  it('settles funding handed in by the driver at the given mark', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('short', 'sell', 10));
    t.bar(700000, 700200, 699800, 700100);
    t.venue.onFunding(0, Date.UTC(2025, 4, 4, 8), 0.0001, 700200);
    // A short receives when the rate is positive: -(-0.01 x 70,020) x 0.0001 = +0.07002.
    expect(t.log.slice(-1)).toEqual(['bar 2: funding BINANCE:TEST -10 lots rate 0.0001 @700200 amount 0.07002']);
  });

  it('cancels the other member of an OCO group when one fills', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 10));
    t.bar(700000, 700200, 699800, 700100);
    t.oco([
      { ...base('tp', 'sell', 10, true), type: 'limit', limitTicks: 701000 as Ticks, timeInForce: 'GTC' },
      { ...base('sl', 'sell', 10, true), type: 'stop-market', triggerTicks: 699000 as Ticks },
    ]);
    t.bars([
      [700100, 700900, 699500, 700800],
      [700800, 701300, 700600, 701200], // high 701300 > 701000: the take-profit fills, the stop is cancelled
    ]);
    expect(t.log.slice(-4)).toEqual([
      'bar 2: accepted tp',
      'bar 2: accepted sl',
      'bar 3: fill tp sell 10 @701000 maker fee 0.1402',
      'bar 3: cancelled sl (cancelled by OCO sibling)',
    ]);
    expect(t.refused).toEqual([]);
  });
});
