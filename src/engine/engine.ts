// The event loop shared by backtest, paper and live: feeds bars to the strategy after the venue has processed them,
// sends the strategy's orders through the venue port, and books every venue event (order lifecycle through the
// transition table, positions, balance, round trips, equity curve, event log). Sees only the port: must never
// know which venue it talks to, read the wall clock or allocate per bar on the steady path.
import { InvariantError } from '../core/errors.js';
import { asLots, asTicks, type Lots } from '../core/grid.js';
import { SequentialIds, type IdGenerator } from '../core/ids.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { RoundTrip } from '../domain/round-trip.js';
import type { VenueCommand, VenueEvent, VenueEventSink, VenuePort } from '../venues/venue.js';
import { bookFunding, bookLiquidation } from './account-events.js';
import { EngineOrders, type OrderDesk } from './engine-orders.js';
import { collectResult, type EngineConfig, type EngineResult } from './engine-config.js';
import { seedResume } from './engine-resume.js';
import { EquityCurve } from './equity-curve.js';
import { EventLog, LOG_ACCEPTED, LOG_CANCEL_REJECTED, LOG_CANCELLED, LOG_EXPIRED, LOG_FILLED, LOG_MODIFIED, LOG_MODIFY_REJECTED, LOG_NONE, LOG_NOTE, LOG_REJECTED, LOG_TRIGGERED } from './event-log.js';
import { Funnel } from './funnel.js';
import { InstrumentBook, Ledger, legOf } from './ledger.js';
import { exitTicksFromEntry } from './order-api.js';
import { exitReasonOf, OrderTracker, VenueInconsistencyError, type TrackedOrder } from './order-tracker.js';
import { buildStrategyContext, fillViewOf, modifiedPriceTicks } from './strategy-context.js';
import { MutableBar, MutableQuote, MutableTrade, type EngineBars, type EngineQuotes, type EngineTrades } from './market-views.js';
import type { PositionView, StrategyContext, StrategyHandlers } from './strategy.js';

export type { EngineBars, EngineQuotes, EngineTrades } from './market-views.js';

export type { EngineConfig, EngineResult } from './engine-config.js';

const EVENT_TRIGGERED = { kind: 'triggered' } as const;
const EVENT_CANCELLED = { kind: 'cancelled' } as const;
const EVENT_EXPIRED = { kind: 'expired' } as const;
const EVENT_CANCEL_REFUSED = { kind: 'cancel-refused' } as const;
/** What the reused modify event holds before its first use; never applied. */
const PLACEHOLDER_SPEC: OrderSpec = { clientId: '', instrument: '' as InstrumentId, action: 'buy', qtyLots: asLots(0), effect: 'open-or-reduce', positionSide: undefined, type: 'market' };

export class Engine implements VenueEventSink, OrderDesk {
  /** The engine copies what it needs from each event and keeps none (the venue may reuse its event objects). */
  readonly eventsMayBeReused = true;
  readonly tracker = new OrderTracker();
  readonly log = new EventLog();
  readonly funnel = new Funnel();
  readonly ledger: Ledger;
  readonly books: InstrumentBook[];
  readonly trips: RoundTrip[] = [];
  private readonly equity: EquityCurve;
  nowMs = 0;
  private readonly venue: VenuePort;
  private readonly bars: EngineBars;
  private readonly primary: InstrumentBook;
  private readonly intervalMs: number;
  private readonly ids: IdGenerator;
  private readonly orders: EngineOrders;
  private readonly handlers: StrategyHandlers;
  private readonly ctx: StrategyContext;
  /** Round trips already handed to onTradeClosed. */
  private tripsSeen = 0;
  private ended = false;
  /** The log row where onEnd began: notes from there on are its final notes. */
  endNoteFrom = Number.POSITIVE_INFINITY;
  private readonly barView = new MutableBar();
  private readonly tradeView = new MutableTrade();
  private readonly quoteView = new MutableQuote();
  /** The argument lists of the strategy's onBar, onTrade and onQuote: the views, made once. */
  private readonly barArgs: readonly [MutableBar] = [this.barView];
  private readonly tradeArgs: readonly [MutableTrade] = [this.tradeView];
  private readonly quoteArgs: readonly [MutableQuote] = [this.quoteView];
  private readonly venuePricesExits: boolean;
  /** Bars completed: also the index of the bar the venue is processing when its events arrive. */
  barsDone = 0;
  /** When the requested onTimer call is due; +Infinity while none is requested. */
  private timerAtMs = Number.POSITIVE_INFINITY;
  /** True while any book holds a position (kept after every fill and liquidation): flat bars skip the P&L math. */
  private anyHeld = false;
  /**
   * Reused lifecycle events: applyOrderEvent reads an event and keeps none of it but the values it copies, so one
   * mutable object per kind serves every order (fills and status changes happen several times per trade).
   */
  private readonly fillEvent: { kind: 'fill'; lots: Lots; priceTicks: number } = { kind: 'fill', lots: asLots(0), priceTicks: 0 };
  private readonly acceptedEvent: { kind: 'accepted'; venueOrderId: string } = { kind: 'accepted', venueOrderId: '' };
  private readonly rejectedEvent: { kind: 'rejected'; reason: string } = { kind: 'rejected', reason: '' };
  private readonly modifiedEvent: { kind: 'modified'; spec: OrderSpec } = { kind: 'modified', spec: PLACEHOLDER_SPEC };

