// The fake exchange's matching and account: our SimulatedVenue (quote fill model, fed by the replayed bookTicker)
// behind Binance's order records (orderId, clientOrderId, status, fills). Requests are answered synchronously by
// re-feeding the current quote at the request time, so a REST reply shows what the venue did. Must never invent
// prices: every fill comes from the venue against a replayed quote.
import { formatDecimal } from '../../core/decimal.js';
import { formatMoney, type Money } from '../../core/money.js';
import type { Clock } from '../../core/time.js';
import type { InstrumentSpec } from '../../domain/instrument.js';
import type { OrderSpec } from '../../domain/order.js';
import type { TickQuoteColumns } from '../../venues/simulated/quote-fill-model.js';
import { SimulatedVenue } from '../../venues/simulated/simulated-venue.js';
import type { MarginMode, PositionMode, VenueEvent, VenueSnapshot } from '../../venues/venue.js';
import { BINANCE_ERRORS, binanceErrorForReject, type BinanceError } from './binance-errors.js';
import type { ParsedOrder } from './order-params.js';
import { FakeOrder, type FakeFill } from './fake-order.js';

export interface AccountSettings {
  readonly positionMode: PositionMode;
  readonly marginMode: MarginMode;
  readonly leverage: number;
}

/** What the user data stream publishes: an order changed (with the fill, if any) or the account changed. */
export type ExchangeUpdate = { readonly kind: 'order'; readonly order: FakeOrder; readonly fill: FakeFill | undefined; readonly execution: string } | { readonly kind: 'account'; readonly reason: string };

type Outcome = { readonly ok: true; readonly order: FakeOrder } | { readonly ok: false; readonly error: BinanceError };

export class FakeExchange {
  readonly spec: InstrumentSpec;
  private venue: SimulatedVenue;
  private settings: AccountSettings;
  private readonly clock: Clock;
  private nowMs = 0;
  private nextOrderId = 1;
  private nextTradeId = 1;
  private lastRealised = 0;
  private readonly quote: TickQuoteColumns = { timeMs: new Float64Array(1), bidTicks: new Float64Array(1), askTicks: new Float64Array(1), bidLots: new Float64Array(1), askLots: new Float64Array(1) };
  private hasQuote = false;
  /** Every order accepted, by orderId (algo orders share the numbering). */
  readonly orders = new Map<number, FakeOrder>();
  /** The order that receives the venue's events for a client id (the latest with that id). */
  private readonly byClientId = new Map<string, FakeOrder>();
  readonly fills: FakeFill[] = [];
  readonly rejections: { readonly clientOrderId: string; readonly code: number; readonly msg: string; readonly timeMs: number }[] = [];
  readonly liquidations: VenueEvent[] = [];
  private pendingReject: { readonly clientId: string; readonly error: BinanceError } | undefined;
  private listener: (u: ExchangeUpdate) => void = () => undefined;

  constructor(spec: InstrumentSpec, clock: Clock, startingBalance: string, settings: AccountSettings) {
    this.spec = spec;
    this.clock = clock;
    this.settings = settings;
    this.venue = this.buildVenue(startingBalance);
  }

  /** Where order and account updates go (the user data stream). */
  onUpdate(listener: (u: ExchangeUpdate) => void): void {
    this.listener = listener;
  }

  get account(): AccountSettings {
    return this.settings;
  }

  /** The current best bid and ask in ticks; undefined before the first replayed quote. */
  get bestTicks(): { readonly bid: number; readonly ask: number } | undefined {
    return this.hasQuote ? { bid: this.quote.bidTicks[0]!, ask: this.quote.askTicks[0]! } : undefined;
  }

  /** One replayed best bid / ask (ticks and lots) at venue time `timeMs`: fills and triggers happen here. */
  onQuote(timeMs: number, bidTicks: number, bidLots: number, askTicks: number, askLots: number): void {
    this.quote.bidTicks[0] = bidTicks;
    this.quote.askTicks[0] = askTicks;
    this.quote.bidLots[0] = bidLots;
    this.quote.askLots[0] = askLots;
    this.hasQuote = true;
    this.feed(timeMs);
  }

