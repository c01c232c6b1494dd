// The conservative intrabar rule `stop-first`: after the open, stops are assumed to be hit whenever the bar's range
// reaches them, before any limit or take-profit, and an order that starts working inside the bar gets only the
// part of the bar that certainly came after it. Must never invent a path that favours the trader.
import { awaitingTrigger, limitWorking, type OrderActions, triggerDirection } from './order-actions.js';
import {
  BORN_BEFORE,
  BORN_DOWN,
  BORN_INSIDE,
  BORN_UP,
  isWorkingStatus,
  STATUS_TRIGGERED,
  TYPE_STOP_LIMIT,
  TYPE_STOP_MARKET,
  TYPE_TRAILING_STOP,
  type SimOrderBook,
} from './sim-order-book.js';
import { LIQUIDITY_MAKER } from './sim-events.js';
import { trailFavourableMove, trailReached } from './trailing-stop.js';

/**
 * Processes the rest of a bar after its open (the open itself is handled by the caller). In rounds until nothing
 * changes, so children started inside the bar get their turn:
 * 1. Adverse orders (stop-market, untriggered stop-limit, trailing stop): a stop triggers when the range touches
 *    it (buy: high >= trigger, sell: low <= trigger) and fills at its trigger price. A trailing stop walks its own
 *    worst path, start -> adverse extreme -> favourable extreme -> close.
 * 2. Favourable orders (limits, take-profits): they fill if the part of the bar certain to come after the order
 *    started working reaches them. For an order working since the open that is the whole range [low, high]. After
 *    a first upward crossing of P (a resting buy stop, sell limit or sell take-profit filling) it is
 *    [min(P, close), high]; after a first downward crossing [low, max(P, close)]; after any other start inside the
 *    bar only [min(P, close), max(P, close)]. A limit needs price strictly beyond it (`touch`: at it) and fills at
 *    its own price as maker; a take-profit needs its trigger touched and fills at the trigger as taker.
 * Because adverse orders go first, when one bar reaches both exits of a bracket the stop wins.
 */
export function stopFirstRestOfBar(
  a: OrderActions,
  highTicks: number,
  lowTicks: number,
  closeTicks: number,
  touch: boolean,
): void {
  const b = a.book;
  const barMs = a.out.nowMs;
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < b.liveCount; i++) {
      const s = b.live[i]!;
      const st = b.status[s]!;
      if (!isWorkingStatus(st)) continue;
      const t = b.type[s]!;
      if (t === TYPE_STOP_MARKET || (t === TYPE_STOP_LIMIT && st !== STATUS_TRIGGERED)) {
        const trigger = b.triggerTicks[s]!;
        const up = b.action[s]! > 0;
        if (up ? highTicks >= trigger : lowTicks <= trigger) {
          a.trigger(s, trigger, crossingBorn(b, s, up));
          changed = true;
        }
      } else if (t === TYPE_TRAILING_STOP && b.walkedBarMs[s] !== barMs) {
        b.walkedBarMs[s] = barMs;
        if (walkTrailing(a, s, highTicks, lowTicks, closeTicks)) changed = true;
      }
    }
    for (let i = 0; i < b.liveCount; i++) {
      const s = b.live[i]!;
      const st = b.status[s]!;
      if (!isWorkingStatus(st)) continue;
      const t = b.type[s]!;
      const born = b.born[s]!;
      const p = b.bornTicks[s]!;
      const lo = born === BORN_BEFORE || born === BORN_DOWN ? lowTicks : Math.min(p, closeTicks);
      const hi = born === BORN_BEFORE || born === BORN_UP ? highTicks : Math.max(p, closeTicks);
      if (limitWorking(t, st)) {
        const limit = b.limitTicks[s]!;
        const buy = b.action[s]! > 0;
        const reached = buy ? (touch ? lo <= limit : lo < limit) : touch ? hi >= limit : hi > limit;
        if (reached) {
          a.fill(s, limit, LIQUIDITY_MAKER, crossingBorn(b, s, !buy));
          changed = true;
        }
      } else if (awaitingTrigger(t, st) && t !== TYPE_STOP_MARKET && t !== TYPE_STOP_LIMIT) {
        const trigger = b.triggerTicks[s]!;
        const up = triggerDirection(t, b.action[s]!) > 0;
        if (up ? hi >= trigger : lo <= trigger) {
          a.trigger(s, trigger, crossingBorn(b, s, up));
          changed = true;
        }
      }
    }
  }
}

/**
 * How an event at an order's own price started its children: for an order working since the open it is the first
 * crossing of that price in the event's direction (the extreme beyond it certainly comes later); otherwise not.
 */
function crossingBorn(b: SimOrderBook, s: number, up: boolean): number {
  if (b.born[s] !== BORN_BEFORE) return BORN_INSIDE;
  return up ? BORN_UP : BORN_DOWN;
}

/**
 * Walks a trailing stop along its worst path from where it started working: to its adverse extreme (sell: low),
 * then its favourable extreme (raising the best price), then the close. Returns true when it triggered (filled at
 * its trail price).
 */
function walkTrailing(a: OrderActions, s: number, highTicks: number, lowTicks: number, closeTicks: number): boolean {
  const b = a.book;
  const sell = b.action[s]! < 0;
  const adverse = sell ? lowTicks : highTicks;
  const favourable = sell ? highTicks : lowTicks;
  if (trailReached(b, s, adverse)) {
    a.trigger(s, b.triggerTicks[s]!, b.born[s] === BORN_BEFORE ? (sell ? BORN_DOWN : BORN_UP) : BORN_INSIDE);
    return true;
  }
  trailFavourableMove(b, s, favourable);
  if (trailReached(b, s, closeTicks)) {
    a.trigger(s, b.triggerTicks[s]!, BORN_INSIDE);
    return true;
  }
  return false;
}
