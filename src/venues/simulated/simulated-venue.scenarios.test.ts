// Scenario tapes for the simulated venue: a few hand-written bars per case with every fill, exit, fee, funding and
// P&L computed by hand in the comments. Prices are in ticks of 0.1 USDT (700000 = 70,000.0); 10 lots = 0.01 BTC.
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../../core/grid.js';
import { moneyFromText, type Money } from '../../core/money.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec, TimeInForce } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import { testSpec } from '../../../test/support/contract-terms.js';
import type { SimVenueConfigInput } from './sim-config.js';
import { SimulatedVenue, type SimInstrumentInput } from './simulated-venue.js';
import { VenueTape } from './venue-tape.js';

const T0 = Date.UTC(2025, 4, 4, 7, 57);
const ID = 'BINANCE:TEST' as const;
const usd = (text: string): Money => moneyFromText(text)!;

type Action = 'buy' | 'sell';
interface Opts {
  readonly reduceOnly?: boolean;
  readonly positionSide?: Side;
}
const base = (id: string, action: Action, qty: number, o: Opts = {}) => ({
  clientId: id,
  instrument: ID,
  action,
  qtyLots: qty as Lots,
  effect: o.reduceOnly ? ('reduce-only' as const) : ('open-or-reduce' as const),
  ...(o.positionSide ? { positionSide: o.positionSide } : {}),
});
const market = (id: string, action: Action, qty: number, o?: Opts): OrderSpec => ({ ...base(id, action, qty, o), type: 'market' });
const limit = (id: string, action: Action, qty: number, price: number, tif: TimeInForce = 'GTC', o?: Opts): OrderSpec => ({
  ...base(id, action, qty, o),
  type: 'limit',
  limitTicks: price as Ticks,
  timeInForce: tif,
});
const stop = (id: string, action: Action, qty: number, trigger: number, o?: Opts): OrderSpec => ({
  ...base(id, action, qty, o),
  type: 'stop-market',
  triggerTicks: trigger as Ticks,
});

/** BTCUSDT-like: tick 0.1, lot 0.001, taker 0.05 %, maker 0.02 %, flat maintenance 0.4 %, liquidation fee 1.25 %. */
function spec(extra: Partial<InstrumentSpec> = {}): InstrumentSpec {
  return { ...testSpec(), liquidationFeeRate: 0.0125, ...extra };
}

function tape(config: SimVenueConfigInput = {}, instrument: Partial<SimInstrumentInput> = {}): VenueTape {
  const venue = new SimulatedVenue({ instruments: [{ spec: spec(), ...instrument }], config });
  return new VenueTape(venue, T0);
}

function expectClean(t: VenueTape): void {
  expect(t.refused, 'every event passes the order transition table').toEqual([]);
  const totals = t.venue.totals();
  expect(t.venue.account.balance, 'balance = start + realised - fees + funding').toBe(
    usd('10000') + totals.realisedPnl - totals.fees + totals.funding,
  );
}

/** A long bracket: market buy 10 lots, TP limit sell at 701400 (+0.2 %), stop sell at 698950 (-0.15 %). */
function longBracket(t: VenueTape): void {
  t.bracket({
    entry: market('entry', 'buy', 10),
    takeProfit: limit('tp', 'sell', 10, 701400, 'GTC', { reduceOnly: true }),
    stopLoss: stop('sl', 'sell', 10, 698950, { reduceOnly: true }),
  });
}

const bracketTape: readonly (readonly [number, number, number, number])[] = [
  [700000, 700800, 699600, 700200], // bar 1: entry fills at the open 700000; neither exit in range
  [700200, 701600, 698800, 700000], // bar 2: high 701600 passes the TP 701400, low 698800 passes the stop 698950
  [700000, 700300, 699700, 700100],
  [700100, 700400, 699900, 700000],
  [700000, 700200, 699800, 700000],
];

