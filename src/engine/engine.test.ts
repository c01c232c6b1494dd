import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asLots, asTicks } from '../core/grid.js';
import type { Money } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort, VenueSnapshot } from '../venues/venue.js';
import { Engine, type EngineBars } from './engine.js';
import { VenueInconsistencyError } from './order-tracker.js';
import { defineStrategy, type StrategyContext, type StrategyHandlers } from './strategy.js';

// BINANCE:BTCUSDT: tick 0.1 USDT, lot 0.001 BTC, so one tick on one lot is 0.0001 USDT = 10,000 money units (1e-8).
const SPEC: InstrumentSpec = loadRegistry().get('BINANCE:BTCUSDT');
const UNITS_PER_TICK_LOT = 10_000;
const MINUTE = 60_000;
const T0 = Date.UTC(2025, 4, 4);

/** A venue that records commands and emits only what the test tells it to. */
class FakeVenue implements VenuePort {
  readonly name = 'fake';
  readonly capabilities: VenueCapabilities;
  readonly sent: VenueCommand[] = [];
  private sink: VenueEventSink | undefined;
  constructor(pricesExitsFromFill = true) {
    this.capabilities = {
      orderTypes: new Set(['market', 'limit', 'stop-market', 'take-profit-market', 'trailing-stop']),
      timeInForce: new Set(['GTC', 'IOC', 'FOK', 'GTX']),
      reduceOnly: true,
      positionModes: new Set(['one-way']),
      marginModes: new Set(['cross']),
      brackets: 'native',
      clientOrderIds: true,
      bracketExitsFromFill: pricesExitsFromFill,
    };
  }
  connect(sink: VenueEventSink): void {
    this.sink = sink;
  }
  send(command: VenueCommand): void {
    this.sent.push(command);
  }
  snapshot(): Promise<VenueSnapshot> {
    return Promise.reject(new Error('not used'));
  }
  emit(e: VenueEvent): void {
    this.sink!.onVenueEvent(e);
  }
}

/** Bars from close prices in ticks; open = previous close, high/low 10 ticks around. */
function barsOf(closes: readonly number[]): EngineBars {
  const n = closes.length;
  const f = (g: (i: number) => number): Float64Array => Float64Array.from({ length: n }, (_, i) => g(i));
  const open = (i: number): number => (i === 0 ? closes[0]! : closes[i - 1]!);
  return {
    length: n,
    openTimeMs: f((i) => T0 + i * MINUTE),
    openTicks: f(open),
    highTicks: f((i) => Math.max(open(i), closes[i]!) + 10),
    lowTicks: f((i) => Math.min(open(i), closes[i]!) - 10),
    closeTicks: f((i) => closes[i]!),
    open: f((i) => open(i) / 10),
    high: f((i) => (Math.max(open(i), closes[i]!) + 10) / 10),
    low: f((i) => (Math.min(open(i), closes[i]!) - 10) / 10),
    close: f((i) => closes[i]! / 10),
    volume: f(() => 1),
  };
}

/** An engine whose strategy is the given handlers, built fresh for each test. */
function setup(closes: readonly number[], create: (ctx: StrategyContext) => StrategyHandlers, seed = 7, venue = new FakeVenue()) {
  const strategy = defineStrategy({ name: 'probe', params: z.object({}), data: { bars: '1m' }, create: (ctx) => create(ctx) });
  const engine = new Engine({
    venue,
    instruments: [SPEC],
    bars: barsOf(closes),
    barIntervalMs: MINUTE,
    strategy,
    params: {},
    startingBalance: 1_000_000_000_000 as Money,
    seed,
    runId: 'test',
    source: 'backtest',
  });
  return { venue, engine };
}

const stamp = (ms: number) => ({ tsVenue: ms, tsLocal: ms });
const fill = (clientId: string, action: 'buy' | 'sell', lots: number, priceTicks: number, fee: number, ms: number, liquidity: 'maker' | 'taker' = 'taker', positionSide?: 'long' | 'short'): VenueEvent => ({
  ...(positionSide !== undefined ? { positionSide } : {}),
  ...stamp(ms),
  type: 'OrderFilled',
  clientId,
  instrument: SPEC.id,
  action,
  lots: asLots(lots),
  priceTicks: asTicks(priceTicks),
  liquidity,
  fee: fee as Money,
});

