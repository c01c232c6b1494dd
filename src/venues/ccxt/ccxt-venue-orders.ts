// The orders a CcxtVenue placed or adopted, and their lifecycle on the venue: create (asking by client id after an
// unknown outcome), read back, fills from the venue's trades (each trade once, whichever path saw it), cancel,
// modify, triggered conditional orders and their child order. Must never re-send an order nor report a trade twice.
import type { Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { RejectCode, VenueCommand, VenueEvent } from '../venue.js';
import { fillFromTrade, tradeKeys, type OrderFilledEvent } from './account-fills.js';
import type { StreamAlgoUpdate } from './binance-user-stream.js';
import type { CcxtVenueOptions } from './ccxt-venue-options.js';
import { fetchOrderByClientId, repairedOrder } from './order-lookup.js';
import { childOrderIdOf, fromCcxtOrder, toCcxtOrder, type OrderView } from './order-mapping.js';
import type { StreamTrade } from './user-stream-link.js';
import { outcomeUnknown, type ClassifiedError } from './venue-failure.js';
import { isConditional, refusalReason } from './venue-profile.js';

/** One order this process knows: what it is, where it is on the venue, and which of its fills were reported. */
export interface TrackedOrder {
  readonly spec: OrderSpec;
  readonly instrument: InstrumentSpec;
  venueOrderId: string | undefined;
  /** For a triggered conditional (Binance algo) order: the regular order that trades for it (`actualOrderId`). */
  childOrderId: string | undefined;
  /** OrderTriggered was reported (once, by whichever path saw the trigger first). */
  triggered: boolean;
  reportedLots: number;
  readonly seenTradeIds: Set<string>;
  done: boolean;
}

/** What the order book of the adapter needs from the venue: its options, the event outlet and error handling. */
export interface OrderDeskHost {
  readonly o: CcxtVenueOptions;
  readonly specs: ReadonlyMap<string, InstrumentSpec>;
  readonly name: string;
  emit(event: VenueEvent): void;
  /** Classifies a ccxt error (and tells onFailure of a failure). */
  classify(e: unknown): ClassifiedError;
  sleep(ms: number): Promise<void>;
}

const DEFAULT_UNKNOWN_OUTCOME = { queries: 3, delayMs: 500 };

export function describeError(c: ClassifiedError): string {
  return `${c.meaning.code}${c.venueCode === undefined ? '' : ` (venue code ${c.venueCode})`}: ${c.message}`;
}

export class OrderDesk {
  readonly orders = new Map<string, TrackedOrder>();
  /** Child order id of a triggered conditional order -> our client id (the venue may name the child otherwise). */
  readonly childOwners = new Map<string, string>();

  constructor(private readonly h: OrderDeskHost) {}

  /** Tracks a working order found on the venue (snapshot), so it can be read back and cancelled. */
  adopt(clientId: string, spec: OrderSpec, instrument: InstrumentSpec, venueOrderId: string, filledLots: number): void {
    if (this.orders.has(clientId)) return;
    this.orders.set(clientId, { spec, instrument, venueOrderId, childOrderId: undefined, triggered: false, reportedLots: filledLots, seenTradeIds: new Set(), done: false });
  }

  async submit(order: OrderSpec): Promise<void> {
    if (this.orders.has(order.clientId)) {
      return this.reject(order.clientId, 'DUPLICATE_CLIENT_ID', `client id ${order.clientId} was used before; every order intent needs a new one`);
    }
    const instrument = this.h.specs.get(order.instrument);
    const refused = refusalReason(this.h.o.profile, order, instrument);
    if (refused !== undefined || instrument === undefined) return this.reject(order.clientId, 'UNSUPPORTED', refused ?? 'unknown instrument');
    const tracked: TrackedOrder = { spec: order, instrument, venueOrderId: undefined, childOrderId: undefined, triggered: false, reportedLots: 0, seenTradeIds: new Set(), done: false };
    // Tracked before sending: from here on the client id is spent, whatever the outcome.
    this.orders.set(order.clientId, tracked);
    const req = toCcxtOrder(order, instrument, this.h.o.profile, this.account());
    let placed: CcxtOrder;
    try {
      placed = this.repaired(await this.h.o.exchange.createOrder(req.symbol, req.type, req.side, req.amount, req.price, req.params));
    } catch (e) {
      const c = this.h.classify(e);
      if (outcomeUnknown(c.meaning)) return this.resolveUnknown(order.clientId, tracked, c);
      tracked.done = true;
      return this.reject(order.clientId, c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', describeError(c));
    }
    if (placed.id === undefined || placed.id === '') {
      // An answer without an order id says nothing certain: ask by client id, as after a timeout.
      const cause = { meaning: { kind: 'failure', code: 'UNKNOWN_STATE' }, venueCode: undefined, message: 'the venue answered without an order id' } as const;
      return this.resolveUnknown(order.clientId, tracked, cause);
    }
    await this.accepted(order.clientId, tracked, placed);
  }

  /** Whether the client id names an order placed here that was accepted (a venue order id is known). */
  isWorking(clientId: string): boolean {
    const t = this.orders.get(clientId);
    return t !== undefined && t.venueOrderId !== undefined && !t.done;
  }

  /** Reads every working order back. */
  async refreshAll(): Promise<void> {
    for (const [clientId, t] of this.orders) if (!t.done) await this.refresh(clientId, t);
  }

  /** Reads one order back (ignored when unknown or done). */
  async refreshOne(clientId: string): Promise<void> {
    const t = this.orders.get(clientId);
    if (t !== undefined && !t.done) await this.refresh(clientId, t);
  }

  /**
   * A trade the venue pushed for `streamClientId` (see CcxtVenue.ingest): reported unless reported already; a known
   * child of a triggered conditional order is linked back to it; otherwise the orders are read back by REST.
   */
  async ingest(streamClientId: string, venueOrderId: string, trade: StreamTrade | undefined): Promise<void> {
    const clientId = this.childOwners.get(venueOrderId) ?? streamClientId;
    const t = this.orders.get(clientId);
    const tradingId = t === undefined ? undefined : isConditional(t.spec.type) ? t.childOrderId : t.venueOrderId;
    if (t === undefined) return this.refreshAll();
    if (trade === undefined || tradingId !== venueOrderId) {
      if (!t.done) await this.refresh(clientId, t);
      return;
    }
    const { tradeId, ...fill } = trade;
    const leg = t.spec.positionSide === undefined ? {} : { positionSide: t.spec.positionSide };
    this.deliverFill(clientId, t, tradeId, { type: 'OrderFilled', clientId, instrument: t.instrument.id, action: t.spec.action, ...fill, ...leg, tsLocal: this.h.o.clock.nowMs() });
  }

  /**
   * Binance ALGO_UPDATE for one of our conditional orders (see CcxtVenue.algoUpdate): the trigger is reported once
   * (and the child order linked), final states once, deduplicated with polling through `triggered` and `done`; a
   * FINISHED algo order is read back through its child so its fills and final state are reported.
   */
  async algoUpdate(u: StreamAlgoUpdate): Promise<void> {
    const t = this.orders.get(u.clientId);
    if (t === undefined || !isConditional(t.spec.type) || t.venueOrderId !== u.algoId) return;
    if (u.actualOrderId !== undefined) this.markTriggered(u.clientId, t, u.actualOrderId, u.tsVenue);
    if (t.done) return;
    const stamp = { tsVenue: u.tsVenue, tsLocal: this.h.o.clock.nowMs() };
    switch (u.status) {
      case 'NEW':
      case 'TRIGGERING':
      case 'other':
        return;
      case 'TRIGGERED':
        if (u.actualOrderId === undefined) await this.refresh(u.clientId, t);
        return;
      case 'FINISHED':
        return this.refresh(u.clientId, t);
      case 'CANCELED':
        // Cancelled after its trigger means its child ended: the child's fills come first.
        if (t.triggered) return this.refresh(u.clientId, t);
        t.done = true;
        return this.h.emit({ type: 'OrderCancelled', clientId: u.clientId, reason: 'cancelled on the venue', ...stamp });
      case 'EXPIRED':
        t.done = true;
        return this.h.emit({ type: 'OrderExpired', clientId: u.clientId, reason: 'expired on the venue (the conditional order was cancelled by the system)', ...stamp });
      case 'REJECTED':
        t.done = true;
        return this.h.emit({ type: 'OrderCancelled', clientId: u.clientId, reason: `rejected by the venue after it was accepted${u.reason === '' ? '' : `: ${u.reason}`}`, ...stamp });
    }
  }

  async cancel(clientId: string): Promise<void> {
    const t = this.orders.get(clientId);
    if (t === undefined || t.venueOrderId === undefined || t.done) {
      return this.h.emit({ type: 'CancelRejected', clientId, code: 'UNKNOWN_ORDER', reason: `${this.h.name} has no working order ${clientId}`, ...this.now() });
    }
    try {
      const o = this.repaired(await this.h.o.exchange.cancelOrder(t.venueOrderId, t.instrument.ccxtSymbol, this.h.o.profile.queryParams(t.spec.type)));
      // Fills that happened before the cancel are reported first, then the cancel itself.
      await this.apply(clientId, t, { ...fromCcxtOrder(o, t.instrument), status: 'canceled' }, o);
    } catch (e) {
      const c = this.h.classify(e);
      // "Unknown order" on a cancel usually means it just filled: read it back so the fills are not lost.
      await this.refresh(clientId, t);
      this.h.emit({ type: 'CancelRejected', clientId, code: c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', reason: describeError(c), ...this.now() });
    }
  }

  async modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): Promise<void> {
    const { clientId } = command;
    const t = this.orders.get(clientId);
    const refuse = (code: RejectCode, reason: string): void => this.h.emit({ type: 'ModifyRejected', clientId, code, reason, ...this.now() });
    if (t === undefined || t.venueOrderId === undefined || t.done) return refuse('UNKNOWN_ORDER', `${this.h.name} has no working order ${clientId}`);
    if (t.spec.type !== 'limit' || command.triggerTicks !== undefined || this.h.o.exchange.has['editOrder'] !== true) {
      return refuse('UNSUPPORTED', `${this.h.name} modifies only the price and quantity of limit orders; cancel and re-place a ${t.spec.type} order`);
    }
    const next: OrderSpec = { ...t.spec, qtyLots: command.qtyLots ?? t.spec.qtyLots, limitTicks: command.limitTicks ?? t.spec.limitTicks };
    const req = toCcxtOrder(next, t.instrument, this.h.o.profile, this.account());
    try {
      const o = await this.h.o.exchange.editOrder(t.venueOrderId, req.symbol, req.type, req.side, req.amount, req.price, this.h.o.profile.queryParams(next.type));
      this.orders.set(clientId, { ...t, spec: next, venueOrderId: String(o.id ?? t.venueOrderId) });
      this.h.emit({ type: 'OrderModified', clientId, order: next, ...this.stamp(o) });
    } catch (e) {
      const c = this.h.classify(e);
      refuse(c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', describeError(c));
    }
  }

  async cancelAll(instrumentId: string): Promise<void> {
    const instrument = this.h.specs.get(instrumentId);
    if (instrument === undefined) return;
    const variants = [{}, this.h.o.profile.queryParams('stop-market')].filter((p, i) => i === 0 || Object.keys(p).length > 0);
    for (const params of variants) {
      try {
        await this.h.o.exchange.cancelAllOrders(instrument.ccxtSymbol, params);
      } catch (e) {
        this.h.classify(e);
      }
    }
    for (const [clientId, t] of this.orders) if (!t.done && t.instrument.id === instrumentId) await this.refresh(clientId, t);
  }

  /** After an unknown outcome the order may exist: ask by client id, a few times, and never re-send. */
  private async resolveUnknown(clientId: string, t: TrackedOrder, cause: ClassifiedError): Promise<void> {
    const { queries, delayMs } = this.h.o.unknownOutcome ?? DEFAULT_UNKNOWN_OUTCOME;
    for (let i = 0; i < queries; i++) {
      await this.h.sleep(delayMs);
      const found = await this.fetchByClientId(clientId, t);
      if (found !== undefined && found.id !== undefined && found.id !== '') return this.accepted(clientId, t, found);
    }
    t.done = true;
    this.reject(clientId, 'VENUE_ERROR', `outcome unknown after ${describeError(cause)}; the venue lists no order ${clientId} after ${queries} queries, and it is not re-sent`);
  }

  /** The venue's order with this client id, asked the way the venue needs (order-lookup.ts); undefined when not found. */
  private async fetchByClientId(clientId: string, t: TrackedOrder): Promise<CcxtOrder | undefined> {
    try {
      return await fetchOrderByClientId(this.h.o.exchange, this.h.o.profile, t.instrument, clientId, t.spec.type);
    } catch (e) {
      this.h.classify(e);
      return undefined;
    }
  }

  private async accepted(clientId: string, t: TrackedOrder, placed: CcxtOrder): Promise<void> {
    const view = fromCcxtOrder(placed, t.instrument);
    t.venueOrderId = view.venueOrderId;
    this.h.emit({ type: 'OrderAccepted', clientId, venueOrderId: view.venueOrderId, ...this.stamp(placed) });
    const immediate = t.spec.type === 'market' || ('timeInForce' in t.spec && t.spec.timeInForce !== 'GTC' && t.spec.timeInForce !== 'GTX');
    // Venues acknowledge an order before it trades (Binance newOrderRespType ACK); a taking order is read back at once.
    if (immediate && !isConditional(t.spec.type) && view.status === 'open') return this.refresh(clientId, t);
    await this.apply(clientId, t, view, placed);
  }

  /**
   * Reads one tracked order back and reports what changed. A triggered conditional order has no fills of its own on
   * Binance USD-M: its child order (the algo order's `actualOrderId`, GET /fapi/v1/algoOrder,
   * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Query-Algo-Order) trades,
   * so the trigger is reported (once) and the child is read instead, its fills and final status reported as ours.
   */
  private async refresh(clientId: string, t: TrackedOrder): Promise<void> {
    if (t.venueOrderId === undefined) return;
    let o: CcxtOrder;
    try {
      o = this.repaired(await this.h.o.exchange.fetchOrder(t.venueOrderId, t.instrument.ccxtSymbol, this.h.o.profile.queryParams(t.spec.type)));
      const childId = isConditional(t.spec.type) ? childOrderIdOf(o) : undefined;
      if (childId !== undefined) {
        this.markTriggered(clientId, t, childId, o.lastUpdateTimestamp ?? o.timestamp ?? this.h.o.clock.nowMs());
        o = this.repaired(await this.h.o.exchange.fetchOrder(childId, t.instrument.ccxtSymbol, this.h.o.profile.queryParams('market')));
      }
    } catch (e) {
      this.h.classify(e);
      return;
    }
    await this.apply(clientId, t, fromCcxtOrder(o, t.instrument), o);
  }

  /** Links the child order of a triggered conditional order and reports the trigger, once, before any of its fills. */
  private markTriggered(clientId: string, t: TrackedOrder, childId: string, tsVenue: number): void {
    t.childOrderId = childId;
    this.childOwners.set(childId, clientId);
    if (t.triggered || t.done) return;
    t.triggered = true;
    this.h.emit({ type: 'OrderTriggered', clientId, tsVenue, tsLocal: this.h.o.clock.nowMs() });
  }

  /** Reports new fills (from the venue's trades), then a terminal status. */
  private async apply(clientId: string, t: TrackedOrder, view: OrderView, raw: CcxtOrder): Promise<void> {
    if (view.filledLots > t.reportedLots) await this.reportFills(clientId, t, view);
    if (t.done) return;
    switch (view.status) {
      case 'open':
      case 'closed':
        if (t.reportedLots >= t.spec.qtyLots) t.done = true;
        return;
      case 'canceled':
        t.done = true;
        return this.h.emit({ type: 'OrderCancelled', clientId, reason: 'cancelled on the venue', ...this.stamp(raw) });
      case 'expired':
        t.done = true;
        return this.h.emit({ type: 'OrderExpired', clientId, reason: 'expired on the venue (IOC/FOK remainder or expiry)', ...this.stamp(raw) });
      case 'rejected':
        t.done = true;
        return this.h.emit({ type: 'OrderCancelled', clientId, reason: 'rejected by the venue after it was accepted', ...this.stamp(raw) });
    }
  }

  /** One OrderFilled per venue trade not yet reported, with the venue's own price, fee and liquidity. */
  private async reportFills(clientId: string, t: TrackedOrder, view: OrderView): Promise<void> {
    let trades: CcxtTrade[];
    try {
      const params = this.h.o.profile.orderTradesParams(view.venueOrderId);
      const all = await this.h.o.exchange.fetchMyTrades(t.instrument.ccxtSymbol, undefined, undefined, params);
      trades = all.filter((trade) => String(trade.order) === view.venueOrderId);
    } catch (e) {
      // Missing fills are picked up by the next poll: reportedLots has not moved.
      this.h.classify(e);
      return;
    }
    const sorted = [...trades].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    const keys = tradeKeys(sorted);
    sorted.forEach((trade, i) => {
      const event = fillFromTrade(trade, t.instrument, clientId, t.spec.action, t.spec.positionSide, this.h.o.clock.nowMs());
      const key = keys[i];
      if (event !== undefined && key !== undefined) this.deliverFill(clientId, t, key, event);
    });
    if (t.reportedLots >= t.spec.qtyLots) t.done = true;
  }

  /** Reports one venue trade once, whichever path (poll, REST read-back, user stream) saw it first. */
  private deliverFill(clientId: string, t: TrackedOrder, tradeId: string, event: OrderFilledEvent): void {
    if (t.seenTradeIds.has(tradeId) || t.reportedLots + event.lots > t.spec.qtyLots) return;
    t.seenTradeIds.add(tradeId);
    t.reportedLots += event.lots;
    this.h.emit(event);
    if (t.reportedLots >= t.spec.qtyLots) t.done = true;
  }

  private repaired(o: CcxtOrder): CcxtOrder {
    return repairedOrder(this.h.o.profile, o);
  }

  /** The account settings the session runs with, for venues whose orders name them (MEXC openType). */
  private account(): { marginMode: CcxtVenueOptions['marginMode']; positionMode: CcxtVenueOptions['positionMode']; leverage?: number } {
    const { marginMode, positionMode, leverage } = this.h.o;
    return { marginMode, positionMode, ...(leverage === undefined ? {} : { leverage }) };
  }

  private reject(clientId: string, code: RejectCode, reason: string): void {
    this.h.emit({ type: 'OrderRejected', clientId, code, reason: (this.h.o.redact ?? ((x: string) => x))(reason), ...this.now() });
  }

  private now(): { tsVenue: number; tsLocal: number } {
    const ms = this.h.o.clock.nowMs();
    return { tsVenue: ms, tsLocal: ms };
  }

  private stamp(o: CcxtOrder): { tsVenue: number; tsLocal: number } {
    const local = this.h.o.clock.nowMs();
    return { tsVenue: o.lastUpdateTimestamp ?? o.timestamp ?? local, tsLocal: local };
  }
}