describe('simulated venue: bracket take-profit vs stop on one bar', () => {
  it('takes the stop when one bar reaches both exits under stop-first', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    longBracket(t);
    t.bars(bracketTape);
    // Entry: 0.01 BTC x 70,000 = 700 USDT notional, taker fee 700 x 0.0005 = 0.35.
    // Stop: 0.01 x 69,895 = 698.95 notional, fee 698.95 x 0.0005 = 0.349475; P&L 0.01 x (69,895 - 70,000) = -1.05.
    expect(t.log, 'entry at the next open, then the stop wins the shared bar').toEqual([
      'bar 1: accepted entry',
      'bar 1: fill entry buy 10 @700000 taker fee 0.35',
      'bar 1: accepted tp',
      'bar 1: accepted sl',
      'bar 2: triggered sl',
      'bar 2: cancelled tp (cancelled by OCO sibling)',
      'bar 2: fill sl sell 10 @698950 taker fee 0.349475',
    ]);
    expect(t.venue.totals()).toEqual({ realisedPnl: usd('-1.05'), fees: usd('0.699475'), funding: 0, liquidations: 0 });
    expect(t.venue.account.balance, '10000 - 1.05 - 0.35 - 0.349475').toBe(usd('9998.250525'));
    expectClean(t);
  });

  it('takes the take-profit under proximity when the high is at least as near the open as the low', () => {
    const t = tape({ fill: { kind: 'bar', intrabar: 'proximity', limitFill: 'through' } });
    t.bar(700000, 700500, 699500, 700000);
    longBracket(t);
    t.bars(bracketTape);
    // Bar 2 opens 700200: high is 1400 ticks away, low 1400 too; a tie walks the high first (Nautilus O-H-L-C).
    // TP: P&L 0.01 x 140 = 1.40; maker fee 701.4 x 0.0002 = 0.14028.
    expect(t.log.slice(4)).toEqual(['bar 2: fill tp sell 10 @701400 maker fee 0.14028', 'bar 2: cancelled sl (cancelled by OCO sibling)']);
    expect(t.venue.account.balance, '10000 + 1.40 - 0.35 - 0.14028').toBe(usd('10000.90972'));
    expectClean(t);
  });
});

