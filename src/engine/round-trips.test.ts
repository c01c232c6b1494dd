import { describe, expect, it } from 'vitest';
import type { Money } from '../core/money.js';
import { loadRegistry } from '../data/spec-files.js';
import { contractMathFor } from '../domain/contract-math.js';
import { GridPosition } from '../domain/position.js';
import type { RoundTrip } from '../domain/round-trip.js';
import { RoundTripBuilder } from './round-trips.js';

/** BTCUSDT: tick 0.1, lot 0.001, so one tick on one lot is 0.0001 USDT = 10,000 units of 1e-8. */
const SPEC = loadRegistry().get('BINANCE:BTCUSDT');
const UNITS_PER_TICK_LOT = 10_000;
const NO_INFO = { tag: undefined, plannedStopTicks: undefined, plannedTargetTicks: undefined };

function leg(): { position: GridPosition; builder: RoundTripBuilder; trips: RoundTrip[] } {
  const math = contractMathFor(SPEC);
  const position = new GridPosition(math);
  const trips: RoundTrip[] = [];
  return { position, builder: new RoundTripBuilder(SPEC, math, 'run', 'backtest', trips, position), trips };
}

/** A fill as the engine books it: fold the excursions, change the leg, record the fill. */
function fill(l: ReturnType<typeof leg>, signedLots: number, priceTicks: number, bar: number): void {
  const before = l.position.signedLots;
  l.builder.foldExtremes();
  const realised = l.position.applyFill(signedLots, priceTicks);
  l.builder.onFill(before, signedLots, priceTicks, bar * 60_000, bar, 0 as Money, realised, 'signal', NO_INFO);
}

describe('RoundTripBuilder excursions', () => {
  it('gives MAE and MFE at the worst and best bar extremes of each size held, with a scale-in between', () => {
    const l = leg();
    // Long 10 lots at 1,000,000 ticks; bars held at their close: lows 999,000 / 999,500, highs 1,000,800 / 1,001,500.
    fill(l, 10, 1_000_000, 0);
    l.builder.markBar(999_500, 1_000_800);
    l.builder.markBar(999_000, 1_001_500);
    // Add 10 lots at 1,001,000: 20 lots, entry value 20,010,000 tick-lots. Then one bar: low 1,000,200, high 1,003,000.
    fill(l, 10, 1_001_000, 2);
    l.builder.markBar(1_000_200, 1_003_000);
    fill(l, -20, 1_002_000, 3);
    const t = l.trips[0]!;
    // Worst: 10 lots at the low 999,000 -> 10 x (999,000 - 1,000,000) = -10,000 tick-lots; with 20 lots at 1,000,200:
    // 20 x 1,000,200 - 20,010,000 = -6,000 tick-lots. MAE = -10,000 x 10,000 units.
    expect(t.mae, 'MAE from the first size held at the lowest low, by hand').toBe(-10_000 * UNITS_PER_TICK_LOT);
    // Best: 10 lots at 1,001,500 -> 15,000; 20 lots at 1,003,000 -> 20,060,000 - 20,010,000 = 50,000 tick-lots.
    expect(t.mfe, 'MFE from the scaled-in size at the highest high, by hand').toBe(50_000 * UNITS_PER_TICK_LOT);
    expect(t.grossPnl, 'closed 20 lots at 1,002,000: 20,040,000 - 20,010,000 = 30,000 tick-lots').toBe(30_000 * UNITS_PER_TICK_LOT);
  });

  it('adds the realised part of a partial exit to the excursions of the bars after it', () => {
    const l = leg();
    // Short 10 lots at 1,000,000; one bar up to 1,000,500 (worst -5,000), down to 999,800 (best +2,000).
    fill(l, -10, 1_000_000, 0);
    l.builder.markBar(999_800, 1_000_500);
    // Cover 5 lots at 999,000: realised +5,000 tick-lots. Then a bar from 998,000 to 1,001,000 with 5 lots short:
    // worst 5,000 + 5 x (1,000,000 - 1,001,000) = 0; best 5,000 + 5 x 2,000 = 15,000.
    fill(l, 5, 999_000, 1);
    l.builder.markBar(998_000, 1_001_000);
    fill(l, 5, 999_500, 2);
    const t = l.trips[0]!;
    expect(t.mae, 'worst is the first bar high on 10 lots').toBe(-5_000 * UNITS_PER_TICK_LOT);
    expect(t.mfe, 'best is the second bar low on the 5 lots left, plus the realised 5,000').toBe(15_000 * UNITS_PER_TICK_LOT);
  });

  it('reports an open trip with the excursions of the bars marked so far', () => {
    const l = leg();
    fill(l, 4, 1_000_000, 0);
    l.builder.markBar(999_900, 1_000_300);
    const open = l.builder.openTrip(4, 1_000_100, 120_000, 2, (4 * 100 * UNITS_PER_TICK_LOT) as Money);
    expect(open?.trip.mae, '4 lots x -100 ticks').toBe(-400 * UNITS_PER_TICK_LOT);
    expect(open?.trip.mfe, '4 lots x +300 ticks').toBe(1_200 * UNITS_PER_TICK_LOT);
  });
});
