// Bracket exit prices from an entry fill and percentage distances, on the tick grid. Must never round a quantity
// (lots round down at the venue's edge, not here).
import { roundFloat } from '../../core/rounding.js';

export interface BracketExitTicks {
  readonly takeProfitTicks: number;
  readonly stopTicks: number;
}

/**
 * Take-profit and stop prices in ticks for a position entered at `fillTicks` (`long` true for a long): long
 * TP = fill x (1 + tpPct/100), stop = fill x (1 - slPct/100), mirrored for a short, each rounded to the nearest
 * tick as issue 5 specifies ("bracket prices are rounded to the nearest tick"). Percentages are in percent
 * (0.2 = 0.2 %), both > 0.
 */
export function bracketExitTicks(fillTicks: number, long: boolean, takeProfitPct: number, stopLossPct: number): BracketExitTicks {
  return { takeProfitTicks: bracketExitTick(fillTicks, long, 'take-profit', takeProfitPct), stopTicks: bracketExitTick(fillTicks, long, 'stop-loss', stopLossPct) };
}

/** One exit of `bracketExitTicks` (the same formula and rounding), for a venue pricing one exit at a time. */
export function bracketExitTick(fillTicks: number, long: boolean, role: 'take-profit' | 'stop-loss', pct: number): number {
  const up = long ? 1 : -1;
  return role === 'take-profit' ? roundFloat(fillTicks * (1 + (up * pct) / 100), 'nearest')! : roundFloat(fillTicks * (1 - (up * pct) / 100), 'nearest')!;
}
