// Runs a planned scale-in inside a strategy (the plan itself is src/risk/scale-plan.ts): the first tranche with its
// stop resting from the fill, each add only on its trigger and only in profit, the stop ratcheted after each add, and
// the aggregate worst case kept within the risk budget. Must never average down nor send a tranche without its stop.
import { parseDecimal, type ExactDecimal } from '../../core/decimal.js';
import { countFromFloat } from '../../core/grid.js';
import { asMoney, formatMoney, moneyFromFloat, moneyToFloat, type Money } from '../../core/money.js';
import { contractMathFor, type ContractMath } from '../../domain/contract-math.js';
import { GridPosition } from '../../domain/position.js';
import { sideSign, signed, type Side } from '../../domain/side.js';
import type { FillView, OrderUpdateView, StrategyContext } from '../../engine/strategy.js';
import { describeDenial } from '../../risk/check.js';
import { customSplit, planScaleIn, PRESET_SPLITS, type ScalePlan, type Split, type TriggerRule } from '../../risk/scale-plan.js';
import { initialMargin } from '../../domain/margin.js';

/**
 * What gates each add, checked on a bar's close. `pct`: the close is x % beyond the previous tranche's fill. `atr`:
 * k x ATR beyond it. `level`: the close breaks the level the strategy hands in (a pivot, a recent high). `rsi`: RSI
 * crosses the threshold in the trade's direction (up for a long). `signal`: the strategy's own confirmation for the
 * next step (e.g. a moving average turning up), handed in as a boolean. The sources: ../shared/seeds, "scaling in".
 */
export type AddTrigger =
  | { readonly kind: 'pct'; readonly pct: number }
  | { readonly kind: 'atr'; readonly k: number }
  | { readonly kind: 'level' }
  | { readonly kind: 'rsi'; readonly threshold: number }
  | { readonly kind: 'signal' };

/** Per-bar readings the triggers need; the strategy computes them (undefined while warming up or not used). */
export interface AddSignals {
  /** ATR in quote units (for `atr` triggers and ATR planning). */
  readonly atr?: number;
  /** The level whose break triggers a `level` add (long: above it; short: below it). */
  readonly level?: number;
  readonly rsi?: number;
  /** The strategy's confirmation for the next add (`signal` triggers). */
  readonly signal?: boolean;
}

export interface ScaleInConfig {
  readonly split: Split;
  readonly trigger: AddTrigger;
  /** Budget every stage's worst case stays within, percent of equity (1 = 1 %). */
  readonly riskPct: number;
  readonly leverage: number;
  /** Margin of the full plan at most this share of equity, percent (the 10 % utilisation cap). */
  readonly maxUtilisationPct: number;
  /** Tag of the round trips (e.g. "scale-in-trend:long"). */
  readonly tag: string;
}

/** One decision, kept in order: what a test or a report reads back (every one is also a ctx.note). */
export type ScaleDecision =
  | { readonly kind: 'planned'; readonly timeMs: number; readonly side: Side; readonly totalLots: number; readonly lots: readonly number[]; readonly budget: Money }
  | { readonly kind: 'denied'; readonly timeMs: number; readonly reason: string }
  | { readonly kind: 'add'; readonly timeMs: number; readonly step: number; readonly lots: number; readonly stopTicks: number; readonly worstCaseLoss: Money; readonly budget: Money }
  | { readonly kind: 'refused'; readonly timeMs: number; readonly step: number; readonly reason: 'not-in-profit' | 'over-budget' | 'stop-not-behind' }
  | { readonly kind: 'filled'; readonly timeMs: number; readonly step: number; readonly lots: number; readonly priceTicks: number }
  | { readonly kind: 'stop-moved'; readonly timeMs: number; readonly afterStep: number; readonly stopTicks: number }
  | { readonly kind: 'closed'; readonly timeMs: number };