  constructor(config: EngineConfig) {
    const first = config.instruments[0];
    if (first === undefined) throw new RangeError('an engine needs at least one instrument');
    this.venue = config.venue;
    this.bars = config.bars;
    this.intervalMs = config.barIntervalMs;
    this.ids = config.ids ?? new SequentialIds();
    this.ledger = new Ledger(first.settle, config.startingBalance);
    this.books = config.instruments.map((spec, i) => new InstrumentBook(spec, i, config.runId, config.source, this.trips));
    this.ledger.books.push(...this.books);
    this.primary = this.books[0]!;
    this.equity = new EquityCurve(config.bars.length, this.ledger, this.books.length === 1 ? this.primary : undefined, config.bars.closeTicks);
    this.venuePricesExits = config.venue.capabilities.bracketExitsFromFill === true;
    this.orders = new EngineOrders(this);
    if (config.resume !== undefined) {
      seedResume(this.books, this.tracker, this.log, config.resume);
      this.anyHeld = this.ledger.anyHeld();
    }
    this.venue.connect(this);
    this.ctx = this.context(config);
    this.handlers = config.strategy.create(this.ctx, config.params as never);
  }

  /** Equity (settle asset) at each bar's close; written up to `barsDone` once `finish` has run. */
  get equityCurve(): Float64Array {
    return this.equity.values;
  }

  nextClientId(): string {
    return this.ids.next('o');
  }

  send(command: VenueCommand): void {
    this.venue.send(command);
  }

  /**
   * Bar `i` of the primary instrument has closed and the venue has processed it: values the books at its close,
   * records equity, fires a due timer, then runs the strategy's onBar. The steady path allocates nothing.
   */
  onBar(i: number): void {
    // The strategy is called through Reflect.apply with a reused argument list, a call V8 does not inline: its
    // onBar is then optimised on its own, with the whole inlining budget for its indicator updates. Inlined into
    // the driver's loop, it shares one budget with this method and the venue, and whatever does not fit (typically
    // `ema.add`) is called out of line, boxing every float it passes or returns: an allocation per bar.
    const b = this.bars;
    const v = this.barView;
    v.index = i;
    v.openTimeMs = b.openTimeMs[i]!;
    v.closeTimeMs = v.openTimeMs + this.intervalMs;
    v.open = b.open[i]!;
    v.high = b.high[i]!;
    v.low = b.low[i]!;
    v.close = b.close[i]!;
    v.volume = b.volume[i]!;
    this.nowMs = v.closeTimeMs;
    this.primary.lastCloseTicks = b.closeTicks[i]!;
    if (this.anyHeld) this.valueHeldBar(i);
    else this.equity.flat(i);
    this.barsDone = i + 1;
    if (this.timerAtMs <= this.nowMs) this.fireTimer();
    const h = this.handlers;
    if (h.onBar !== undefined) Reflect.apply(h.onBar, h, this.barArgs);
  }

