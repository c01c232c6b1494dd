// The plainest strategy, and the template to copy: EMA(fast) crossing EMA(slow) on a bar's close enters at market
// for a fixed quote notional, with a bracket (take-profit and stop at percent distances from the fill). Must never
// look at anything but the bars it was given and its own state.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';

/** Parameters: every field has a default, a range (sweeps read min/max) and a description. */
const params = z
  .object({
    fast: z.number().int().min(1).max(1000).default(9).describe('period of the fast EMA, in bars'),
    slow: z.number().int().min(2).max(5000).default(21).describe('period of the slow EMA, in bars'),
    tpPct: z.number().gt(0).max(50).default(0.2).describe('take-profit distance from the entry fill, percent (0.2 = 0.2 %)'),
    slPct: z.number().gt(0).max(50).default(0.15).describe('stop-loss distance from the entry fill, percent'),
    notional: z.number().positive().max(10_000_000).default(1000).describe('quote-asset value of each entry at the signal close (e.g. USDT)'),
    sides: z.enum(['both', 'long', 'short']).default('both').describe('which crosses to trade: up-crosses go long, down-crosses go short'),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });

export default defineStrategy({
  name: 'ema-cross',
  description: 'EMA(fast)/EMA(slow) cross on bar close; market entry with a percent bracket; one position at a time',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const fast = ctx.indicators.ema(p.fast);
    const slow = ctx.indicators.ema(p.slow);
    const position = ctx.position();
    // The sign of fast - slow at the previous close; 0 until both EMAs have values.
    let previousSign = 0;

    return {
      onBar(bar) {
        fast.add(bar.close);
        slow.add(bar.close);
        if (!slow.isStable) return;
        const diff = fast.stableValue - slow.stableValue;
        const sign = diff > 0 ? 1 : diff < 0 ? -1 : 0;
        const crossedUp = previousSign < 0 && sign > 0;
        const crossedDown = previousSign > 0 && sign < 0;
        if (sign !== 0) previousSign = sign;
        // One position at a time: the bracket is the only way out, so a cross while in a trade (or while an entry
        // is on its way) is ignored.
        if (!(crossedUp || crossedDown) || !position.isFlat || ctx.orders.workingCount > 0) return;
        if (crossedUp ? p.sides === 'short' : p.sides === 'long') return;
        const action = crossedUp ? 'buy' : 'sell';
        ctx.note(`${crossedUp ? 'long' : 'short'}: EMA${p.fast} crossed ${crossedUp ? 'above' : 'below'} EMA${p.slow} at close ${bar.close}`);
        ctx.orders.bracket({
          entry: { action, notional: p.notional, tag: crossedUp ? 'ema-cross:long' : 'ema-cross:short' },
          takeProfit: { pct: p.tpPct },
          stopLoss: { pct: p.slPct },
        });
      },
    };
  },
});
