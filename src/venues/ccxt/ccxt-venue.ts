// The venue port over a ccxt exchange client: commands become ccxt calls (one at a time, in order), answers and
// later order states become venue events, and snapshot() reads the venue's truth. The client is injected, so tests
// drive a recorded-payload transport. Must never re-send an order on its own, nor let ccxt retry one.
import type { Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { RejectCode, VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort } from '../venue.js';
import { fillFromTrade, readFillsSince, type FillsSince, type OrderFilledEvent } from './account-fills.js';
import type { BinanceUserStream, ResyncReason } from './binance-user-stream.js';
import { BracketKeeper } from './bracket-keeper.js';
import type { CcxtVenueOptions } from './ccxt-venue-options.js';
import { childOrderIdOf, fromCcxtOrder, toCcxtOrder, type OrderView } from './order-mapping.js';
import { linkUserStream, type StreamTrade } from './user-stream-link.js';
import { readSnapshot, type CcxtVenueSnapshot } from './venue-snapshot.js';
import { withdrawPermission, type WithdrawPermission } from './withdraw-permission.js';
import { classifyError, outcomeUnknown, VenueFailure, type ClassifiedError } from './venue-failure.js';
import { isConditional, refusalReason } from './venue-profile.js';

export type { AccountNotice, CcxtVenueOptions, UserStreamSettings } from './ccxt-venue-options.js';

/** One order this process knows: what it is, where it is on the venue, and which of its fills were reported. */
interface TrackedOrder {
  readonly spec: OrderSpec;
  readonly instrument: InstrumentSpec;
  venueOrderId: string | undefined;
  /** For a triggered conditional (Binance algo) order: the regular order that trades for it (`actualOrderId`). */
  childOrderId: string | undefined;
  reportedLots: number;
  readonly seenTradeIds: Set<string>;
  done: boolean;
}

const DEFAULT_UNKNOWN_OUTCOME = { queries: 3, delayMs: 500 };

export class CcxtVenue implements VenuePort {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  private sink: VenueEventSink | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly orders = new Map<string, TrackedOrder>();
  /** Child order id of a triggered conditional order -> our client id (the venue may name the child otherwise). */
  private readonly childOwners = new Map<string, string>();
  private readonly specs: ReadonlyMap<string, InstrumentSpec>;
  private readonly redact: (text: string) => string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly keeper: BracketKeeper;
  /** The user data stream when enabled (started by connect), for its stats and for tests to drive. */
  readonly userStream: BinanceUserStream | undefined;

  constructor(private readonly o: CcxtVenueOptions) {
    this.name = o.profile.name;
    this.capabilities = o.profile.capabilities;
    this.specs = new Map(o.instruments.map((s) => [s.id, s]));
    this.redact = o.redact ?? ((t) => t);
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // ccxt retries a failed request when maxRetriesOnFailure > 0: for an order that is a duplicate in waiting.
    o.exchange.options['maxRetriesOnFailure'] = 0;
    this.keeper = new BracketKeeper({
      place: async (spec) => {
        await this.submit(spec);
        return this.orders.get(spec.clientId)?.venueOrderId !== undefined;
      },
      cancel: (id) => this.cancel(id),
      deliver: (e) => this.sink?.onVenueEvent(e),
      schedule: (task) => this.enqueue(task),
      refusal: (spec) => refusalReason(o.profile, spec, this.specs.get(spec.instrument)),
      nowMs: () => o.clock.nowMs(),
    });
    this.userStream = linkUserStream(this, o);
  }

  /** Starts the user data stream when enabled (without waiting for it: polling covers until it is open). */
  connect(sink: VenueEventSink): void {
    this.sink = sink;
    void this.userStream?.start();
  }

  /** Stops the user data stream and closes its listen key; commands already queued still complete. */
  async close(): Promise<void> {
    await this.userStream?.stop();
  }

  /** Queues the command; its outcome arrives as events. Never throws for a venue refusal. */
  send(command: VenueCommand): void {
    this.enqueue(() => this.handle(command));
  }

  /** Resolves when every command sent so far, and every protective-exit change they caused, has been handled. */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  /**
   * Reads one order back now (e.g. on a user-data-stream ORDER_TRADE_UPDATE naming its client id), so fills and
   * state changes arrive faster than the next poll. Unknown client ids are ignored.
   */
  refreshOrder(clientId: string): Promise<void> {
    this.enqueue(async () => {
      const t = this.orders.get(clientId);
      if (t !== undefined && !t.done) await this.refresh(clientId, t);
    });
    return this.queue;
  }

  /** Asks the venue for every working order we track and reports fills, cancels and expiries we have not seen. */
  poll(): Promise<void> {
    this.enqueue(async () => {
      for (const [clientId, t] of this.orders) if (!t.done) await this.refresh(clientId, t);
    });
    return this.queue;
  }

  /**
   * The venue's truth, with each instrument's margin mode and leverage as the venue reports them; working orders it
   * lists are tracked from now on (so a restarted process can cancel them).
   */
  async snapshot(): Promise<CcxtVenueSnapshot> {
    const snap = await readSnapshot(this.o, (e) => this.failure(e));
    for (const open of snap.openOrders) {
      const instrument = this.specs.get(open.order.instrument);
      if (instrument === undefined || this.orders.has(open.clientId)) continue;
      this.orders.set(open.clientId, { spec: open.order, instrument, venueOrderId: open.venueOrderId, childOrderId: undefined, reportedLots: open.filledLots, seenTradeIds: new Set(), done: false });
    }
    return snap;
  }

  /**
   * The account's fills on `instrumentId` since `sinceMs` (venue ms), each with the venue's trade id, for
   * reconciliation after a restart; see readFillsSince for the paging bounds. Throws a VenueFailure.
   */
  async fillsSince(instrumentId: string, sinceMs: number): Promise<FillsSince> {
    const spec = this.specs.get(instrumentId);
    if (spec === undefined) throw new Error(`${this.name} does not trade ${instrumentId}; it trades ${[...this.specs.keys()].join(', ')}`);
    const known = new Map([...this.orders].filter(([, t]) => t.venueOrderId !== undefined).map(([clientId, t]) => [t.venueOrderId, clientId]));
    for (const [childId, clientId] of this.childOwners) known.set(childId, clientId);
    return this.read(() => readFillsSince({ exchange: this.o.exchange, clock: this.o.clock, clientIdOf: (id) => known.get(id) }, spec, sinceMs));
  }

  /** Whether the key in use can withdraw (the live command refuses such a key). Throws a VenueFailure. */
  withdrawPermission(): Promise<WithdrawPermission> {
    return this.read(() => withdrawPermission(this.o.profile.ccxtId, this.o.exchange));
  }

  /**
   * A trade the venue pushed (user data stream) for `clientId`: reported at once unless a poll reported it already.
   * The update may name the child order of a triggered conditional order (Binance sends ORDER_TRADE_UPDATE for the
   * child's order id): a known child is linked back to its conditional order. Without a trade, for a child not known
   * yet, or for an order this process did not place, the orders are read back by REST instead.
   */
  ingest(streamClientId: string, venueOrderId: string, trade: StreamTrade | undefined): Promise<void> {
    this.enqueue(async () => {
      const clientId = this.childOwners.get(venueOrderId) ?? streamClientId;
      const t = this.orders.get(clientId);
      const tradingId = t === undefined ? undefined : isConditional(t.spec.type) ? t.childOrderId : t.venueOrderId;
      if (t === undefined) {
        for (const [id, x] of this.orders) if (!x.done) await this.refresh(id, x);
      } else if (trade === undefined || tradingId !== venueOrderId) {
        if (!t.done) await this.refresh(clientId, t);
      } else {
        const { tradeId, ...fill } = trade;
        const leg = t.spec.positionSide === undefined ? {} : { positionSide: t.spec.positionSide };
        this.deliverFill(clientId, t, tradeId, { type: 'OrderFilled', clientId, instrument: t.instrument.id, action: t.spec.action, ...fill, ...leg, tsLocal: this.o.clock.nowMs() });
      }
    });
    return this.queue;
  }

  /** After a stream gap: the REST snapshot (adopting orders) and every live order read back, so no fill is lost. */
  async resync(reason: ResyncReason): Promise<void> {
    try {
      const snapshot = await this.snapshot();
      this.o.onAccount?.({ kind: 'resync', reason, snapshot });
    } catch (e) {
      this.o.onFailure?.(e instanceof VenueFailure ? e : this.failure(e));
    }
    await this.poll();
  }

  private enqueue(task: () => Promise<void>): void {
    // A bug inside a task must not wedge the queue: it is rethrown asynchronously, where the process sees it.
    this.queue = this.queue.then(task).catch((e: unknown) => {
      queueMicrotask(() => {
        throw e;
      });
    });
  }

  private async handle(command: VenueCommand): Promise<void> {
    switch (command.type) {
      case 'SubmitOrder':
        return this.submit(command.order);
      case 'SubmitBracket': {
        // Emulated: the entry goes out; its fills make the keeper place and resize the reduce-only exits.
        const b = command.bracket;
        const problem = this.keeper.problem(b);
        if (problem === undefined) return this.keeper.submitBracket(b);
        for (const x of [b.entry, b.stopLoss, b.takeProfit]) if (x !== undefined) this.reject(x.clientId, 'UNSUPPORTED', problem);
        return;
      }
      case 'SubmitOco':
        return this.keeper.submitOco(command.orders);
      case 'CancelOrder':
        return this.keeper.ownsExit(command.clientId) ? this.keeper.withdraw(command.clientId) : this.cancel(command.clientId);
      case 'ModifyOrder':
        return this.keeper.ownsExit(command.clientId) ? this.keeper.modify(command) : this.modify(command);
      case 'CancelAll':
        this.keeper.closeInstrument(command.instrument);
        return this.cancelAll(command.instrument);
    }
  }

  private async submit(order: OrderSpec): Promise<void> {
    if (this.orders.has(order.clientId)) {
      return this.reject(order.clientId, 'DUPLICATE_CLIENT_ID', `client id ${order.clientId} was used before; every order intent needs a new one`);
    }
    const instrument = this.specs.get(order.instrument);
    const refused = refusalReason(this.o.profile, order, instrument);
    if (refused !== undefined || instrument === undefined) return this.reject(order.clientId, 'UNSUPPORTED', refused ?? 'unknown instrument');
    const tracked: TrackedOrder = { spec: order, instrument, venueOrderId: undefined, childOrderId: undefined, reportedLots: 0, seenTradeIds: new Set(), done: false };
    // Tracked before sending: from here on the client id is spent, whatever the outcome.
    this.orders.set(order.clientId, tracked);
    const req = toCcxtOrder(order, instrument, this.o.profile);
    let placed: CcxtOrder;
    try {
      placed = await this.o.exchange.createOrder(req.symbol, req.type, req.side, req.amount, req.price, req.params);
    } catch (e) {
      const c = this.classify(e);
      if (outcomeUnknown(c.meaning)) return this.resolveUnknown(order.clientId, tracked, c);
      tracked.done = true;
      return this.reject(order.clientId, c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', describe(c));
    }
    if (placed.id === undefined || placed.id === '') {
      // An answer without an order id says nothing certain: ask by client id, as after a timeout.
      const cause = { meaning: { kind: 'failure', code: 'UNKNOWN_STATE' }, venueCode: undefined, message: 'the venue answered without an order id' } as const;
      return this.resolveUnknown(order.clientId, tracked, cause);
    }
    await this.accepted(order.clientId, tracked, placed);
  }

  /** After an unknown outcome the order may exist: ask by client id, a few times, and never re-send. */
  private async resolveUnknown(clientId: string, t: TrackedOrder, cause: ClassifiedError): Promise<void> {
    const { queries, delayMs } = this.o.unknownOutcome ?? DEFAULT_UNKNOWN_OUTCOME;
    for (let i = 0; i < queries; i++) {
      await this.sleep(delayMs);
      const found = await this.fetchByClientId(clientId, t);
      if (found !== undefined && found.id !== undefined && found.id !== '') return this.accepted(clientId, t, found);
    }
    t.done = true;
    this.reject(clientId, 'VENUE_ERROR', `outcome unknown after ${describe(cause)}; the venue lists no order ${clientId} after ${queries} queries, and it is not re-sent`);
  }

  private async fetchByClientId(clientId: string, t: TrackedOrder): Promise<CcxtOrder | undefined> {
    try {
      // ccxt reads the client id from params; the venue order id is unknown here, so it is passed empty.
      return await this.o.exchange.fetchOrder('', t.instrument.ccxtSymbol, { clientOrderId: clientId, ...this.o.profile.queryParams(t.spec.type) });
    } catch (e) {
      this.classify(e);
      return undefined;
    }
  }

  private async accepted(clientId: string, t: TrackedOrder, placed: CcxtOrder): Promise<void> {
    const view = fromCcxtOrder(placed, t.instrument);
    t.venueOrderId = view.venueOrderId;
    this.emit({ type: 'OrderAccepted', clientId, venueOrderId: view.venueOrderId, ...this.stamp(placed) });
    const immediate = t.spec.type === 'market' || ('timeInForce' in t.spec && t.spec.timeInForce !== 'GTC' && t.spec.timeInForce !== 'GTX');
    // Venues acknowledge an order before it trades (Binance newOrderRespType ACK); a taking order is read back at once.
    if (immediate && !isConditional(t.spec.type) && view.status === 'open') return this.refresh(clientId, t);
    await this.apply(clientId, t, view, placed);
  }

  /**
   * Reads one tracked order back and reports what changed. A triggered conditional order has no fills of its own on
   * Binance USD-M: its child order (the algo order's `actualOrderId`, GET /fapi/v1/algoOrder,
   * https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Query-Algo-Order) trades,
   * so the child is read instead and its fills and final status are reported as ours.
   */
  private async refresh(clientId: string, t: TrackedOrder): Promise<void> {
    if (t.venueOrderId === undefined) return;
    let o: CcxtOrder;
    try {
      o = await this.o.exchange.fetchOrder(t.venueOrderId, t.instrument.ccxtSymbol, this.o.profile.queryParams(t.spec.type));
      const childId = isConditional(t.spec.type) ? childOrderIdOf(o) : undefined;
      if (childId !== undefined) {
        t.childOrderId = childId;
        this.childOwners.set(childId, clientId);
        o = await this.o.exchange.fetchOrder(childId, t.instrument.ccxtSymbol, this.o.profile.queryParams('market'));
      }
    } catch (e) {
      this.classify(e);
      return;
    }
    await this.apply(clientId, t, fromCcxtOrder(o, t.instrument), o);
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
        return this.emit({ type: 'OrderCancelled', clientId, reason: 'cancelled on the venue', ...this.stamp(raw) });
      case 'expired':
        t.done = true;
        return this.emit({ type: 'OrderExpired', clientId, reason: 'expired on the venue (IOC/FOK remainder or expiry)', ...this.stamp(raw) });
      case 'rejected':
        t.done = true;
        return this.emit({ type: 'OrderCancelled', clientId, reason: 'rejected by the venue after it was accepted', ...this.stamp(raw) });
    }
  }

  /** One OrderFilled per venue trade not yet reported, with the venue's own price, fee and liquidity. */
  private async reportFills(clientId: string, t: TrackedOrder, view: OrderView): Promise<void> {
    let trades: CcxtTrade[];
    try {
      const params = this.o.profile.orderTradesParams(view.venueOrderId);
      const all = await this.o.exchange.fetchMyTrades(t.instrument.ccxtSymbol, undefined, undefined, params);
      trades = all.filter((trade) => String(trade.order) === view.venueOrderId);
    } catch (e) {
      // Missing fills are picked up by the next poll: reportedLots has not moved.
      this.classify(e);
      return;
    }
    const sorted = [...trades].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    for (const trade of sorted) {
      const event = fillFromTrade(trade, t.instrument, clientId, t.spec.action, t.spec.positionSide, this.o.clock.nowMs());
      if (event !== undefined) this.deliverFill(clientId, t, String(trade.id), event);
    }
    if (t.reportedLots >= t.spec.qtyLots) t.done = true;
  }

  /** Reports one venue trade once, whichever path (poll, REST read-back, user stream) saw it first. */
  private deliverFill(clientId: string, t: TrackedOrder, tradeId: string, event: OrderFilledEvent): void {
    if (t.seenTradeIds.has(tradeId) || t.reportedLots + event.lots > t.spec.qtyLots) return;
    t.seenTradeIds.add(tradeId);
    t.reportedLots += event.lots;
    this.emit(event);
    if (t.reportedLots >= t.spec.qtyLots) t.done = true;
  }

  private async cancel(clientId: string): Promise<void> {
    const t = this.orders.get(clientId);
    if (t === undefined || t.venueOrderId === undefined || t.done) {
      return this.emit({ type: 'CancelRejected', clientId, code: 'UNKNOWN_ORDER', reason: `${this.name} has no working order ${clientId}`, ...this.now() });
    }
    try {
      const o = await this.o.exchange.cancelOrder(t.venueOrderId, t.instrument.ccxtSymbol, this.o.profile.queryParams(t.spec.type));
      // Fills that happened before the cancel are reported first, then the cancel itself.
      await this.apply(clientId, t, { ...fromCcxtOrder(o, t.instrument), status: 'canceled' }, o);
    } catch (e) {
      const c = this.classify(e);
      // "Unknown order" on a cancel usually means it just filled: read it back so the fills are not lost.
      await this.refresh(clientId, t);
      this.emit({ type: 'CancelRejected', clientId, code: c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', reason: describe(c), ...this.now() });
    }
  }

  private async modify(command: Extract<VenueCommand, { type: 'ModifyOrder' }>): Promise<void> {
    const { clientId } = command;
    const t = this.orders.get(clientId);
    const refuse = (code: RejectCode, reason: string): void => this.emit({ type: 'ModifyRejected', clientId, code, reason, ...this.now() });
    if (t === undefined || t.venueOrderId === undefined || t.done) return refuse('UNKNOWN_ORDER', `${this.name} has no working order ${clientId}`);
    if (t.spec.type !== 'limit' || command.triggerTicks !== undefined || this.o.exchange.has['editOrder'] !== true) {
      return refuse('UNSUPPORTED', `${this.name} modifies only the price and quantity of limit orders; cancel and re-place a ${t.spec.type} order`);
    }
    const next: OrderSpec = { ...t.spec, qtyLots: command.qtyLots ?? t.spec.qtyLots, limitTicks: command.limitTicks ?? t.spec.limitTicks };
    const req = toCcxtOrder(next, t.instrument, this.o.profile);
    try {
      const o = await this.o.exchange.editOrder(t.venueOrderId, req.symbol, req.type, req.side, req.amount, req.price, this.o.profile.queryParams(next.type));
      this.orders.set(clientId, { ...t, spec: next, venueOrderId: String(o.id ?? t.venueOrderId) });
      this.emit({ type: 'OrderModified', clientId, order: next, ...this.stamp(o) });
    } catch (e) {
      const c = this.classify(e);
      refuse(c.meaning.kind === 'refusal' ? c.meaning.code : 'VENUE_ERROR', describe(c));
    }
  }

  private async cancelAll(instrumentId: string): Promise<void> {
    const instrument = this.specs.get(instrumentId);
    if (instrument === undefined) return;
    const variants = [{}, this.o.profile.queryParams('stop-market')].filter((p, i) => i === 0 || Object.keys(p).length > 0);
    for (const params of variants) {
      try {
        await this.o.exchange.cancelAllOrders(instrument.ccxtSymbol, params);
      } catch (e) {
        this.classify(e);
      }
    }
    for (const [clientId, t] of this.orders) if (!t.done && t.instrument.id === instrumentId) await this.refresh(clientId, t);
  }

  private classify(e: unknown): ClassifiedError {
    const c = classifyError(e, this.o.profile.errors, this.redact);
    if (c.meaning.kind === 'failure') this.o.onFailure?.(new VenueFailure(this.name, c));
    return c;
  }

  /** A read whose failure is thrown as a VenueFailure (redacted, with its code). */
  private async read<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (e) {
      throw this.failure(e);
    }
  }

  private failure(e: unknown): VenueFailure {
    return new VenueFailure(this.name, classifyError(e, this.o.profile.errors, this.redact));
  }

  private reject(clientId: string, code: RejectCode, reason: string): void {
    this.emit({ type: 'OrderRejected', clientId, code, reason: this.redact(reason), ...this.now() });
  }

  private now(): { tsVenue: number; tsLocal: number } {
    const ms = this.o.clock.nowMs();
    return { tsVenue: ms, tsLocal: ms };
  }

  private stamp(o: CcxtOrder): { tsVenue: number; tsLocal: number } {
    const local = this.o.clock.nowMs();
    return { tsVenue: o.lastUpdateTimestamp ?? o.timestamp ?? local, tsLocal: local };
  }

  private emit(event: VenueEvent): void {
    if (this.keeper.route(event)) return;
    this.sink?.onVenueEvent(event);
  }
}

function describe(c: ClassifiedError): string {
  return `${c.meaning.code}${c.venueCode === undefined ? '' : ` (venue code ${c.venueCode})`}: ${c.message}`;
}
