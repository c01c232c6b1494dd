// The engine's implementation of `ctx.orders`: turns requests into OrderSpecs (order-api.ts), tracks them and sends
// the commands, stamped with the event time (the venue adds latency). Must never wait for the venue or assume a
// fill: every outcome comes back as an event.
import { InputError } from '../core/errors.js';
import { asLots, asTicks } from '../core/grid.js';
import type { InstrumentId } from '../domain/instrument.js';
import type { OrderAction, OrderSpec, OrderType } from '../domain/order.js';
import type { VenueCommand } from '../venues/venue.js';
import { LOG_CANCEL_REQUESTED, LOG_NOT_SENT, LOG_SUBMITTED, type EventLog } from './event-log.js';
import type { Funnel } from './funnel.js';
import type { InstrumentBook } from './ledger.js';
import {
  exitTicksFromEntry,
  orderSpecOf,
  ticksOf,
  lotsOf,
  type BracketIds,
  type BracketRequest,
  type ExitInput,
  type ModifyRequest,
  type OpenOrderView,
  type OrderApi,
  type OrderRequest,
  type TypedRequest,
} from './order-api.js';
import type { OrderTracker, TrackedOrder } from './order-tracker.js';
import type { OrderRole } from './strategy.js';

/** What the order API needs from the engine. */
export interface OrderDesk {
  readonly tracker: OrderTracker;
  readonly log: EventLog;
  readonly funnel: Funnel;
  readonly books: readonly InstrumentBook[];
  /** The event time commands are stamped with (tsLocal). */
  readonly nowMs: number;
  nextClientId(): string;
  send(command: VenueCommand): void;
}

const priceOfSpec = (s: OrderSpec): number | undefined => ('limitTicks' in s ? s.limitTicks : 'triggerTicks' in s ? s.triggerTicks : undefined);

/** A bracket exit's price in ticks from a percent of the reference price or a given price; undefined when invalid. */
function exitTicksOf(x: ExitInput, kind: 'take-profit' | 'stop-loss', long: boolean, refTicks: number, book: InstrumentBook): number | undefined {
  if ('pct' in x) return x.pct > 0 && x.pct < 100 ? exitTicksFromEntry(refTicks, long, x.pct, kind) : undefined;
  return ticksOf(x.price, book.spec);
}

/** Every order type once (a Record, so a new type cannot be forgotten). */
const ORDER_TYPES: Readonly<Record<OrderType, true>> = {
  market: true,
  limit: true,
  'stop-market': true,
  'stop-limit': true,
  'take-profit-market': true,
  'take-profit-limit': true,
  'trailing-stop': true,
};

interface SubmittedText {
  readonly openOrReduce: string;
  readonly reduceOnly: string;
}

function submittedTexts(action: OrderAction): Readonly<Record<OrderType, SubmittedText>> {
  const out = {} as Record<OrderType, SubmittedText>;
  for (const type of Object.keys(ORDER_TYPES) as OrderType[]) out[type] = { openOrReduce: `${action} ${type}`, reduceOnly: `${action} ${type} reduce-only` };
  return out;
}

/** The event log's texts for submitted orders ("sell stop-market reduce-only"), made once rather than per order. */
const SUBMITTED_TEXT: Readonly<Record<OrderAction, Readonly<Record<OrderType, SubmittedText>>>> = { buy: submittedTexts('buy'), sell: submittedTexts('sell') };

function submittedText(spec: OrderSpec): string {
  const t = SUBMITTED_TEXT[spec.action][spec.type];
  return spec.effect === 'reduce-only' ? t.reduceOnly : t.openOrReduce;
}

/** The role of a standalone order: reduce-only stops and take-profits are exits of their kind. */
function roleOf(spec: OrderSpec): OrderRole {
  if (spec.effect !== 'reduce-only') return 'entry';
  switch (spec.type) {
    case 'stop-market':
    case 'stop-limit':
    case 'trailing-stop':
      return 'stop-loss';
    case 'take-profit-market':
    case 'take-profit-limit':
      return 'take-profit';
    case 'market':
    case 'limit':
      return 'exit';
  }
}

export class EngineOrders implements OrderApi {
  constructor(private readonly desk: OrderDesk) {}

  get workingCount(): number {
    return this.desk.tracker.workingCount;
  }

  submit(request: OrderRequest): string | undefined {
    const d = this.desk;
    d.funnel.signals++;
    const book = this.bookOf(request.instrument);
    const id = d.nextClientId();
    const spec = orderSpecOf(request, book.spec, id, book.lastCloseTicks, book.math);
    if (!spec.ok) return this.notSent(book.index, id, spec.error);
    this.track(spec.value, book.index, roleOf(spec.value), request.tag);
    d.funnel.sent++;
    d.send({ type: 'SubmitOrder', order: spec.value, tsLocal: d.nowMs });
    return id;
  }

