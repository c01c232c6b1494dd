// The short-EMA micro-impulse scalp (seed "Micro-Futures Scalping with Precision", 3.2: "crossovers or rapid price
// separation from these short MAs ... catching the start of a micro-impulse move"): EMA5 crosses EMA8, then the
// EMAs separate and price closes beyond EMA5; the mirrored short. Must never size or place exits itself.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { stopBeyond } from './blocks/exits.js';
import { RecentBars } from './blocks/recent-bars.js';
import { ScalpDesk } from './blocks/scalp-desk.js';
import { scalpParamsShape } from './blocks/scalp-params.js';

const params = z
  .object({
    ...scalpParamsShape,
    minSeparationPct: z.number().min(0).max(5).default(0.03).describe('least gap between the fast and slow EMA, percent of the close'),
    armBars: z.number().int().min(1).max(30).default(3).describe('bars after a cross in which the separation may come'),
    stopBars: z.number().int().min(1).max(30).default(3).describe('the stop goes beyond the extreme of this many bars'),
  })
  .refine((x) => x.emaFast < x.emaSlow, { message: 'emaFast must be shorter than emaSlow', path: ['emaFast'] });

export default defineStrategy({
  name: 'ema-impulse',
  description: 'EMA5/EMA8 cross followed by separation and a close beyond EMA5; stop beyond the recent extreme (and the mirrored short)',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const desk = new ScalpDesk(ctx, p, 'ema-impulse', { vwap: 'with', momentum: 'ema' });
    const bars = new RecentBars(p.stopBars);
    const tick = ctx.instrument.tick.stepFloat;
    let sign = 0;
    // Bars since the last cross, and its direction; undefined once used or expired, so one cross gives one entry.
    let sinceCross: number | undefined;

    return {
      onBar(bar) {
        desk.update(bar);
        bars.push(bar);
        if (!desk.emaSlow.isStable) return;
        const fast = desk.emaFast.stableValue;
        const slow = desk.emaSlow.stableValue;
        const now = fast > slow ? 1 : fast < slow ? -1 : 0;
        if (now !== 0 && sign !== 0 && now !== sign) sinceCross = 0;
        else if (sinceCross !== undefined) sinceCross++;
        if (now !== 0) sign = now;
        if (sinceCross === undefined || sinceCross >= p.armBars) {
          sinceCross = undefined;
          return;
        }
        const separationPct = (Math.abs(fast - slow) / bar.close) * 100;
        const beyond = sign > 0 ? bar.close > fast : bar.close < fast;
        if (separationPct < p.minSeparationPct || !beyond || !bars.has(p.stopBars) || !desk.ready) return;
        sinceCross = undefined;
        const side = sign > 0 ? 'long' : 'short';
        const extreme = sign > 0 ? bars.lowest(0, p.stopBars - 1) : bars.highest(0, p.stopBars - 1);
        desk.enter(bar, {
          side,
          stop: stopBeyond(side, extreme, tick, p.stopBufferTicks),
          reason: `EMA${p.emaFast} ${fast.toPrecision(8)} crossed ${sign > 0 ? 'above' : 'below'} EMA${p.emaSlow} ${slow.toPrecision(8)}, separation ${separationPct.toFixed(3)} % >= ${p.minSeparationPct} %, close ${bar.close} ${sign > 0 ? 'above' : 'below'} EMA${p.emaFast}`,
        });
      },
      onFill: (fill) => desk.onFill(fill),
      onOrder: (update) => desk.onOrder(update),
      onQuote: (quote) => desk.onQuote(quote),
    };
  },
});