  /** A bar closed while a position is held: the open trips' excursions at its extremes, and equity at its close. */
  private valueHeldBar(i: number): void {
    const book = this.primary;
    if (book.held) book.markExtremes(this.bars.lowTicks[i]!, this.bars.highTicks[i]!);
    this.equity.held(i);
  }

  /**
   * Trade `j` of the primary instrument has been processed by the venue: hands it to the strategy's onTrade (when it
   * has one), with ctx.time at the trade's time. Allocation-free.
   */
  onTrade(trades: EngineTrades, j: number): void {
    const h = this.handlers;
    if (h.onTrade === undefined) return;
    const v = this.tradeView;
    v.timeMs = trades.timeMs[j]!;
    v.price = trades.price[j]!;
    v.qty = trades.qty[j]!;
    v.isBuyerMaker = trades.isBuyerMaker[j] === 1;
    this.nowMs = v.timeMs;
    // Not inlined, for the reason given in onBar.
    Reflect.apply(h.onTrade, h, this.tradeArgs);
  }

  /**
   * Quote `j` (best bid / ask) of the primary instrument has been processed by the venue: hands it to the strategy's
   * onQuote (when it has one), with ctx.time at the quote's time. Allocation-free.
   */
  onQuote(quotes: EngineQuotes, j: number): void {
    const h = this.handlers;
    if (h.onQuote === undefined) return;
    const v = this.quoteView;
    v.timeMs = quotes.timeMs[j]!;
    v.bid = quotes.bid[j]!;
    v.bidQty = quotes.bidQty[j]!;
    v.ask = quotes.ask[j]!;
    v.askQty = quotes.askQty[j]!;
    this.nowMs = v.timeMs;
    // Not inlined, for the reason given in onBar.
    Reflect.apply(h.onQuote, h, this.quoteArgs);
  }

  /** Ends the run after `bars` bars: runs the strategy's onEnd once, reports open positions apart (valued at the last close). */
  finish(): EngineResult {
    this.equity.flush(this.barsDone);
    if (!this.ended) {
      this.ended = true;
      const before = this.log.length;
      this.handlers.onEnd?.(this.ctx);
      this.endNoteFrom = before;
    }
    return collectResult(this);
  }