  /** Places an order (the venue judges it against the current quote) and returns its record or Binance's error. */
  place(parsed: ParsedOrder, algo: boolean): Outcome {
    if (!this.hasQuote) return { ok: false, error: BINANCE_ERRORS.notFound };
    const spec = parsed.spec;
    const live = this.byClientId.get(spec.clientId);
    if (live !== undefined && !live.isFinal()) return { ok: false, error: BINANCE_ERRORS.duplicateClientId };
    const immediate = this.wouldTriggerAtOnce(spec);
    if (immediate) return this.reject(spec.clientId, { httpStatus: 400, code: -2021, msg: 'Order would immediately trigger.' });
    const now = this.tick();
    const order = new FakeOrder(this.nextOrderId++, spec, parsed.binanceType, algo, now, parsed.workingType);
    this.byClientId.set(spec.clientId, order);
    this.pendingReject = undefined;
    this.venue.send({ type: 'SubmitOrder', order: spec, tsLocal: now });
    this.feed(now);
    const refused = this.pendingReject as { readonly clientId: string; readonly error: BinanceError } | undefined;
    if (refused !== undefined && refused.clientId === spec.clientId) {
      this.byClientId.delete(spec.clientId);
      return this.reject(spec.clientId, refused.error);
    }
    this.orders.set(order.orderId, order);
    return { ok: true, order };
  }

  /** Cancels a working order; -2011 when it is unknown or already final. */
  cancel(order: FakeOrder | undefined): Outcome {
    if (order === undefined || order.isFinal()) return { ok: false, error: BINANCE_ERRORS.unknownOrder };
    const now = this.tick();
    this.venue.send({ type: 'CancelOrder', clientId: order.clientOrderId, tsLocal: now });
    this.feed(now);
    return order.isFinal() ? { ok: true, order } : { ok: false, error: BINANCE_ERRORS.unknownOrder };
  }

  /** The latest order with this client id (Binance: origClientOrderId), regular or algo as asked. */
  findByClientId(clientId: string, algo: boolean): FakeOrder | undefined {
    let found: FakeOrder | undefined;
    for (const o of this.orders.values()) if (o.clientOrderId === clientId && o.algo === algo) found = o;
    return found;
  }

  openOrders(algo: boolean): FakeOrder[] {
    return [...this.orders.values()].filter((o) => o.algo === algo && !o.isFinal());
  }

  snapshot(): VenueSnapshot {
    return this.venue.snapshotNow();
  }

  metrics(): ReturnType<SimulatedVenue['metrics']> {
    return this.venue.metrics();
  }

  totals(): ReturnType<SimulatedVenue['totals']> {
    return this.venue.totals();
  }

  /**
   * Changes position mode, margin mode or leverage. Like Binance, modes change only with no position and no open
   * order; fakex also changes leverage only then (documented limitation): the venue is rebuilt with the balance.
   */
  configure(change: Partial<AccountSettings>, which: 'positionMode' | 'marginMode' | 'leverage'): BinanceError | undefined {
    const next = { ...this.settings, ...change };
    if (which === 'positionMode' && next.positionMode === this.settings.positionMode) return BINANCE_ERRORS.noChangePositionSide;
    if (which === 'marginMode' && next.marginMode === this.settings.marginMode) return BINANCE_ERRORS.noChangeMarginType;
    if (which === 'leverage' && next.leverage === this.settings.leverage) return undefined;
    const snap = this.venue.snapshotNow();
    const hasPosition = snap.positions.length > 0;
    const hasOrders = this.openOrders(false).length + this.openOrders(true).length > 0;
    switch (which) {
      case 'positionMode':
        if (hasPosition) return BINANCE_ERRORS.positionSideWithPosition;
        if (hasOrders) return BINANCE_ERRORS.positionSideWithOrders;
        break;
      case 'marginMode':
        if (hasPosition) return BINANCE_ERRORS.marginTypeWithPosition;
        if (hasOrders) return BINANCE_ERRORS.marginTypeWithOrders;
        break;
      case 'leverage': {
        const max = this.spec.margin.kind === 'tiered' ? this.spec.margin.maxLeverage : 1;
        if (!Number.isInteger(next.leverage) || next.leverage < 1 || next.leverage > max) return { httpStatus: 400, code: -4028, msg: `Leverage ${next.leverage} is not valid` };
        if (hasPosition || hasOrders) return { httpStatus: 400, code: -1000, msg: 'An unknown error occurred while processing the request. [fakex changes leverage only with no position and no open order]' };
        break;
      }
    }
    this.settings = next;
    this.venue = this.buildVenue(formatMoney(snap.balance));
    this.lastRealised = 0;
    if (this.hasQuote) this.feed(this.tick());
    return undefined;
  }

  /** The venue time for a new request: the wall clock, never earlier than the last event fed. */
  tick(): number {
    this.nowMs = Math.max(this.nowMs, this.clock.nowMs());
    return this.nowMs;
  }

  private feed(timeMs: number): void {
    this.nowMs = Math.max(this.nowMs, timeMs);
    this.quote.timeMs[0] = this.nowMs;
    this.venue.onQuote(0, this.quote, 0);
  }

