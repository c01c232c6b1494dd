// Builds the order events the simulated venue sends most (accepted, triggered, filled, modified, cancelled, expired,
// rejected): fresh objects by default, or, for a sink that declared `eventsMayBeReused`, one mutable object per event
// type rewritten for every event. Must never decide anything about an order: it only packs the values given.
import type { Lots, Ticks } from '../../core/grid.js';
import type { Money } from '../../core/money.js';
import type { Liquidity } from '../../domain/fees.js';
import type { InstrumentId } from '../../domain/instrument.js';
import type { OrderAction, OrderSpec } from '../../domain/order.js';
import type { Side } from '../../domain/side.js';
import type { RejectCode, VenueEvent } from '../venue.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type EventOf<K extends VenueEvent['type']> = Mutable<Extract<VenueEvent, { type: K }>>;

/** What the reused OrderModified holds before its first use; never sent. */
const PLACEHOLDER_ORDER: OrderSpec = { clientId: '', instrument: '' as InstrumentId, action: 'buy', qtyLots: 0 as Lots, effect: 'open-or-reduce', positionSide: undefined, type: 'market' };

export class SimEventFactory {
  /** Set when the sink connects: true only when it declared `eventsMayBeReused`. */
  reuse = false;
  private readonly acceptedEvent: EventOf<'OrderAccepted'> = { tsVenue: 0, tsLocal: 0, type: 'OrderAccepted', clientId: '', venueOrderId: '' };
  private readonly triggeredEvent: EventOf<'OrderTriggered'> = { tsVenue: 0, tsLocal: 0, type: 'OrderTriggered', clientId: '' };
  private readonly cancelledEvent: EventOf<'OrderCancelled'> = { tsVenue: 0, tsLocal: 0, type: 'OrderCancelled', clientId: '', reason: '' };
  private readonly expiredEvent: EventOf<'OrderExpired'> = { tsVenue: 0, tsLocal: 0, type: 'OrderExpired', clientId: '', reason: '' };
  private readonly rejectedEvent: EventOf<'OrderRejected'> = { tsVenue: 0, tsLocal: 0, type: 'OrderRejected', clientId: '', code: 'VENUE_ERROR', reason: '' };
  private readonly modifiedEvent: EventOf<'OrderModified'> = { tsVenue: 0, tsLocal: 0, type: 'OrderModified', clientId: '', order: PLACEHOLDER_ORDER };
  /** One-way fills carry no positionSide key, hedge-mode fills always one: two objects, each of one shape. */
  private readonly netFillEvent: EventOf<'OrderFilled'> = { tsVenue: 0, tsLocal: 0, type: 'OrderFilled', clientId: '', instrument: '' as InstrumentId, action: 'buy', lots: 0 as Lots, priceTicks: 0 as Ticks, liquidity: 'taker', fee: 0 as Money };
  private readonly legFillEvent: EventOf<'OrderFilled'> = { tsVenue: 0, tsLocal: 0, type: 'OrderFilled', clientId: '', instrument: '' as InstrumentId, action: 'buy', lots: 0 as Lots, priceTicks: 0 as Ticks, liquidity: 'taker', fee: 0 as Money, positionSide: 'long' };

  accepted(t: number, clientId: string, venueOrderId: string): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderAccepted', clientId, venueOrderId };
    const e = this.acceptedEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.venueOrderId = venueOrderId;
    return e;
  }

  triggered(t: number, clientId: string): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderTriggered', clientId };
    const e = this.triggeredEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    return e;
  }

  cancelled(t: number, clientId: string, reason: string): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderCancelled', clientId, reason };
    const e = this.cancelledEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.reason = reason;
    return e;
  }

  expired(t: number, clientId: string, reason: string): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderExpired', clientId, reason };
    const e = this.expiredEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.reason = reason;
    return e;
  }

  rejected(t: number, clientId: string, code: RejectCode, reason: string): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderRejected', clientId, code, reason };
    const e = this.rejectedEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.code = code;
    e.reason = reason;
    return e;
  }

  modified(t: number, clientId: string, order: OrderSpec): VenueEvent {
    if (!this.reuse) return { tsVenue: t, tsLocal: t, type: 'OrderModified', clientId, order };
    const e = this.modifiedEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.order = order;
    return e;
  }

  /** A fill; `positionSide` undefined in one-way mode (the event then has no positionSide key). */
  filled(t: number, clientId: string, instrument: InstrumentId, action: OrderAction, lots: Lots, priceTicks: Ticks, liquidity: Liquidity, fee: Money, positionSide: Side | undefined): VenueEvent {
    if (!this.reuse) {
      // Two literal shapes rather than a conditional spread: one allocation per fill.
      return positionSide === undefined
        ? { tsVenue: t, tsLocal: t, type: 'OrderFilled', clientId, instrument, action, lots, priceTicks, liquidity, fee }
        : { tsVenue: t, tsLocal: t, type: 'OrderFilled', clientId, instrument, action, lots, priceTicks, liquidity, fee, positionSide };
    }
    const e = positionSide === undefined ? this.netFillEvent : this.legFillEvent;
    e.tsVenue = t;
    e.tsLocal = t;
    e.clientId = clientId;
    e.instrument = instrument;
    e.action = action;
    e.lots = lots;
    e.priceTicks = priceTicks;
    e.liquidity = liquidity;
    e.fee = fee;
    if (positionSide !== undefined) e.positionSide = positionSide;
    return e;
  }
}
