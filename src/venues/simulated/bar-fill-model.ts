// The simulated venue's bar fill model: given one OHLC bar in ticks and the orders of one instrument, decides which
// orders arrive, trigger and fill, at which price and in which order. Pure and allocation-free per bar; must never
// touch balances, fees or positions beyond the reduce-only view in the book (accounting is the venue's).
import { z } from 'zod';
import { InvariantError } from '../../core/errors.js';
import { walkProximityPath } from './intrabar-path.js';
import { awaitingTrigger, limitWorking, OrderActions, triggerDirection } from './order-actions.js';
import {
  BORN_BEFORE,
  isTerminalStatus,
  isWorkingStatus,
  STATUS_CANCELLED,
  STATUS_PENDING,
  TYPE_TRAILING_STOP,
  type SimOrderBook,
} from './sim-order-book.js';
import { EVENT_CANCELLED, LIQUIDITY_MAKER, REASON_CANCELLED_BY_USER, type SimEvents } from './sim-events.js';
import { stopFirstRestOfBar } from './stop-first.js';
import { trailFavourableMove, trailReached } from './trailing-stop.js';

/** The bar model's settings: the single source of their types, defaults and help text (docs/fill-models.md). */
export const barFillConfigSchema = z.object({
  intrabar: z
    .enum(['stop-first', 'proximity'])
    .default('stop-first')
    .describe('order of prices inside a bar: stop-first (conservative: stops before limits) or proximity (open, nearer extreme, farther extreme, close)'),
  limitFill: z
    .enum(['trade-through', 'touch'])
    .default('trade-through')
    .describe('when a resting limit fills: trade-through (price strictly beyond the limit) or touch (price at the limit)'),
});
export type BarFillConfig = z.infer<typeof barFillConfigSchema>;

/** Bars as columns of equal length: open time (epoch ms) and OHLC in integer ticks of the instrument. */
export interface TickBarColumns {
  readonly openTimeMs: Float64Array;
  readonly openTicks: Float64Array;
  readonly highTicks: Float64Array;
  readonly lowTicks: Float64Array;
  readonly closeTicks: Float64Array;
  /**
   * The mark-price kline that opened with each bar (same rows), when the run has a mark series of the bars'
   * interval: the venue then checks liquidation against the mark's range instead of the traded range. Absent: no
   * mark series (the traded prices stand in); a row of 0 ticks: no mark kline for that bar (the proxy for it).
   */
  readonly mark?: MarkBarColumns;
}

/** Mark-price klines in ticks, row for row with the bars they belong to (0 = no mark kline for that bar). */
export interface MarkBarColumns {
  readonly openTicks: Float64Array;
  readonly highTicks: Float64Array;
  readonly lowTicks: Float64Array;
  readonly closeTicks: Float64Array;
}

/**
 * Processes bars for one instrument's book. One instance per run; it keeps no state between bars other than the
 * book's, so the same inputs always give the same events.
 */
export class BarFillModel {
  readonly config: BarFillConfig;
  private readonly proximity: boolean;
  private readonly touch: boolean;
  private readonly actions = new OrderActions();

  constructor(config: Partial<BarFillConfig> = {}) {
    this.config = barFillConfigSchema.parse(config);
    this.proximity = this.config.intrabar === 'proximity';
    this.touch = this.config.limitFill === 'touch';
  }

  /**
   * Runs one bar (prices in integer ticks, `openTimeMs` its open time) against `book`, appending events to `out`
   * (the caller clears it) stamped `openTimeMs`.
   * 1. The open. Orders working before the bar meet the open first: a stop or take-profit already beyond its
   *    trigger fills at the open (a gap), a trailing stop beyond its trail likewise; a resting limit the open has
   *    passed (strictly; `touch`: reached) fills at its own price as maker. Then pending orders whose arrival time
   *    is at or before the open arrive at the open price (a market order decided at the previous close fills
   *    here); an order arriving later inside the bar waits for the next bar, since a bar cannot say what traded
   *    after a given moment. Bracket/OTO children start working at their parent's fill price at once.
   * 2. The rest of the bar by the configured intrabar rule (stop-first.ts or intrabar-path.ts).
   * Throws InvariantError on an impossible bar (low above open/close or high below them): corrupt data stops the run.
   */
  processBar(book: SimOrderBook, openTimeMs: number, openTicks: number, highTicks: number, lowTicks: number, closeTicks: number, out: SimEvents): void {
    out.nowMs = openTimeMs;
    this.run(book, openTicks, highTicks, lowTicks, closeTicks, out);
  }

