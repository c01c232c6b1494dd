// Orders: a readonly union by order type (a limit price exists only where it means something), time in force and
// position effect as variants, and the one status transition table. Only `applyOrderEvent` changes a status.
import type { Lots, Ticks } from '../core/grid.js';
import type { InstrumentId } from './instrument.js';
import type { Side } from './side.js';

/** Buy or sell, as the venue sees the order (not the position side). */
export type OrderAction = 'buy' | 'sell';

/**
 * How long an order lives: GTC rests until filled or cancelled; IOC fills what it can now and cancels the rest;
 * FOK fills completely now or not at all; GTX (post-only) rests only if it would not take liquidity, else is rejected.
 */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX';

/** Whether the order may open or increase a position, or only reduce one (rejected if it would increase). */
export type PositionEffect = 'open-or-reduce' | 'reduce-only';

interface OrderBase {
  readonly clientId: string;
  readonly instrument: InstrumentId;
  readonly action: OrderAction;
  readonly qtyLots: Lots;
  readonly effect: PositionEffect;
  /** In hedge mode, the leg the order belongs to; undefined in one-way mode. */
  readonly positionSide?: Side;
}

export interface MarketOrder extends OrderBase {
  readonly type: 'market';
}
export interface LimitOrder extends OrderBase {
  readonly type: 'limit';
  readonly limitTicks: Ticks;
  readonly timeInForce: TimeInForce;
}
/** Triggers when the trigger price trades (buy: at or above; sell: at or below), then acts as a market order. */
export interface StopMarketOrder extends OrderBase {
  readonly type: 'stop-market';
  readonly triggerTicks: Ticks;
}
export interface StopLimitOrder extends OrderBase {
  readonly type: 'stop-limit';
  readonly triggerTicks: Ticks;
  readonly limitTicks: Ticks;
  readonly timeInForce: TimeInForce;
}
/** Triggers when price reaches the target from the profitable side (sell: at or above; buy: at or below). */
export interface TakeProfitMarketOrder extends OrderBase {
  readonly type: 'take-profit-market';
  readonly triggerTicks: Ticks;
}
export interface TakeProfitLimitOrder extends OrderBase {
  readonly type: 'take-profit-limit';
  readonly triggerTicks: Ticks;
  readonly limitTicks: Ticks;
  readonly timeInForce: TimeInForce;
}
/**
 * Binance-style trailing stop: once active (at once, or when the activation price trades), follows the best price
 * since activation and triggers a market order when price retraces by callbackRate (a fraction, e.g. 0.01 = 1 %).
 */
export interface TrailingStopOrder extends OrderBase {
  readonly type: 'trailing-stop';
  readonly callbackRate: number;
  readonly activationTicks?: Ticks;
}

export type OrderSpec =
  | MarketOrder
  | LimitOrder
  | StopMarketOrder
  | StopLimitOrder
  | TakeProfitMarketOrder
  | TakeProfitLimitOrder
  | TrailingStopOrder;

export type OrderType = OrderSpec['type'];

/**
 * - `pending`: created by us, not yet acknowledged by the venue.
 * - `open`: resting on the venue (for conditional orders: waiting for the trigger).
 * - `triggered`: a conditional order whose trigger fired and that now works as a market or limit order.
 * - `partially-filled`: some quantity filled, the rest still working.
 * - `pending-cancel`: a cancel was sent and not yet confirmed (fills may still arrive, and a conditional order may
 *   still trigger: the venue had not seen the cancel yet).
 * - terminal: `filled`, `cancelled`, `rejected`, `expired` (IOC/FOK remainder, or an expiry).
 */
export type OrderStatus =
  | 'pending'
  | 'open'
  | 'triggered'
  | 'partially-filled'
  | 'pending-cancel'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** What can happen to an order. A fill is partial or full depending on the remaining quantity. */