describe('simulated venue: gaps, post-only and reduce-only', () => {
  it('fills a stop at the open when the bar gaps through it', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.bracket({ entry: market('entry', 'buy', 10), stopLoss: stop('sl', 'sell', 10, 699000, { reduceOnly: true }) });
    t.bars([
      [700000, 700300, 699500, 700100],
      [698000, 698500, 697500, 698200], // opens 698000, below the stop 699000: fills at the open, not at 699000
      [698200, 698400, 698000, 698300],
      [698300, 698900, 698100, 698800],
      [698800, 699000, 698600, 698900],
    ]);
    expect(t.log.filter((l) => l.includes('fill sl'))).toEqual(['bar 2: fill sl sell 10 @698000 taker fee 0.349']);
    // P&L 0.01 x (69,800 - 70,000) = -2.00; fees 0.35 + 698 x 0.0005 = 0.349.
    expect(t.venue.account.balance, '10000 - 2 - 0.35 - 0.349').toBe(usd('9997.301'));
    expectClean(t);
  });

  it('rejects a post-only limit that would take and rests one that would not', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(limit('taker', 'buy', 10, 700100, 'GTX')); // next open 700000 <= 700100: it would take
    t.submit(limit('maker', 'buy', 10, 699800, 'GTX'));
    t.bars([
      [700000, 700200, 699900, 700100], // low 699900 does not trade through 699800
      [700100, 700200, 699700, 699900], // low 699700 < 699800: fills at its own price as maker
      [699900, 700000, 699800, 699950],
      [699950, 700100, 699900, 700000],
      [700000, 700100, 699900, 700050],
    ]);
    expect(t.log).toEqual([
      'bar 1: rejected taker POST_ONLY_WOULD_TAKE',
      'bar 1: accepted maker',
      // 0.01 x 69,980 = 699.80 notional, maker fee x 0.0002 = 0.13996.
      'bar 2: fill maker buy 10 @699800 maker fee 0.13996',
    ]);
    expectClean(t);
  });

  it('rejects a reduce-only order with nothing to reduce and clips one larger than the position', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('ro-flat', 'sell', 10, { reduceOnly: true }));
    t.submit(market('open', 'buy', 10));
    t.bar(700000, 700300, 699800, 700100);
    t.submit(market('ro-big', 'sell', 15, { reduceOnly: true }));
    t.bars([
      [700200, 700400, 700000, 700300], // ro-big: 10 of 15 lots reduce the long, the other 5 expire
      [700300, 700500, 700100, 700400],
      [700400, 700600, 700200, 700500],
      [700500, 700700, 700300, 700600],
    ]);
    expect(t.log).toEqual([
      'bar 1: rejected ro-flat REDUCE_ONLY_WOULD_INCREASE',
      'bar 1: accepted open',
      'bar 1: fill open buy 10 @700000 taker fee 0.35',
      'bar 2: accepted ro-big',
      // 0.01 x 70,020 = 700.20, fee 0.3501; P&L 0.01 x 20 = 0.20.
      'bar 2: fill ro-big sell 10 @700200 taker fee 0.3501',
      'bar 2: expired ro-big (reduce-only above position: rest expired)',
    ]);
    expect(t.venue.snapshotNow().positions, 'flat after the clipped close').toEqual([]);
    expect(t.venue.account.balance, '10000 + 0.20 - 0.35 - 0.3501').toBe(usd('9999.4999'));
    expectClean(t);
  });
});

describe('simulated venue: trailing stop', () => {
  it('follows the high and fills at the trail when price falls back 1 %', () => {
    const t = tape();
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('entry', 'buy', 10));
    t.bar(700000, 701000, 699800, 700900);
    t.submit({ ...base('trail', 'sell', 10, { reduceOnly: true }), type: 'trailing-stop', callbackRate: 0.01 });
    t.bars([
      // Arrives at the open 701000: trail floor(701000 x 0.99) = 693990. Worst path: low 700500 (not reached),
      // then the high 705000 raises the best: trail floor(705000 x 0.99) = 697950; close 704000 is above it.
      [701000, 705000, 700500, 704000],
      // Low 697000 <= 697950: triggers and fills at the trail 697950.
      [703000, 703500, 697000, 698000],
      [698000, 698500, 697500, 698200],
      [698200, 698600, 698000, 698400],
    ]);
    expect(t.log.slice(2)).toEqual([
      'bar 2: accepted trail',
      'bar 3: triggered trail',
      // 0.01 x 69,795 = 697.95, fee 0.348975; P&L 0.01 x (69,795 - 70,000) = -2.05.
      'bar 3: fill trail sell 10 @697950 taker fee 0.348975',
    ]);
    expect(t.venue.account.balance, '10000 - 2.05 - 0.35 - 0.348975').toBe(usd('9997.251025'));
    expectClean(t);
  });
});

