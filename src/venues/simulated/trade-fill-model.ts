// The trade model: fills against the real trade tape, one trade at a time. Market orders take the next trade's
// price plus slippage; resting limits fill only when the tape trades through their price (optionally also at it,
// behind the volume queued ahead), partially, up to the traded quantity. Allocation-free per trade; must never
// look at a trade before its time or touch balances (the venue books fills).
import { awaitingTrigger, limitWorking, OrderActions, triggerDirection } from './order-actions.js';
import {
  BORN_INSIDE,
  isTerminalStatus,
  isWorkingStatus,
  STATUS_CANCELLED,
  STATUS_HELD,
  STATUS_OPEN,
  STATUS_PARTIAL,
  STATUS_PENDING,
  TYPE_MARKET,
  TYPE_STOP_LIMIT,
  TYPE_TAKE_PROFIT_LIMIT,
  TYPE_TRAILING_STOP,
  type SimOrderBook,
} from './sim-order-book.js';
import { EVENT_CANCELLED, EVENT_MODIFIED, LIQUIDITY_MAKER, REASON_OCO_SIBLING, type SimEvents } from './sim-events.js';
import { trailFavourableMove, trailReached } from './trailing-stop.js';

/** Trades as columns in the instrument's units: time (epoch ms), price in ticks, quantity in lots (may be fractional). */
export interface TickTradeColumns {
  readonly timeMs: Float64Array;
  readonly priceTicks: Float64Array;
  readonly qtyLots: Float64Array;
}

export class TradeFillModel {
  private readonly actions = new OrderActions();
  /** Per slot: volume (lots) still queued ahead of a resting limit at its price; 1 in `fresh` for orders started by this trade. */
  private ahead = new Float64Array(16);
  private fresh = new Uint8Array(16);
  private bidTicks = 0;
  private bidLots = 0;
  private askTicks = 0;
  private askLots = 0;

  constructor(
    readonly queue: 'none' | 'volume-ahead',
    readonly slippageTicks: number,
  ) {}

  /** The latest best bid / ask and their sizes: the queue ahead of a limit that joins one of those prices. */
  quote(bidTicks: number, bidLots: number, askTicks: number, askLots: number): void {
    this.bidTicks = bidTicks;
    this.bidLots = bidLots;
    this.askTicks = askTicks;
    this.askLots = askLots;
  }

