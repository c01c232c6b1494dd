// The RSI / stochastic mean-reversion scalp (seed "Micro-Futures Scalping with Precision", 3.2: oscillators flag "a
// brief surge or drop becoming overextended ... a potential mean reversion scalp"): an overextended bar that turns,
// below VWAP for a long (above for a short), targeting back toward VWAP. Must never size or place exits itself.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { stopBeyond } from './blocks/exits.js';
import { RecentBars } from './blocks/recent-bars.js';
import { ScalpDesk } from './blocks/scalp-desk.js';
import { scalpParamsShape } from './blocks/scalp-params.js';

const params = z
  .object({
    ...scalpParamsShape,
    oscillator: z.enum(['rsi', 'stochastic', 'either']).default('either').describe('what flags the overextension: RSI, the stochastic %K, or either'),
    oversold: z.number().min(1).max(49).default(25).describe('RSI at or below this is overextended down (long setups)'),
    overbought: z.number().min(51).max(99).default(75).describe('RSI at or above this is overextended up (short setups)'),
    stochK: z.number().int().min(2).max(100).default(14).describe('stochastic %K period (slow stochastic, smoothing 3, %D 3)'),
    stochOversold: z.number().min(1).max(49).default(20).describe('stochastic %K at or below this is overextended down'),
    stochOverbought: z.number().min(51).max(99).default(80).describe('stochastic %K at or above this is overextended up'),
    stopBars: z.number().int().min(1).max(30).default(3).describe('the stop goes beyond the extreme of this many bars'),
    vwapFraction: z.number().min(0.25).max(1).default(1).describe('target = close + this fraction of the way to VWAP'),
  })
  .refine((x) => x.oversold < x.overbought && x.stochOversold < x.stochOverbought, { message: 'oversold levels must be below overbought ones', path: ['oversold'] });

export default defineStrategy({
  name: 'mean-reversion',
  description: 'RSI/stochastic overextension that turns, away from VWAP, target back toward VWAP, stop beyond the recent extreme',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const desk = new ScalpDesk(ctx, p, 'mean-reversion', {
      vwap: 'toward',
      momentum: 'rsi-reversal',
      oversold: p.oscillator === 'stochastic' ? -1 : p.oversold,
      overbought: p.oscillator === 'stochastic' ? 101 : p.overbought,
      stochOversold: p.stochOversold,
      stochOverbought: p.stochOverbought,
    });
    const stoch = ctx.indicators.stochastic({ kind: 'slow', kPeriod: p.stochK, kSmoothing: 3, dPeriod: 3 });
    const bars = new RecentBars(p.stopBars);
    const tick = ctx.instrument.tick.stepFloat;

    return {
      onBar(bar) {
        desk.update(bar);
        stoch.add(bar);
        bars.push(bar);
        const vwap = desk.vwap.value;
        if (!bars.has(p.stopBars) || vwap === undefined || !desk.ready) return;
        const rsi = desk.rsi.value;
        const k = p.oscillator === 'rsi' ? undefined : stoch.value;
        const useRsi = p.oscillator !== 'stochastic';
        const downExtended = (useRsi && rsi !== undefined && rsi <= p.oversold) || (k !== undefined && k <= p.stochOversold);
        const upExtended = (useRsi && rsi !== undefined && rsi >= p.overbought) || (k !== undefined && k >= p.stochOverbought);
        // The turn: the bar closes against the extension (bullish after a drop), so we do not catch a falling knife.
        const long = downExtended && bar.close > bar.open && bar.close < vwap;
        const short = upExtended && bar.close < bar.open && bar.close > vwap;
        if (!long && !short) return;
        const side = long ? 'long' : 'short';
        const extreme = long ? bars.lowest(0, p.stopBars - 1) : bars.highest(0, p.stopBars - 1);
        const target = bar.close + p.vwapFraction * (vwap - bar.close);
        const osc = `${rsi === undefined ? 'RSI n/a' : `RSI ${rsi.toFixed(1)}`}${k === undefined ? '' : `, %K ${k.toFixed(1)}`}`;
        desk.enter(bar, {
          side,
          stop: stopBeyond(side, extreme, tick, p.stopBufferTicks),
          target,
          ...(k !== undefined ? { stochK: k } : {}),
          reason: `overextended ${long ? 'down' : 'up'} (${osc}), ${long ? 'bullish' : 'bearish'} turn closing ${bar.close}, ${long ? 'below' : 'above'} VWAP ${vwap.toPrecision(8)}; target ${p.vwapFraction} of the way back`,
        });
      },
      onFill: (fill) => desk.onFill(fill),
      onOrder: (update) => desk.onOrder(update),
      onQuote: (quote) => desk.onQuote(quote),
    };
  },
});
