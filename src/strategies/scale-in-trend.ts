// Scaling in on a trend entry (the source "scaling in"): in a trend (EMA fast above slow for a long), a bounce off
// support (the bar's low touches the session VWAP and it closes back above, bullish) opens the first tranche with the
// stop under the touch bar's low; confirmation adds follow the ScaleInManager's trigger, the stop ratchets after each,
// partial profits rest as a reduce-only ladder. Mirrored for shorts. Must never add to a position not in profit.
import { z } from 'zod';
import { defineStrategy } from '../engine/strategy.js';
import { ScaleInManager, splitByName, type AddTrigger } from './blocks/scale-in-manager.js';
import { parseLadder, ScaleOutLadder } from './blocks/scale-out-ladder.js';

/** Parameters: every field has a default, a range and a description. */
const params = z
  .object({
    fast: z.number().int().min(2).max(500).default(20).describe('fast EMA period (bars): the trend is fast above slow for longs'),
    slow: z.number().int().min(3).max(2000).default(50).describe('slow EMA period (bars)'),
    split: z.string().default('30/40/30').describe('tranche split: 30/40/30, thirds, 1/4-1/4-1/2 or custom percentages summing to 100 (20/30/50)'),
    trigger: z.enum(['pct', 'atr', 'level', 'rsi']).default('atr').describe('add trigger: pct move, k x ATR move, break of the recent high (low), RSI crossing'),
    addPct: z.number().gt(0).max(20).default(0.3).describe('pct trigger: move beyond the previous fill, percent'),
    atrK: z.number().gt(0).max(20).default(1).describe('atr trigger: k x ATR(14) beyond the previous fill (the source: 1 ATR in your favour)'),
    levelBars: z.number().int().min(2).max(500).default(20).describe('level trigger: the add needs a close beyond the high (low) of this many bars before the bar'),
    rsiThreshold: z.number().min(1).max(99).default(60).describe('rsi trigger: RSI(14) crossing this level up for a long (100 - it down for a short)'),
    stopBufferPct: z.number().min(0).max(5).default(0.05).describe('initial stop this far beyond the touch bar\'s low (high), percent'),
    riskPct: z.number().min(0.1).max(2).default(1).describe('budget for the whole scale-in\'s worst case, percent of equity (0.5-1 advised)'),
    maxUtilisationPct: z.number().gt(0).max(100).default(10).describe('margin of the full plan at most this share of equity, percent'),
    leverage: z.number().gt(0).max(125).default(10).describe('leverage the plan\'s margin assumes'),
    ladder: z.string().default('0.6:1,1.2:1').describe('scale-out rungs "pct:weight,...": pct beyond the average entry; empty for none'),
    maxBars: z.number().int().min(1).max(100_000).default(240).describe('time stop: close everything this many bars after the first tranche'),
    sides: z.enum(['both', 'long', 'short']).default('both').describe('which trends to trade'),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] })
  .refine((p) => splitByName(p.split) !== undefined, { message: 'not a split: use 30/40/30, thirds, 1/4-1/4-1/2 or percentages summing to 100', path: ['split'] })
  .refine((p) => parseLadder(p.ladder) !== undefined, { message: 'not a ladder: "pct:weight" pairs with increasing pct, e.g. 0.6:1,1.2:1', path: ['ladder'] });

function triggerOf(p: z.infer<typeof params>, long: boolean): AddTrigger {
  switch (p.trigger) {
    case 'pct':
      return { kind: 'pct', pct: p.addPct };
    case 'atr':
      return { kind: 'atr', k: p.atrK };
    case 'level':
      return { kind: 'level' };
    case 'rsi':
      return { kind: 'rsi', threshold: long ? p.rsiThreshold : 100 - p.rsiThreshold };
  }
}

