// The built-in strategies by name, for `--strategy <name>`. Must never hold strategy logic: one import and one line
// per strategy.
import type { StrategyDefinition } from '../engine/strategy.js';
import emaCross from './ema-cross.js';
import emaImpulse from './ema-impulse.js';
import meanReversion from './mean-reversion.js';
import momentumBreakout from './momentum-breakout.js';
import vwapBounce from './vwap-bounce.js';
import scaleInTrend from './scale-in-trend.js';
import dcaBuilder from './dca-builder.js';
import hedgeKeeper from './hedge-keeper.js';
import basis from './basis.js';

export const BUILT_IN_STRATEGIES: ReadonlyMap<string, StrategyDefinition> = new Map<string, StrategyDefinition>([[emaCross.name, emaCross as unknown as StrategyDefinition],
  [vwapBounce.name, vwapBounce as unknown as StrategyDefinition],
  [momentumBreakout.name, momentumBreakout as unknown as StrategyDefinition],
  [meanReversion.name, meanReversion as unknown as StrategyDefinition],
  [emaImpulse.name, emaImpulse as unknown as StrategyDefinition],
  [scaleInTrend.name, scaleInTrend as unknown as StrategyDefinition],
  [dcaBuilder.name, dcaBuilder as unknown as StrategyDefinition],
  [hedgeKeeper.name, hedgeKeeper as unknown as StrategyDefinition],
  [basis.name, basis as unknown as StrategyDefinition],
]);
