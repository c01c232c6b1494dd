// Scenario tapes through the whole stack (SimulatedVenue -> Engine -> a strategy): a few hand-written bars each,
// with the trips, exit reasons, fees, funding and P&L worked out by hand in the test.
// BINANCE:BTCUSDT: tick 0.1, lot 0.001 BTC, taker 0.05 %, maker 0.02 % (specs/binance-usdm.json).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Money } from '../../src/core/money.js';
import { loadRegistry } from '../../src/data/spec-files.js';
import { Engine, type EngineBars } from '../../src/engine/engine.js';
import { defineStrategy, type StrategyContext, type StrategyHandlers } from '../../src/engine/strategy.js';
import { SimulatedVenue } from '../../src/venues/simulated/simulated-venue.js';

const SPEC = loadRegistry().get('BINANCE:BTCUSDT');
const MINUTE = 60_000;
/** 1 USDT in money units (1e-8); amounts below are written in units to stay exact. */
const USDT = 100_000_000;

type Ohlc = readonly [open: number, high: number, low: number, close: number];

interface Tape {
  readonly startMs: number;
  readonly bars: readonly Ohlc[];
  readonly intrabar?: 'stop-first' | 'proximity';
  readonly funding?: { readonly timeMs: number; readonly rate: number }[];
  create(ctx: StrategyContext): StrategyHandlers;
}

function run(tape: Tape) {
  const n = tape.bars.length;
  const col = (f: (b: Ohlc, i: number) => number): Float64Array => Float64Array.from(tape.bars, f);
  const bars: EngineBars = {
    length: n,
    openTimeMs: col((_, i) => tape.startMs + i * MINUTE),
    open: col((b) => b[0]),
    high: col((b) => b[1]),
    low: col((b) => b[2]),
    close: col((b) => b[3]),
    volume: col(() => 1),
    openTicks: col((b) => Math.round(b[0] * 10)),
    highTicks: col((b) => Math.round(b[1] * 10)),
    lowTicks: col((b) => Math.round(b[2] * 10)),
    closeTicks: col((b) => Math.round(b[3] * 10)),
  };
  const funding = tape.funding === undefined ? undefined : { timeMs: Float64Array.from(tape.funding, (f) => f.timeMs), rate: Float64Array.from(tape.funding, (f) => f.rate) };
  const venue = new SimulatedVenue({
    instruments: [{ spec: SPEC, ...(funding !== undefined ? { funding } : {}) }],
    config: { fill: { kind: 'bar', intrabar: tape.intrabar ?? 'stop-first', limitFill: 'through' }, startingBalance: '10000' },
  });
  const strategy = defineStrategy({ name: 'tape', params: z.object({}), data: { bars: '1m' }, create: (ctx) => tape.create(ctx) });
  const engine = new Engine({ venue, instruments: [SPEC], bars, barIntervalMs: MINUTE, strategy, params: {}, startingBalance: (10_000 * USDT) as Money, seed: 1, runId: 'tape', source: 'backtest' });
  for (let i = 0; i < n; i++) {
    venue.onBar(0, bars, i);
    engine.onBar(i);
  }
  return { result: engine.finish(), venue };
}

const T0 = Date.UTC(2025, 4, 10, 7, 58);
/** A long bracket of 0.01 BTC decided at bar 0's close, exits at fixed prices 100,200.0 / 99,850.0. */
const bracketAtFirstClose = (ctx: StrategyContext): StrategyHandlers => ({
  onBar(bar) {
    if (bar.index === 0) ctx.orders.bracket({ entry: { action: 'buy', lots: 10 }, takeProfit: { price: 100_200 }, stopLoss: { price: 99_850 } });
  },
});