/** A split by name: '30/40/30', 'thirds', '1/4-1/4-1/2', or custom percentages summing to 100 ("20/30/50"). */
export function splitByName(name: string): Split | undefined {
  if (name === '30/40/30' || name === 'thirds' || name === '1/4-1/4-1/2') return PRESET_SPLITS[name];
  const parts = name.split('/').map((p) => parseDecimal(p));
  if (parts.length < 1 || parts.some((p) => p === undefined)) return undefined;
  const r = customSplit(parts as ExactDecimal[]);
  return r.ok ? r.value : undefined;
}

/** The stop after `step` tranches (1-based): initial, then the first fill (breakeven), then one tick behind the previous fill. */
export function stopAfterStep(step: number, initialStopTicks: number, fills: readonly number[], side: Side): number {
  if (step <= 1) return initialStopTicks;
  if (step === 2) return fills[0]!;
  return fills[step - 2]! - sideSign(side);
}

interface Tranche {
  readonly entryId: string;
  readonly stopId: string;
  readonly plannedLots: number;
  filledLots: number;
  /** Lots-weighted fill price in ticks (exact sum kept apart). */
  valueTicks: number;
}

export class ScaleInManager {
  readonly decisions: ScaleDecision[] = [];
  private readonly math: ContractMath;
  private plan: ScalePlan | undefined;
  private side: Side = 'long';
  private initialStopTicks = 0;
  private tranches: Tranche[] = [];
  private stopTicks = 0;
  private previousRsi: number | undefined;
  private leftovers: string[] = [];

  constructor(
    private readonly ctx: StrategyContext,
    private readonly config: ScaleInConfig,
  ) {
    this.math = contractMathFor(ctx.instrument);
  }

  /** True from `start` until the position it built is closed (or the first tranche never filled). */
  get isActive(): boolean {
    return this.plan !== undefined;
  }

  /** The number (1-based) of the next tranche to add, undefined when inactive or when every tranche is sent. */
  get nextStep(): number | undefined {
    if (this.plan === undefined || this.tranches.length >= this.plan.steps.length) return undefined;
    return this.tranches.length + 1;
  }

  /** The stop in force, in ticks (undefined when inactive). */
  get currentStopTicks(): number | undefined {
    return this.plan === undefined ? undefined : this.stopTicks;
  }

  /** Fill prices in ticks of the tranches filled so far (the average of each tranche's partial fills). */
  get fillTicks(): number[] {
    return this.tranches.filter((t) => t.filledLots > 0).map((t) => t.valueTicks / t.filledLots);
  }

