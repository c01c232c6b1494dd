// Scale-in manager on scenario tapes through the real venue and engine: adds only in profit, the stop ratchets to the
// first fill after the second tranche and one tick under the second fill after the third, and no stage's worst case
// exceeds the budget. BINANCE:BTCUSDT: tick 0.1, lot 0.001 BTC.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy } from '../../engine/strategy.js';
import { PRESET_SPLITS } from '../../risk/scale-plan.js';
import { runTape, tapeBars, type Ohlc } from '../../../test/support/tape-run.js';
import { ScaleInManager, splitByName, stopAfterStep, type AddTrigger } from './scale-in-manager.js';

const T0 = Date.UTC(2025, 4, 10, 8, 0);

/** A strategy that starts a long scale-in at bar 0's close with the stop at 99,500 and hands `signal(i)` to the manager. */
function harness(trigger: AddTrigger, signal: (i: number) => boolean = () => false) {
  const holder: { manager?: ScaleInManager } = {};
  const strategy = defineStrategy({
    name: 'harness',
    params: z.object({}),
    data: { bars: '1m' },
    create(ctx) {
      const m = new ScaleInManager(ctx, { split: PRESET_SPLITS['30/40/30'], trigger, riskPct: 1, leverage: 10, maxUtilisationPct: 10, tag: 'test' });
      holder.manager = m;
      return {
        onBar(bar) {
          if (bar.index === 0) m.start('long', bar.close, 99_500);
          else m.onBar(bar.close, { signal: signal(bar.index) });
        },
        onFill: (f) => m.onFill(f),
        onOrder: (u) => m.onOrder(u),
      };
    },
  });
  return { strategy, holder };
}

describe('ScaleInManager', () => {
  it('adds on 1 % moves, ratchets the stop to the first fill then under the second, and exits all tranches at the ratchet', () => {
    const rows: Ohlc[] = [
      [100_000, 100_000, 100_000, 100_000],
      [100_000, 100_600, 100_000, 100_500], // first tranche fills at the open, 100,000
      [100_500, 101_200, 100_500, 101_100], // +1.1 % from 100,000: add 2 decided
      [101_100, 101_600, 101_100, 101_500], // add 2 fills at 101,100 -> stop to 100,000.0
      [101_500, 102_300, 101_500, 102_200], // +1.09 % from 101,100: add 3 decided
      [102_200, 102_300, 102_000, 102_000], // add 3 fills at 102,200 -> stop to 101,099.9
      [102_000, 102_000, 100_800, 100_900], // falls through the stop
      [100_900, 100_900, 100_900, 100_900],
    ];
    const { strategy, holder } = harness({ kind: 'pct', pct: 1 });
    const { result } = runTape(strategy, tapeBars(T0, rows));
    const d = holder.manager!.decisions;
    const moved = d.filter((x) => x.kind === 'stop-moved').map((x) => (x.kind === 'stop-moved' ? x.stopTicks : 0));
    expect(moved, 'after tranche 2 the stop is the first fill (1,000,000 ticks); after tranche 3 one tick under the second fill').toEqual([1_000_000, 1_010_999]);
    const fills = d.filter((x) => x.kind === 'filled').map((x) => (x.kind === 'filled' ? x.priceTicks : 0));
    expect(fills, 'tranches fill at the next opens').toEqual([1_000_000, 1_011_000, 1_022_000]);
    expect(result.trips.length, 'every tranche is closed by its stop').toBeGreaterThan(0);
    for (const t of result.trips) expect(t.exitPrice, 'all stops sit at the ratcheted level 101,099.9').toBe(101_099.9);
    const planned = d.find((x) => x.kind === 'planned');
    expect(planned?.kind === 'planned' && planned.lots.reduce((a, b) => a + b, 0)).toBe(planned?.kind === 'planned' && planned.totalLots);
    for (const x of d) if (x.kind === 'add') expect(x.worstCaseLoss, `add ${x.step}: worst case within the budget`).toBeLessThanOrEqual(x.budget);
  });

  it('keeps the first tranche within the 1 % budget and the 10 % margin cap', () => {
    const { strategy, holder } = harness({ kind: 'pct', pct: 1 });
    runTape(strategy, tapeBars(T0, [[100_000, 100_000, 100_000, 100_000], [100_000, 100_000, 100_000, 100_000]]));
    const planned = holder.manager!.decisions[0]!;
    expect(planned.kind).toBe('planned');
    if (planned.kind !== 'planned') return;
    // Hand calculation: equity 10,000, 10 % cap = 1,000 margin = 10,000 notional at 10x = 0.1 BTC = 100 lots at 100,000.
    expect(planned.totalLots, 'the margin cap binds before the 1 % risk budget').toBeLessThanOrEqual(100);
    // First tranche's loss at the stop: lots x 0.001 x 500 USDT must be within 100 USDT.
    expect(planned.lots[0]! * 0.001 * 500, 'stage 1 worst case within 1 % of 10,000').toBeLessThanOrEqual(100);
  });

  it('refuses an add whose trigger fires while the position is not in profit, and logs why', () => {
    const rows: Ohlc[] = [
      [100_000, 100_000, 100_000, 100_000],
      [100_000, 100_000, 99_700, 99_800], // first tranche fills at 100,000; the close is below it
      [99_800, 99_900, 99_700, 99_750],
    ];
    const { strategy, holder } = harness({ kind: 'signal' }, (i) => i === 1);
    const { result } = runTape(strategy, tapeBars(T0, rows));
    const refused = holder.manager!.decisions.filter((x) => x.kind === 'refused');
    expect(refused, 'the signal at a close below the average entry is refused as averaging down').toEqual([expect.objectContaining({ step: 2, reason: 'not-in-profit' })]);
    expect(holder.manager!.decisions.some((x) => x.kind === 'add'), 'no add is sent').toBe(false);
    expect(result.trips, 'the single tranche is still open at the end').toHaveLength(0);
  });
});

describe('stopAfterStep and splitByName', () => {
  it('follows the source: initial stop, then the first fill, then one tick behind the previous fill (long and short)', () => {
    expect(stopAfterStep(1, 900, [1000], 'long')).toBe(900);
    expect(stopAfterStep(2, 900, [1000, 1010], 'long')).toBe(1000);
    expect(stopAfterStep(3, 900, [1000, 1010, 1020], 'long')).toBe(1009);
    expect(stopAfterStep(3, 1100, [1000, 990, 980], 'short'), 'a short ratchets one tick above its second fill').toBe(991);
  });

  it('reads the preset and custom splits and refuses percentages that do not sum to 100', () => {
    expect(splitByName('1/4-1/4-1/2')?.weights).toEqual([1, 1, 2]);
    expect(splitByName('20/30/50')?.weights).toEqual([20, 30, 50]);
    expect(splitByName('20/30/40'), 'sums to 90').toBeUndefined();
    expect(splitByName('abc')).toBeUndefined();
  });
});
