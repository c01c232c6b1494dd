// Decides when a leg is liquidated (the mark, or its proxy, reaching the leg's liquidation price) and carries it
// out as the exchange does: cancel the instrument's working orders, close the leg, report it. Must never compute
// liquidation prices (sim-liquidation.ts does) and never fill orders.
import type { Lots, Ticks } from '../../core/grid.js';
import type { VenueEvent } from '../venue.js';
import type { SimAccount } from './sim-account.js';
import { EVENT_CANCELLED, REASON_CANCELLED_BY_USER } from './sim-events.js';
import type { SimEventTranslator } from './sim-event-translator.js';
import type { SimMarket } from './sim-market.js';
import { OrderActions } from './order-actions.js';
import { isTerminalStatus, isWorkingStatus, STATUS_CANCELLED, STATUS_OPEN, TYPE_STOP_MARKET, TYPE_TRAILING_STOP } from './sim-order-book.js';

export class SimLiquidator {
  private readonly actions = new OrderActions();

  constructor(
    private readonly account: SimAccount,
    private readonly translator: SimEventTranslator,
    private readonly emit: (event: VenueEvent) => void,
  ) {}

  /**
   * Liquidates every leg of `m` whose liquidation price lies within [lowTicks, highTicks] or beyond it (a long at
   * or below its price, a short at or above). `openTicks` is the first price of the span: when it is already beyond
   * the liquidation price (a gap) the leg closes there, otherwise at the liquidation price itself (the account
   * bounds both by the bankruptcy price). With `heldIntoSpan`, a leg whose resting stop-market or trailing stop
   * would fire strictly before the liquidation price on the way down (up for a short), and which the traded range
   * [`tradedLowTicks`, `tradedHighTicks`] reaches, is left to that stop: the fill model closes it first, as the price
   * path would. The span's prices are the mark's (or its proxy, the traded prices themselves); stops trigger on the
   * traded price, so a stop the traded range never reaches cannot save a leg whose mark crossed.
   */
  check(m: SimMarket, t: number, lowTicks: number, highTicks: number, openTicks: number, heldIntoSpan: boolean, tradedLowTicks = lowTicks, tradedHighTicks = highTicks): void {
    const ia = m.ia;
    for (let leg = 0; leg < 3; leg++) {
      const lots = ia.legs[leg]!.signedLots;
      if (lots === 0) continue;
      const long = lots > 0;
      const bound = long ? ia.liqLower[leg]! : ia.liqUpper[leg]!;
      if (long ? lowTicks > bound : highTicks < bound) continue;
      const gap = long ? openTicks <= bound : openTicks >= bound;
      if (heldIntoSpan && !gap && this.stopFirst(m, leg, long, bound, long ? tradedLowTicks : tradedHighTicks)) continue;
      this.cancelWorking(m, t);
      const trigger = long ? Math.min(bound, openTicks) : Math.max(bound, openTicks);
      const close = this.account.liquidate(ia, leg, trigger);
      m.book.positionLots[leg] = 0;
      this.emit({
        tsVenue: t,
        tsLocal: t,
        type: 'PositionLiquidated',
        instrument: ia.spec.id,
        side: long ? 'long' : 'short',
        lots: close.lots as Lots,
        priceTicks: close.priceTicks as Ticks,
        markTicks: (long ? lowTicks : highTicks) as Ticks,
        realisedPnl: close.realisedPnl,
        fee: close.fee,
      });
      m.refreshReach();
    }
  }

  /**
   * True when a resting closing stop of the leg triggers strictly before the liquidation price and the traded
   * price reaches it (`adverseTicks`: the traded low for a long, the high for a short).
   */
  private stopFirst(m: SimMarket, leg: number, long: boolean, boundTicks: number, adverseTicks: number): boolean {
    const b = m.book;
    for (let i = 0; i < b.liveCount; i++) {
      const s = b.live[i]!;
      if (b.leg[s] !== leg || !isWorkingStatus(b.status[s]!) || b.action[s]! !== (long ? -1 : 1)) continue;
      const t = b.type[s]!;
      const armed = (t === TYPE_STOP_MARKET && b.status[s] === STATUS_OPEN) || (t === TYPE_TRAILING_STOP && b.trailActive[s] === 1);
      const trigger = b.triggerTicks[s]!;
      if (armed && (long ? trigger > boundTicks && adverseTicks <= trigger : trigger < boundTicks && adverseTicks >= trigger)) return true;
    }
    return false;
  }

  /** Binance's liquidation protocol cancels the open orders first; here those of the liquidated instrument. */
  private cancelWorking(m: SimMarket, t: number): void {
    const a = this.actions;
    a.book = m.book;
    a.out = m.out;
    m.out.nowMs = t;
    for (let i = 0; i < m.book.liveCount; i++) {
      const s = m.book.live[i]!;
      if (!isTerminalStatus(m.book.status[s]!)) a.end(s, STATUS_CANCELLED, EVENT_CANCELLED, REASON_CANCELLED_BY_USER);
    }
    this.translator.flush(m, 'cancelled by the venue: position liquidated');
  }
}