describe('simulated venue: hedge mode', () => {
  it('holds a long and a short leg at once and closes one without touching the other', () => {
    const t = tape({ positionMode: 'hedge' });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 10, { positionSide: 'long' }));
    t.submit(market('short', 'sell', 5, { positionSide: 'short' }));
    t.submit(market('no-side', 'buy', 1));
    t.bars([
      [700000, 700500, 699600, 700400],
      [700400, 701200, 700300, 701000],
    ]);
    t.submit(market('close-long', 'sell', 10, { positionSide: 'long' }));
    t.bars([
      [701000, 701300, 700800, 701100], // long closes at 701000: P&L 0.01 x 100 = 1.00
      [701100, 701400, 700900, 701200],
      [701200, 701500, 701000, 701300],
      [701300, 701600, 701100, 701500],
    ]);
    expect(t.log.filter((l) => !l.includes('accepted')), 'refused on arrival, before the bar fills the others').toEqual([
      'bar 1: rejected no-side UNSUPPORTED',
      'bar 1: fill long buy 10 @700000 taker fee 0.35 long',
      'bar 1: fill short sell 5 @700000 taker fee 0.175 short',
      // 0.01 x 70,100 = 701.00, fee 0.3505.
      'bar 3: fill close-long sell 10 @701000 taker fee 0.3505 long',
    ]);
    const snap = t.venue.snapshotNow();
    expect(snap.positions, 'the short leg stays open').toEqual([{ instrument: ID, signedLots: -5, entryTicks: 700000, positionSide: 'short' }]);
    expect(t.venue.account.balance, '10000 + 1.00 - 0.35 - 0.175 - 0.3505').toBe(usd('10000.1245'));
    // Unrealised on the short at the last close 701500: -0.005 x 150 = -0.75.
    expect(t.venue.metrics().equity).toBe(usd('9999.3745'));
    expectClean(t);
  });
});

describe('simulated venue: funding', () => {
  it('pays a long and charges a short when the rate is negative, at the bar open at the settlement time', () => {
    const funding = { timeMs: Float64Array.of(Date.UTC(2025, 4, 4, 8)), rate: Float64Array.of(-0.0001) };
    const t = tape({ positionMode: 'hedge' }, { funding });
    t.bar(700000, 700500, 699500, 700000); // 07:57
    t.submit(market('long', 'buy', 10, { positionSide: 'long' }));
    t.submit(market('short', 'sell', 4, { positionSide: 'short' }));
    t.bars([
      [700000, 700200, 699800, 700100], // 07:58: both fill at 700000
      [700100, 700600, 700000, 700500], // 07:59
      [700500, 700700, 700300, 700600], // 08:00: funding at the open 700500 (the documented mark proxy)
      [700600, 700800, 700400, 700700],
      [700700, 700900, 700500, 700800],
    ]);
    // Long: -(0.01 x 70,050) x (-0.0001) = +0.07005. Short: -(-0.004 x 70,050) x (-0.0001) = -0.02802.
    expect(t.log.filter((l) => l.includes('funding'))).toEqual([
      'bar 3: funding BINANCE:TEST 10 lots long rate -0.0001 @700500 amount 0.07005',
      'bar 3: funding BINANCE:TEST -4 lots short rate -0.0001 @700500 amount -0.02802',
    ]);
    const settled = t.events.filter((e) => e.type === 'FundingSettled');
    expect(settled.map((e) => e.tsVenue), 'stamped with the settlement time').toEqual([Date.UTC(2025, 4, 4, 8), Date.UTC(2025, 4, 4, 8)]);
    expect(t.venue.totals().funding).toBe(usd('0.04203'));
    expectClean(t);
  });

  it("takes the funding notional at the settlement's mark, not the bar open, when the series carries the mark", () => {
    // The same tape as above, but the mark at 08:00 is 70,012.3 (700123 ticks) while the bar opens at 70,050.0.
    const funding = { timeMs: Float64Array.of(Date.UTC(2025, 4, 4, 8)), rate: Float64Array.of(-0.0001), markTicks: Float64Array.of(700123) };
    const t = tape({ positionMode: 'hedge' }, { funding });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 10, { positionSide: 'long' }));
    t.submit(market('short', 'sell', 4, { positionSide: 'short' }));
    t.bars([
      [700000, 700200, 699800, 700100],
      [700100, 700600, 700000, 700500],
      [700500, 700700, 700300, 700600], // 08:00: opens at 700500, the mark is 700123
      [700600, 700800, 700400, 700700],
    ]);
    // Long: -(0.01 x 70,012.3) x (-0.0001) = +0.0700123. Short: -(-0.004 x 70,012.3) x (-0.0001) = -0.02800492.
    expect(t.log.filter((l) => l.includes('funding')), 'both legs settle at the mark 700123, not the open 700500').toEqual([
      'bar 3: funding BINANCE:TEST 10 lots long rate -0.0001 @700123 amount 0.0700123',
      'bar 3: funding BINANCE:TEST -4 lots short rate -0.0001 @700123 amount -0.02800492',
    ]);
    expect(t.venue.totals().funding, '0.0700123 - 0.02800492').toBe(usd('0.04200738'));
    expect(t.venue.describeModels().some((n) => n.includes("settlement's mark price for 1 of 1")), 'the run metadata says which mark funding used').toBe(true);
    expectClean(t);
  });

  it('charges nothing when funding is off', () => {
    const funding = { timeMs: Float64Array.of(Date.UTC(2025, 4, 4, 8)), rate: Float64Array.of(-0.0001) };
    const t = tape({ funding: 'off' }, { funding });
    t.bar(700000, 700500, 699500, 700000);
    t.submit(market('long', 'buy', 10));
    t.bars([
      [700000, 700200, 699800, 700100],
      [700100, 700600, 700000, 700500],
      [700500, 700700, 700300, 700600],
      [700600, 700800, 700400, 700700],
      [700700, 700900, 700500, 700800],
    ]);
    expect(t.events.filter((e) => e.type === 'FundingSettled')).toEqual([]);
    expectClean(t);
  });
});