export default defineStrategy({
  name: 'scale-in-trend',
  description: 'trend + VWAP support bounce, then confirmation adds (30/40/30), stop to breakeven and under the second entry, reduce-only ladder',
  params,
  data: { bars: '1m', acceptsBars: 'any' },
  create(ctx, p) {
    const fast = ctx.indicators.ema(p.fast);
    const slow = ctx.indicators.ema(p.slow);
    const vwap = ctx.indicators.vwap();
    const atr = ctx.indicators.atr(14);
    const rsi = ctx.indicators.rsi(14);
    const split = splitByName(p.split)!;
    const common = { split, riskPct: p.riskPct, leverage: p.leverage, maxUtilisationPct: p.maxUtilisationPct };
    const managers = {
      long: new ScaleInManager(ctx, { ...common, trigger: triggerOf(p, true), tag: 'scale-in-trend:long' }),
      short: new ScaleInManager(ctx, { ...common, trigger: triggerOf(p, false), tag: 'scale-in-trend:short' }),
    };
    const ladder = new ScaleOutLadder(ctx, parseLadder(p.ladder)!, 'scale-in-trend:take-profit');
    // Highs and lows of the last levelBars bars, for the level trigger (a ring: no allocation per bar).
    const highs = new Float64Array(p.levelBars);
    const lows = new Float64Array(p.levelBars);
    let startedAt = -1;
    const position = ctx.position();

    const active = (): ScaleInManager | undefined => (managers.long.isActive ? managers.long : managers.short.isActive ? managers.short : undefined);

    return {
      onBar(bar) {
        const recentHigh = bar.index >= p.levelBars ? Math.max(...highs) : undefined;
        const recentLow = bar.index >= p.levelBars ? Math.min(...lows) : undefined;
        highs[bar.index % p.levelBars] = bar.high;
        lows[bar.index % p.levelBars] = bar.low;
        fast.add(bar.close);
        slow.add(bar.close);
        const sessionVwap = vwap.add(bar);
        atr.add(bar);
        rsi.add(bar.close);
        // Rungs left over from a closed position go on the next bar (not inside the fill that closed it).
        if (position.isFlat && ladder.working.length > 0) ladder.cancel();
        const m = active();
        if (m !== undefined) {
          const long = m === managers.long;
          m.onBar(bar.close, { atr: atr.value, rsi: rsi.value, level: long ? recentHigh : recentLow });
          if (m.isActive && bar.index - startedAt >= p.maxBars && !position.isFlat) {
            ctx.note(`scale-in-trend: time stop after ${p.maxBars} bars`);
            ladder.cancel();
            m.finish();
            ctx.orders.market({ action: position.signedLots > 0 ? 'sell' : 'buy', lots: Math.abs(position.signedLots), reduceOnly: true, tag: 'scale-in-trend:time-stop' });
          }
          return;
        }
        managers.long.onBar(bar.close);
        managers.short.onBar(bar.close);
        if (!slow.isStable || sessionVwap === undefined || !position.isFlat || ctx.orders.workingCount > 0) return;
        const up = fast.stableValue > slow.stableValue;
        const bounceUp = up && p.sides !== 'short' && bar.low <= sessionVwap && bar.close > sessionVwap && bar.close > bar.open;
        const bounceDown = !up && p.sides !== 'long' && bar.high >= sessionVwap && bar.close < sessionVwap && bar.close < bar.open;
        if (!bounceUp && !bounceDown) return;
        const stop = bounceUp ? bar.low * (1 - p.stopBufferPct / 100) : bar.high * (1 + p.stopBufferPct / 100);
        ctx.note(`scale-in-trend ${bounceUp ? 'long' : 'short'}: EMA${p.fast} ${bounceUp ? 'above' : 'below'} EMA${p.slow}, bar touched VWAP ${sessionVwap.toFixed(2)} and closed back ${bounceUp ? 'above' : 'below'} at ${bar.close}`);
        if ((bounceUp ? managers.long : managers.short).start(bounceUp ? 'long' : 'short', bar.close, stop, { atr: atr.value, rsi: rsi.value })) startedAt = bar.index;
      },
      onOrder(update) {
        managers.long.onOrder(update);
        managers.short.onOrder(update);
      },
      onFill(fill) {
        managers.long.onFill(fill);
        managers.short.onFill(fill);
        if (fill.role === 'entry') ladder.sync();
        if (position.isFlat) {
          managers.long.finish();
          managers.short.finish();
        }
      },
    };
  },
});
