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
  return stateOf(spec, 'pending', 0 as Lots, 0, undefined, undefined);
}

/**
 * Every state is built here, with every field present in one order: all states share one hidden class, so the
 * engine's per-event code stays monomorphic (an absent venue id or reason is an undefined value, not a missing key).
 */
function stateOf(
  spec: OrderSpec,
  status: OrderStatus,
  filledLots: Lots,
  costTickLots: number,
  venueOrderId: string | undefined,
  rejectReason: string | undefined,
): OrderState {
  return { spec, status, filledLots, costTickLots, venueOrderId, rejectReason };
}

function refuse(code: TransitionRefused['code'], state: OrderState, event: OrderEventKind, detail: string): Result<OrderState, TransitionRefused> {
  return err({ code, status: state.status, event, detail });
}

/**
 * Applies one event. A fill becomes `partial-fill` or `fill` by the remaining quantity; a fill larger than the
 * remainder, a modify that changes instrument or action or goes below the filled quantity, and any event the table
 * does not allow are refused (the caller treats a refusal as a venue inconsistency to reconcile).
 */
export function applyOrderEvent(state: OrderState, event: OrderEvent): Result<OrderState, TransitionRefused> {
  const kind: OrderEventKind =
    event.kind === 'fill' ? (state.filledLots + event.lots >= state.spec.qtyLots ? 'fill' : 'partial-fill') : event.kind;
  const next = nextOrderStatus(state.status, kind);
  if (next === undefined) return refuse('TRANSITION_NOT_ALLOWED', state, kind, `${kind} is not allowed when the order is ${state.status}`);
  const { spec, filledLots, costTickLots, venueOrderId, rejectReason } = state;
  switch (event.kind) {
    case 'fill': {
      if (!Number.isSafeInteger(event.lots) || event.lots <= 0) return refuse('OVERFILL', state, kind, `fill of ${event.lots} lots`);
      const filled = filledLots + event.lots;
      if (filled > spec.qtyLots) return refuse('OVERFILL', state, kind, `filled ${filled} of ${spec.qtyLots} lots`);
      return ok(stateOf(spec, next, filled as Lots, costTickLots + event.priceTicks * event.lots, venueOrderId, rejectReason));
    }
    case 'accepted':
      return ok(stateOf(spec, next, filledLots, costTickLots, event.venueOrderId, rejectReason));
    case 'rejected':
      return ok(stateOf(spec, next, filledLots, costTickLots, venueOrderId, event.reason));
    case 'modified': {
      const s = event.spec;
      if (s.clientId !== spec.clientId || s.instrument !== spec.instrument || s.action !== spec.action || s.type !== spec.type) {
        return refuse('BAD_MODIFY', state, kind, 'a modify may change prices and quantity only');
      }
      if (s.qtyLots <= filledLots) return refuse('BAD_MODIFY', state, kind, `new quantity ${s.qtyLots} is not above the filled ${filledLots}`);
      return ok(stateOf(s, next, filledLots, costTickLots, venueOrderId, rejectReason));
    }
    case 'cancel-refused':
      // The table sends a refused cancel back to `open`; an order with fills is `partially-filled` instead.
      return ok(stateOf(spec, filledLots > 0 ? 'partially-filled' : next, filledLots, costTickLots, venueOrderId, rejectReason));
    case 'triggered':
    case 'cancel-requested':
    case 'cancelled':
    case 'expired':
      return ok(stateOf(spec, next, filledLots, costTickLots, venueOrderId, rejectReason));
  }
}

/** Average fill price in ticks (a float), or undefined before the first fill. */
export const averageFillTicks = (s: OrderState): number | undefined =>
  s.filledLots > 0 ? s.costTickLots / s.filledLots : undefined;

export const remainingLots = (s: OrderState): Lots => (isTerminal(s.status) ? 0 : s.spec.qtyLots - s.filledLots) as Lots;