  onVenueEvent(e: VenueEvent): void {
    this.nowMs = e.tsLocal;
    switch (e.type) {
      case 'OrderAccepted': {
        const t = this.working(e.clientId, 'accepted');
        const wasPending = t.state.status === 'pending';
        const a = this.acceptedEvent;
        a.venueOrderId = e.venueOrderId;
        this.tracker.applyTo(t, a);
        if (wasPending && t.entryId === undefined) this.funnel.venueAccepted++;
        this.orderUpdate(LOG_ACCEPTED, t, e.tsVenue, 'accepted', '');
        return;
      }
      case 'OrderRejected': {
        const r = this.rejectedEvent;
        r.reason = e.reason;
        const t = this.tracker.apply(e.clientId, r);
        // A bracket's exits are rejected with their entry: count the decision once.
        if (t.entryId === undefined) this.funnel.refuse('rejected', `${e.code} (${e.reason})`);
        this.orderUpdate(LOG_REJECTED, t, e.tsVenue, 'rejected', `${e.code}: ${e.reason}`);
        return;
      }
      case 'OrderTriggered':
        this.orderUpdate(LOG_TRIGGERED, this.tracker.apply(e.clientId, EVENT_TRIGGERED), e.tsVenue, 'triggered', '');
        return;
      case 'OrderFilled':
        this.onFilled(e);
        return;
      case 'OrderModified': {
        const m = this.modifiedEvent;
        m.spec = e.order;
        const t = this.tracker.apply(e.clientId, m);
        // The new price goes into the log (the review detects a stop moved wider from it); the text says which price.
        const price = modifiedPriceTicks(e.order);
        this.log.append(LOG_MODIFIED, e.tsVenue, t.instrumentIndex, t.logRef, price === undefined ? '' : e.order.type === 'limit' ? 'limit' : 'trigger', price);
        this.orderUpdate(LOG_NONE, t, e.tsVenue, 'modified', '');
        return;
      }
      case 'OrderCancelled': {
        const t = this.tracker.apply(e.clientId, EVENT_CANCELLED);
        if (t.entryId === undefined && t.state.filledLots === 0) this.funnel.refuse('cancelled', e.reason);
        this.orderUpdate(LOG_CANCELLED, t, e.tsVenue, 'cancelled', e.reason);
        return;
      }
      case 'OrderExpired': {
        const t = this.tracker.apply(e.clientId, EVENT_EXPIRED);
        if (t.state.filledLots === 0) this.funnel.refuse('expired', e.reason);
        this.orderUpdate(LOG_EXPIRED, t, e.tsVenue, 'expired', e.reason);
        return;
      }
      case 'ModifyRejected': {
        const t = this.tracker.get(e.clientId);
        this.log.append(LOG_MODIFY_REJECTED, e.tsVenue, t?.instrumentIndex ?? 0, t?.logRef ?? this.log.orderRef(e.clientId), `${e.code}: ${e.reason}`);
        if (t !== undefined) this.orderUpdate(LOG_NONE, t, e.tsVenue, 'modify-rejected', `${e.code}: ${e.reason}`);
        return;
      }
      case 'CancelRejected': {
        const t = this.tracker.get(e.clientId);
        if (t !== undefined && t.state.status === 'pending-cancel') this.tracker.applyTo(t, EVENT_CANCEL_REFUSED);
        this.log.append(LOG_CANCEL_REJECTED, e.tsVenue, t?.instrumentIndex ?? 0, t?.logRef ?? this.log.orderRef(e.clientId), `${e.code}: ${e.reason}`);
        return;
      }
      case 'FundingSettled':
        this.equity.flush(this.barsDone);
        bookFunding(this.ledger, this.bookOf(e.instrument), this.log, e);
        return;
      case 'PositionLiquidated':
        this.equity.flush(this.barsDone);
        bookLiquidation(this.ledger, this.bookOf(e.instrument), this.log, e, this.barsDone);
        this.anyHeld = this.ledger.anyHeld();
        if (this.trips.length > this.tripsSeen) this.tripsClosed();
        return;
      default: {
        const unknown: never = e;
        throw new InvariantError('a known venue event type', JSON.stringify(unknown));
      }
    }
  }

  /** The working order an event names; an unknown or terminal one is a venue inconsistency that stops the run. */
  private working(clientId: string, what: string): TrackedOrder {
    const t = this.tracker.get(clientId);
    if (t === undefined) throw new VenueInconsistencyError(clientId, `a ${what} event for an order that is unknown or already terminal`);
    return t;
  }

  private onFilled(e: Extract<VenueEvent, { type: 'OrderFilled' }>): void {
    const t = this.working(e.clientId, 'fill');
    this.equity.flush(this.barsDone);
    const wasPending = t.state.status === 'pending';
    const firstFill = t.state.filledLots === 0;
    const f = this.fillEvent;
    f.lots = e.lots;
    f.priceTicks = e.priceTicks;
    this.tracker.applyTo(t, f);
    if (wasPending && t.entryId === undefined) this.funnel.venueAccepted++;
    this.funnel.fills++;
    const book = this.books[t.instrumentIndex]!;
    const leg = legOf(e.positionSide);
    const pos = book.legs[leg]!;
    const lotsBefore = pos.signedLots;
    const signedLots = e.action === 'buy' ? e.lots : -e.lots;
    const builder = book.builders[leg]!;
    builder.foldExtremes();
    const realised = pos.applyFill(signedLots, e.priceTicks);
    book.refreshHeld();
    this.anyHeld = this.ledger.anyHeld();
    this.ledger.onFill(realised, e.fee);
    if (t.exitsFromFill !== undefined && firstFill) this.priceExitsFromFill(t, e.priceTicks, e.action === 'buy', e.tsLocal);
    builder.onFill(lotsBefore, signedLots, e.priceTicks, e.tsVenue, this.barsDone, e.fee, realised, exitReasonOf(t), t);
    this.log.append(LOG_FILLED, e.tsVenue, book.index, t.logRef, e.liquidity, e.priceTicks, signedLots, e.fee);
    const h = this.handlers;
    if (h.onFill !== undefined) h.onFill(fillViewOf(e, t, book.spec));
    if (h.onOrder !== undefined && t.state.status === 'filled') h.onOrder({ clientId: e.clientId, status: 'filled', timeMs: e.tsVenue });
    if (this.trips.length > this.tripsSeen) this.tripsClosed();
  }