  /**
   * One trade at `priceTicks` of `qtyLots` at `timeMs`, events stamped with that time:
   * 1. Orders that have arrived by now meet this trade: a market order fills whole at the price plus slippage
   *    against it (buy +, sell -); a limit takes at the trade price if marketable (post-only is refused), else rests
   *    (joining the queue quoted at its price, volume-ahead only); conditional orders rest or trigger at once.
   * 2. Working orders: a stop or take-profit triggers when the trade reaches it (market variants fill at the trade
   *    price plus slippage, limit variants place their limit there); a trailing stop follows the trade; a resting
   *    limit fills at its own price as maker, up to the trade's quantity (whole lots; the trade's volume is shared in
   *    submission order), when the trade is strictly beyond it, or at it once the queue ahead has traded.
   */
  processTrade(book: SimOrderBook, timeMs: number, priceTicks: number, qtyLots: number, out: SimEvents): void {
    out.nowMs = timeMs;
    if (book.liveCount === 0) return;
    if (this.ahead.length < book.capacity) this.grow(book.capacity);
    const a = this.actions;
    a.book = book;
    a.out = out;
    const before = out.count;
    const slip = this.slippageTicks;
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      if (book.status[s] !== STATUS_PENDING || book.arrivalMs[s]! > timeMs) continue;
      this.fresh[s] = 1;
      a.arrive(s, book.type[s] === TYPE_MARKET ? priceTicks + book.action[s]! * slip : priceTicks, BORN_INSIDE);
      this.joinQueue(book, s);
    }
    let volume = qtyLots;
    for (let i = 0; i < book.liveCount; i++) {
      const s = book.live[i]!;
      const st = book.status[s]!;
      if (this.fresh[s] === 1 || !isWorkingStatus(st)) continue;
      const t = book.type[s]!;
      const action = book.action[s]!;
      if (limitWorking(t, st)) {
        const limit = book.limitTicks[s]!;
        let fillable = 0;
        if (action > 0 ? priceTicks < limit : priceTicks > limit) fillable = volume;
        else if (priceTicks === limit && this.queue === 'volume-ahead') {
          const used = Math.min(this.ahead[s]!, volume);
          this.ahead[s] = this.ahead[s]! - used;
          fillable = volume - used;
        }
        const lots = Math.min(Math.floor(fillable), book.qtyLots[s]! - book.filledLots[s]!);
        if (lots > 0) {
          volume -= lots;
          this.fillPart(s, limit, lots);
        }
      } else if (awaitingTrigger(t, st)) {
        const trigger = book.triggerTicks[s]!;
        if (triggerDirection(t, action) > 0 ? priceTicks >= trigger : priceTicks <= trigger) {
          const limitVariant = t === TYPE_STOP_LIMIT || t === TYPE_TAKE_PROFIT_LIMIT;
          a.trigger(s, limitVariant ? priceTicks : priceTicks + action * slip, BORN_INSIDE);
          this.joinQueue(book, s);
        }
      } else if (t === TYPE_TRAILING_STOP) {
        if (trailReached(book, s, priceTicks)) a.trigger(s, priceTicks + action * slip, BORN_INSIDE);
        else trailFavourableMove(book, s, priceTicks);
      }
    }
    for (let i = 0; i < book.liveCount; i++) this.fresh[book.live[i]!] = 0;
    if (out.count !== before) book.compactLive();
  }

  /** A limit that just started resting joins the back of the queue quoted at its price (volume-ahead only). */
  private joinQueue(book: SimOrderBook, s: number): void {
    this.ahead[s] = 0;
    if (this.queue !== 'volume-ahead' || !limitWorking(book.type[s]!, book.status[s]!)) return;
    const limit = book.limitTicks[s]!;
    if (book.action[s]! > 0 && limit === this.bidTicks) this.ahead[s] = this.bidLots;
    else if (book.action[s]! < 0 && limit === this.askTicks) this.ahead[s] = this.askLots;
  }

  /**
   * Fills `lots` of a resting limit at its price as maker. The whole remainder goes through OrderActions.fill (which
   * also clips reduce-only orders); a part does what that does for a partial fill: position view, OCO siblings
   * cancelled, bracket children started or resized to the filled quantity.
   */
  private fillPart(s: number, priceTicks: number, lots: number): void {
    const a = this.actions;
    const b = a.book;
    const leg = b.leg[s]!;
    const action = b.action[s]!;
    const reducible = action * b.positionLots[leg]! < 0 ? Math.abs(b.positionLots[leg]!) : 0;
    if (lots >= b.qtyLots[s]! - b.filledLots[s]! || (b.reduceOnly[s] === 1 && lots > reducible)) {
      a.fill(s, priceTicks, LIQUIDITY_MAKER, BORN_INSIDE);
      return;
    }
    b.filledLots[s] = b.filledLots[s]! + lots;
    b.positionLots[leg] = b.positionLots[leg]! + action * lots;
    b.status[s] = STATUS_PARTIAL;
    a.out.fill(s, priceTicks, lots, LIQUIDITY_MAKER);
    for (let o = b.ocoNext[s]!; o !== s; o = b.ocoNext[o]!) {
      if (!isTerminalStatus(b.status[o]!)) a.end(o, STATUS_CANCELLED, EVENT_CANCELLED, REASON_OCO_SIBLING);
    }
    const filled = b.filledLots[s]!;
    for (let i = 0; i < b.liveCount; i++) {
      const c = b.live[i]!;
      if (b.hasParent[c] === 0 || b.parentSlot[c] !== s) continue;
      const st = b.status[c]!;
      if (st === STATUS_HELD) {
        b.qtyLots[c] = filled;
        b.status[c] = STATUS_PENDING;
        this.fresh[c] = 1;
        b.childPricer?.(c, priceTicks);
        a.arrive(c, priceTicks, BORN_INSIDE);
      } else if ((st === STATUS_OPEN || st === STATUS_PARTIAL) && filled > b.filledLots[c]!) {
        b.qtyLots[c] = filled;
        a.out.status(EVENT_MODIFIED, c, 0);
      }
    }
  }

  private grow(capacity: number): void {
    const ahead = new Float64Array(capacity);
    ahead.set(this.ahead);
    this.ahead = ahead;
    const fresh = new Uint8Array(capacity);
    fresh.set(this.fresh);
    this.fresh = fresh;
  }
}
