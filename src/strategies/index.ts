// The built-in strategies by name, for `--strategy <name>`. Must never hold strategy logic: one import and one line
// per strategy.
import type { StrategyDefinition } from '../engine/strategy.js';
import emaCross from './ema-cross.js';

export const BUILT_IN_STRATEGIES: ReadonlyMap<string, StrategyDefinition> = new Map<string, StrategyDefinition>([[emaCross.name, emaCross as unknown as StrategyDefinition]]);
