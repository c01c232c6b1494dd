// Every order of the run by client id: its state, changed only through the domain's transition table
// (`applyOrderEvent`), and what the engine needs to know about it (instrument, role, tag, bracket links). A refused
// transition is a venue inconsistency: it stops the run with a message. Must never send commands.
import { InvariantError } from '../core/errors.js';
import { isTerminal, type OrderSpec } from '../domain/order.js';
import { applyOrderEvent, newOrderState, type OrderEvent, type OrderState } from '../domain/order-state.js';
import type { ExitReason } from '../domain/round-trip.js';
import type { OrderRole } from './strategy.js';

/** Bracket links and exit pricing of an order (all absent for a plain order). */
export interface OrderLinks {
  /** For a bracket entry: its exits' ids. */
  readonly exits?: { readonly takeProfit?: string; readonly stopLoss: string };
  /** For a bracket entry whose exits are priced from its fill: the percent distances. */
  readonly exitsFromFill?: { readonly takeProfitPct?: number; readonly stopLossPct: number };
  /** For a bracket exit: its entry's id. */
  readonly entryId?: string;
  /** Planned exit prices (ticks) for the round trip record. */
  readonly plannedStopTicks?: number;
  readonly plannedTargetTicks?: number;
}

const NO_LINKS: OrderLinks = {};

/**
 * An order as the engine tracks it. `state` is replaced (never mutated) on every event. A class with every field
 * always present, so all tracked orders share one shape.
 */
export class TrackedOrder {
  state: OrderState;
  readonly exits: OrderLinks['exits'];
  readonly exitsFromFill: OrderLinks['exitsFromFill'];
  readonly entryId: string | undefined;
  plannedStopTicks: number | undefined;
  plannedTargetTicks: number | undefined;
  /** Set once the engine has sent the exits' repricing for a venue that cannot price from the fill. */
  repriced = false;
  /** The order's reference in the event log. */
  logRef = 0;

  constructor(
    spec: OrderSpec,
    readonly instrumentIndex: number,
    readonly role: OrderRole,
    readonly tag: string | undefined,
    links: OrderLinks,
  ) {
    this.state = newOrderState(spec);
    this.exits = links.exits;
    this.exitsFromFill = links.exitsFromFill;
    this.entryId = links.entryId;
    this.plannedStopTicks = links.plannedStopTicks;
    this.plannedTargetTicks = links.plannedTargetTicks;
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
  private readonly orders = new Map<string, TrackedOrder>();
  private working = 0;

  /** Number of working (non-terminal) orders. */
  get workingCount(): number {
    return this.working;
  }

  /** The order while it is working; undefined once it is terminal or when it was never added. */
  get(clientId: string): TrackedOrder | undefined {
    return this.orders.get(clientId);
  }

  add(spec: OrderSpec, instrumentIndex: number, role: OrderRole, tag: string | undefined, links: OrderLinks = NO_LINKS): TrackedOrder {
    if (this.orders.has(spec.clientId)) throw new InvariantError('a fresh client order id', `${spec.clientId} used twice`);
    const t = new TrackedOrder(spec, instrumentIndex, role, tag, links);
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
    const next = applyOrderEvent(t.state, event);
    if (!next.ok) throw new VenueInconsistencyError(t.state.spec.clientId, `${next.error.code}: ${next.error.detail}`);
    t.state = next.value;
    if (isTerminal(t.state.status)) {
      this.working--;
      this.orders.delete(t.state.spec.clientId);
    }
    return t;
  }

  /** The working orders (allocates: for the strategy's `open()` and for cancelAll). */
  workingOrders(): TrackedOrder[] {
    return [...this.orders.values()];
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
