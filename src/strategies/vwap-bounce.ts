// The VWAP bounce scalp (seed "Micro-Futures Scalping with Precision", 4.2 technique 1): a sharp pullback to VWAP or
// EMA5 on falling volume, a bullish close back above the line, stop just under the touch candle's low; the mirrored
// short. Must never decide sizes or exits itself: the scalp desk (blocks/) does, through the checklist and planner.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { stopBeyond } from './blocks/exits.js';
import { RecentBars } from './blocks/recent-bars.js';
import { ScalpDesk } from './blocks/scalp-desk.js';
import { scalpParamsShape } from './blocks/scalp-params.js';

const params = z.object({
  ...scalpParamsShape,
  level: z.enum(['vwap', 'ema', 'either']).default('either').describe('the line the pullback touches: the session VWAP, the fast EMA, or either (VWAP first)'),
  pullbackBars: z.number().int().min(1).max(30).default(3).describe('bars before the touch in which price stood away from the line'),
  minPullbackPct: z.number().min(0).max(5).default(0.1).describe('how far (percent of the line) price stood beyond the line before the pullback'),
  touchTolerancePct: z.number().min(0).max(1).default(0.01).describe('a low within this percent above the line counts as a touch (long; mirrored for shorts)'),
});

export default defineStrategy({
  name: 'vwap-bounce',
  description: 'pullback to VWAP/EMA5 on falling volume, bullish close back above the line, stop under the touch candle (and the mirrored short)',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const desk = new ScalpDesk(ctx, p, 'vwap-bounce', { vwap: 'with', momentum: 'ema-or-rsi' });
    const bars = new RecentBars(p.pullbackBars + 2);
    const tick = ctx.instrument.tick.stepFloat;

    /**
     * The bounce off `line` at this bar, long (`d` = 1) or short (-1): the touch candle is this bar or the one
     * before (the nearer one to the line), price stood `minPullbackPct` beyond the line within `pullbackBars` bars
     * before it, the touch candle's volume is below those bars' mean (the counter-move is tiring), and this bar
     * closes back beyond the line in the trade's direction.
     */
    function bounce(line: number, d: 1 | -1, lineName: string): { stop: number; reason: string } | undefined {
      const close = bars.close(0);
      const bullish = d === 1 ? close > bars.open(0) && close > line : close < bars.open(0) && close < line;
      if (!bullish) return undefined;
      const reach = (ago: number): boolean => (d === 1 ? bars.low(ago) <= line * (1 + p.touchTolerancePct / 100) : bars.high(ago) >= line * (1 - p.touchTolerancePct / 100));
      const touch = reach(0) ? 0 : reach(1) ? 1 : undefined;
      if (touch === undefined) return undefined;
      const from = touch + 1;
      const to = touch + p.pullbackBars;
      const away = d === 1 ? bars.highest(from, to) >= line * (1 + p.minPullbackPct / 100) : bars.lowest(from, to) <= line * (1 - p.minPullbackPct / 100);
      if (!away) return undefined;
      const pullbackVolume = bars.meanVolume(from, to);
      if (!(bars.volume(touch) < pullbackVolume)) return undefined;
      const touchExtreme = d === 1 ? bars.low(touch) : bars.high(touch);
      const side = d === 1 ? 'long' : 'short';
      return {
        stop: stopBeyond(side, touchExtreme, tick, p.stopBufferTicks),
        reason: `${lineName} ${line.toPrecision(8)} touched ${touch === 0 ? 'this bar' : 'the bar before'} (${d === 1 ? 'low' : 'high'} ${touchExtreme}) on falling volume (${bars.volume(touch).toPrecision(6)} < ${pullbackVolume.toPrecision(6)}), ${d === 1 ? 'bullish' : 'bearish'} close ${close} back ${d === 1 ? 'above' : 'below'} it`,
      };
    }

    return {
      onBar(bar) {
        desk.update(bar);
        bars.push(bar);
        if (!bars.has(p.pullbackBars + 2) || !desk.ready) return;
        const lines: { value: number | undefined; name: string }[] = [];
        if (p.level !== 'ema') lines.push({ value: desk.vwap.value, name: 'VWAP' });
        if (p.level !== 'vwap') lines.push({ value: desk.emaFast.value, name: `EMA${p.emaFast}` });
        for (const d of [1, -1] as const) {
          for (const line of lines) {
            if (line.value === undefined) continue;
            const setup = bounce(line.value, d, line.name);
            if (setup !== undefined) {
              desk.enter(bar, { side: d === 1 ? 'long' : 'short', stop: setup.stop, reason: setup.reason });
              return;
            }
          }
        }
      },
      onFill: (fill) => desk.onFill(fill),
      onOrder: (update) => desk.onOrder(update),
      onQuote: (quote) => desk.onQuote(quote),
    };
  },
});
