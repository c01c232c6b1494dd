// Scaling into a winner: the total size split into steps, each add on a trigger in the trade's favour, the stop
// trailed after each add, and the worst-case loss at every stage kept within the budget. Refuses averaging down.
import type { ExactDecimal } from '../core/decimal.js';
import { decimalToFloat, formatDecimal } from '../core/decimal.js';
import { addMoney, asMoney, type Money } from '../core/money.js';
import { err, ok, type Result } from '../core/result.js';
import { divRound } from '../core/rounding.js';
import { contractMathFor, type ContractMath } from '../domain/contract-math.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { initialMargin } from '../domain/margin.js';
import { GridPosition } from '../domain/position.js';
import { sideSign, signed, type Side } from '../domain/side.js';
import type { PlanDenial } from './check.js';
import { ticksAtPct } from './costs.js';
import { riskBudget, resolveStop, type StopInput } from './sizing.js';

/** How the total is split: integer weights over their sum (thirds = 1,1,1; 30/40/30 = 30,40,30). */
export interface Split {
  readonly name: string;
  readonly weights: readonly number[];
}

export const PRESET_SPLITS: { readonly [K in '30/40/30' | 'thirds' | '1/4-1/4-1/2']: Split } = {
  '30/40/30': { name: '30/40/30', weights: [30, 40, 30] },
  thirds: { name: '1/3-1/3-1/3', weights: [1, 1, 1] },
  '1/4-1/4-1/2': { name: '1/4-1/4-1/2', weights: [1, 1, 2] },
};

/**
 * A custom split from percentages ("20/30/50", "25/25/50", decimals allowed): they must sum to exactly 100.
 * Returns the SPLIT_NOT_100 denial otherwise.
 */
export function customSplit(parts: readonly ExactDecimal[]): Result<Split, PlanDenial> {
  const scale = Math.max(0, ...parts.map((p) => p.scale));
  const weights = parts.map((p) => Number(p.units * 10n ** BigInt(scale - p.scale)));
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum !== 100 * 10 ** scale) return err({ code: 'SPLIT_NOT_100', sumPct: sum / 10 ** scale });
  return ok({ name: parts.map((p) => formatDecimal(p)).join('/'), weights });
}

/**
 * When each add happens. Prices: given trigger prices on the grid. `pct`: x % beyond the previous entry. `atr`:
 * k x ATR beyond the previous entry. `levels`: the break of each level (one tick beyond it). `rsi`: RSI crossing a
 * threshold, planned at the prices the trader expects it (the planner cannot know when RSI will cross).
 */
export type TriggerRule =
  | { readonly kind: 'prices'; readonly ticks: readonly number[] }
  | { readonly kind: 'pct'; readonly pct: ExactDecimal }
  | { readonly kind: 'atr'; readonly k: ExactDecimal; readonly atrTicks: number }
  | { readonly kind: 'levels'; readonly ticks: readonly number[] }
  | { readonly kind: 'rsi'; readonly threshold: number; readonly atTicks: readonly number[] };

export type ScaleSize = { readonly kind: 'total-lots'; readonly lots: number } | { readonly kind: 'risk' };

export interface ScalePlanInput {
  readonly spec: InstrumentSpec;
  readonly equity: Money;
  /** The budget every stage's worst case must stay within, in percent of equity. */
  readonly riskPct: ExactDecimal;
  /** A fixed total size, or the largest total whose every stage fits the budget. */
  readonly size: ScaleSize;
  readonly side?: Side;
  readonly entryTicks: number;
  readonly stop: StopInput;
  readonly split: Split;
  readonly trigger: TriggerRule;
  readonly leverage: number;
}

export interface ScaleStep {
  readonly step: number;
  readonly entryTicks: number;
  /** How the trigger was set, e.g. "+1 % from 70000" or "RSI crosses 60 (planned at 70700)". */
  readonly trigger: string;
  readonly lots: number;
  readonly margin: Money;
  readonly totalLots: number;
  readonly totalMargin: Money;
  /** Average entry of the position after this step, in ticks (a float: linear arithmetic, inverse harmonic). */
  readonly averageEntryTicks: number;
  /** The stop in force after this step. */
  readonly stopTicks: number;
  /** Loss of the whole position if the stop after this step is hit (negative = a locked-in profit), before fees. */
  readonly worstCaseLoss: Money;
}

export interface ScalePlan {
  readonly side: Side;
  readonly budget: Money;
  readonly totalLots: number;
  readonly split: Split;
  readonly steps: readonly ScaleStep[];
  /** The largest worst-case loss over all stages (never above the budget). */
  readonly maxWorstCaseLoss: Money;
}