  market(request: TypedRequest<'market'>): string | undefined {
    return this.submit({ ...request, type: 'market' });
  }
  limit(request: TypedRequest<'limit'>): string | undefined {
    return this.submit({ ...request, type: 'limit' });
  }
  stop(request: TypedRequest<'stop'>): string | undefined {
    return this.submit({ ...request, type: 'stop' });
  }
  takeProfit(request: TypedRequest<'take-profit'>): string | undefined {
    return this.submit({ ...request, type: 'take-profit' });
  }
  trailing(request: TypedRequest<'trailing'>): string | undefined {
    return this.submit({ ...request, type: 'trailing' });
  }

  /**
   * A bracket: the entry, then reduce-only exits of the entry's size on the other side, OCO with each other. Exits
   * given in percent are priced by the venue from the entry's fill (`exitsFromFill`); the prices sent with them are
   * placeholders from the last close (or the entry's limit). Percent and fixed-price exits cannot be mixed.
   */
  bracket(request: BracketRequest): BracketIds | undefined {
    const d = this.desk;
    d.funnel.signals++;
    const entryRequest = request.entry as OrderRequest;
    const book = this.bookOf(entryRequest.instrument);
    const entryId = d.nextClientId();
    const entry = orderSpecOf(entryRequest, book.spec, entryId, book.lastCloseTicks, book.math);
    if (!entry.ok) return this.notSent(book.index, entryId, entry.error);
    const e = entry.value;
    const tp = request.takeProfit;
    const sl = request.stopLoss;
    if (tp !== undefined && 'pct' in tp !== 'pct' in sl) return this.notSent(book.index, entryId, 'bracket exits mix a percent and a price: give both as pct or both as price');
    const long = e.action === 'buy';
    const refTicks = e.type === 'limit' ? e.limitTicks : book.lastCloseTicks;
    const slTicks = exitTicksOf(sl, 'stop-loss', long, refTicks, book);
    const tpTicks = tp === undefined ? undefined : exitTicksOf(tp, 'take-profit', long, refTicks, book);
    if (slTicks === undefined || (tp !== undefined && tpTicks === undefined)) return this.notSent(book.index, entryId, 'a bracket exit is not a positive price or a percent between 0 and 100');
    if (long ? slTicks >= refTicks || (tpTicks !== undefined && tpTicks <= refTicks) : slTicks <= refTicks || (tpTicks !== undefined && tpTicks >= refTicks)) {
      return this.notSent(book.index, entryId, 'bracket exits on the wrong side of the entry (long: stop below, target above)');
    }
    // Built as literals (no spreads): a bracket is on the per-trade path.
    const exitAction = long ? 'sell' : 'buy';
    const slId = d.nextClientId();
    const stopLoss: OrderSpec = {
      clientId: slId,
      instrument: book.spec.id,
      action: exitAction,
      qtyLots: e.qtyLots,
      effect: 'reduce-only',
      positionSide: e.positionSide,
      type: 'stop-market',
      triggerTicks: asTicks(slTicks),
    };
    let takeProfit: OrderSpec | undefined;
    let tpId: string | undefined;
    if (tp !== undefined && tpTicks !== undefined) {
      tpId = d.nextClientId();
      takeProfit =
        tp.type === 'market'
          ? { clientId: tpId, instrument: book.spec.id, action: exitAction, qtyLots: e.qtyLots, effect: 'reduce-only', positionSide: e.positionSide, type: 'take-profit-market', triggerTicks: asTicks(tpTicks) }
          : { clientId: tpId, instrument: book.spec.id, action: exitAction, qtyLots: e.qtyLots, effect: 'reduce-only', positionSide: e.positionSide, type: 'limit', limitTicks: asTicks(tpTicks), timeInForce: 'GTC' };
    }
    const fromFill = 'pct' in sl ? { takeProfitPct: tp !== undefined && 'pct' in tp ? tp.pct : undefined, stopLossPct: sl.pct } : undefined;
    const tag = request.entry.tag;
    // The ids the strategy gets back are also the entry's links to its exits (one object, read-only to both).
    const ids: BracketIds = tpId === undefined ? { entry: entryId, stopLoss: slId } : { entry: entryId, takeProfit: tpId, stopLoss: slId };
    const t = this.track(e, book.index, 'entry', tag);
    t.exits = ids;
    t.exitsFromFill = fromFill;
    t.plannedStopTicks = slTicks;
    t.plannedTargetTicks = tpTicks;
    if (takeProfit !== undefined) this.track(takeProfit, book.index, 'take-profit', tag).entryId = entryId;
    this.track(stopLoss, book.index, 'stop-loss', tag).entryId = entryId;
    d.funnel.sent++;
    d.send({ type: 'SubmitBracket', bracket: { entry: e, takeProfit, stopLoss, exitsFromFill: fromFill }, tsLocal: d.nowMs });
    return ids;
  }

