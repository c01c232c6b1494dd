// The momentum breakout scalp (seed "Micro-Futures Scalping with Precision", 4.2 technique 2): a tight consolidation
// range, a high-volume bar that closes beyond it, entry on that confirming close, stop at the broken level; the
// mirrored breakdown short. Must never decide sizes or exits itself: the scalp desk (blocks/) does.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { stopBeyond } from './blocks/exits.js';
import { RecentBars } from './blocks/recent-bars.js';
import { ScalpDesk } from './blocks/scalp-desk.js';
import { scalpParamsShape } from './blocks/scalp-params.js';

const params = z.object({
  ...scalpParamsShape,
  rangeBars: z.number().int().min(2).max(120).default(5).describe('bars in the consolidation base (sources: a 5-minute base)'),
  maxRangeAtr: z.number().gt(0).max(20).default(2).describe('the base is tight when its high - low is at most this many ATRs (ATR before the break)'),
  volumeSpike: z.number().min(1).max(50).default(2).describe('the breaking bar\'s volume must be at least this multiple of the average volume before it'),
});

export default defineStrategy({
  name: 'momentum-breakout',
  description: 'tight range, high-volume close beyond it, entry on that close, stop at the broken level (and the mirrored breakdown)',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const desk = new ScalpDesk(ctx, p, 'momentum-breakout', { vwap: 'with', momentum: 'ema' });
    const bars = new RecentBars(p.rangeBars + 1);
    const baseVolume = ctx.indicators.sma(p.volumeWindow);
    const tick = ctx.instrument.tick.stepFloat;

    return {
      onBar(bar) {
        // The ATR and average volume before this bar: the breaking bar itself must not widen "tight" or dilute "spike".
        const atrBefore = desk.atr.value;
        const volumeBefore = baseVolume.value;
        desk.update(bar);
        baseVolume.add(bar.volume);
        bars.push(bar);
        if (!bars.has(p.rangeBars + 1) || atrBefore === undefined || volumeBefore === undefined || !desk.ready) return;
        const high = bars.highest(1, p.rangeBars);
        const low = bars.lowest(1, p.rangeBars);
        if (high - low > p.maxRangeAtr * atrBefore) return;
        if (bar.volume < p.volumeSpike * volumeBefore) return;
        const up = bar.close > high;
        const down = bar.close < low;
        if (!up && !down) return;
        const side = up ? 'long' : 'short';
        const level = up ? high : low;
        desk.enter(bar, {
          side,
          stop: stopBeyond(side, level, tick, p.stopBufferTicks),
          reason: `${p.rangeBars}-bar base ${low}-${high} (${(high - low).toPrecision(6)} <= ${p.maxRangeAtr} x ATR ${atrBefore.toPrecision(6)}), close ${bar.close} ${up ? 'above' : 'below'} it on volume ${bar.volume.toPrecision(6)} >= ${p.volumeSpike} x ${volumeBefore.toPrecision(6)}`,
        });
      },
      onFill: (fill) => desk.onFill(fill),
      onOrder: (update) => desk.onOrder(update),
      onQuote: (quote) => desk.onQuote(quote),
    };
  },
});
