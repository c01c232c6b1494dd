// The state of one order over its life: status, filled quantity and average fill price, changed only through
// the transition table in order.ts. Never mutates a state: each event returns a new one or a refusal.
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
  return { spec, status: 'pending', filledLots: 0 as Lots, costTickLots: 0 };
}

/**
 * Applies one event. A fill becomes `partial-fill` or `fill` by the remaining quantity; a fill larger than the
 * remainder, a modify that changes instrument or action or goes below the filled quantity, and any event the table
 * does not allow are refused (the caller treats a refusal as a venue inconsistency to reconcile).
 */
export function applyOrderEvent(state: OrderState, event: OrderEvent): Result<OrderState, TransitionRefused> {
  const kind: OrderEventKind =
    event.kind === 'fill' ? (state.filledLots + event.lots >= state.spec.qtyLots ? 'fill' : 'partial-fill') : event.kind;
  const refuse = (code: TransitionRefused['code'], detail: string): Result<OrderState, TransitionRefused> =>
    err({ code, status: state.status, event: kind, detail });
  let next = nextOrderStatus(state.status, kind);
  if (next === undefined) return refuse('TRANSITION_NOT_ALLOWED', `${kind} is not allowed when the order is ${state.status}`);
  switch (event.kind) {
    case 'fill': {
      if (!Number.isSafeInteger(event.lots) || event.lots <= 0) return refuse('OVERFILL', `fill of ${event.lots} lots`);
      const filled = state.filledLots + event.lots;
      if (filled > state.spec.qtyLots) return refuse('OVERFILL', `filled ${filled} of ${state.spec.qtyLots} lots`);
      return ok({ ...state, status: next, filledLots: filled as Lots, costTickLots: state.costTickLots + event.priceTicks * event.lots });
    }
    case 'accepted':
      return ok({ ...state, status: next, venueOrderId: event.venueOrderId });
    case 'rejected':
      return ok({ ...state, status: next, rejectReason: event.reason });
    case 'modified': {
      const s = event.spec;
      if (s.clientId !== state.spec.clientId || s.instrument !== state.spec.instrument || s.action !== state.spec.action || s.type !== state.spec.type) {
        return refuse('BAD_MODIFY', 'a modify may change prices and quantity only');
      }
      if (s.qtyLots <= state.filledLots) return refuse('BAD_MODIFY', `new quantity ${s.qtyLots} is not above the filled ${state.filledLots}`);
      return ok({ ...state, spec: s, status: next });
    }
    case 'cancel-refused':
      // The table sends a refused cancel back to `open`; an order with fills is `partially-filled` instead.
      if (state.filledLots > 0) next = 'partially-filled';
      return ok({ ...state, status: next });
    case 'triggered':
    case 'cancel-requested':
    case 'cancelled':
    case 'expired':
      return ok({ ...state, status: next });
  }
}

/** Average fill price in ticks (a float), or undefined before the first fill. */
export const averageFillTicks = (s: OrderState): number | undefined =>
  s.filledLots > 0 ? s.costTickLots / s.filledLots : undefined;

export const remainingLots = (s: OrderState): Lots => (isTerminal(s.status) ? 0 : s.spec.qtyLots - s.filledLots) as Lots;