/** Lots per step: floor(total x weight / sum) for all but the last, which takes the rest (exact integers). */
export function allocate(totalLots: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Number(divRound(BigInt(totalLots) * BigInt(w), BigInt(sum), 'floor').q));
  out[out.length - 1] = totalLots - out.slice(0, -1).reduce((a, b) => a + b, 0);
  return out;
}

/** The entry of step i (i >= 1) given the previous entry, with its description; undefined when the rule has too few prices. */
function nextEntry(rule: TriggerRule, i: number, previousTicks: number, side: Side, tickText: (t: number) => string): { ticks: number; text: string } | undefined {
  const sign = sideSign(side);
  switch (rule.kind) {
    case 'prices': {
      const t = rule.ticks[i - 1];
      return t === undefined ? undefined : { ticks: t, text: `price ${tickText(t)}` };
    }
    case 'pct': {
      // Rounded away from the previous entry: the add waits for at least the move asked for.
      const t = ticksAtPct(previousTicks, rule.pct, sign, sign === 1 ? 'ceil' : 'floor');
      return { ticks: t, text: `${sign === 1 ? '+' : '-'}${formatDecimal(rule.pct)} % from ${tickText(previousTicks)}` };
    }
    case 'atr': {
      const move = Number(divRound(BigInt(rule.atrTicks) * rule.k.units, 10n ** BigInt(rule.k.scale), 'ceil').q);
      return { ticks: previousTicks + sign * move, text: `${formatDecimal(rule.k)} x ATR (${tickText(rule.atrTicks)}) from ${tickText(previousTicks)}` };
    }
    case 'levels': {
      const level = rule.ticks[i - 1];
      return level === undefined ? undefined : { ticks: level + sign, text: `break of ${tickText(level)}` };
    }
    case 'rsi': {
      const t = rule.atTicks[i - 1];
      return t === undefined ? undefined : { ticks: t, text: `RSI crosses ${rule.threshold} (planned at ${tickText(t)})` };
    }
  }
}

/** The stop after step i (1-based): the initial stop, then the first entry (breakeven), then one tick behind the previous entry. */
function stopAfter(step: number, initialStop: number, entries: readonly number[], side: Side): number {
  if (step === 1) return initialStop;
  if (step === 2) return entries[0]!;
  return entries[step - 2]! - sideSign(side);
}

interface Stages {
  readonly steps: ScaleStep[];
  readonly denial: PlanDenial | undefined;
}

/** Builds the stages for a total, checking averaging down, stop placement and each stage's worst case. */
function buildStages(input: ScalePlanInput, math: ContractMath, side: Side, initialStop: number, entries: readonly { ticks: number; text: string }[], totalLots: number, budget: Money): Stages {
  const lotsPerStep = allocate(totalLots, input.split.weights);
  const position = new GridPosition(math);
  const steps: ScaleStep[] = [];
  let totalMargin = asMoney(0);
  const sign = sideSign(side);
  for (let i = 0; i < entries.length; i++) {
    const step = i + 1;
    const entry = entries[i]!;
    const lots = lotsPerStep[i]!;
    if (lots < 1) return { steps, denial: { code: 'STEP_BELOW_ONE_LOT', step, totalLots } };
    const average = position.averageEntryTicks();
    if (average !== undefined && sign * (entry.ticks - average) <= 0) {
      return { steps, denial: { code: 'AVERAGING_DOWN', step, side, triggerTicks: entry.ticks, averageEntryTicks: Math.round(average) } };
    }
    position.applyFill(signed(side, lots), entry.ticks);
    const stopTicks = stopAfter(step, initialStop, entries.map((e) => e.ticks), side);
    if (sign * (entry.ticks - stopTicks) <= 0) return { steps, denial: { code: 'STOP_NOT_BEHIND_ENTRY', step, stopTicks, entryTicks: entry.ticks } };
    const worstCaseLoss = asMoney(-position.unrealisedPnl(stopTicks));
    if (worstCaseLoss > budget) return { steps, denial: { code: 'STAGE_EXCEEDS_RISK', step, loss: worstCaseLoss, budget } };
    const margin = initialMargin(input.spec, math, lots, entry.ticks, input.leverage);
    totalMargin = addMoney(totalMargin, margin);
    steps.push({
      step,
      entryTicks: entry.ticks,
      trigger: entry.text,
      lots,
      margin,
      totalLots: Math.abs(position.signedLots),
      totalMargin,
      averageEntryTicks: position.averageEntryTicks() ?? entry.ticks,
      stopTicks,
      worstCaseLoss,
    });
  }
  return { steps, denial: undefined };
}

