// Why a plan was refused: denials are returned values with a code and the numbers involved (STYLE.md "Errors"),
// never thrown, plus one function that words them for a person. Must never decide anything itself.
import { type Grid, formatCount } from '../core/grid.js';
import { formatMoney, type Money } from '../core/money.js';
import type { Side } from '../domain/side.js';

/** The planner input a denial is about, so an app can name its own flag or field for it. */
export type PlanField =
  | 'equity'
  | 'riskPct'
  | 'entry'
  | 'stop'
  | 'side'
  | 'leverage'
  | 'instrument'
  | 'split'
  | 'trigger'
  | 'totalContracts'
  | 'spotQty'
  | 'targetPct';

/** A plan the planner refuses, with the numbers a trader needs to fix it. Money is in the settle asset. */
export type PlanDenial =
  | { readonly code: 'STOP_ON_WRONG_SIDE'; readonly side: Side; readonly entryTicks: number; readonly stopTicks: number }
  | { readonly code: 'STOP_AT_ENTRY'; readonly entryTicks: number }
  | { readonly code: 'STOP_BEYOND_ZERO'; readonly stopPct: number }
  | { readonly code: 'ONE_LOT_EXCEEDS_RISK'; readonly riskOneLot: Money; readonly budget: Money; readonly excess: Money }
  | { readonly code: 'BELOW_MIN_QTY'; readonly lots: number; readonly minLots: number; readonly riskAtMin: Money; readonly budget: Money }
  | { readonly code: 'SIZE_TOO_LARGE'; readonly lots: number }
  | { readonly code: 'BELOW_MIN_NOTIONAL'; readonly notional: Money; readonly minNotional: Money }
  | { readonly code: 'LEVERAGE_ABOVE_MAX'; readonly leverage: number; readonly maxLeverage: number }
  | { readonly code: 'INSUFFICIENT_MARGIN'; readonly initialMargin: Money; readonly equity: Money }
  | {
      readonly code: 'LIQUIDATION_BEFORE_STOP';
      readonly side: Side;
      readonly liquidationTicks: number;
      readonly stopTicks: number;
    }
  | { readonly code: 'SPLIT_NOT_100'; readonly sumPct: number }
  | { readonly code: 'TOO_FEW_TRIGGERS'; readonly steps: number; readonly triggers: number }
  | {
      readonly code: 'AVERAGING_DOWN';
      readonly step: number;
      readonly side: Side;
      readonly triggerTicks: number;
      readonly averageEntryTicks: number;
    }
  | { readonly code: 'STOP_NOT_BEHIND_ENTRY'; readonly step: number; readonly stopTicks: number; readonly entryTicks: number }
  | { readonly code: 'STAGE_EXCEEDS_RISK'; readonly step: number; readonly loss: Money; readonly budget: Money }
  | { readonly code: 'STEP_BELOW_ONE_LOT'; readonly step: number; readonly totalLots: number }
  | { readonly code: 'HEDGE_BELOW_ONE_LOT'; readonly spotPerLot: string };

/** What a person reads: which input, what is wrong, how to fix it. */
export interface DenialText {
  readonly field: PlanField;
  readonly problem: string;
  readonly fix: string;
}

