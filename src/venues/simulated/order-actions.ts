// What happens to one order at one price, shared by every fill model: arrival (market, marketable limit, post-only,
// IOC/FOK), trigger, fill (reduce-only, OCO, bracket children), refusal and cancel. Must never choose prices or the
// order of events inside a bar: the intrabar rules (stop-first.ts, intrabar-path.ts) do that.
import {
  BORN_BEFORE,
  isTerminalStatus,
  isWorkingStatus,
  STATUS_CANCELLED,
  STATUS_EXPIRED,
  STATUS_FILLED,
  STATUS_HELD,
  STATUS_OPEN,
  STATUS_PARTIAL,
  STATUS_PENDING,
  STATUS_REJECTED,
  STATUS_TRIGGERED,
  TIF_FOK,
  TIF_GTX,
  TIF_IOC,
  TYPE_LIMIT,
  TYPE_MARKET,
  TYPE_STOP_LIMIT,
  TYPE_STOP_MARKET,
  TYPE_TAKE_PROFIT_LIMIT,
  TYPE_TAKE_PROFIT_MARKET,
  TYPE_TRAILING_STOP,
  type SimOrderBook,
} from './sim-order-book.js';
import {
  EVENT_ACCEPTED,
  EVENT_CANCELLED,
  EVENT_EXPIRED,
  EVENT_MODIFIED,
  EVENT_REJECTED,
  EVENT_TRIGGERED,
  LIQUIDITY_TAKER,
  REASON_FOK_NOT_MARKETABLE,
  REASON_IOC_NOT_MARKETABLE,
  REASON_OCO_SIBLING,
  REASON_PARENT_ENDED_UNFILLED,
  REASON_POST_ONLY_WOULD_TAKE,
  REASON_REDUCE_ONLY_ABOVE_POSITION,
  REASON_REDUCE_ONLY_WOULD_INCREASE,
  type SimEvents,
} from './sim-events.js';
import { startTrailing } from './trailing-stop.js';

/**
 * The direction in which an untriggered conditional order's trigger is reached: +1 when price rising to the
 * trigger fires it (buy stop, sell take-profit, buy trailing), -1 when falling (sell stop, buy take-profit, sell
 * trailing). Stops and trailing stops trigger in the direction of their action, take-profits against it.
 */
export function triggerDirection(type: number, action: number): number {
  return type === TYPE_TAKE_PROFIT_MARKET || type === TYPE_TAKE_PROFIT_LIMIT ? -action : action;
}

/** True for an order whose limit price is working: a limit, or a stop-limit / take-profit-limit once triggered. */
export function limitWorking(type: number, status: number): boolean {
  return type === TYPE_LIMIT || ((type === TYPE_STOP_LIMIT || type === TYPE_TAKE_PROFIT_LIMIT) && status === STATUS_TRIGGERED);
}

/** True for a stop-market, stop-limit, take-profit-market or take-profit-limit that has not triggered yet. */
export function awaitingTrigger(type: number, status: number): boolean {
  return (type === TYPE_STOP_MARKET || type === TYPE_TAKE_PROFIT_MARKET || type === TYPE_STOP_LIMIT || type === TYPE_TAKE_PROFIT_LIMIT) && status !== STATUS_TRIGGERED;
}

/**
 * Applies order actions to one book, writing events to one buffer (stamped with its `nowMs`). The fill model sets
 * `book` and `out` before each bar; the object is reused, so a bar allocates nothing.
 */
export class OrderActions {
  book!: SimOrderBook;
  out!: SimEvents;

  /**
   * A pending order reaches the market at `priceTicks` (its first bar's open, or a parent's fill price for a
   * bracket/OTO child). A market order takes at that price; a limit takes if marketable there (see `limitAt`); a
   * conditional order rests, and triggers at once if the price is already at or beyond its trigger.
   */
  arrive(s: number, priceTicks: number, born: number): void {
    const b = this.book;
    switch (b.type[s]) {
      case TYPE_MARKET:
        this.fill(s, priceTicks, LIQUIDITY_TAKER, born);
        return;
      case TYPE_LIMIT:
        this.limitAt(s, priceTicks, born);
        return;
      case TYPE_TRAILING_STOP:
        this.rest(s, priceTicks, born);
        startTrailing(b, s, priceTicks);
        return;
      default: {
        this.rest(s, priceTicks, born);
        const d = triggerDirection(b.type[s]!, b.action[s]!);
        const trigger = b.triggerTicks[s]!;
        if (d > 0 ? priceTicks >= trigger : priceTicks <= trigger) this.trigger(s, priceTicks, born);
      }
    }
  }

  /**
   * A limit meets the market at `priceTicks` (arrival, or its stop-limit / take-profit-limit just triggered there).
   * Marketable means the limit is at or beyond that price (buy limit >= price, sell limit <= price): a bar gives
   * trades, not the book, so a limit at the last price counts as taking. Then GTX is rejected ("post-only would
   * take") and the rest fills at `priceTicks` as taker. Otherwise IOC and FOK expire and GTC/GTX rest as maker.
   */
  limitAt(s: number, priceTicks: number, born: number): void {
    const b = this.book;
    const a = b.action[s]!;
    const limit = b.limitTicks[s]!;
    if (a > 0 ? limit >= priceTicks : limit <= priceTicks) {
      if (b.tif[s] === TIF_GTX) this.refuse(s, REASON_POST_ONLY_WOULD_TAKE);
      else this.fill(s, priceTicks, LIQUIDITY_TAKER, born);
      return;
    }
    const tif = b.tif[s];
    if (tif === TIF_IOC) this.end(s, STATUS_EXPIRED, EVENT_EXPIRED, REASON_IOC_NOT_MARKETABLE);
    else if (tif === TIF_FOK) this.end(s, STATUS_EXPIRED, EVENT_EXPIRED, REASON_FOK_NOT_MARKETABLE);
    else this.rest(s, priceTicks, born);
  }

