// Turns the fill models' columnar events into VenueEvents, in order, applying each fill to the account (P&L, fee,
// margin) and releasing the margin reserved for an order as it fills or ends. Must never decide fills: it only books
// and reports what the model decided, then frees the slots of terminal orders.
import { InvariantError } from '../../core/errors.js';
import type { Lots, Ticks } from '../../core/grid.js';
import { mulDivRound } from '../../domain/contract-math.js';
import type { Liquidity } from '../../domain/fees.js';
import type { Side } from '../../domain/side.js';
import type { RejectCode, VenueEvent } from '../venue.js';
import type { SimAccount } from './sim-account.js';
import type { OrderIdMap } from '../../domain/order-id-map.js';
import {
  EVENT_ACCEPTED,
  EVENT_CANCELLED,
  EVENT_EXPIRED,
  EVENT_FILL,
  EVENT_MODIFIED,
  EVENT_REJECTED,
  EVENT_TRIGGERED,
  LIQUIDITY_MAKER,
  REASON_POST_ONLY_WOULD_TAKE,
  REASON_REDUCE_ONLY_WOULD_INCREASE,
  reasonText,
} from './sim-events.js';
import { SimEventFactory } from './sim-event-factory.js';
import type { OrderRecord, SimMarket } from './sim-market.js';
import { isTerminalStatus, LEG_LONG, LEG_NET, LEG_SHORT } from './sim-order-book.js';

/** The venue's reject code for a fill model's refusal reason. */
export function rejectCodeFor(reason: number): RejectCode {
  switch (reason) {
    case REASON_POST_ONLY_WOULD_TAKE:
      return 'POST_ONLY_WOULD_TAKE';
    case REASON_REDUCE_ONLY_WOULD_INCREASE:
      return 'REDUCE_ONLY_WOULD_INCREASE';
    default:
      return 'VENUE_ERROR';
  }
}

/** The hedge-mode leg of a book leg code; undefined in one-way mode. */
export function positionSideOfLeg(leg: number): Side | undefined {
  if (leg === LEG_NET) return undefined;
  return leg === LEG_LONG ? 'long' : 'short';
}

export class SimEventTranslator {
  /** Builds the events sent (fresh, or reused for a sink that allows it: SimulatedVenue.connect decides). */
  readonly events = new SimEventFactory();

  constructor(
    private readonly account: SimAccount,
    private readonly emit: (event: VenueEvent) => void,
    /** The venue's working orders by client id; a record leaves it when its order ends. */
    private readonly active: OrderIdMap<OrderRecord>,
    /** Client ids queued or working; an id leaves it when its order ends. */
    private readonly live: OrderIdMap<SimMarket>,
  ) {}

  /**
   * Reports and books every event in the market's buffer, clears it and releases terminal orders' slots.
   * `cancelReason` replaces the reason of cancels made by the venue itself (a liquidation).
   */
  flush(m: SimMarket, cancelReason?: string): void {
    const out = m.out;
    const n = out.count;
    if (n === 0) return;
    for (let k = 0; k < n; k++) {
      const slot = out.slot[k]!;
      const rec = m.records[slot];
      if (rec === undefined) throw new InvariantError('a venue record for every order the model reports', `slot ${slot} of ${m.ia.spec.id}`);
      this.one(m, rec, k, cancelReason);
    }
    for (let k = 0; k < n; k++) {
      const slot = out.slot[k]!;
      const rec = m.records[slot];
      if (rec !== undefined && isTerminalStatus(m.book.status[slot]!)) {
        this.releaseReserve(rec, rec.reserved);
        m.book.release(slot);
        m.records[slot] = undefined;
        rec.slot = -1;
        this.active.delete(rec.clientId);
        this.live.delete(rec.clientId);
      }
    }
    out.clear();
  }

