import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Lots, Ticks } from '../core/grid.js';
import { isTerminal, nextOrderStatus, ORDER_TRANSITIONS, TERMINAL_STATUSES, type LimitOrder, type OrderEventKind, type OrderStatus } from './order.js';
import { applyOrderEvent, applyOrderEventInPlace, MutableOrderState, newOrderState, type OrderEvent, type OrderState } from './order-state.js';

const spec: LimitOrder = {
  type: 'limit',
  clientId: 'c-1',
  instrument: 'BINANCE:BTCUSDT',
  action: 'buy',
  qtyLots: 10 as Lots,
  limitTicks: 700000 as Ticks,
  timeInForce: 'GTC',
  effect: 'open-or-reduce',
};

const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.constant<OrderEvent>({ kind: 'accepted', venueOrderId: 'v-1' }),
  fc.constant<OrderEvent>({ kind: 'rejected', reason: 'x' }),
  fc.constant<OrderEvent>({ kind: 'triggered' }),
  fc.record({ kind: fc.constant('fill' as const), lots: fc.integer({ min: 1, max: 6 }).map((n) => n as Lots), priceTicks: fc.integer({ min: 699990, max: 700000 }) }),
  fc.constant<OrderEvent>({ kind: 'cancel-requested' }),
  fc.constant<OrderEvent>({ kind: 'cancel-refused' }),
  fc.constant<OrderEvent>({ kind: 'cancelled' }),
  fc.constant<OrderEvent>({ kind: 'expired' }),
);

describe('order lifecycle', () => {
  it('never lets a terminal order change, never overfills, and only follows the table (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        let s: OrderState = newOrderState(spec);
        for (const e of events) {
          const r = applyOrderEvent(s, e);
          if (isTerminal(s.status)) {
            expect(r.ok, `terminal ${s.status} must refuse ${e.kind}`).toBe(false);
            continue;
          }
          if (!r.ok) continue;
          expect(r.value.filledLots, 'filled never exceeds ordered').toBeLessThanOrEqual(spec.qtyLots);
          expect(r.value.filledLots, 'filled never decreases').toBeGreaterThanOrEqual(s.filledLots);
          const allowed = Object.values(ORDER_TRANSITIONS[s.status]);
          expect(allowed.includes(r.value.status) || (e.kind === 'cancel-refused' && r.value.status === 'partially-filled'), `${s.status} -> ${r.value.status} is in the table`).toBe(true);
          s = r.value;
        }
      }),
    );
  });

  it('keeps the average fill price exact across partial fills', () => {
    let s = newOrderState(spec);
    for (const e of [
      { kind: 'accepted', venueOrderId: 'v' },
      { kind: 'fill', lots: 3 as Lots, priceTicks: 700000 },
      { kind: 'fill', lots: 7 as Lots, priceTicks: 699990 },
    ] as const) {
      const r = applyOrderEvent(s, e);
      if (!r.ok) throw new Error(r.error.detail);
      s = r.value;
    }
    expect(s.status).toBe('filled');
    // (3 x 700000 + 7 x 699990) / 10 = 699993 ticks, by hand
    expect(s.costTickLots / s.filledLots).toBe(699993);
  });
});

describe('cancel in flight', () => {
  it('accepts a trigger that the venue reports after we asked to cancel', () => {
    const stop = { ...spec, type: 'stop-market', triggerTicks: 699000 } as const;
    let s = newOrderState({ type: stop.type, clientId: 'c-2', instrument: stop.instrument, action: 'sell', qtyLots: 10 as Lots, triggerTicks: 699000 as Ticks, effect: 'reduce-only' });
    for (const e of [{ kind: 'accepted', venueOrderId: 'v' }, { kind: 'cancel-requested' }, { kind: 'triggered' }, { kind: 'fill', lots: 10 as Lots, priceTicks: 699000 }] as const) {
      const r = applyOrderEvent(s, e);
      expect(r.ok, `${e.kind} after ${s.status} is allowed: the venue had not seen the cancel`).toBe(true);
      if (r.ok) s = r.value;
    }
    expect(s.status).toBe('filled');
  });
});

describe('the transition table lookups', () => {
  const statuses = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
  const kinds: readonly OrderEventKind[] = ['accepted', 'rejected', 'triggered', 'partial-fill', 'fill', 'cancel-requested', 'cancel-refused', 'cancelled', 'expired', 'modified'];

  it('answers every status and event exactly as ORDER_TRANSITIONS does', () => {
    for (const s of statuses) {
      for (const k of kinds) expect(nextOrderStatus(s, k), `${s} + ${k}`).toBe(ORDER_TRANSITIONS[s][k]);
      expect(isTerminal(s), `${s} is terminal exactly when TERMINAL_STATUSES has it`).toBe(TERMINAL_STATUSES.has(s));
    }
  });
});

describe('in-place transitions', () => {
  it('leave the same state as the pure transition after any event sequence, and a refused event changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        let pure: OrderState = newOrderState(spec);
        const live = new MutableOrderState(spec);
        for (const e of events) {
          const before = { ...live };
          const r = applyOrderEvent(pure, e);
          const refused = applyOrderEventInPlace(live, e);
          expect(refused === undefined, `${e.kind} after ${before.status}: both accept or both refuse`).toBe(r.ok);
          if (r.ok) pure = r.value;
          else expect({ ...live }, `a refused ${e.kind} leaves the state as it was`).toEqual(before);
          expect({ ...live }, 'in place and pure agree field by field').toEqual({ ...pure });
        }
      }),
    );
  });
});