  /**
   * `processBar` for bar `i` of columnar bars. The hot-loop form: a timestamp passed as an argument would be boxed
   * on every call, read from a typed array it is not, so a backtest loop allocates nothing per bar.
   */
  processBarAt(book: SimOrderBook, bars: TickBarColumns, i: number, out: SimEvents): void {
    out.nowMs = bars.openTimeMs[i]!;
    this.run(book, bars.openTicks[i]!, bars.highTicks[i]!, bars.lowTicks[i]!, bars.closeTicks[i]!, out);
  }

  /**
   * Cancels a non-terminal order at the trader's request (children still waiting for it go too), reporting the
   * cancel in `out` at `timeMs`. Returns false, changing nothing, when the order is already terminal.
   */
  cancel(book: SimOrderBook, slot: number, timeMs: number, out: SimEvents): boolean {
    if (isTerminalStatus(book.status[slot]!)) return false;
    const a = this.actions;
    a.book = book;
    a.out = out;
    out.nowMs = timeMs;
    a.end(slot, STATUS_CANCELLED, EVENT_CANCELLED, REASON_CANCELLED_BY_USER);
    return true;
  }

  private run(book: SimOrderBook, openTicks: number, highTicks: number, lowTicks: number, closeTicks: number, out: SimEvents): void {
    if (!(lowTicks <= openTicks && lowTicks <= closeTicks && highTicks >= openTicks && highTicks >= closeTicks)) {
      throw new InvariantError('a bar with low <= open, close <= high', `open ${openTicks} high ${highTicks} low ${lowTicks} close ${closeTicks} at ${out.nowMs}`);
    }
    if (book.liveCount === 0) return;
    const a = this.actions;
    a.book = book;
    a.out = out;
    const eventsBefore = out.count;
    // The open lies inside [low, high], so an order the range cannot reach has nothing to do at the open either.
    let reach = false;
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      if (book.born[s] === BORN_BEFORE && rangeMayReach(book, s, highTicks, lowTicks)) {
        reach = true;
        this.atOpen(s, openTicks);
      }
    }
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      if (book.status[s] === STATUS_PENDING && book.arrivalMs[s]! <= out.nowMs) a.arrive(s, openTicks, BORN_BEFORE);
    }
    if (out.count !== eventsBefore) {
      reach = false;
      for (let i = 0; i < book.liveCount && !reach; i++) reach = rangeMayReach(book, book.live[i]!, highTicks, lowTicks);
    }
    if (reach) {
      if (this.proximity) walkProximityPath(a, openTicks, highTicks, lowTicks, closeTicks, this.touch);
      else stopFirstRestOfBar(a, highTicks, lowTicks, closeTicks, this.touch);
    }
    // Orders start working inside a bar, and turn terminal, only together with an event.
    if (out.count !== eventsBefore) {
      for (let i = 0; i < book.liveCount; i++) book.born[book.live[i]!] = BORN_BEFORE;
      book.compactLive();
    }
  }

  private atOpen(s: number, openTicks: number): void {
    const a = this.actions;
    const b = a.book;
    const t = b.type[s]!;
    const st = b.status[s]!;
    if (limitWorking(t, st)) {
      const limit = b.limitTicks[s]!;
      const passed = b.action[s]! > 0 ? (this.touch ? openTicks <= limit : openTicks < limit) : this.touch ? openTicks >= limit : openTicks > limit;
      // Its bracket children meet the market at the open, where price is now, not at the gapped limit.
      if (passed) a.fill(s, limit, LIQUIDITY_MAKER, BORN_BEFORE, openTicks);
    } else if (awaitingTrigger(t, st)) {
      const trigger = b.triggerTicks[s]!;
      if (triggerDirection(t, b.action[s]!) > 0 ? openTicks >= trigger : openTicks <= trigger) a.trigger(s, openTicks, BORN_BEFORE);
    } else if (t === TYPE_TRAILING_STOP) {
      if (trailReached(b, s, openTicks)) a.trigger(s, openTicks, BORN_BEFORE);
      else trailFavourableMove(b, s, openTicks);
    }
  }
}

/**
 * A quick test that lets the usual quiet bar skip the intrabar rule: false when the order is not working or its
 * price is not inside [low, high] on the side that could fire it. A trailing stop always needs the walk (its best
 * price moves).
 */
function rangeMayReach(book: SimOrderBook, s: number, highTicks: number, lowTicks: number): boolean {
  const st = book.status[s]!;
  if (!isWorkingStatus(st)) return false;
  const t = book.type[s]!;
  if (t === TYPE_TRAILING_STOP) return true;
  if (limitWorking(t, st)) {
    const limit = book.limitTicks[s]!;
    return book.action[s]! > 0 ? lowTicks <= limit : highTicks >= limit;
  }
  if (awaitingTrigger(t, st)) {
    const trigger = book.triggerTicks[s]!;
    return triggerDirection(t, book.action[s]!) > 0 ? highTicks >= trigger : lowTicks <= trigger;
  }
  return false;
}
