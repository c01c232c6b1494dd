// Every order of the run by client id: its state, changed only through the domain's transition table
// (`applyOrderEvent`), and what the engine needs to know about it (instrument, role, tag, bracket links). A refused
// transition is a venue inconsistency: it stops the run with a message. Must never send commands.
import { InvariantError } from '../core/errors.js';
import { isTerminal, type OrderSpec } from '../domain/order.js';
import { applyOrderEvent, newOrderState, type OrderEvent, type OrderState } from '../domain/order-state.js';
import type { OrderRole } from './strategy.js';

/** An order as the engine tracks it. `state` is replaced (never mutated) on every event. */
export interface TrackedOrder {
  state: OrderState;
  readonly instrumentIndex: number;
  readonly role: OrderRole;
  readonly tag: string | undefined;
  /** For a bracket entry: its exits' ids and the percent distances the exits are priced at from the fill. */
  readonly exits?: { readonly takeProfit?: string; readonly stopLoss: string };
  readonly exitsFromFill?: { readonly takeProfitPct?: number; readonly stopLossPct: number };
  /** For a bracket exit: its entry's id. */
  readonly entryId?: string;
  /** Planned exit prices (ticks) for the round trip record; set when known. */
  plannedStopTicks: number | undefined;
  plannedTargetTicks: number | undefined;
  /** Set once the engine has sent the exits' repricing for a venue that cannot price from the fill. */
  repriced: boolean;
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

  /** Number of non-terminal orders. */
  get workingCount(): number {
    return this.working;
  }

  get(clientId: string): TrackedOrder | undefined {
    return this.orders.get(clientId);
  }

  add(spec: OrderSpec, instrumentIndex: number, role: OrderRole, tag: string | undefined, extra: Partial<Pick<TrackedOrder, 'exits' | 'exitsFromFill' | 'entryId' | 'plannedStopTicks' | 'plannedTargetTicks'>> = {}): TrackedOrder {
    if (this.orders.has(spec.clientId)) throw new InvariantError('a fresh client order id', `${spec.clientId} used twice`);
    const t: TrackedOrder = {
      state: newOrderState(spec),
      instrumentIndex,
      role,
      tag,
      plannedStopTicks: extra.plannedStopTicks,
      plannedTargetTicks: extra.plannedTargetTicks,
      repriced: false,
      ...(extra.exits !== undefined ? { exits: extra.exits } : {}),
      ...(extra.exitsFromFill !== undefined ? { exitsFromFill: extra.exitsFromFill } : {}),
      ...(extra.entryId !== undefined ? { entryId: extra.entryId } : {}),
    };
    this.orders.set(spec.clientId, t);
    this.working++;
    return t;
  }

  /**
   * Applies one lifecycle event to a known order and returns it. Throws VenueInconsistencyError for an unknown id
   * or a transition the table refuses.
   */
  apply(clientId: string, event: OrderEvent): TrackedOrder {
    const t = this.orders.get(clientId);
    if (t === undefined) throw new VenueInconsistencyError(clientId, `a ${event.kind} event for an order this run never sent`);
    const wasTerminal = isTerminal(t.state.status);
    const next = applyOrderEvent(t.state, event);
    if (!next.ok) throw new VenueInconsistencyError(clientId, `${next.error.code}: ${next.error.detail}`);
    t.state = next.value;
    if (!wasTerminal && isTerminal(t.state.status)) this.working--;
    return t;
  }

  /** The working orders (allocates: for the strategy's `open()` and for cancelAll). */
  workingOrders(): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const t of this.orders.values()) if (!isTerminal(t.state.status)) out.push(t);
    return out;
  }

  all(): IterableIterator<TrackedOrder> {
    return this.orders.values();
  }
}