export type OrderEventKind =
  | 'accepted'
  | 'rejected'
  | 'triggered'
  | 'partial-fill'
  | 'fill'
  | 'cancel-requested'
  | 'cancel-refused'
  | 'cancelled'
  | 'expired'
  | 'modified';

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

/**
 * The one order lifecycle table: ORDER_TRANSITIONS[status][event] is the next status, or absent when the event is
 * not allowed in that status (a bug or a venue inconsistency, never silently accepted). `cancel-refused` returns a
 * pending-cancel order to the working status it came from, which the caller passes explicitly.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Partial<Readonly<Record<OrderEventKind, OrderStatus>>>>> = {
  pending: { accepted: 'open', rejected: 'rejected', 'partial-fill': 'partially-filled', fill: 'filled', expired: 'expired', 'cancel-requested': 'pending-cancel', cancelled: 'cancelled' },
  open: { triggered: 'triggered', 'partial-fill': 'partially-filled', fill: 'filled', 'cancel-requested': 'pending-cancel', cancelled: 'cancelled', expired: 'expired', modified: 'open' },
  triggered: { 'partial-fill': 'partially-filled', fill: 'filled', 'cancel-requested': 'pending-cancel', cancelled: 'cancelled', expired: 'expired', rejected: 'rejected' },
  'partially-filled': { 'partial-fill': 'partially-filled', fill: 'filled', 'cancel-requested': 'pending-cancel', cancelled: 'cancelled', expired: 'expired', modified: 'partially-filled' },
  'pending-cancel': { triggered: 'pending-cancel', 'partial-fill': 'pending-cancel', fill: 'filled', cancelled: 'cancelled', expired: 'expired', 'cancel-refused': 'open' },
  filled: {},
  cancelled: {},
  rejected: {},
  expired: {},
};

const STATUSES: readonly OrderStatus[] = ['pending', 'open', 'triggered', 'partially-filled', 'pending-cancel', 'filled', 'cancelled', 'rejected', 'expired'];
const EVENT_KINDS: readonly OrderEventKind[] = ['accepted', 'rejected', 'triggered', 'partial-fill', 'fill', 'cancel-requested', 'cancel-refused', 'cancelled', 'expired', 'modified'];

function statusIndex(s: OrderStatus): number {
  switch (s) {
    case 'pending':
      return 0;
    case 'open':
      return 1;
    case 'triggered':
      return 2;
    case 'partially-filled':
      return 3;
    case 'pending-cancel':
      return 4;
    case 'filled':
      return 5;
    case 'cancelled':
      return 6;
    case 'rejected':
      return 7;
    case 'expired':
      return 8;
  }
}

function eventIndex(e: OrderEventKind): number {
  switch (e) {
    case 'accepted':
      return 0;
    case 'rejected':
      return 1;
    case 'triggered':
      return 2;
    case 'partial-fill':
      return 3;
    case 'fill':
      return 4;
    case 'cancel-requested':
      return 5;
    case 'cancel-refused':
      return 6;
    case 'cancelled':
      return 7;
    case 'expired':
      return 8;
    case 'modified':
      return 9;
  }
}

/**
 * ORDER_TRANSITIONS as a dense array (status index x event kind index -> next status), derived from the table once:
 * every order event looks its transition up here, and two string-keyed lookups per event cost more than the rest of
 * the transition. The table above stays the one definition.
 */
const NEXT_STATUS: readonly (OrderStatus | undefined)[] = STATUSES.flatMap((s) => EVENT_KINDS.map((e) => ORDER_TRANSITIONS[s][e]));

/** The status after `event`, or undefined when the table does not allow it. */
export function nextOrderStatus(status: OrderStatus, event: OrderEventKind): OrderStatus | undefined {
  return NEXT_STATUS[statusIndex(status) * EVENT_KINDS.length + eventIndex(event)];
}

/** True for filled, cancelled, rejected and expired (TERMINAL_STATUSES, written out: it runs on every order event). */
export const isTerminal = (status: OrderStatus): boolean => status === 'filled' || status === 'cancelled' || status === 'rejected' || status === 'expired';
