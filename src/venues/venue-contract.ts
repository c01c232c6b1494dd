// The one contract every VenuePort implementation passes (the simulated venue now, the live adapters later), as
// plain async checks a test file runs, so this module needs no test framework. Each check drives a fresh venue
// through a subject that knows how to let its market move on. Must never relax a check for one implementation.
import type { Lots, Ticks } from '../core/grid.js';
import { applyOrderEvent, newOrderState, type OrderState } from '../domain/order-state.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { VenueCommand, VenueEvent, VenuePort, VenueSnapshot } from './venue.js';

/** A venue under test and the few things the checks need to know about its market. */
export interface VenueContractSubject {
  readonly venue: VenuePort;
  readonly instrument: InstrumentId;
  /** A small valid quantity (above the minimum quantity and notional). */
  readonly lots: Lots;
  /** A buy limit price that will not fill during the check, and one that is through the market (would take). */
  readonly restingBuyTicks: Ticks;
  readonly marketableBuyTicks: Ticks;
  /** The venue's clock for command timestamps (ms). */
  nowMs(): number;
  /** Lets the market move on until commands sent so far have been handled (simulated: one bar; live: a wait). */
  advance(): Promise<void>;
}

export interface VenueContractCheck {
  readonly title: string;
  run(make: () => VenueContractSubject): Promise<void>;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Collects the events of one venue and follows every order through the transition table. */
class Recorder {
  readonly events: VenueEvent[] = [];
  readonly orders = new Map<string, OrderState>();
  readonly problems: string[] = [];

  constructor(readonly s: VenueContractSubject) {
    s.venue.connect({ onVenueEvent: (e) => this.onEvent(e) });
  }

  private onEvent(e: VenueEvent): void {
    this.events.push(e);
    if (!Number.isFinite(e.tsVenue) || !Number.isFinite(e.tsLocal)) this.problems.push(`${e.type} without numeric tsVenue/tsLocal`);
    if (!('clientId' in e) || e.type === 'CancelRejected' || e.type === 'ModifyRejected') return;
    const state = this.orders.get(e.clientId);
    if (state === undefined) {
      this.problems.push(`${e.type} for an order never sent: ${e.clientId}`);
      return;
    }
    const change =
      e.type === 'OrderAccepted'
        ? ({ kind: 'accepted', venueOrderId: e.venueOrderId } as const)
        : e.type === 'OrderRejected'
          ? ({ kind: 'rejected', reason: e.reason } as const)
          : e.type === 'OrderTriggered'
            ? ({ kind: 'triggered' } as const)
            : e.type === 'OrderFilled'
              ? ({ kind: 'fill', lots: e.lots, priceTicks: e.priceTicks } as const)
              : e.type === 'OrderModified'
                ? ({ kind: 'modified', spec: e.order } as const)
                : e.type === 'OrderCancelled'
                  ? ({ kind: 'cancelled' } as const)
                  : ({ kind: 'expired' } as const);
    const next = applyOrderEvent(state, change);
    if (next.ok) this.orders.set(e.clientId, next.value);
    else this.problems.push(`${e.clientId}: ${next.error.detail}`);
  }

  submit(order: OrderSpec): void {
    if (!this.orders.has(order.clientId)) this.orders.set(order.clientId, newOrderState(order));
    this.send({ type: 'SubmitOrder', order, tsLocal: this.s.nowMs() });
  }

  send(command: VenueCommand): void {
    this.s.venue.send(command);
  }

  of(type: VenueEvent['type'], clientId?: string): VenueEvent[] {
    return this.events.filter((e) => e.type === type && (clientId === undefined || ('clientId' in e && e.clientId === clientId)));
  }