  /**
   * Plans the whole scale-in at the close (`closePrice`, quote) with the stop at `stopPrice` and sends the first
   * tranche as a market entry with its stop (a bracket, so the stop rests from the fill). Returns false, with a
   * note naming the planner's reason, when the plan is denied.
   */
  start(side: Side, closePrice: number, stopPrice: number, signals: AddSignals = {}): boolean {
    if (this.plan !== undefined) return false;
    const spec = this.ctx.instrument;
    const entryTicks = countFromFloat(closePrice, spec.tick, 'nearest');
    const stopTicks = countFromFloat(stopPrice, spec.tick, 'nearest');
    const equity = moneyFromFloat(this.ctx.account.equity, 'floor');
    const riskPct = parseDecimal(String(this.config.riskPct));
    if (entryTicks === undefined || stopTicks === undefined || riskPct === undefined) return this.deny(`entry ${closePrice} or stop ${stopPrice} is not a price`);
    const trigger = this.planningRule(entryTicks, stopTicks, side, signals);
    const input = { spec, equity, riskPct, size: { kind: 'risk' } as const, side, entryTicks, stop: { kind: 'price' as const, ticks: stopTicks }, split: this.config.split, trigger, leverage: this.config.leverage };
    let planned = planScaleIn(input);
    if (!planned.ok) return this.deny(describeDenial(planned.error, spec.tick, spec.settle).problem);
    // The utilisation cap: the full plan's margin within maxUtilisationPct of equity; margin is linear in lots.
    const capMoney = (equity * this.config.maxUtilisationPct) / 100;
    const fullMargin = planned.value.steps[planned.value.steps.length - 1]!.totalMargin;
    if (fullMargin > capMoney) {
      const lots = Math.floor((planned.value.totalLots * capMoney) / fullMargin);
      planned = planScaleIn({ ...input, size: { kind: 'total-lots', lots } });
      if (!planned.ok) return this.deny(`the ${this.config.maxUtilisationPct} % margin cap leaves ${lots} lots: ${describeDenial(planned.error, spec.tick, spec.settle).problem}`);
    }
    const plan = planned.value;
    const first = plan.steps[0]!;
    const ids = this.ctx.orders.bracket({
      entry: { action: side === 'long' ? 'buy' : 'sell', lots: first.lots, tag: this.config.tag },
      stopLoss: { price: { ticks: stopTicks } },
    });
    if (ids === undefined) return this.deny('the engine refused the first tranche');
    this.plan = plan;
    this.side = side;
    this.initialStopTicks = stopTicks;
    this.stopTicks = stopTicks;
    this.previousRsi = signals.rsi;
    this.tranches = [{ entryId: ids.entry, stopId: ids.stopLoss, plannedLots: first.lots, filledLots: 0, valueTicks: 0 }];
    const lots = plan.steps.map((s) => s.lots);
    this.record({ kind: 'planned', timeMs: this.ctx.time, side, totalLots: plan.totalLots, lots, budget: plan.budget }, `scale-in ${side}: plan ${lots.join('+')} lots (${plan.split.name}), stop ${stopPrice}, budget ${formatMoney(plan.budget)}`);
    return true;
  }

  /** Checks the next add's trigger at this bar's close (`closePrice`) and sends the add when it passes every gate. */
  onBar(closePrice: number, signals: AddSignals = {}): void {
    const rsiBefore = this.previousRsi;
    this.previousRsi = signals.rsi;
    this.cancelLeftovers();
    const plan = this.plan;
    if (plan === undefined) return;
    if (this.ctx.position().isFlat && this.tranches.every((t) => t.filledLots > 0)) {
      this.finish();
      return;
    }
    const step = this.tranches.length + 1;
    const pending = this.tranches.some((t) => t.filledLots < t.plannedLots);
    if (step > plan.steps.length || pending) return;
    const fills = this.fillTicks;
    const sign = sideSign(this.side);
    const closeTicks = countFromFloat(closePrice, this.ctx.instrument.tick, 'nearest')!;
    if (!this.triggered(signals, rsiBefore, closeTicks, fills[fills.length - 1]!)) return;
    const position = this.ctx.position();
    const averageTicks = position.entryPrice === undefined ? undefined : countFromFloat(position.entryPrice, this.ctx.instrument.tick, 'nearest');
    if (averageTicks === undefined || sign * (closeTicks - averageTicks) <= 0) {
      this.record({ kind: 'refused', timeMs: this.ctx.time, step, reason: 'not-in-profit' }, `scale-in add ${step} refused: close ${closePrice} is not beyond the average entry ${position.entryPrice} (no averaging down)`);
      return;
    }
    const newStop = stopAfterStep(step, this.initialStopTicks, fills, this.side);
    if (sign * (closeTicks - newStop) <= 0) {
      this.record({ kind: 'refused', timeMs: this.ctx.time, step, reason: 'stop-not-behind' }, `scale-in add ${step} refused: the ratcheted stop would not be behind the close ${closePrice}`);
      return;
    }
    const sized = this.lotsWithinBudget(plan.steps[step - 1]!.lots, closeTicks, newStop, plan.budget);
    if (sized === undefined) {
      this.record({ kind: 'refused', timeMs: this.ctx.time, step, reason: 'over-budget' }, `scale-in add ${step} refused: even one lot at ${closePrice} with the stop at the ratchet would exceed the budget ${formatMoney(plan.budget)}`);
      return;
    }
    const ids = this.ctx.orders.bracket({
      entry: { action: this.side === 'long' ? 'buy' : 'sell', lots: sized.lots, tag: this.config.tag },
      stopLoss: { price: { ticks: newStop } },
    });
    if (ids === undefined) return;
    this.tranches.push({ entryId: ids.entry, stopId: ids.stopLoss, plannedLots: sized.lots, filledLots: 0, valueTicks: 0 });
    this.record(
      { kind: 'add', timeMs: this.ctx.time, step, lots: sized.lots, stopTicks: newStop, worstCaseLoss: sized.worstCaseLoss, budget: plan.budget },
      `scale-in add ${step}: ${sized.lots} lots on ${this.config.trigger.kind} trigger at close ${closePrice}; worst case ${formatMoney(sized.worstCaseLoss)} of ${formatMoney(plan.budget)}`,
    );
  }

