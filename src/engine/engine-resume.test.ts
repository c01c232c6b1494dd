import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asLots, asTicks } from '../core/grid.js';
import type { Money } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort, VenueSnapshot } from '../venues/venue.js';
import { Engine, type EngineBars } from './engine.js';
import type { EngineResume } from './engine-resume.js';
import { defineStrategy, type StrategyContext } from './strategy.js';

// BINANCE:BTCUSDT: tick 0.1 USDT, lot 0.001 BTC: one tick on one lot is 0.0001 USDT = 10,000 money units (1e-8).
const SPEC: InstrumentSpec = loadRegistry().get('BINANCE:BTCUSDT');
const MINUTE = 60_000;
const T0 = Date.UTC(2025, 4, 4);
const START = 1_000_000_000_000 as Money; // 10,000 USDT

/** A venue that records commands and emits only what the test tells it to. */
class FakeVenue implements VenuePort {
  readonly name = 'fake';
  readonly capabilities: VenueCapabilities = {
    orderTypes: new Set(['market', 'limit', 'stop-market']),
    timeInForce: new Set(['GTC']),
    reduceOnly: true,
    positionModes: new Set(['one-way']),
    marginModes: new Set(['cross']),
    brackets: 'native',
    clientOrderIds: true,
    bracketExitsFromFill: true,
  };
  readonly sent: VenueCommand[] = [];
  private sink: VenueEventSink | undefined;
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

function flatBars(n: number, ticks: number): EngineBars {
  const f = (x: number): Float64Array => new Float64Array(n).fill(x);
  return {
    length: n,
    openTimeMs: Float64Array.from({ length: n }, (_, i) => T0 + i * MINUTE),
    openTicks: f(ticks),
    highTicks: f(ticks),
    lowTicks: f(ticks),
    closeTicks: f(ticks),
    open: f(ticks / 10),
    high: f(ticks / 10),
    low: f(ticks / 10),
    close: f(ticks / 10),
    volume: f(1),
  };
}

const OLD_STOP: OrderSpec = { clientId: 'r1-7', instrument: SPEC.id, action: 'sell', qtyLots: asLots(10), effect: 'reduce-only', positionSide: undefined, type: 'stop-market', triggerTicks: asTicks(990_000) };

function resumed(resume: EngineResume, seen: { atCreate?: number; entryPrice?: number | undefined; open?: number }) {
  const venue = new FakeVenue();
  const strategy = defineStrategy({
    name: 'probe',
    params: z.object({}),
    data: { bars: '1m' },
    create: (ctx: StrategyContext) => {
      seen.atCreate = ctx.position().signedLots;
      seen.entryPrice = ctx.position().entryPrice;
      return { onBar: () => undefined };
    },
  });
  const engine = new Engine({ venue, instruments: [SPEC], bars: flatBars(3, 1_000_000), barIntervalMs: MINUTE, strategy, params: {}, startingBalance: START, seed: 1, runId: 'r1', source: 'live', resume });
  return { venue, engine };
}

describe('Engine resume', () => {
  it('starts from the inherited position and books the adopted stop that closes it as a stop-loss round trip', () => {
    const seen: { atCreate?: number; entryPrice?: number | undefined } = {};
    const { venue, engine } = resumed(
      { positions: [{ instrument: SPEC.id, signedLots: 10, entryTicks: 1_000_000, sinceMs: T0 - 5 * MINUTE }], orders: [{ spec: OLD_STOP, venueOrderId: 'v-9', filledLots: 0, role: 'stop-loss' }] },
      seen,
    );
    expect(seen.atCreate, 'the strategy sees the long 10 lots from its first call').toBe(10);
    expect(seen.entryPrice, 'at the venue average entry 100,000.0').toBe(100_000);
    expect(engine.tracker.get('r1-7')?.state.status, 'the adopted stop is working (open on the venue)').toBe('open');
    engine.onBar(0);
    // The stop fills at 99,000.0: 0.01 BTC x (99,000 - 100,000) = -10 USDT gross; fee 0.05 % x 990 = 0.495 USDT.
    venue.emit({ tsVenue: T0 + MINUTE + 1, tsLocal: T0 + MINUTE + 1, type: 'OrderFilled', clientId: 'r1-7', instrument: SPEC.id, action: 'sell', lots: asLots(10), priceTicks: asTicks(990_000), liquidity: 'taker', fee: 49_500_000 as Money });
    engine.onBar(1);
    const r = engine.finish();
    expect(r.trips.map((t) => [t.side, t.entryTimeMs, t.entryPrice, t.exitPrice, t.exitReason, t.grossPnl, t.fees]), 'one long closed by the adopted stop').toEqual([
      ['long', T0 - 5 * MINUTE, 100_000, 99_000, 'stop-loss', -1_000_000_000, 49_500_000],
    ]);
    expect(r.ledger.balanceMoney, '10,000 - 10 - 0.495 (the entry was paid before the restart)').toBe(START - 1_000_000_000 - 49_500_000);
    expect(r.openTrips, 'flat at the end').toEqual([]);
    expect(venue.sent, 'seeding sends nothing').toEqual([]);
  });

  it('values an inherited short at the bar closes and reports it open at the end', () => {
    const { engine } = resumed({ positions: [{ instrument: SPEC.id, signedLots: -4, entryTicks: 1_000_500, sinceMs: T0 }], orders: [] }, {});
    engine.onBar(0);
    // -0.004 x (100,000.0 - 100,050.0) = +0.2 USDT unrealised.
    const r = engine.finish();
    expect(r.equity[0], 'equity = balance + unrealised at the close').toBeCloseTo(10_000.2, 8);
    expect(r.openTrips.map((o) => o.signedLots)).toEqual([-4]);
  });

  it('refuses a resumed position on an instrument the engine does not trade', () => {
    expect(() => resumed({ positions: [{ instrument: 'BINANCE:ETHUSDT', signedLots: 1, entryTicks: 1, sinceMs: T0 }], orders: [] }, {})).toThrow(/does not trade/);
  });
});