describe('simulated venue: bracket exits priced from the entry fill', () => {
  it('prices the exits from the fill at the open, so they rest from that moment in the same bar', () => {
    const t = tape();
    expect(t.venue.capabilities.bracketExitsFromFill).toBe(true);
    t.bar(700000, 700500, 699500, 700000);
    t.bracket({
      entry: market('entry', 'buy', 10),
      // Placeholders from the close 700000; the venue replaces them from the fill.
      takeProfit: limit('tp', 'sell', 10, 701400, 'GTC', { reduceOnly: true }),
      stopLoss: stop('sl', 'sell', 10, 698950, { reduceOnly: true }),
      exitsFromFill: { takeProfitPct: 0.2, stopLossPct: 0.15 },
    });
    t.bars([
      // Fill at the open 701200: TP nearest(701200 x 1.002 = 702602.4) = 702602, stop nearest(701200 x 0.9985
      // = 700148.2) = 700148. The low 700100 reaches the new stop inside this bar (not the placeholder 698950).
      [701200, 701500, 700100, 700300],
      [700300, 700600, 700000, 700400],
      [700400, 700700, 700200, 700500],
      [700500, 700800, 700300, 700600],
      [700600, 700900, 700400, 700700],
    ]);
    expect(t.log).toEqual([
      'bar 1: accepted entry',
      'bar 1: fill entry buy 10 @701200 taker fee 0.3506',
      'bar 1: accepted tp',
      'bar 1: modified tp qty 10',
      'bar 1: accepted sl',
      'bar 1: modified sl qty 10',
      'bar 1: triggered sl',
      'bar 1: cancelled tp (cancelled by OCO sibling)',
      // 0.01 x 70,014.8 = 700.148, fee 0.350074; P&L 0.01 x (70,014.8 - 70,120) = -1.052.
      'bar 1: fill sl sell 10 @700148 taker fee 0.350074',
    ]);
    const modified = t.events.filter((e) => e.type === 'OrderModified').map((e) => (e.type === 'OrderModified' ? e.order : undefined));
    expect(modified).toMatchObject([{ clientId: 'tp', limitTicks: 702602 }, { clientId: 'sl', triggerTicks: 700148 }]);
    expect(t.venue.account.balance, '10000 - 1.052 - 0.3506 - 0.350074').toBe(usd('9998.247326'));
    expectClean(t);
  });
});

