// Prices an emulated bracket's exit from its entry's first fill (BracketSpec.exitsFromFill), with the simulated
// venue's rule, so an exit rests at the fill-derived price from its first placement. Must never change a quantity.
import type { Ticks } from '../../core/grid.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec } from '../venue.js';
import { bracketExitTicks } from '../simulated/bracket-prices.js';

export type ExitRole = 'stop-loss' | 'take-profit';

/**
 * Why these percent distances cannot price a bracket; undefined when they can. Percentages lie strictly between 0
 * and 100, and a take-profit percent needs a take-profit order (the simulated venue's rule, sim-commands.ts; as
 * there, a trailing stop keeps its callback rate).
 */
export function exitsFromFillProblem(b: BracketSpec): string | undefined {
  const f = b.exitsFromFill;
  if (f === undefined) return undefined;
  const pctOk = (x: number | undefined): boolean => x === undefined || (Number.isFinite(x) && x > 0 && x < 100);
  if (!pctOk(f.stopLossPct) || !pctOk(f.takeProfitPct) || (f.takeProfitPct !== undefined && b.takeProfit === undefined)) {
    return 'exitsFromFill: percent distances must lie between 0 and 100, and a take-profit percent needs a take-profit order';
  }
  return undefined;
}

/**
 * The exit `template` priced from an entry fill at `fillTicks` `pct` percent away: long take-profit = fill x
 * (1 + pct/100), long stop = fill x (1 - pct/100), mirrored for a short, nearest tick (bracketExitTicks, the rule
 * of issue 5 and of the engine's ModifyOrder that follows). A limit variant keeps its limit at the new trigger; a
 * market or trailing exit is returned unchanged. The exit's action tells the side: a sell exit protects a long.
 */
export function exitPricedFromFill(template: OrderSpec, role: ExitRole, fillTicks: number, pct: number): OrderSpec {
  const long = template.action === 'sell';
  const x = bracketExitTicks(fillTicks, long, role === 'take-profit' ? pct : 1, role === 'stop-loss' ? pct : 1);
  const price = (role === 'take-profit' ? x.takeProfitTicks : x.stopTicks) as Ticks;
  switch (template.type) {
    case 'limit':
      return { ...template, limitTicks: price };
    case 'stop-market':
    case 'take-profit-market':
      return { ...template, triggerTicks: price };
    case 'stop-limit':
    case 'take-profit-limit':
      return { ...template, triggerTicks: price, limitTicks: price };
    case 'market':
    case 'trailing-stop':
      return template;
  }
}