  modify(clientId: string, changes: ModifyRequest): boolean {
    const d = this.desk;
    const t = d.tracker.get(clientId);
    if (t === undefined || !this.isWorking(clientId)) return false;
    const spec = d.books[t.instrumentIndex]!.spec;
    const given = changes.qty !== undefined || changes.lots !== undefined || changes.notional !== undefined;
    let qtyLots: number | undefined;
    if (given) {
      const lots = lotsOf(changes, spec, priceOfSpec(t.state.spec) ?? d.books[t.instrumentIndex]!.lastCloseTicks, d.books[t.instrumentIndex]!.math);
      if (!lots.ok) return false;
      qtyLots = lots.value;
    }
    const limitTicks = changes.price === undefined ? undefined : ticksOf(changes.price, spec);
    const triggerTicks = changes.trigger === undefined ? undefined : ticksOf(changes.trigger, spec);
    if ((changes.price !== undefined && limitTicks === undefined) || (changes.trigger !== undefined && triggerTicks === undefined)) return false;
    d.send({
      type: 'ModifyOrder',
      clientId,
      ...(qtyLots !== undefined ? { qtyLots: asLots(qtyLots) } : {}),
      ...(limitTicks !== undefined ? { limitTicks: asTicks(limitTicks) } : {}),
      ...(triggerTicks !== undefined ? { triggerTicks: asTicks(triggerTicks) } : {}),
      tsLocal: d.nowMs,
    });
    return true;
  }

  cancel(clientId: string): boolean {
    const d = this.desk;
    const t = d.tracker.get(clientId);
    if (t === undefined || !this.isWorking(clientId)) return false;
    this.requestCancel(t);
    d.send({ type: 'CancelOrder', clientId, tsLocal: d.nowMs });
    return true;
  }

  cancelAll(instrument?: InstrumentId): void {
    const d = this.desk;
    const book = this.bookOf(instrument);
    for (const t of d.tracker.workingOrders()) if (t.instrumentIndex === book.index) this.requestCancel(t);
    d.send({ type: 'CancelAll', instrument: book.spec.id, tsLocal: d.nowMs });
  }

  isWorking(clientId: string): boolean {
    const s = this.desk.tracker.get(clientId)?.state.status;
    return s !== undefined && s !== 'filled' && s !== 'cancelled' && s !== 'rejected' && s !== 'expired' && s !== 'pending-cancel';
  }

  open(): readonly OpenOrderView[] {
    return this.desk.tracker.workingOrders().map((t) => ({
      clientId: t.state.spec.clientId,
      instrument: t.state.spec.instrument,
      type: t.state.spec.type,
      action: t.state.spec.action,
      lots: t.state.spec.qtyLots,
      filledLots: t.state.filledLots,
      status: t.state.status,
    }));
  }

  /** Marks a working order pending-cancel; an order the venue has not acknowledged yet keeps its status. */
  private requestCancel(t: TrackedOrder): void {
    const d = this.desk;
    const s = t.state.status;
    d.log.append(LOG_CANCEL_REQUESTED, d.nowMs, t.instrumentIndex, t.logRef, '');
    if (s === 'open' || s === 'triggered' || s === 'partially-filled') d.tracker.apply(t.state.spec.clientId, { kind: 'cancel-requested' });
  }

  private track(spec: OrderSpec, instrumentIndex: number, role: OrderRole, tag: string | undefined): TrackedOrder {
    const d = this.desk;
    const t = d.tracker.add(spec, instrumentIndex, role, tag);
    t.logRef = d.log.orderRef(spec.clientId);
    d.log.append(LOG_SUBMITTED, d.nowMs, instrumentIndex, t.logRef, submittedText(spec), priceOfSpec(spec), spec.action === 'buy' ? spec.qtyLots : -spec.qtyLots);
    return t;
  }

  private notSent(instrumentIndex: number, clientId: string, reason: string): undefined {
    const d = this.desk;
    d.funnel.refuse('not sent', reason);
    d.log.append(LOG_NOT_SENT, d.nowMs, instrumentIndex, d.log.orderRef(clientId), reason);
    return undefined;
  }

  private bookOf(instrument: InstrumentId | undefined): InstrumentBook {
    const books = this.desk.books;
    if (instrument === undefined) return books[0]!;
    for (const b of books) if (b.spec.id === instrument) return b;
    throw new InputError('UNKNOWN_INSTRUMENT', 'strategy order', `${instrument} is not an instrument of this run`, `trade one of ${books.map((b) => b.spec.id).join(', ')}`);
  }
}