  private one(m: SimMarket, rec: OrderRecord, k: number, cancelReason: string | undefined): void {
    const out = m.out;
    const t = out.timeMs[k]!;
    const clientId = rec.clientId;
    const reason = out.reason[k]!;
    const why = reason === 0 ? '' : (reasonText(reason) ?? '');
    switch (out.kind[k]) {
      case EVENT_ACCEPTED:
        this.accept(m, rec, t);
        return;
      case EVENT_TRIGGERED:
        this.accept(m, rec, t);
        this.emit(this.events.triggered(t, clientId));
        return;
      case EVENT_FILL:
        this.accept(m, rec, t);
        this.fill(m, rec, k);
        return;
      case EVENT_CANCELLED:
        this.emit(this.events.cancelled(t, clientId, cancelReason ?? why));
        return;
      case EVENT_REJECTED:
        this.emit(this.events.rejected(t, clientId, rejectCodeFor(reason), why));
        return;
      case EVENT_EXPIRED:
        this.emit(this.events.expired(t, clientId, why));
        return;
      case EVENT_MODIFIED: {
        rec.spec = { ...rec.spec, qtyLots: m.book.qtyLots[rec.slot]! as Lots };
        this.emit(this.events.modified(t, clientId, rec.spec));
        return;
      }
      default:
        throw new InvariantError('a known simulated event kind', String(out.kind[k]));
    }
  }

  /**
   * Sends OrderAccepted once, before the order's first trigger or fill (a market order is accepted as it fills). A
   * bracket exit starts with its entry's filled quantity (and, with exitsFromFill, prices from the entry's fill):
   * when that differs from what it was sent with, an OrderModified follows at once, so the order's state always
   * matches the book.
   */
  private accept(m: SimMarket, rec: OrderRecord, t: number): void {
    if (rec.accepted) return;
    rec.accepted = true;
    this.emit(this.events.accepted(t, rec.clientId, rec.venueOrderId));
    const qty = m.book.qtyLots[rec.slot]!;
    if (qty !== rec.spec.qtyLots || rec.repriced) {
      // A repriced exit already holds its new spec (priceExit made it); only a new quantity needs another copy.
      if (qty !== rec.spec.qtyLots) rec.spec = { ...rec.spec, qtyLots: qty as Lots };
      rec.repriced = false;
      this.emit(this.events.modified(t, rec.clientId, rec.spec));
    }
  }

  private fill(m: SimMarket, rec: OrderRecord, k: number): void {
    const out = m.out;
    const slot = rec.slot;
    const book = m.book;
    const lots = out.lots[k]!;
    const priceTicks = out.priceTicks[k]!;
    const liquidity: Liquidity = out.liquidity[k] === LIQUIDITY_MAKER ? 'maker' : 'taker';
    const leg = book.leg[slot]!;
    const action = book.action[slot]!;
    // The reserve follows the unfilled share: what this fill used moves into position margin.
    const remainingBefore = book.qtyLots[slot]! - book.filledLots[slot]! + lots;
    if (rec.reserved > 0 && remainingBefore > 0) this.releaseReserve(rec, mulDivRound(rec.reserved, lots, remainingBefore, 'nearest'));
    const booked = this.account.applyFill(m.ia, leg, action, lots, priceTicks, liquidity);
    const t = out.timeMs[k]!;
    this.emit(this.events.filled(t, rec.clientId, m.ia.spec.id, action > 0 ? 'buy' : 'sell', lots as Lots, priceTicks as Ticks, liquidity, booked.fee, positionSideOfLeg(leg)));
  }

  private releaseReserve(rec: OrderRecord, amount: number): void {
    if (amount === 0) return;
    rec.reserved = (rec.reserved - amount) as typeof rec.reserved;
    this.account.reserveOrderMargin(-amount as typeof rec.reserved);
  }
}

/** The book leg code of an order's position side (LEG_NET in one-way mode). */
export function legOf(positionSide: Side | undefined): number {
  if (positionSide === undefined) return LEG_NET;
  return positionSide === 'long' ? LEG_LONG : LEG_SHORT;
}
