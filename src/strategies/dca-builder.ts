// Long-term position building with confirmation adds (the source "scaling in", DCA adapted for futures): the first
// tranche when price dips into the support zone and holds, the second when the moving average turns up, the rest on
// breaks of the local high; the stop under the support ratchets to breakeven and then under the second fill. Long
// only. Must never average down: an add whose close is not above the average entry is refused and logged.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { ScaleInManager, splitByName } from './blocks/scale-in-manager.js';

/** Parameters: every field has a default, a range and a description. Windows are in bars of the run (1m). */
const params = z
  .object({
    supportBars: z.number().int().min(10).max(50_000).default(1440).describe('support = the lowest low of this many bars before the bar (1440 = one day of 1m bars)'),
    zonePct: z.number().min(0).max(10).default(0.3).describe('the support zone reaches this far above the support, percent'),
    stopBufferPct: z.number().gt(0).max(20).default(0.5).describe('the stop sits this far under the support, percent'),
    maBars: z.number().int().min(2).max(20_000).default(240).describe('moving average (SMA) period for the "turns up" confirmation'),
    slopeBars: z.number().int().min(1).max(5000).default(30).describe('the SMA turns up when it is above its value this many bars earlier and the close is above it'),
    highBars: z.number().int().min(2).max(50_000).default(720).describe('local high = the highest high of this many bars before the bar; later adds need a close above it'),
    split: z.string().default('thirds').describe('tranche split: thirds, 30/40/30, 1/4-1/4-1/2 or custom percentages summing to 100'),
    riskPct: z.number().min(0.1).max(2).default(1).describe('budget for the whole build\'s worst case, percent of equity'),
    maxUtilisationPct: z.number().gt(0).max(100).default(10).describe('margin of the full build at most this share of equity, percent'),
    leverage: z.number().gt(0).max(125).default(5).describe('leverage the plan\'s margin assumes'),
    holdBars: z.number().int().min(1).max(1_000_000).default(10_080).describe('close the build this many bars after the first tranche (10080 = one week of 1m bars)'),
  })
  .refine((p) => splitByName(p.split) !== undefined, { message: 'not a split: use thirds, 30/40/30, 1/4-1/4-1/2 or percentages summing to 100', path: ['split'] });

export default defineStrategy({
  name: 'dca-builder',
  description: 'long-term build: support-zone entry, add when the SMA turns up, then on local-high breaks; never averages down',
  params,
  data: { bars: '1m' },
  create(ctx, p) {
    const sma = ctx.indicators.sma(p.maBars);
    const manager = new ScaleInManager(ctx, { split: splitByName(p.split)!, trigger: { kind: 'signal' }, riskPct: p.riskPct, leverage: p.leverage, maxUtilisationPct: p.maxUtilisationPct, tag: 'dca-builder:long' });
    const window = Math.max(p.supportBars, p.highBars);
    // Rings of the recent lows, highs and SMA values: no allocation per bar.
    const lows = new Float64Array(window);
    const highs = new Float64Array(window);
    const smas = new Float64Array(p.slopeBars);
    let startedAt = -1;
    const position = ctx.position();

    /** Lowest low (highest high) of the last n bars before bar i. */
    const extreme = (ring: Float64Array, i: number, n: number, max: boolean): number => {
      let x = max ? -Infinity : Infinity;
      for (let k = 1; k <= n; k++) {
        const v = ring[(i - k) % window]!;
        x = max ? Math.max(x, v) : Math.min(x, v);
      }
      return x;
    };

    return {
      onBar(bar) {
        const i = bar.index;
        const warm = i >= window;
        const support = warm ? extreme(lows, i, p.supportBars, false) : undefined;
        const localHigh = warm ? extreme(highs, i, p.highBars, true) : undefined;
        lows[i % window] = bar.low;
        highs[i % window] = bar.high;
        sma.add(bar.close);
        const smaThen = smas[i % p.slopeBars]!;
        const smaReady = sma.isStable && i >= p.maBars + p.slopeBars;
        const turnedUp = smaReady && sma.stableValue > smaThen && bar.close > sma.stableValue;
        if (sma.isStable) smas[i % p.slopeBars] = sma.stableValue;

        if (manager.isActive) {
          const step = manager.nextStep;
          const signal = step === 2 ? turnedUp : step !== undefined && localHigh !== undefined && bar.close > localHigh;
          manager.onBar(bar.close, { signal });
          if (manager.isActive && i - startedAt >= p.holdBars && !position.isFlat) {
            ctx.note(`dca-builder: holding period of ${p.holdBars} bars over, closing the build`);
            manager.finish();
            ctx.orders.market({ action: 'sell', lots: Math.abs(position.signedLots), reduceOnly: true, tag: 'dca-builder:hold-over' });
          }
          return;
        }
        manager.onBar(bar.close);
        if (support === undefined || !position.isFlat || ctx.orders.workingCount > 0) return;
        const inZone = bar.low <= support * (1 + p.zonePct / 100) && bar.close > support;
        if (!inZone) return;
        ctx.note(`dca-builder: low ${bar.low} dipped into the support zone (support ${support}) and the close ${bar.close} held above it`);
        if (manager.start('long', bar.close, support * (1 - p.stopBufferPct / 100))) startedAt = i;
      },
      onOrder(update) {
        manager.onOrder(update);
      },
      onFill(fill) {
        manager.onFill(fill);
        if (position.isFlat) manager.finish();
      },
    };
  },
});
