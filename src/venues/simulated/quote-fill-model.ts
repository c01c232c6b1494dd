// The quote model: fills against the real best bid / ask (bookTicker). Market orders cross the spread (buy at the
// ask, sell at the bid); resting limits fill at their own price when the opposite quote reaches them; conditional
// orders watch the price they would trade at. Allocation-free per quote; must never look at a later quote.
import { awaitingTrigger, limitWorking, OrderActions, triggerDirection } from './order-actions.js';
import { BORN_INSIDE, isWorkingStatus, STATUS_PENDING, TYPE_TRAILING_STOP, type SimOrderBook } from './sim-order-book.js';
import { LIQUIDITY_MAKER, type SimEvents } from './sim-events.js';
import { trailFavourableMove, trailReached } from './trailing-stop.js';

/** Best bid / ask updates as columns in the instrument's units: time (epoch ms), prices in ticks, sizes in lots. */
export interface TickQuoteColumns {
  readonly timeMs: Float64Array;
  readonly bidTicks: Float64Array;
  readonly askTicks: Float64Array;
  readonly bidLots: Float64Array;
  readonly askLots: Float64Array;
}

export class QuoteFillModel {
  private readonly actions = new OrderActions();
  private fresh = new Uint8Array(16);

  /**
   * One quote at `timeMs`, events stamped with that time. The price an order meets is the one it would trade at:
   * the ask for a buy, the bid for a sell.
   * 1. Arrivals: a market order fills whole there as taker (the quoted size is not a limit: documented); a limit
   *    marketable there takes (post-only is refused) or rests; conditional orders rest or trigger at once.
   * 2. Working orders: a buy limit fills at its price as maker when the ask comes down to it (a sell when the bid
   *    rises to it); a stop or take-profit triggers when its price reaches the trigger and fills there; a trailing
   *    stop follows that price.
   */
  processQuote(book: SimOrderBook, timeMs: number, bidTicks: number, askTicks: number, out: SimEvents): void {
    out.nowMs = timeMs;
    if (book.liveCount === 0) return;
    if (this.fresh.length < book.capacity) {
      const f = new Uint8Array(book.capacity);
      f.set(this.fresh);
      this.fresh = f;
    }
    const a = this.actions;
    a.book = book;
    a.out = out;
    const before = out.count;
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      if (book.status[s] !== STATUS_PENDING || book.arrivalMs[s]! > timeMs) continue;
      this.fresh[s] = 1;
      a.arrive(s, book.action[s]! > 0 ? askTicks : bidTicks, BORN_INSIDE);
    }
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      const st = book.status[s]!;
      if (this.fresh[s] === 1 || !isWorkingStatus(st)) continue;
      const t = book.type[s]!;
      const buy = book.action[s]! > 0;
      const price = buy ? askTicks : bidTicks;
      if (limitWorking(t, st)) {
        const limit = book.limitTicks[s]!;
        if (buy ? askTicks <= limit : bidTicks >= limit) a.fill(s, limit, LIQUIDITY_MAKER, BORN_INSIDE);
      } else if (awaitingTrigger(t, st)) {
        const trigger = book.triggerTicks[s]!;
        if (triggerDirection(t, book.action[s]!) > 0 ? price >= trigger : price <= trigger) {
          a.trigger(s, price, BORN_INSIDE);
        }
      } else if (t === TYPE_TRAILING_STOP) {
        if (trailReached(book, s, price)) a.trigger(s, price, BORN_INSIDE);
        else trailFavourableMove(book, s, price);
      }
    }
    for (let i = 0; i < book.liveCount; i++) this.fresh[book.live[i]!] = 0;
    if (out.count !== before) book.compactLive();
  }
}
