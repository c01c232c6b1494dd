// Scale-out ladder: rung prices beyond the average entry (rounded away from it), lots that sum to the position, and
// the rungs resting as reduce-only limits that take partial profits on a tape.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../../engine/strategy.js';
import { runTape, tapeBars } from '../../../test/support/tape-run.js';
import { ladderRungs, parseLadder, ScaleOutLadder } from './scale-out-ladder.js';

describe('ladderRungs', () => {
  it('prices rungs pct beyond the average, away from it, and splits the lots exactly', () => {
    // Long, average 1,000,000 ticks (100,000.0), 0.5 % and 1 %: 1,005,000 and 1,010,000; 11 lots by 1:1 -> 5 + 6.
    expect(ladderRungs('long', 1_000_000, 11, [{ pct: 0.5, weight: 1 }, { pct: 1, weight: 1 }])).toEqual([{ priceTicks: 1_005_000, lots: 5 }, { priceTicks: 1_010_000, lots: 6 }]);
    // Short, average 999,999.5: 0.5 % below is 994,999.5025 -> floor 994,999 (never nearer than asked).
    expect(ladderRungs('short', 999_999.5, 4, [{ pct: 0.5, weight: 1 }])).toEqual([{ priceTicks: 994_999, lots: 4 }]);
  });

  it('parses "pct:weight" rungs and refuses decreasing or malformed ones', () => {
    expect(parseLadder('0.6:1,1.2:2')).toEqual([{ pct: 0.6, weight: 1 }, { pct: 1.2, weight: 2 }]);
    expect(parseLadder('')).toEqual([]);
    expect(parseLadder('1:1,0.5:1'), 'levels must increase').toBeUndefined();
    expect(parseLadder('x:1')).toBeUndefined();
  });
});

describe('ScaleOutLadder on a tape', () => {
  it('rests reduce-only limits that take the position off in parts at the rung prices', () => {
    const strategy = defineStrategy({
      name: 'ladder-harness',
      params: z.object({}),
      data: { bars: '1m' },
      create(ctx) {
        const ladder = new ScaleOutLadder(ctx, [{ pct: 0.5, weight: 1 }, { pct: 1, weight: 1 }], 'tp');
        return {
          onBar(bar) {
            if (bar.index === 0) ctx.orders.market({ action: 'buy', lots: 10 });
          },
          onFill: () => ladder.sync(),
        };
      },
    });
    const T0 = Date.UTC(2025, 4, 10, 8);
    const { result } = runTape(strategy, tapeBars(T0, [
      [100_000, 100_000, 100_000, 100_000],
      [100_000, 100_100, 100_000, 100_100],
      [100_100, 100_600, 100_100, 100_550], // through 100,500
      [100_550, 101_100, 100_550, 101_050], // through 101,000
    ]));
    // One round trip closed by two partial exits of 5 lots: its exit price is their average, (100,500 + 101,000) / 2.
    expect(result.trips.map((t) => t.exitPrice), 'both rungs filled at their prices').toEqual([100_750]);
    // Gross: 0.005 x 500 + 0.005 x 1,000 = 7.5 USDT.
    expect(result.trips[0]!.grossPnl, 'the partial exits booked at the rung prices').toBe(7.5 * 1e8);
    expect(result.openTrips, 'nothing left open').toHaveLength(0);
  });
});