  clean(): void {
    check(this.problems.length === 0, `events broke the contract: ${this.problems.join('; ')}`);
  }
}

const limitBuy = (s: VenueContractSubject, id: string, ticks: Ticks, tif: 'GTC' | 'GTX' = 'GTC'): OrderSpec => ({
  clientId: id,
  instrument: s.instrument,
  action: 'buy',
  qtyLots: s.lots,
  effect: 'open-or-reduce',
  type: 'limit',
  limitTicks: ticks,
  timeInForce: tif,
});

const marketOrder = (s: VenueContractSubject, id: string, action: 'buy' | 'sell', reduceOnly = false): OrderSpec => ({
  clientId: id,
  instrument: s.instrument,
  action,
  qtyLots: s.lots,
  effect: reduceOnly ? 'reduce-only' : 'open-or-reduce',
  type: 'market',
});

function netLots(snap: VenueSnapshot, instrument: InstrumentId): number {
  return snap.positions.filter((p) => p.instrument === instrument).reduce((sum, p) => sum + p.signedLots, 0);
}

export const venueContractChecks: readonly VenueContractCheck[] = [
  {
    title: 'a resting limit is accepted, listed in the snapshot, and cancelled on request',
    async run(make) {
      const r = new Recorder(make());
      r.submit(limitBuy(r.s, 'c-rest', r.s.restingBuyTicks));
      await r.s.advance();
      check(r.of('OrderAccepted', 'c-rest').length === 1, 'OrderAccepted once for a resting limit');
      check((await r.s.venue.snapshot()).openOrders.some((o) => o.clientId === 'c-rest'), 'the snapshot lists the working order');
      r.send({ type: 'CancelOrder', clientId: 'c-rest', tsLocal: r.s.nowMs() });
      await r.s.advance();
      check(r.of('OrderCancelled', 'c-rest').length === 1, 'OrderCancelled after a cancel');
      check(!(await r.s.venue.snapshot()).openOrders.some((o) => o.clientId === 'c-rest'), 'a cancelled order leaves the snapshot');
      r.clean();
    },
  },
  {
    title: 'a cancel or modify of an unknown order is refused with UNKNOWN_ORDER, never thrown',
    async run(make) {
      const r = new Recorder(make());
      r.send({ type: 'CancelOrder', clientId: 'nobody', tsLocal: r.s.nowMs() });
      r.send({ type: 'ModifyOrder', clientId: 'nobody', qtyLots: r.s.lots, tsLocal: r.s.nowMs() });
      await r.s.advance();
      const codes = r.events.map((e) => ('code' in e ? `${e.type}:${e.code}` : e.type));
      check(codes.includes('CancelRejected:UNKNOWN_ORDER') && codes.includes('ModifyRejected:UNKNOWN_ORDER'), `expected both refusals, got ${codes.join(', ')}`);
      r.clean();
    },
  },
  {
    title: 'a reduce-only order with no position is rejected as REDUCE_ONLY_WOULD_INCREASE',
    async run(make) {
      const r = new Recorder(make());
      r.submit(marketOrder(r.s, 'c-ro', 'sell', true));
      await r.s.advance();
      const rej = r.of('OrderRejected', 'c-ro')[0];
      check(rej?.type === 'OrderRejected' && rej.code === 'REDUCE_ONLY_WOULD_INCREASE', `expected REDUCE_ONLY_WOULD_INCREASE, got ${JSON.stringify(rej)}`);
      r.clean();
    },
  },
  {
    title: 'a post-only limit through the market is rejected as POST_ONLY_WOULD_TAKE',
    async run(make) {
      const r = new Recorder(make());
      r.submit(limitBuy(r.s, 'c-gtx', r.s.marketableBuyTicks, 'GTX'));
      await r.s.advance();
      const rej = r.of('OrderRejected', 'c-gtx')[0];
      check(rej?.type === 'OrderRejected' && rej.code === 'POST_ONLY_WOULD_TAKE', `expected POST_ONLY_WOULD_TAKE, got ${JSON.stringify(rej)}`);
      r.clean();
    },
  },
  {
    title: 'a second order with a used client id is rejected as DUPLICATE_CLIENT_ID and the first is untouched',
    async run(make) {
      const r = new Recorder(make());
      r.submit(limitBuy(r.s, 'c-dup', r.s.restingBuyTicks));
      await r.s.advance();
      r.send({ type: 'SubmitOrder', order: limitBuy(r.s, 'c-dup', r.s.restingBuyTicks), tsLocal: r.s.nowMs() });
      await r.s.advance();
      check(r.of('OrderRejected', 'c-dup').some((e) => e.type === 'OrderRejected' && e.code === 'DUPLICATE_CLIENT_ID'), 'DUPLICATE_CLIENT_ID for the reused id');
      check((await r.s.venue.snapshot()).openOrders.some((o) => o.clientId === 'c-dup'), 'the first order still works');
    },
  },
  {
    title: 'a market order fills its whole quantity, the position follows, and a reduce-only market order closes it',
    async run(make) {
      const r = new Recorder(make());
      r.submit(marketOrder(r.s, 'c-open', 'buy'));
      await r.s.advance();
      const filled = r.of('OrderFilled', 'c-open').reduce((sum, e) => sum + (e.type === 'OrderFilled' ? e.lots : 0), 0);
      check(filled === r.s.lots, `filled ${filled} of ${r.s.lots} lots`);
      check(netLots(await r.s.venue.snapshot(), r.s.instrument) === r.s.lots, 'the snapshot shows the position');
      r.submit(marketOrder(r.s, 'c-close', 'sell', true));
      await r.s.advance();
      check(r.orders.get('c-close')?.status === 'filled', `the close is filled, status ${r.orders.get('c-close')?.status}`);
      check(netLots(await r.s.venue.snapshot(), r.s.instrument) === 0, 'flat after the close');
      r.clean();
    },
  },
  {
    title: 'an order on an instrument the venue does not trade is rejected, not thrown',
    async run(make) {
      const r = new Recorder(make());
      const order = { ...limitBuy(r.s, 'c-unknown', r.s.restingBuyTicks), instrument: 'BINANCE:NOSUCHSYMBOL' as InstrumentId };
      r.submit(order);
      await r.s.advance();
      check(r.of('OrderRejected', 'c-unknown').length === 1, 'OrderRejected for an unknown instrument');
      r.clean();
    },
  },
];
