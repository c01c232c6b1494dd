// The scale-out ladder: partial take-profits at levels beyond the average entry, resting as reduce-only limit orders
// and re-laid whenever the position changes size. Must never place a take-profit that could open or grow a position.
import { countFromFloat } from '../../core/grid.js';
import { sideSign, type Side } from '../../domain/side.js';
import type { StrategyContext } from '../../engine/strategy.js';
import { allocate } from '../../risk/scale-plan.js';

/** One rung: `pct` beyond the average entry (0.5 = 0.5 %), taking `weight` parts of the position (weights are relative). */
export interface LadderLevel {
  readonly pct: number;
  readonly weight: number;
}

/** A rung as laid: the limit price in ticks and the lots it takes off. */
export interface Rung {
  readonly priceTicks: number;
  readonly lots: number;
}

/**
 * The rungs for a position of `totalLots` on `side` with average entry `averageTicks`: rung i's price is pct_i %
 * beyond the average, rounded away from it (the target is never nearer than asked), and its lots are the position
 * split by the weights with allocate() (floors, the last rung takes the rest), so the rungs sum exactly to the
 * position. Rungs of zero lots are dropped.
 */
export function ladderRungs(side: Side, averageTicks: number, totalLots: number, levels: readonly LadderLevel[]): Rung[] {
  if (levels.length === 0 || totalLots < 1) return [];
  const sign = sideSign(side);
  const lots = allocate(totalLots, levels.map((l) => l.weight));
  const out: Rung[] = [];
  for (let i = 0; i < levels.length; i++) {
    const move = (averageTicks * levels[i]!.pct) / 100;
    const priceTicks = sign === 1 ? Math.ceil(averageTicks + move) : Math.floor(averageTicks - move);
    if (lots[i]! > 0) out.push({ priceTicks, lots: lots[i]! });
  }
  return out;
}

/** Parses "0.5:1,1:1,2:2" (pct:weight pairs) into levels; undefined when malformed or not increasing. */
export function parseLadder(text: string): LadderLevel[] | undefined {
  if (text.trim() === '') return [];
  const levels = text.split(',').map((part) => {
    const [pct, weight] = part.split(':').map(Number);
    return { pct: pct ?? Number.NaN, weight: weight ?? 1 };
  });
  const ok = levels.every((l, i) => l.pct > 0 && Number.isInteger(l.weight) && l.weight > 0 && (i === 0 || l.pct > levels[i - 1]!.pct));
  return ok ? levels : undefined;
}

/** Keeps the ladder's reduce-only limits resting for the strategy's position in the primary instrument. */
export class ScaleOutLadder {
  private ids: string[] = [];
  private laidForLots = 0;

  constructor(
    private readonly ctx: StrategyContext,
    private readonly levels: readonly LadderLevel[],
    private readonly tag: string,
  ) {}

  /** The working rung orders' client ids. */
  get working(): string[] {
    return this.ids.filter((id) => this.ctx.orders.isWorking(id));
  }

  /**
   * Lays (or re-lays) the rungs for the current position. Call after each entry or add fills; a position reduced by
   * a rung's own fill keeps the other rungs as they are. Flat: cancels what is left.
   */
  sync(): void {
    const position = this.ctx.position();
    if (position.isFlat || position.entryPrice === undefined) {
      this.cancel();
      return;
    }
    const lots = Math.abs(position.signedLots);
    const average = countFromFloat(position.entryPrice, this.ctx.instrument.tick, 'nearest')!;
    // Only a grown position (an add) is re-laid: rungs that filled already took their share of the old one.
    if (lots <= this.laidForLots) return;
    this.cancel();
    const side: Side = position.signedLots > 0 ? 'long' : 'short';
    for (const rung of ladderRungs(side, average, lots, this.levels)) {
      const id = this.ctx.orders.limit({ action: side === 'long' ? 'sell' : 'buy', lots: rung.lots, price: { ticks: rung.priceTicks }, reduceOnly: true, tag: this.tag });
      if (id !== undefined) this.ids.push(id);
    }
    this.laidForLots = lots;
  }

  cancel(): void {
    for (const id of this.ids) if (this.ctx.orders.isWorking(id)) this.ctx.orders.cancel(id);
    this.ids = [];
    this.laidForLots = 0;
  }
}