  /** Books a fill of a tranche; when a tranche completes, every older tranche's stop ratchets to the new level. */
  onFill(fill: FillView): void {
    const i = this.tranches.findIndex((t) => t.entryId === fill.clientId);
    if (i < 0) {
      if (fill.role === 'stop-loss' && this.tranches.some((t) => t.stopId === fill.clientId) && this.ctx.position().isFlat) this.finish();
      return;
    }
    const t = this.tranches[i]!;
    const priceTicks = countFromFloat(fill.price, this.ctx.instrument.tick, 'nearest')!;
    t.filledLots += fill.lots;
    t.valueTicks += fill.lots * priceTicks;
    if (t.filledLots < t.plannedLots) return;
    const step = i + 1;
    this.record({ kind: 'filled', timeMs: fill.timeMs, step, lots: t.filledLots, priceTicks }, `scale-in tranche ${step} filled: ${t.filledLots} lots at ${fill.price}`);
    const newStop = stopAfterStep(step, this.initialStopTicks, this.fillTicks, this.side);
    if (newStop === this.stopTicks) return;
    this.stopTicks = newStop;
    for (const older of this.tranches) this.ctx.orders.modify(older.stopId, { trigger: { ticks: newStop } });
    this.record({ kind: 'stop-moved', timeMs: fill.timeMs, afterStep: step, stopTicks: newStop }, `scale-in stop moved to ${newStop} ticks after tranche ${step} (${step === 2 ? 'breakeven at the first fill' : 'one tick behind the previous fill'})`);
  }

  /** A tranche's entry the venue refused, cancelled or expired unfilled is dropped; without a first fill the plan ends. */
  onOrder(update: OrderUpdateView): void {
    if (update.status !== 'rejected' && update.status !== 'cancelled' && update.status !== 'expired') return;
    const i = this.tranches.findIndex((t) => t.entryId === update.clientId);
    if (i < 0 || this.tranches[i]!.filledLots > 0) return;
    this.ctx.note(`scale-in tranche ${i + 1} ${update.status}${update.reason !== undefined ? `: ${update.reason}` : ''}`);
    if (this.ctx.orders.isWorking(this.tranches[i]!.stopId)) this.ctx.orders.cancel(this.tranches[i]!.stopId);
    this.tranches.splice(i, 1);
    if (this.tranches.length === 0) {
      this.plan = undefined;
      this.record({ kind: 'closed', timeMs: this.ctx.time }, 'scale-in ended: the first tranche never filled');
    }
  }

  /**
   * Forgets the position (after it closed, or when the strategy exits it itself). Orders still working are cancelled
   * on the next bar, not now: a sibling stop may be triggering in the venue within this same event.
   */
  finish(): void {
    if (this.plan === undefined) return;
    for (const t of this.tranches) this.leftovers.push(t.stopId, t.entryId);
    this.plan = undefined;
    this.tranches = [];
    this.record({ kind: 'closed', timeMs: this.ctx.time }, 'scale-in position closed');
  }

  private cancelLeftovers(): void {
    if (this.leftovers.length === 0) return;
    for (const id of this.leftovers) if (this.ctx.orders.isWorking(id)) this.ctx.orders.cancel(id);
    this.leftovers = [];
  }

