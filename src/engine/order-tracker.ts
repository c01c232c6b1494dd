// Every order of the run by client id: its state, changed only through the domain's transition table
// (`applyOrderEventInPlace`), and what the engine needs to know about it (instrument, role, tag, bracket links). A refused
// transition is a venue inconsistency: it stops the run with a message. Must never send commands.
import { InvariantError } from '../core/errors.js';
import { isTerminal, type OrderSpec } from '../domain/order.js';
import { applyOrderEventInPlace, MutableOrderState, type OrderEvent } from '../domain/order-state.js';
import { OrderIdMap } from '../domain/order-id-map.js';
import type { ExitReason } from '../domain/round-trip.js';
import type { OrderRole } from './strategy.js';

/**
 * An order as the engine tracks it: its state (the record itself, rewritten in place by the transition table only,
 * so an order is one object for its whole life) and, for a bracket, its links and exit pricing (set by the order API
 * right after `add`). A class with every field always present, so all tracked orders share one shape.
 */
export class TrackedOrder extends MutableOrderState {
  /** For a bracket entry: its exits' ids (the object the strategy got back from `bracket`). */
  exits: { readonly takeProfit?: string; readonly stopLoss: string } | undefined = undefined;
  /** For a bracket entry whose exits are priced from its fill: the percent distances (as sent to the venue). */
  exitsFromFill: { readonly takeProfitPct?: number; readonly stopLossPct: number } | undefined = undefined;
  /** For a bracket exit: its entry's id. */
  entryId: string | undefined = undefined;
  /** Planned exit prices (ticks) for the round trip record. */
  plannedStopTicks: number | undefined = undefined;
  plannedTargetTicks: number | undefined = undefined;
  /** Set once the engine has sent the exits' repricing for a venue that cannot price from the fill. */
  repriced = false;
  /** The order's reference in the event log. */
  logRef = 0;

  constructor(
    spec: OrderSpec,
    readonly instrumentIndex: number,
    readonly role: OrderRole,
    readonly tag: string | undefined,
  ) {
    super(spec);
  }

  /** The order's lifecycle state (this record: status, fills, spec). */
  get state(): MutableOrderState {
    return this;
  }
}

/** A venue inconsistency: an event the order's lifecycle does not allow. Stops the run. */
export class VenueInconsistencyError extends InvariantError {
  constructor(clientId: string, detail: string) {
    super(`a venue event the order lifecycle allows (order ${clientId})`, detail);
    this.name = 'VenueInconsistencyError';
  }
}

export class OrderTracker {
  private readonly orders = new OrderIdMap<TrackedOrder>();
  private working = 0;

  /** Number of working (non-terminal) orders. */
  get workingCount(): number {
    return this.working;
  }

  /** The order while it is working; undefined once it is terminal or when it was never added. */
  get(clientId: string): TrackedOrder | undefined {
    return this.orders.get(clientId);
  }

  /** Tracks a new order (pending); the caller sets a bracket's links on the returned record. */
  add(spec: OrderSpec, instrumentIndex: number, role: OrderRole, tag: string | undefined): TrackedOrder {
    if (this.orders.has(spec.clientId)) throw new InvariantError('a fresh client order id', `${spec.clientId} used twice`);
    const t = new TrackedOrder(spec, instrumentIndex, role, tag);
    this.orders.set(spec.clientId, t);
    this.working++;
    return t;
  }

  /**
   * Applies one lifecycle event to a working order and returns it; an order that turns terminal is forgotten (its
   * record lives on in the event log and the round trips), so a long run keeps only its working orders. Throws
   * VenueInconsistencyError for an unknown or already terminal order, or a transition the table refuses.
   */
  apply(clientId: string, event: OrderEvent): TrackedOrder {
    const t = this.orders.get(clientId);
    if (t === undefined) throw new VenueInconsistencyError(clientId, `a ${event.kind} event for an order that is unknown or already terminal`);
    return this.applyTo(t, event);
  }

  /**
   * `apply` for a working order the caller already holds from `get` (one map lookup per event instead of two). The
   * event object is read, never kept, so callers may reuse one per kind.
   */
  applyTo(t: TrackedOrder, event: OrderEvent): TrackedOrder {
    const refused = applyOrderEventInPlace(t.state, event);
    if (refused !== undefined) throw new VenueInconsistencyError(t.state.spec.clientId, `${refused.code}: ${refused.detail}`);
    if (isTerminal(t.state.status)) {
      this.working--;
      this.orders.delete(t.state.spec.clientId);
    }
    return t;
  }

  /** The working orders (allocates: for the strategy's `open()` and for cancelAll). */
  workingOrders(): TrackedOrder[] {
    return this.orders.values();
  }
}

/** The exit reason a reducing fill of this order gives its round trip. */
export function exitReasonOf(t: TrackedOrder): ExitReason {
  const type: OrderSpec['type'] = t.state.spec.type;
  switch (t.role) {
    case 'take-profit':
      return 'take-profit';
    case 'stop-loss':
      return type === 'trailing-stop' ? 'trailing-stop' : 'stop-loss';
    case 'entry':
    case 'exit':
      return type === 'trailing-stop' ? 'trailing-stop' : 'signal';
  }
}