/** Words for a denial. `tick` formats prices, `settle` names the money asset. */
export function describeDenial(d: PlanDenial, tick: Grid, settle: string): DenialText {
  const px = (t: number): string => formatCount(t, tick);
  const m = (x: Money): string => `${formatMoney(x)} ${settle}`;
  switch (d.code) {
    case 'STOP_ON_WRONG_SIDE':
      return {
        field: 'stop',
        problem: `a ${d.side} needs its stop ${d.side === 'long' ? 'below' : 'above'} the entry ${px(d.entryTicks)}, got ${px(d.stopTicks)}`,
        fix: `Put the stop ${d.side === 'long' ? 'below' : 'above'} the entry, or change --side`,
      };
    case 'STOP_AT_ENTRY':
      return { field: 'stop', problem: `the stop equals the entry ${px(d.entryTicks)}, so the risk per contract is zero`, fix: 'Put the stop at least one tick away from the entry' };
    case 'STOP_BEYOND_ZERO':
      return { field: 'stop', problem: `a ${d.stopPct} % stop below the entry would be at or below zero`, fix: 'Use a stop percentage below 100' };
    case 'ONE_LOT_EXCEEDS_RISK':
      return {
        field: 'riskPct',
        problem: `even one lot risks ${m(d.riskOneLot)}, more than the budget ${m(d.budget)} by ${m(d.excess)}`,
        fix: 'Raise --equity or --risk-pct, move the stop closer, or choose a smaller contract',
      };
    case 'BELOW_MIN_QTY':
      return {
        field: 'riskPct',
        problem: `the budget ${m(d.budget)} allows ${d.lots} lots but the venue's minimum is ${d.minLots} lots, which would risk ${m(d.riskAtMin)}`,
        fix: 'Raise --equity or --risk-pct, or move the stop closer',
      };
    case 'SIZE_TOO_LARGE':
      return {
        field: 'equity',
        problem: `the budget buys ${d.lots} lots, a notional beyond the 45 million the planner computes exactly`,
        fix: 'Lower --equity or --risk-pct, or widen the stop',
      };
    case 'BELOW_MIN_NOTIONAL':
      return {
        field: 'riskPct',
        problem: `the order notional ${m(d.notional)} is below the venue's minimum ${m(d.minNotional)}`,
        fix: 'Raise --equity or --risk-pct, or move the stop closer so that the size grows',
      };
    case 'LEVERAGE_ABOVE_MAX':
      return { field: 'leverage', problem: `${d.leverage}x is above this position's maximum ${d.maxLeverage}x`, fix: `Use --leverage ${d.maxLeverage} or less` };
    case 'INSUFFICIENT_MARGIN':
      return {
        field: 'leverage',
        problem: `the initial margin ${m(d.initialMargin)} is more than the equity ${m(d.equity)}`,
        fix: 'Raise --leverage, lower the size, or add equity',
      };
    case 'LIQUIDATION_BEFORE_STOP':
      return {
        field: 'leverage',
        problem: `the liquidation price ${px(d.liquidationTicks)} comes before the stop ${px(d.stopTicks)}, so the stop could never fire`,
        fix: 'Lower --leverage, use --margin-mode cross, or move the stop closer to the entry',
      };
    case 'SPLIT_NOT_100':
      return { field: 'split', problem: `the parts sum to ${d.sumPct} %, not 100 %`, fix: 'Give parts that sum to 100, e.g. --split 30/40/30' };
    case 'TOO_FEW_TRIGGERS':
      return {
        field: 'trigger',
        problem: `the split has ${d.steps} steps, so it needs ${d.steps - 1} add triggers, got ${d.triggers}`,
        fix: `Give ${d.steps - 1} trigger prices or a rule such as pct:1`,
      };
    case 'AVERAGING_DOWN':
      return {
        field: 'trigger',
        problem: `step ${d.step} adds at ${px(d.triggerTicks)}, which is not ${d.side === 'long' ? 'above' : 'below'} the average entry ${px(d.averageEntryTicks)}: that is averaging down into a losing position`,
        fix: `Add only when the trade is in profit: put each trigger ${d.side === 'long' ? 'above' : 'below'} the average entry so far`,
      };
    case 'STOP_NOT_BEHIND_ENTRY':
      return {
        field: 'trigger',
        problem: `after step ${d.step} the stop moves to ${px(d.stopTicks)}, which is not behind that step's entry ${px(d.entryTicks)}`,
        fix: 'Space the triggers further apart so that each add is beyond the previous entry',
      };
    case 'STAGE_EXCEEDS_RISK':
      return {
        field: 'totalContracts',
        problem: `at step ${d.step} the loss at the stop would be ${m(d.loss)}, above the budget ${m(d.budget)}`,
        fix: 'Lower the total size, raise --risk-pct, or move the initial stop closer',
      };
    case 'STEP_BELOW_ONE_LOT':
      return {
        field: 'totalContracts',
        problem: `with ${d.totalLots} lots in total, step ${d.step} of the split gets less than one lot`,
        fix: 'Plan a larger total size (or risk), or use a split with fewer steps',
      };
    case 'HEDGE_BELOW_ONE_LOT':
      return {
        field: 'spotQty',
        problem: `the spot holding is smaller than one lot of the contract (${d.spotPerLot})`,
        fix: 'Hedge a larger spot quantity or choose a smaller contract',
      };
  }
}