  /**
   * The planner's trigger rule for sizing: pct and ATR as given; a level break or an RSI cross cannot be priced in
   * advance, so they are planned one initial stop distance (1 R) apart. Every add is checked again when it happens.
   */
  private planningRule(entryTicks: number, stopTicks: number, side: Side, signals: AddSignals): TriggerRule {
    const t = this.config.trigger;
    const oneR = Math.abs(entryTicks - stopTicks);
    const spaced = (): number[] => this.config.split.weights.slice(1).map((_, i) => entryTicks + sideSign(side) * oneR * (i + 1));
    switch (t.kind) {
      case 'pct':
        return { kind: 'pct', pct: parseDecimal(String(t.pct))! };
      case 'atr': {
        const atrTicks = signals.atr === undefined ? undefined : countFromFloat(signals.atr, this.ctx.instrument.tick, 'ceil');
        return atrTicks === undefined || atrTicks < 1 ? { kind: 'prices', ticks: spaced() } : { kind: 'atr', k: parseDecimal(String(t.k))!, atrTicks };
      }
      case 'level':
      case 'rsi':
      case 'signal':
        return { kind: 'prices', ticks: spaced() };
    }
  }

  private triggered(s: AddSignals, rsiBefore: number | undefined, closeTicks: number, lastFillTicks: number): boolean {
    const t = this.config.trigger;
    const sign = sideSign(this.side);
    const spec = this.ctx.instrument;
    switch (t.kind) {
      case 'pct':
        return sign * (closeTicks - lastFillTicks) >= (lastFillTicks * t.pct) / 100;
      case 'atr':
        return s.atr !== undefined && sign * (closeTicks - lastFillTicks) >= (t.k * s.atr) / spec.tick.stepFloat;
      case 'level': {
        const level = s.level === undefined ? undefined : countFromFloat(s.level, spec.tick, 'nearest');
        return level !== undefined && sign * (closeTicks - level) > 0;
      }
      case 'rsi':
        return s.rsi !== undefined && rsiBefore !== undefined && sign * (rsiBefore - t.threshold) <= 0 && sign * (s.rsi - t.threshold) > 0;
      case 'signal':
        return s.signal === true;
    }
  }

  /**
   * The largest add (at most `plannedLots`) whose fill at `closeTicks` keeps the whole position's loss at `stopTicks`
   * within the budget, and that loss; undefined when not even one lot fits. Exact: GridPosition on the tick grid.
   */
  private lotsWithinBudget(plannedLots: number, closeTicks: number, stopTicks: number, budget: Money): { lots: number; worstCaseLoss: Money } | undefined {
    const lossWith = (lots: number): Money => {
      const p = new GridPosition(this.math);
      for (const t of this.tranches) p.applyFill(signed(this.side, t.filledLots), Math.round(t.valueTicks / t.filledLots));
      if (lots > 0) p.applyFill(signed(this.side, lots), closeTicks);
      return asMoney(-p.unrealisedPnl(stopTicks));
    };
    const margin = (lots: number): number => moneyToFloat(initialMargin(this.ctx.instrument, this.math, lots, closeTicks, this.config.leverage));
    // Linear contracts: the loss grows by the same amount per lot, so the answer is one division, then a check.
    const held = lossWith(0);
    const perLot = lossWith(1) - held;
    let lots = perLot <= 0 ? plannedLots : Math.min(plannedLots, Math.floor((budget - held) / perLot));
    while (lots >= 1 && (lossWith(lots) > budget || margin(lots) > this.ctx.account.equity)) lots -= 1;
    return lots >= 1 ? { lots, worstCaseLoss: lossWith(lots) } : undefined;
  }

  private deny(reason: string): false {
    this.record({ kind: 'denied', timeMs: this.ctx.time, reason }, `scale-in not started: ${reason}`);
    return false;
  }

  private record(d: ScaleDecision, note: string): void {
    this.decisions.push(d);
    this.ctx.note(note);
  }
}