describe('Engine', () => {
  it('sends an order decided at a bar close stamped with that close time, after the bar reached the strategy', () => {
    const seen: number[] = [];
    const { venue, engine } = setup([1_000_000, 1_000_100], (ctx) => ({
      onBar(bar) {
        seen.push(bar.index);
        expect(ctx.time, 'ctx.time is the close of the bar being handled').toBe(bar.closeTimeMs);
        if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
      },
    }));
    engine.onBar(0);
    expect(seen, 'the strategy saw bar 0').toEqual([0]);
    expect(venue.sent, 'one command').toHaveLength(1);
    const c = venue.sent[0]!;
    expect(c.type).toBe('SubmitOrder');
    expect(c.tsLocal, 'the decision time is the close of bar 0 = the open of bar 1: it cannot fill inside bar 0').toBe(T0 + MINUTE);
  });

  it('records a bracket round trip closed by its take-profit with prices, fees, P&L and bars held computed by hand', () => {
    let ids: { entry: string; takeProfit?: string; stopLoss: string } | undefined;
    const { venue, engine } = setup([1_000_000, 1_000_000, 1_002_000, 1_002_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ids = ctx.orders.bracket({ entry: { action: 'buy', lots: 10, tag: 'probe:long' }, takeProfit: { pct: 0.2 }, stopLoss: { pct: 0.15 } });
      },
    }));
    engine.onBar(0);
    const cmd = venue.sent[0]!;
    expect(cmd.type === 'SubmitBracket' && cmd.bracket.exitsFromFill, 'percent exits are priced from the fill by the venue').toEqual({ takeProfitPct: 0.2, stopLossPct: 0.15 });
    // Bar 1: the entry fills at the open, 100,000.0 (1,000,000 ticks); fee 0.05 % of 1,000 USDT = 0.5 USDT.
    venue.emit(fill(ids!.entry, 'buy', 10, 1_000_000, 50_000_000, T0 + MINUTE));
    venue.emit({ ...stamp(T0 + MINUTE), type: 'OrderAccepted', clientId: ids!.takeProfit!, venueOrderId: 'v2' });
    venue.emit({ ...stamp(T0 + MINUTE), type: 'OrderAccepted', clientId: ids!.stopLoss, venueOrderId: 'v3' });
    engine.onBar(1);
    // Bar 2: the take-profit at 100,000 x 1.002 = 100,200.0 (1,002,000 ticks) fills as maker: 0.02 % of 1,002 = 0.2004 USDT.
    venue.emit(fill(ids!.takeProfit!, 'sell', 10, 1_002_000, 20_040_000, T0 + 2 * MINUTE, 'maker'));
    venue.emit({ ...stamp(T0 + 2 * MINUTE), type: 'OrderCancelled', clientId: ids!.stopLoss, reason: 'cancelled by OCO sibling' });
    engine.onBar(2);
    const r = engine.finish();
    expect(r.trips).toHaveLength(1);
    const t = r.trips[0]!;
    // Gross: 10 lots x 2,000 ticks x 10,000 units = 200,000,000 units = 2 USDT.
    const gross = 10 * 2_000 * UNITS_PER_TICK_LOT;
    expect(t).toMatchObject({
      side: 'long',
      entryTimeMs: T0 + MINUTE,
      exitTimeMs: T0 + 2 * MINUTE,
      entryPrice: 100_000,
      exitPrice: 100_200,
      maxLots: 10,
      maxContracts: '0.01',
      grossPnl: gross,
      fees: 50_000_000 + 20_040_000,
      netPnl: gross - 70_040_000,
      exitReason: 'take-profit',
      entryTag: 'probe:long',
      plannedStop: 99_850,
      plannedTarget: 100_200,
      barsHeld: 1,
    });
    expect(t.initialRisk, '0.15 % of 100,000 on 0.01 BTC = 1.5 USDT').toBe(150_000_000);
    expect(r.ledger.balanceMoney, 'balance = start + gross - fees').toBe(1_000_000_000_000 + gross - 70_040_000);
    expect(r.funnel).toMatchObject({ signals: 1, sent: 1, venueAccepted: 1, fills: 2 });
  });

  it('reprices percent bracket exits from the fill itself when the venue cannot', () => {
    let ids: { entry: string; takeProfit?: string; stopLoss: string } | undefined;
    const { venue, engine } = setup(
      [1_000_000, 1_000_000],
      (ctx) => ({
        onBar(bar) {
          if (bar.index === 0) ids = ctx.orders.bracket({ entry: { action: 'buy', lots: 10 }, takeProfit: { pct: 0.2 }, stopLoss: { pct: 0.15 } });
        },
      }),
      7,
      new FakeVenue(false),
    );
    engine.onBar(0);
    // The entry fills at 100,050.0 (not the 100,000.0 signal close): target 100,050 x 1.002 = 100,250.1, stop x 0.9985 = 99,899.925 -> 99,899.9.
    venue.emit(fill(ids!.entry, 'buy', 10, 1_000_500, 0, T0 + MINUTE));
    expect(venue.sent.slice(1)).toEqual([
      { type: 'ModifyOrder', clientId: ids!.stopLoss, triggerTicks: 998_999, tsLocal: T0 + MINUTE },
      { type: 'ModifyOrder', clientId: ids!.takeProfit!, limitTicks: 1_002_501, tsLocal: T0 + MINUTE },
    ]);
  });

  it('charges funding settled while a trip is open to that trip', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000, 1_000_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ctx.orders.market({ action: 'sell', lots: 10 });
        if (bar.index === 1) ctx.orders.market({ action: 'buy', lots: 10, reduceOnly: true });
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'sell', 10, 1_000_000, 0, T0 + MINUTE));
    // A short receives when the rate is positive: 1,000 USDT x 0.0001 = 0.1 USDT.
    venue.emit({ ...stamp(T0 + MINUTE), type: 'FundingSettled', instrument: SPEC.id, rate: 0.0001, markTicks: asTicks(1_000_000), signedLots: -10, amount: 10_000_000 as Money });
    engine.onBar(1);
    venue.emit(fill('o-2', 'buy', 10, 1_000_000, 0, T0 + 2 * MINUTE));
    engine.onBar(2);
    const t = engine.finish().trips[0]!;
    expect(t.funding).toBe(10_000_000);
    expect(t.netPnl, 'no price move, no fees: net = funding').toBe(10_000_000);
    expect(t.exitReason, 'a plain reduce-only market order is a signal exit').toBe('signal');
  });

  it('closes one trip and opens the next when a fill flips the position, splitting its fee by quantity', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000, 1_001_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
        if (bar.index === 1) ctx.orders.market({ action: 'sell', lots: 30 });
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'buy', 10, 1_000_000, 0, T0 + MINUTE));
    engine.onBar(1);
    // Sells 30 at 100,100.0: closes the 10 long (+1 USDT) and opens 20 short. Fee 3,000 units: 1,000 to the close.
    venue.emit(fill('o-2', 'sell', 30, 1_001_000, 3_000, T0 + 2 * MINUTE));
    engine.onBar(2);
    const r = engine.finish();
    expect(r.trips).toHaveLength(1);
    expect(r.trips[0]).toMatchObject({ side: 'long', grossPnl: 10 * 1_000 * UNITS_PER_TICK_LOT, fees: 1_000 });
    expect(r.openTrips).toHaveLength(1);
    expect(r.openTrips[0]!.trip).toMatchObject({ side: 'short', fees: 2_000, exitReason: 'end-of-data' });
    expect(r.openTrips[0]!.signedLots).toBe(-20);
  });

  it('keeps hedge-mode legs apart: a long and a short held at once make two round trips', () => {
    let net = 0;
    const { venue, engine } = setup([1_000_000, 1_000_000, 1_001_000, 1_001_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) {
          ctx.orders.market({ action: 'buy', lots: 10, positionSide: 'long' });
          ctx.orders.market({ action: 'sell', lots: 4, positionSide: 'short' });
        }
        if (bar.index === 1) net = ctx.position().signedLots;
        if (bar.index === 2) {
          ctx.orders.market({ action: 'sell', lots: 10, positionSide: 'long', reduceOnly: true });
          ctx.orders.market({ action: 'buy', lots: 4, positionSide: 'short', reduceOnly: true });
        }
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'buy', 10, 1_000_000, 0, T0 + MINUTE, 'taker', 'long'));
    venue.emit(fill('o-2', 'sell', 4, 1_000_000, 0, T0 + MINUTE, 'taker', 'short'));
    engine.onBar(1);
    expect(net, 'the position view nets the legs: 10 long - 4 short').toBe(6);
    engine.onBar(2);
    // Both legs close at 100,100.0: the long gains 10 x 1,000 ticks, the short loses 4 x 1,000 ticks.
    venue.emit(fill('o-3', 'sell', 10, 1_001_000, 0, T0 + 3 * MINUTE, 'taker', 'long'));
    venue.emit(fill('o-4', 'buy', 4, 1_001_000, 0, T0 + 3 * MINUTE, 'taker', 'short'));
    engine.onBar(3);
    const trips = engine.finish().trips;
    expect(trips.map((t) => [t.side, t.grossPnl])).toEqual([
      ['long', 10 * 1_000 * UNITS_PER_TICK_LOT],
      ['short', -4 * 1_000 * UNITS_PER_TICK_LOT],
    ]);
  });

  it('stops the run with a venue inconsistency when an event breaks the order lifecycle', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'buy', 10, 1_000_000, 0, T0 + MINUTE));
    expect(() => venue.emit(fill('o-1', 'buy', 10, 1_000_000, 0, T0 + MINUTE)), 'a second fill of a filled order').toThrow(VenueInconsistencyError);
    expect(() => venue.emit({ ...stamp(T0), type: 'OrderAccepted', clientId: 'never-sent', venueOrderId: 'x' }), 'an unknown order').toThrow(VenueInconsistencyError);
  });

  it('names the reason when it refuses to send an order, and counts it in the funnel', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000], (ctx) => ({
      onBar() {
        // 50 USDT at 100,000 is 0.0005 BTC: below one lot of 0.001.
        expect(ctx.orders.market({ action: 'buy', notional: 50 }), 'not sent').toBeUndefined();
      },
    }));
    engine.onBar(0);
    expect(venue.sent).toHaveLength(0);
    expect(engine.finish().funnel.topReasons()).toEqual([{ reason: 'not sent: size rounds down to 0 lots', count: 1 }]);
  });

  it('records equity at each close as balance plus unrealised P&L at that close', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000, 1_000_500], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'buy', 10, 1_000_000, 50_000_000, T0 + MINUTE));
    engine.onBar(1);
    engine.onBar(2);
    const eq = engine.finish().equity;
    expect(Array.from(eq)).toEqual([10_000, 10_000 - 0.5, 10_000 - 0.5 + 0.5]);
  });

  it('gives a strategy the same random numbers for the same seed', () => {
    const draw = (seed: number): number[] => {
      const out: number[] = [];
      const { engine } = setup([1_000_000], (ctx) => ({ onBar: () => out.push(ctx.random.next(), ctx.random.next()) }), seed);
      engine.onBar(0);
      return out;
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3), 'another seed, another sequence').not.toEqual(draw(4));
    for (const x of draw(5)) expect(x >= 0 && x < 1, `${x} in [0, 1)`).toBe(true);
  });

  it('books a liquidation as a trip closed for the reason liquidation', () => {
    const { venue, engine } = setup([1_000_000, 1_000_000, 900_000], (ctx) => ({
      onBar(bar) {
        if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
      },
    }));
    engine.onBar(0);
    venue.emit(fill('o-1', 'buy', 10, 1_000_000, 0, T0 + MINUTE));
    engine.onBar(1);
    venue.emit({ ...stamp(T0 + 2 * MINUTE), type: 'PositionLiquidated', instrument: SPEC.id, side: 'long', lots: asLots(10), priceTicks: asTicks(905_000), markTicks: asTicks(900_000), realisedPnl: -950_000_000 as Money, fee: 1_000_000 as Money });
    engine.onBar(2);
    const r = engine.finish();
    expect(r.trips[0]).toMatchObject({ exitReason: 'liquidation', grossPnl: -950_000_000, fees: 1_000_000 });
    expect(r.ledger.liquidations).toBe(1);
  });
});
