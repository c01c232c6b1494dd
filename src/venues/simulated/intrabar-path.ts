// The intrabar rule `proximity`: the bar is walked as one price path, open -> nearer extreme -> farther extreme ->
// close, and every order fills where that path first reaches it, in path order. Must never look at a price the
// path has not reached yet.
import { awaitingTrigger, limitWorking, type OrderActions, triggerDirection } from './order-actions.js';
import { BORN_INSIDE, isWorkingStatus, TYPE_STOP_LIMIT, TYPE_STOP_MARKET, TYPE_TRAILING_STOP } from './sim-order-book.js';
import { LIQUIDITY_MAKER } from './sim-events.js';
import { trailFavourableMove } from './trailing-stop.js';

/**
 * Whether the path visits the high before the low: the extreme nearer the open comes first, as NautilusTrader's
 * `bar_adaptive_high_low_ordering` does (https://nautilustrader.io/docs/latest/concepts/backtesting/bar-execution/);
 * on equal distances the high comes first, which is Nautilus's fixed order O -> H -> L -> C.
 */
export function highFirst(openTicks: number, highTicks: number, lowTicks: number): boolean {
  return highTicks - openTicks <= openTicks - lowTicks;
}

/** Walks the rest of the bar after its open (the open itself is handled by the caller). */
export function walkProximityPath(a: OrderActions, openTicks: number, highTicks: number, lowTicks: number, closeTicks: number, touch: boolean): void {
  const hf = highFirst(openTicks, highTicks, lowTicks);
  const first = hf ? highTicks : lowTicks;
  const second = hf ? lowTicks : highTicks;
  walkSegment(a, openTicks, first, touch);
  walkSegment(a, first, second, touch);
  walkSegment(a, second, closeTicks, touch);
}

/**
 * One monotone move from `fromTicks` to `toTicks`. Repeatedly finds the working order whose event comes first on
 * the rest of the move and applies it there: a trigger (stop, take-profit, trailing trail) at its trigger price,
 * a limit at its own price when the move goes strictly beyond it (`touch`: reaches it). On equal prices stops and
 * trailing stops go before limits and take-profits, then earlier submissions first. Orders started by a fill
 * continue along the same move. At the end, trailing stops moved in their favour update their best price.
 */
function walkSegment(a: OrderActions, fromTicks: number, toTicks: number, touch: boolean): void {
  if (fromTicks === toTicks) return;
  const b = a.book;
  const up = toTicks > fromTicks;
  let cur = fromTicks;
  for (;;) {
    let found = false;
    let eventSlot = 0;
    let eventTicks = 0;
    let eventDistance = 0;
    let eventAdverse = false;
    for (let i = 0; i < b.liveCount; i++) {
      const s = b.live[i]!;
      const st = b.status[s]!;
      if (!isWorkingStatus(st)) continue;
      const t = b.type[s]!;
      let p: number;
      let adverse: boolean;
      if (limitWorking(t, st)) {
        // A buy limit fills on the way down, a sell limit on the way up.
        if ((b.action[s]! < 0) !== up) continue;
        p = b.limitTicks[s]!;
        const beyondEnd = up ? (touch ? p <= toTicks : p < toTicks) : touch ? p >= toTicks : p > toTicks;
        if (!beyondEnd || (up ? p < cur : p > cur)) continue;
        adverse = false;
      } else if (awaitingTrigger(t, st) || (t === TYPE_TRAILING_STOP && b.trailActive[s] === 1)) {
        const d = t === TYPE_TRAILING_STOP ? b.action[s]! : triggerDirection(t, b.action[s]!);
        if (d > 0 !== up) continue;
        p = b.triggerTicks[s]!;
        if (up ? p < cur || p > toTicks : p > cur || p < toTicks) continue;
        adverse = t === TYPE_STOP_MARKET || t === TYPE_STOP_LIMIT || t === TYPE_TRAILING_STOP;
      } else {
        continue;
      }
      const distance = up ? p - cur : cur - p;
      if (!found || distance < eventDistance || (distance === eventDistance && adverse && !eventAdverse)) {
        found = true;
        eventSlot = s;
        eventTicks = p;
        eventDistance = distance;
        eventAdverse = adverse;
      }
    }
    if (!found) break;
    if (limitWorking(b.type[eventSlot]!, b.status[eventSlot]!)) a.fill(eventSlot, eventTicks, LIQUIDITY_MAKER, BORN_INSIDE);
    else a.trigger(eventSlot, eventTicks, BORN_INSIDE);
    cur = eventTicks;
  }
  for (let i = 0; i < b.liveCount; i++) {
    const s = b.live[i]!;
    if (b.type[s] === TYPE_TRAILING_STOP && isWorkingStatus(b.status[s]!) && (b.action[s]! < 0) === up) trailFavourableMove(b, s, toTicks);
  }
}