  /**
   * A conditional order's trigger fires with price at `priceTicks` (the trigger price, or the open on a gap). The
   * rest of its OCO group is cancelled (Binance OCO: a leg that triggers or fills cancels the other). Market
   * variants fill at once as taker at that price; limit variants place their limit there (`limitAt`).
   */
  trigger(s: number, priceTicks: number, born: number): void {
    const b = this.book;
    b.status[s] = STATUS_TRIGGERED;
    this.out.status(EVENT_TRIGGERED, s, 0);
    this.cancelOcoSiblings(s);
    const t = b.type[s];
    if (t === TYPE_STOP_LIMIT || t === TYPE_TAKE_PROFIT_LIMIT) this.limitAt(s, priceTicks, born);
    else this.fill(s, priceTicks, LIQUIDITY_TAKER, born);
  }

  /**
   * Fills the order's whole remaining quantity at `priceTicks` (bars carry no volume to split fills by). A
   * reduce-only order fills at most its leg's position on the other side; with nothing to reduce it is refused
   * ("reduce-only would increase"), above the position the rest expires. The first fill cancels OCO siblings and
   * starts (or resizes) bracket/OTO children at the fill price.
   */
  /**
   * `marketTicks` is where the market is when the fill happens, where bracket children arrive: the fill price,
   * except for a resting limit that the open gapped through (filled at its own price while the market is at the open).
   */
  fill(s: number, priceTicks: number, liquidity: number, born: number, marketTicks: number = priceTicks): void {
    const b = this.book;
    let lots = b.qtyLots[s]! - b.filledLots[s]!;
    const a = b.action[s]!;
    const leg = b.leg[s]!;
    let clipped = false;
    if (b.reduceOnly[s] === 1) {
      const position = b.positionLots[leg]!;
      const reducible = a * position < 0 ? Math.abs(position) : 0;
      if (reducible === 0) {
        this.refuse(s, REASON_REDUCE_ONLY_WOULD_INCREASE);
        return;
      }
      if (lots > reducible) {
        lots = reducible;
        clipped = true;
      }
    }
    b.filledLots[s] = b.filledLots[s]! + lots;
    b.positionLots[leg] = b.positionLots[leg]! + a * lots;
    b.status[s] = b.filledLots[s] === b.qtyLots[s] ? STATUS_FILLED : STATUS_PARTIAL;
    this.out.fill(s, priceTicks, lots, liquidity);
    if (clipped) this.end(s, STATUS_EXPIRED, EVENT_EXPIRED, REASON_REDUCE_ONLY_ABOVE_POSITION);
    this.cancelOcoSiblings(s);
    this.startChildren(s, priceTicks, marketTicks, born);
  }

  /** Refuses an order: rejected while pending or triggered, cancelled once it rested (the lifecycle table's rule). */
  refuse(s: number, reason: number): void {
    const st = this.book.status[s];
    if (st === STATUS_PENDING || st === STATUS_TRIGGERED) this.end(s, STATUS_REJECTED, EVENT_REJECTED, reason);
    else this.end(s, STATUS_CANCELLED, EVENT_CANCELLED, reason);
  }

  /** Ends a non-terminal order with `status`, reporting `eventKind`; children still waiting for it are cancelled. */
  end(s: number, status: number, eventKind: number, reason: number): void {
    const b = this.book;
    b.status[s] = status;
    b.reason[s] = reason;
    this.out.status(eventKind, s, reason);
    for (let i = 0; i < b.liveCount; i++) {
      const c = b.live[i]!;
      if (b.hasParent[c] === 1 && b.parentSlot[c] === s && b.status[c] === STATUS_HELD) {
        this.end(c, STATUS_CANCELLED, EVENT_CANCELLED, REASON_PARENT_ENDED_UNFILLED);
      }
    }
  }

  private rest(s: number, priceTicks: number, born: number): void {
    const b = this.book;
    if (b.status[s] === STATUS_PENDING) {
      b.status[s] = STATUS_OPEN;
      this.out.status(EVENT_ACCEPTED, s, 0);
    }
    b.born[s] = born;
    b.bornTicks[s] = priceTicks;
  }

  private cancelOcoSiblings(s: number): void {
    const b = this.book;
    for (let o = b.ocoNext[s]!; o !== s; o = b.ocoNext[o]!) {
      if (!isTerminalStatus(b.status[o]!)) this.end(o, STATUS_CANCELLED, EVENT_CANCELLED, REASON_OCO_SIBLING);
    }
  }

  private startChildren(parent: number, priceTicks: number, marketTicks: number, born: number): void {
    const b = this.book;
    const filled = b.filledLots[parent]!;
    for (let i = 0; i < b.liveCount; i++) {
      const c = b.live[i]!;
      if (b.hasParent[c] === 0 || b.parentSlot[c] !== parent) continue;
      const st = b.status[c]!;
      if (st === STATUS_HELD) {
        b.qtyLots[c] = filled;
        b.status[c] = STATUS_PENDING;
        b.childPricer?.(c, priceTicks);
        this.arrive(c, marketTicks, born);
      } else if ((st === STATUS_OPEN || st === STATUS_PARTIAL) && b.qtyLots[c] !== filled && filled > b.filledLots[c]!) {
        b.qtyLots[c] = filled;
        this.out.status(EVENT_MODIFIED, c, 0);
      }
    }
  }
}

/** True for an order that was working before the bar began (not one that arrives or starts inside it). */
export const restingBeforeBar = (book: SimOrderBook, s: number): boolean =>
  isWorkingStatus(book.status[s]!) && book.born[s] === BORN_BEFORE;