  private wouldTriggerAtOnce(spec: OrderSpec): boolean {
    const watched = spec.action === 'buy' ? this.quote.askTicks[0]! : this.quote.bidTicks[0]!;
    switch (spec.type) {
      case 'stop-market':
      case 'stop-limit':
        return spec.action === 'buy' ? watched >= spec.triggerTicks : watched <= spec.triggerTicks;
      case 'take-profit-market':
      case 'take-profit-limit':
        return spec.action === 'buy' ? watched <= spec.triggerTicks : watched >= spec.triggerTicks;
      case 'market':
      case 'limit':
      case 'trailing-stop':
        return false;
    }
  }

  private reject(clientOrderId: string, error: BinanceError): Outcome {
    this.rejections.push({ clientOrderId, code: error.code, msg: error.msg, timeMs: this.nowMs });
    return { ok: false, error };
  }

  private buildVenue(startingBalance: string): SimulatedVenue {
    const venue = new SimulatedVenue({
      instruments: [{ spec: this.spec }],
      config: { fill: { kind: 'quotes' }, funding: 'off', startingBalance, ...this.settings },
    });
    venue.connect({ onVenueEvent: (e) => this.onVenueEvent(e) });
    return venue;
  }

  private onVenueEvent(e: VenueEvent): void {
    switch (e.type) {
      case 'OrderRejected': {
        const minNotional = this.spec.minNotional === undefined ? '0' : formatDecimal(this.spec.minNotional);
        const error = binanceErrorForReject(e.code, minNotional);
        // Only the child of a triggered algo order is refused after it was placed; any other rejection answers place().
        const child = this.byClientId.get(e.clientId);
        if (child?.parent !== undefined && !child.isFinal()) {
          // The refused order never reached the book: Binance pushes only the algo order's REJECTED (ALGO_UPDATE).
          child.refuseTriggered(error.msg, e.tsVenue);
          this.listener({ kind: 'order', order: child.parent, fill: undefined, execution: 'REJECTED' });
          return;
        }
        this.pendingReject = { clientId: e.clientId, error };
        return;
      }
      case 'OrderAccepted':
        return this.update(e.clientId, () => undefined, 'NEW');
      case 'OrderModified':
        return;
      case 'OrderTriggered':
        return this.update(e.clientId, (o) => o.trigger(e.tsVenue), 'TRIGGERED');
      case 'OrderFilled': {
        const realised = this.venue.totals().realisedPnl;
        const fill: FakeFill = {
          tradeId: this.nextTradeId++,
          lots: e.lots,
          priceTicks: e.priceTicks,
          maker: e.liquidity === 'maker',
          fee: e.fee,
          realisedPnl: (realised - this.lastRealised) as Money,
          timeMs: e.tsVenue,
          orderId: 0,
          clientOrderId: e.clientId,
        };
        this.lastRealised = realised;
        this.update(e.clientId, (o) => o.fill(fill), 'TRADE', fill);
        this.listener({ kind: 'account', reason: 'ORDER' });
        return;
      }
      case 'OrderCancelled':
        return this.update(e.clientId, (o) => o.finish('CANCELED', e.tsVenue), 'CANCELED');
      case 'OrderExpired':
        return this.update(e.clientId, (o) => o.finish('EXPIRED', e.tsVenue), 'EXPIRED');
      case 'CancelRejected':
      case 'ModifyRejected':
        return;
      case 'FundingSettled':
        this.listener({ kind: 'account', reason: 'FUNDING_FEE' });
        return;
      case 'PositionLiquidated':
        this.liquidations.push(e);
        this.listener({ kind: 'account', reason: 'ORDER' });
        return;
    }
  }

  private update(clientId: string, change: (o: FakeOrder) => FakeOrder | void, execution: string, fill?: FakeFill): void {
    const order = this.byClientId.get(clientId);
    if (order === undefined) return;
    const parentBefore = order.parent?.algoStatus;
    const target = change(order) ?? order;
    if (target !== order) {
      target.orderId = this.nextOrderId++;
      this.orders.set(target.orderId, target);
      this.byClientId.set(clientId, target);
      this.listener({ kind: 'order', order, fill: undefined, execution });
      this.listener({ kind: 'order', order: target, fill: undefined, execution: 'NEW' });
      return;
    }
    if (fill !== undefined) {
      this.fills.push({ ...fill, orderId: order.orderId });
      this.listener({ kind: 'order', order, fill: { ...fill, orderId: order.orderId }, execution });
    } else {
      this.listener({ kind: 'order', order, fill: undefined, execution });
    }
    // The child's end changes its algo order (FINISHED, REJECTED): Binance pushes that as the algo order's own event.
    const parent = order.parent;
    if (parent !== undefined && parent.algoStatus !== parentBefore) this.listener({ kind: 'order', order: parent, fill: undefined, execution: parent.algoStatus });
  }
}
