// The state of one order over its life: status, filled quantity and average fill price, changed only through
// the transition table in order.ts. `applyOrderEvent` returns a new state; `applyOrderEventInPlace` (the engine's
// per-event path) rewrites a MutableOrderState. Both run the same checks; neither ever changes a refused state.
import type { Lots } from '../core/grid.js';
import { err, ok, type Result } from '../core/result.js';
import { isTerminal, nextOrderStatus, type OrderEventKind, type OrderSpec, type OrderStatus } from './order.js';

export interface OrderState {
  readonly spec: OrderSpec;
  readonly status: OrderStatus;
  readonly filledLots: Lots;
  /** Sum of fill price (ticks) x fill lots, so the average fill price is exact: costTickLots / filledLots. */
  readonly costTickLots: number;
  readonly venueOrderId?: string;
  readonly rejectReason?: string;
}

/**
 * An order state its owner updates in place (the engine's tracker: one object per order for its whole life instead
 * of one per event). Its fields are written only by `applyOrderEventInPlace`; readers see it as an OrderState.
 */
export class MutableOrderState implements OrderState {
  spec: OrderSpec;
  status: OrderStatus = 'pending';
  filledLots = 0 as Lots;
  costTickLots = 0;
  venueOrderId: string | undefined = undefined;
  rejectReason: string | undefined = undefined;

  constructor(spec: OrderSpec) {
    this.spec = spec;
  }
}

/** An event as the venue reports it. Fills carry their quantity and price. */
export type OrderEvent =
  | { readonly kind: 'accepted'; readonly venueOrderId: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'triggered' }
  | { readonly kind: 'fill'; readonly lots: Lots; readonly priceTicks: number }
  | { readonly kind: 'cancel-requested' }
  | { readonly kind: 'cancel-refused' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'modified'; readonly spec: OrderSpec };

export interface TransitionRefused {
  readonly code: 'TRANSITION_NOT_ALLOWED' | 'OVERFILL' | 'BAD_MODIFY';
  readonly status: OrderStatus;
  readonly event: OrderEventKind;
  readonly detail: string;
}

export function newOrderState(spec: OrderSpec): OrderState {
  return new MutableOrderState(spec);
}

const refusal = (code: TransitionRefused['code'], state: OrderState, event: OrderEventKind, detail: string): TransitionRefused => ({ code, status: state.status, event, detail });

/**
 * Applies one event to `state` in place, or leaves it untouched and returns why the event is refused. A fill
 * becomes `partial-fill` or `fill` by the remaining quantity; a fill larger than the remainder, a modify that changes
 * instrument, action or type or goes below the filled quantity, and any event the table does not allow are refused
 * (the caller treats a refusal as a venue inconsistency to reconcile). The event is read, never kept.
 */
export function applyOrderEventInPlace(state: MutableOrderState, event: OrderEvent): TransitionRefused | undefined {
  const spec = state.spec;
  const kind: OrderEventKind = event.kind === 'fill' ? (state.filledLots + event.lots >= spec.qtyLots ? 'fill' : 'partial-fill') : event.kind;
  const next = nextOrderStatus(state.status, kind);
  if (next === undefined) return refusal('TRANSITION_NOT_ALLOWED', state, kind, `${kind} is not allowed when the order is ${state.status}`);
  switch (event.kind) {
    case 'fill': {
      if (!Number.isSafeInteger(event.lots) || event.lots <= 0) return refusal('OVERFILL', state, kind, `fill of ${event.lots} lots`);
      const filled = state.filledLots + event.lots;
      if (filled > spec.qtyLots) return refusal('OVERFILL', state, kind, `filled ${filled} of ${spec.qtyLots} lots`);
      state.filledLots = filled as Lots;
      state.costTickLots += event.priceTicks * event.lots;
      break;
    }
    case 'accepted':
      state.venueOrderId = event.venueOrderId;
      break;
    case 'rejected':
      state.rejectReason = event.reason;
      break;
    case 'modified': {
      const s = event.spec;
      if (s.clientId !== spec.clientId || s.instrument !== spec.instrument || s.action !== spec.action || s.type !== spec.type) {
        return refusal('BAD_MODIFY', state, kind, 'a modify may change prices and quantity only');
      }
      if (s.qtyLots <= state.filledLots) return refusal('BAD_MODIFY', state, kind, `new quantity ${s.qtyLots} is not above the filled ${state.filledLots}`);
      state.spec = s;
      break;
    }
    case 'cancel-refused':
      // The table sends a refused cancel back to `open`; an order with fills is `partially-filled` instead.
      state.status = state.filledLots > 0 ? 'partially-filled' : next;
      return undefined;
    case 'triggered':
    case 'cancel-requested':
    case 'cancelled':
    case 'expired':
      break;
  }
  state.status = next;
  return undefined;
}

/** Applies one event and returns the new state (the given one is never changed), or why the event is refused. */
export function applyOrderEvent(state: OrderState, event: OrderEvent): Result<OrderState, TransitionRefused> {
  const next = new MutableOrderState(state.spec);
  next.status = state.status;
  next.filledLots = state.filledLots;
  next.costTickLots = state.costTickLots;
  next.venueOrderId = state.venueOrderId;
  next.rejectReason = state.rejectReason;
  const refused = applyOrderEventInPlace(next, event);
  return refused === undefined ? ok(next) : err(refused);
}

/** Average fill price in ticks (a float), or undefined before the first fill. */
export const averageFillTicks = (s: OrderState): number | undefined =>
  s.filledLots > 0 ? s.costTickLots / s.filledLots : undefined;

export const remainingLots = (s: OrderState): Lots => (isTerminal(s.status) ? 0 : s.spec.qtyLots - s.filledLots) as Lots;