describe('scenario tapes through venue and engine', () => {
  it('takes the stop when one bar reaches both exits under stop-first, and the target under proximity when the high is nearer', () => {
    const bars: Ohlc[] = [
      [100_000, 100_000, 100_000, 100_000],
      // Entry at the open 100,000; high 100,250 is 250 away, low 99,700 is 300 away: both exits are inside the bar.
      [100_000, 100_250, 99_700, 100_100],
      [100_100, 100_100, 100_100, 100_100],
    ];
    const stopFirst = run({ startMs: T0, bars, create: bracketAtFirstClose }).result;
    expect(stopFirst.trips).toHaveLength(1);
    // Gross 0.01 x (99,850 - 100,000) = -1.5; fees: entry 1,000 x 0.05 % = 0.5, stop 998.5 x 0.05 % = 0.49925.
    expect(stopFirst.trips[0]).toMatchObject({ exitReason: 'stop-loss', entryPrice: 100_000, exitPrice: 99_850, grossPnl: -1.5 * USDT, fees: 99_925_000, netPnl: -249_925_000, barsHeld: 0 });
    const proximity = run({ startMs: T0, bars, intrabar: 'proximity', create: bracketAtFirstClose }).result;
    // The path goes open -> high (nearer) -> low: the target 100,200 trades through first. Maker fee 1,002 x 0.02 % = 0.2004.
    expect(proximity.trips[0]).toMatchObject({ exitReason: 'take-profit', exitPrice: 100_200, grossPnl: 2 * USDT, fees: 70_040_000, netPnl: 129_960_000 });
  });

  it('fills a stop the market gapped through at the open, not at the stop price', () => {
    const { result } = run({
      startMs: T0,
      bars: [
        [100_000, 100_000, 100_000, 100_000],
        [100_000, 100_050, 99_950, 100_000],
        // Opens at 99,700, below the 99,850 stop.
        [99_700, 99_750, 99_600, 99_700],
      ],
      create: bracketAtFirstClose,
    });
    // Gross 0.01 x (99,700 - 100,000) = -3; fees 0.5 + 997 x 0.05 % = 0.4985.
    expect(result.trips[0]).toMatchObject({ exitReason: 'stop-loss', exitPrice: 99_700, exitTimeMs: T0 + 2 * MINUTE, grossPnl: -3 * USDT, fees: 99_850_000, netPnl: -399_850_000, barsHeld: 1 });
  });

  it('charges a short the funding it pays at a negative rate to its round trip', () => {
    const { result, venue } = run({
      startMs: T0,
      bars: [
        [100_000, 100_000, 100_000, 100_000],
        [100_000, 100_000, 100_000, 100_000],
        // 08:00 UTC: funding settles at this bar's open (the mark proxy), 100,000.
        [100_000, 100_000, 100_000, 100_000],
        [100_000, 100_000, 100_000, 100_000],
      ],
      funding: [{ timeMs: Date.UTC(2025, 4, 10, 8), rate: -0.0001 }],
      create: (ctx) => ({
        onBar(bar) {
          if (bar.index === 0) ctx.orders.market({ action: 'sell', lots: 10 });
          if (bar.index === 2) ctx.orders.market({ action: 'buy', lots: 10, reduceOnly: true });
        },
      }),
    });
    // Rate < 0: shorts pay. -(signed notional) x rate = -(-1,000) x (-0.0001) = -0.1 USDT.
    expect(result.trips[0]).toMatchObject({ side: 'short', exitReason: 'signal', grossPnl: 0, funding: -10_000_000, fees: 1 * USDT, netPnl: -110_000_000 });
    expect(result.ledger.balanceMoney, 'the engine books the same balance as the venue').toBe(venue.snapshotNow().balance);
  });

  it('exits through a trailing stop that follows the high and triggers on the retrace', () => {
    const { result } = run({
      startMs: T0,
      bars: [
        [100_000, 100_000, 100_000, 100_000],
        [100_000, 100_000, 100_000, 100_000],
        // The trail starts at this open (best 100,000) and follows the high to 101,000: trail = 101,000 x 0.99 = 99,990.
        [100_000, 101_000, 99_950, 100_900],
        // The low 99,900 reaches the trail: it fills at 99,990.
        [100_900, 100_950, 99_900, 100_000],
      ],
      create: (ctx) => ({
        onBar(bar) {
          if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
        },
        onFill(fill) {
          if (fill.role === 'entry') ctx.orders.trailing({ action: 'sell', lots: 10, callbackPct: 1, reduceOnly: true });
        },
      }),
    });
    // Gross 0.01 x (99,990 - 100,000) = -0.1; fees 0.5 + 999.9 x 0.05 % = 0.49995.
    expect(result.trips[0]).toMatchObject({ exitReason: 'trailing-stop', exitPrice: 99_990, grossPnl: -10_000_000, fees: 99_995_000, netPnl: -109_995_000 });
  });
});