  /** Hands the round trips closed since the last call to onTradeClosed, in the order they closed. */
  private tripsClosed(): void {
    const h = this.handlers;
    while (this.tripsSeen < this.trips.length) {
      const trip = this.trips[this.tripsSeen++]!;
      if (h.onTradeClosed !== undefined) h.onTradeClosed(trip, this.ctx);
    }
  }

  /**
   * A bracket entry's first fill fixes its exits' prices. The planned stop and target of the round trip follow the
   * fill; a venue that cannot price exits from the fill gets them as a ModifyOrder now (they worked at the
   * placeholder prices until it arrives).
   */
  private priceExitsFromFill(t: TrackedOrder, fillTicks: number, long: boolean, tsLocal: number): void {
    const f = t.exitsFromFill!;
    const stop = exitTicksFromEntry(fillTicks, long, f.stopLossPct, 'stop-loss');
    const target = f.takeProfitPct === undefined ? undefined : exitTicksFromEntry(fillTicks, long, f.takeProfitPct, 'take-profit');
    t.plannedStopTicks = stop;
    t.plannedTargetTicks = target;
    if (this.venuePricesExits || t.repriced) return;
    t.repriced = true;
    const exits = t.exits!;
    this.send({ type: 'ModifyOrder', clientId: exits.stopLoss, triggerTicks: asTicks(stop), tsLocal });
    if (exits.takeProfit !== undefined && target !== undefined) {
      const spec = this.tracker.get(exits.takeProfit)?.state.spec;
      this.send(
        spec?.type === 'limit'
          ? { type: 'ModifyOrder', clientId: exits.takeProfit, limitTicks: asTicks(target), tsLocal }
          : { type: 'ModifyOrder', clientId: exits.takeProfit, triggerTicks: asTicks(target), tsLocal },
      );
    }
  }

  private orderUpdate(kind: number, t: TrackedOrder, tsVenue: number, status: string, reason: string): void {
    if (kind !== LOG_NONE) this.log.append(kind, tsVenue, t.instrumentIndex, t.logRef, reason);
    const h = this.handlers;
    if (h.onOrder !== undefined) h.onOrder({ clientId: t.state.spec.clientId, status, timeMs: tsVenue, ...(reason !== '' ? { reason } : {}) });
  }

  private fireTimer(): void {
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const h = this.handlers;
    if (h.onTimer !== undefined) h.onTimer(this.nowMs);
  }

  private bookOf(instrument: string): InstrumentBook {
    for (const b of this.books) if (b.spec.id === instrument) return b;
    return this.primary;
  }

  /** Asks for one onTimer call at the first event at or after `atMs` (the earliest request wins). */
  requestTimer(atMs: number): void {
    this.timerAtMs = Math.min(this.timerAtMs, atMs);
  }

  /** Keeps a strategy's note in the event log at the current event time. */
  note(text: string): void {
    this.log.append(LOG_NOTE, this.nowMs, 0, 0, text);
  }

  private context(config: EngineConfig): StrategyContext {
    return buildStrategyContext({
      spec: this.primary.spec,
      account: this.ledger,
      orders: this.orders,
      seed: config.seed,
      leverage: config.leverage,
      spot: config.strategy.data.spot === true ? config.spot : undefined,
      funding: config.funding,
      position: (instrument): PositionView => (instrument === undefined ? this.primary : this.bookOf(instrument)),
      now: (): number => this.nowMs,
      barsClosed: (): number => this.barsDone,
      note: (text: string): void => this.note(text),
      setTimer: (atMs: number): void => this.requestTimer(atMs),
    });
  }
}