/**
 * Plans a scale-in (the source article "scaling in": plan the total first; add only on a trigger in profit; after
 * the first add move the stop to the first entry (breakeven), after the second under the second entry). With
 * `size.kind === 'risk'` the total is the largest whose every stage's worst case fits equity x risk %; with a fixed
 * total, a stage over the budget is refused with its number. Worst cases are before fees and assume each stop
 * moves as soon as its add fills.
 */
export function planScaleIn(input: ScalePlanInput): Result<ScalePlan, PlanDenial> {
  const { spec, split } = input;
  const resolved = resolveStop(input.entryTicks, input.stop, input.side);
  if (!resolved.ok) return resolved;
  const { side, stopTicks } = resolved.value;
  const math = contractMathFor(spec);
  const budget = riskBudget(input.equity, input.riskPct);
  const tickText = (t: number): string => formatDecimal({ units: BigInt(t) * BigInt(spec.tick.stepUnits), scale: spec.tick.scale });

  const entries: { ticks: number; text: string }[] = [{ ticks: input.entryTicks, text: 'initial entry' }];
  for (let i = 1; i < split.weights.length; i++) {
    const next = nextEntry(input.trigger, i, entries[i - 1]!.ticks, side, tickText);
    if (next === undefined) {
      const given = input.trigger.kind === 'rsi' ? input.trigger.atTicks.length : 'ticks' in input.trigger ? input.trigger.ticks.length : 0;
      return err({ code: 'TOO_FEW_TRIGGERS', steps: split.weights.length, triggers: given });
    }
    entries.push(next);
  }

  switch (input.size.kind) {
    case 'total-lots': {
      const stages = buildStages(input, math, side, stopTicks, entries, input.size.lots, budget);
      if (stages.denial) return err(stages.denial);
      return ok(summary(side, budget, input.size.lots, split, stages.steps));
    }
    case 'risk': {
      const best = largestFeasibleTotal(input, math, side, stopTicks, entries, budget);
      if (best.stages !== undefined) return ok(summary(side, budget, best.total, split, best.stages.steps));
      return err(best.denial);
    }
  }
}

/**
 * The largest total whose every stage fits the budget. Losses grow with the total except for the rounding rest the
 * last step takes, so: the smallest total that gives every step a lot, then galloping and bisection on "fits",
 * then a scan of a few totals beyond the answer to catch the rounding wobble.
 */
function largestFeasibleTotal(
  input: ScalePlanInput,
  math: ContractMath,
  side: Side,
  stopTicks: number,
  entries: readonly { ticks: number; text: string }[],
  budget: Money,
): { total: number; stages: Stages; denial?: undefined } | { total: 0; stages: undefined; denial: PlanDenial } {
  const w = input.split.weights;
  const sum = w.reduce((a, b) => a + b, 0);
  const at = (total: number): Stages => buildStages(input, math, side, stopTicks, entries, total, budget);
  let lo = w.length;
  while (lo <= sum && at(lo).denial?.code === 'STEP_BELOW_ONE_LOT') lo += 1;
  const first = at(lo);
  if (first.denial !== undefined) {
    if (first.denial.code === 'STAGE_EXCEEDS_RISK') {
      return { total: 0, stages: undefined, denial: { code: 'ONE_LOT_EXCEEDS_RISK', riskOneLot: first.denial.loss, budget, excess: asMoney(first.denial.loss - budget) } };
    }
    return { total: 0, stages: undefined, denial: first.denial };
  }
  const fits = (total: number): boolean => at(total).denial === undefined;
  let step = 1;
  while (fits(lo + step)) {
    lo += step;
    step *= 2;
  }
  let hi = lo + step;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  for (let t = lo + 1; t <= lo + w.length + 1; t++) if (fits(t)) lo = t;
  return { total: lo, stages: at(lo) };
}

function summary(side: Side, budget: Money, totalLots: number, split: Split, steps: readonly ScaleStep[]): ScalePlan {
  const maxWorstCaseLoss = asMoney(Math.max(...steps.map((s) => s.worstCaseLoss)));
  return { side, budget, totalLots, split, steps, maxWorstCaseLoss };
}

/** The split's parts in percent, for display (thirds read 33.33). */
export const splitPcts = (split: Split): number[] => {
  const sum = split.weights.reduce((a, b) => a + b, 0);
  return split.weights.map((w) => decimalToFloat({ units: BigInt(Math.round((w / sum) * 1e4)), scale: 2 }));
};
