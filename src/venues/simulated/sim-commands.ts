// The simulated venue's handling of commands once they arrive: submit (single, bracket, OCO) after validation,
// modify and cancel. Puts accepted orders in the book and reserves their margin; must never fill anything (the fill
// models do, at the next price) and never act on a command before its arrival time.
import type { IdGenerator } from '../../core/ids.js';
import type { Lots, Ticks } from '../../core/grid.js';
import type { Money } from '../../core/money.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, PositionMode, VenueCommand, VenueEvent } from '../venue.js';
import { bracketExitTick } from './bracket-prices.js';
import type { OrderIdMap } from '../../domain/order-id-map.js';
import { OrderActions } from './order-actions.js';
import type { InstrumentAccount } from './instrument-account.js';
import { closesHedgeLeg, increasingLots, orderPriceTicks, validateOrder, type OrderRefusal, type ValidationContext } from './order-validation.js';
import type { SimAccount } from './sim-account.js';
import { EVENT_CANCELLED, REASON_CANCELLED_BY_USER } from './sim-events.js';
import { legOf, type SimEventTranslator } from './sim-event-translator.js';
import { OrderRecord, type SimMarket } from './sim-market.js';
import { isTerminalStatus, STATUS_CANCELLED, STATUS_OPEN, STATUS_PARTIAL, TYPE_TRAILING_STOP } from './sim-order-book.js';

const STOP_TYPES: ReadonlySet<OrderSpec['type']> = new Set(['stop-market', 'stop-limit', 'trailing-stop']);
const TAKE_PROFIT_TYPES: ReadonlySet<OrderSpec['type']> = new Set(['limit', 'take-profit-market', 'take-profit-limit']);

/** A ValidationContext whose market fields the venue rewrites per check; its margin function is made once. */
class CheckContext implements ValidationContext {
  ia: InstrumentAccount;
  referenceTicks = 0;
  legLots = 0;
  availableMargin = 0 as Money;
  readonly initialMargin: (lots: number, priceTicks: number) => Money;

  constructor(
    account: SimAccount,
    first: InstrumentAccount,
    readonly positionMode: PositionMode,
    readonly leverage: number,
  ) {
    this.ia = first;
    this.initialMargin = (lots, priceTicks) => account.initialMarginFor(this.ia, lots, priceTicks);
  }
}

/** Why a bracket exit does not fit its entry (instrument, leg, action, order type), or undefined when it fits. */
function bracketExitProblem(b: BracketSpec, x: OrderSpec): string | undefined {
  if (x.instrument !== b.entry.instrument || x.positionSide !== b.entry.positionSide || x.action === b.entry.action) {
    return 'a bracket exit must be on the entry instrument and leg, with the opposite action';
  }
  if (x === b.stopLoss && !STOP_TYPES.has(x.type)) return `a bracket stop must be stop-market, stop-limit or trailing-stop, not ${x.type}`;
  if (x === b.takeProfit && !TAKE_PROFIT_TYPES.has(x.type)) return `a bracket take-profit must be limit, take-profit-market or take-profit-limit, not ${x.type}`;
  return undefined;
}

const pctOk = (x: number | undefined): boolean => x === undefined || (x > 0 && x < 100);

export class SimCommands {
  private readonly actions = new OrderActions();
  private readonly checkContext: CheckContext;

  constructor(
    private readonly account: SimAccount,
    private readonly positionMode: PositionMode,
    private readonly leverage: number,
    private readonly translator: SimEventTranslator,
    private readonly emit: (event: VenueEvent) => void,
    private readonly ids: IdGenerator,
    /** Working orders by client id (the translator removes an order when it ends). */
    private readonly active: OrderIdMap<OrderRecord>,
    /** Client ids of orders queued or working, and their market (an id is free again once its order ends). */
    private readonly live: OrderIdMap<SimMarket>,
  ) {
    this.checkContext = new CheckContext(account, account.instruments[0]!, positionMode, leverage);
  }

  /** Applies one arrived command at venue time `t`, judging market orders at `referenceTicks`. */
  apply(m: SimMarket, command: VenueCommand, arrivalMs: number, t: number, referenceTicks: number): void {
    switch (command.type) {
      case 'SubmitOrder':
        this.submitGroup(m, [command.order], arrivalMs, t, referenceTicks, 'single');
        return;
      case 'SubmitOco':
        this.submitGroup(m, command.orders, arrivalMs, t, referenceTicks, 'oco');
        return;
      case 'SubmitBracket':
        this.submitBracket(m, command.bracket, arrivalMs, t, referenceTicks);
        return;
      case 'ModifyOrder':
        this.modify(m, command, t, referenceTicks);
        return;
      case 'CancelOrder':
        this.cancel(m, command.clientId, t);
        return;
      case 'CancelAll':
        for (const rec of this.active.values()) if (rec.market === m && rec.slot >= 0) this.end(m, rec, t);
        this.translator.flush(m);
        return;
    }
  }

  /** Rejects a whole command: its instrument or order is unknown, or a client id is used twice. */
  rejectCommand(command: VenueCommand, t: number, code: OrderRefusal['code'], reason: string): void {
    const stamp = { tsVenue: t, tsLocal: t };
    switch (command.type) {
      case 'SubmitOrder':
        this.emit({ ...stamp, type: 'OrderRejected', clientId: command.order.clientId, code, reason });
        return;
      case 'SubmitOco':
        for (const o of command.orders) this.emit({ ...stamp, type: 'OrderRejected', clientId: o.clientId, code, reason });
        return;
      case 'SubmitBracket': {
        const b = command.bracket;
        for (const o of [b.entry, b.takeProfit, b.stopLoss]) if (o) this.emit({ ...stamp, type: 'OrderRejected', clientId: o.clientId, code, reason });
        return;
      }
      case 'ModifyOrder':
        this.emit({ ...stamp, type: 'ModifyRejected', clientId: command.clientId, code, reason });
        return;
      case 'CancelOrder':
        this.emit({ ...stamp, type: 'CancelRejected', clientId: command.clientId, code, reason });
        return;
      case 'CancelAll':
        return;
    }
  }

  private reduceOnly(spec: OrderSpec): boolean {
    return spec.effect === 'reduce-only' || closesHedgeLeg(spec, this.positionMode);
  }

  private check(m: SimMarket, spec: OrderSpec, referenceTicks: number, available: Money): OrderRefusal | undefined {
    if (spec.instrument !== m.ia.spec.id) return { code: 'UNSUPPORTED', reason: `all orders of one request must be on ${m.ia.spec.id}` };
    return validateOrder(this.context(m, referenceTicks, m.ia.legs[legOf(spec.positionSide)]!.signedLots, available), spec, this.reduceOnly(spec));
  }

  /** The validation context, rewritten in place for each check (validateOrder reads it and keeps nothing). */
  private context(m: SimMarket, referenceTicks: number, legLots: number, available: Money): ValidationContext {
    const c = this.checkContext;
    c.ia = m.ia;
    c.referenceTicks = referenceTicks;
    c.legLots = legLots;
    c.availableMargin = available;
    return c;
  }

  /** Margin an order reserves while it works: initial margin of its increasing part at its price. */
  private reserveFor(m: SimMarket, spec: OrderSpec, referenceTicks: number): Money {
    const legLots = m.ia.legs[legOf(spec.positionSide)]!.signedLots;
    const lots = increasingLots(spec, legLots, this.reduceOnly(spec));
    return lots === 0 ? (0 as Money) : this.account.initialMarginFor(m.ia, lots, orderPriceTicks(spec, referenceTicks));
  }

  private add(m: SimMarket, spec: OrderSpec, arrivalMs: number, referenceTicks: number, reduceOnly: boolean): OrderRecord {
    const slot = m.book.add(spec, arrivalMs);
    if (reduceOnly) m.book.reduceOnly[slot] = 1;
    const rec = new OrderRecord(spec.clientId, this.ids.next('sim'), m, slot, spec);
    const reserved = reduceOnly ? (0 as Money) : this.reserveFor(m, spec, referenceTicks);
    rec.reserved = reserved;
    this.account.reserveOrderMargin(reserved);
    m.record(slot, rec);
    this.active.set(spec.clientId, rec);
    return rec;
  }

  private rejectAll(specs: readonly (OrderSpec | undefined)[], t: number, refusal: OrderRefusal, culprit: string): void {
    for (const o of specs) {
      if (o === undefined) continue;
      this.live.delete(o.clientId);
      const reason = o.clientId === culprit || specs.length === 1 ? refusal.reason : `${culprit} in the same request: ${refusal.reason}`;
      this.emit({ tsVenue: t, tsLocal: t, type: 'OrderRejected', clientId: o.clientId, code: refusal.code, reason });
    }
  }

  /** A single order or an OCO group: every member is checked; one refusal refuses the whole request. */
  private submitGroup(m: SimMarket, specs: readonly OrderSpec[], arrivalMs: number, t: number, referenceTicks: number, kind: 'single' | 'oco'): void {
    if (kind === 'oco' && specs.length < 2) {
      this.rejectAll(specs, t, { code: 'UNSUPPORTED', reason: 'an OCO needs at least two orders' }, specs[0]?.clientId ?? '');
      return;
    }
    let available = this.account.availableMargin();
    for (const spec of specs) {
      const refusal = this.check(m, spec, referenceTicks, available);
      if (refusal !== undefined) {
        this.rejectAll(specs, t, refusal, spec.clientId);
        return;
      }
      // OCO members exclude each other: the group reserves what its largest member needs.
      if (kind === 'single') available = (available - this.reserveFor(m, spec, referenceTicks)) as Money;
    }
    const recs = specs.map((s) => this.add(m, s, arrivalMs, referenceTicks, this.reduceOnly(s)));
    for (let i = 1; i < recs.length; i++) m.book.linkOco(recs[0]!.slot, recs[i]!.slot);
    if (kind === 'oco') this.shareOcoReserve(recs);
  }

  private shareOcoReserve(recs: readonly OrderRecord[]): void {
    let largest = 0;
    for (const r of recs) largest = Math.max(largest, r.reserved);
    for (const r of recs) {
      this.account.reserveOrderMargin(-r.reserved as Money);
      r.reserved = 0 as Money;
    }
    recs[0]!.reserved = largest as Money;
    this.account.reserveOrderMargin(largest as Money);
  }

  /** A bracket: the entry is checked as any order; the exits must close what it opens and rest only once it fills. */
  private submitBracket(m: SimMarket, b: BracketSpec, arrivalMs: number, t: number, referenceTicks: number): void {
    // The exits are checked one by one (no arrays on the accepted path): the take-profit first, then the stop.
    const tpWrong = b.takeProfit === undefined ? undefined : bracketExitProblem(b, b.takeProfit);
    const wrong = tpWrong ?? bracketExitProblem(b, b.stopLoss);
    if (wrong !== undefined) {
      this.rejectAll([b.entry, b.takeProfit, b.stopLoss], t, { code: 'UNSUPPORTED', reason: wrong }, tpWrong !== undefined ? b.takeProfit!.clientId : b.stopLoss.clientId);
      return;
    }
    const f = b.exitsFromFill;
    if (f !== undefined && (!pctOk(f.stopLossPct) || !pctOk(f.takeProfitPct) || (f.takeProfitPct !== undefined && b.takeProfit === undefined))) {
      this.rejectAll([b.entry, b.takeProfit, b.stopLoss], t, { code: 'UNSUPPORTED', reason: 'exitsFromFill: percent distances must lie between 0 and 100, and a take-profit percent needs a take-profit order' }, b.entry.clientId);
      return;
    }
    const refusal = this.check(m, b.entry, referenceTicks, this.account.availableMargin());
    if (refusal !== undefined) {
      this.rejectAll([b.entry, b.takeProfit, b.stopLoss], t, refusal, b.entry.clientId);
      return;
    }
    const entry = this.add(m, b.entry, arrivalMs, referenceTicks, this.reduceOnly(b.entry));
    const tp = b.takeProfit === undefined ? undefined : this.add(m, b.takeProfit, arrivalMs, referenceTicks, true);
    const stop = this.add(m, b.stopLoss, arrivalMs, referenceTicks, true);
    if (f !== undefined) {
      if (b.stopLoss.type !== 'trailing-stop') {
        stop.fromFillRole = 'stop-loss';
        stop.fromFillPct = f.stopLossPct;
      }
      if (tp !== undefined && f.takeProfitPct !== undefined) {
        tp.fromFillRole = 'take-profit';
        tp.fromFillPct = f.takeProfitPct;
      }
    }
    if (tp === undefined) m.book.attach(entry.slot, stop.slot);
    else m.book.bracket(entry.slot, tp.slot, stop.slot);
  }

  /**
   * Prices a bracket exit from its entry's first fill (the book calls this as the exit starts): long TP = fill x
   * (1 + pct/100), stop = fill x (1 - pct/100), mirrored for a short, nearest tick (bracket-prices.ts). A limit
   * variant keeps its limit at the new trigger. Exits without `fromFillRole` keep their prices.
   */
  priceExit(m: SimMarket, child: number, fillTicks: number): void {
    const rec = m.records[child];
    const role = rec?.fromFillRole;
    if (rec === undefined || role === undefined) return;
    const long = rec.spec.action === 'sell';
    const pct = rec.fromFillPct;
    const price = bracketExitTick(fillTicks, long, role, pct) as Ticks;
    const book = m.book;
    const spec = rec.spec;
    switch (spec.type) {
      case 'limit':
        book.limitTicks[child] = price;
        rec.spec = { ...spec, limitTicks: price };
        break;
      case 'stop-market':
      case 'take-profit-market':
        book.triggerTicks[child] = price;
        rec.spec = { ...spec, triggerTicks: price };
        break;
      case 'stop-limit':
      case 'take-profit-limit':
        book.triggerTicks[child] = price;
        book.limitTicks[child] = price;
        rec.spec = { ...spec, triggerTicks: price, limitTicks: price };
        break;
      case 'market':
      case 'trailing-stop':
        return;
    }
    rec.repriced = true;
  }

  private cancel(m: SimMarket, clientId: string, t: number): void {
    const rec = this.active.get(clientId);
    if (rec === undefined || rec.slot < 0 || rec.market !== m) {
      this.emit({ tsVenue: t, tsLocal: t, type: 'CancelRejected', clientId, code: 'UNKNOWN_ORDER', reason: 'no working order with this client id (filled, cancelled or never sent)' });
      return;
    }
    this.end(m, rec, t);
    this.translator.flush(m);
  }

  private end(m: SimMarket, rec: OrderRecord, t: number): void {
    if (isTerminalStatus(m.book.status[rec.slot]!)) return;
    const a = this.actions;
    a.book = m.book;
    a.out = m.out;
    m.out.nowMs = t;
    a.end(rec.slot, STATUS_CANCELLED, EVENT_CANCELLED, REASON_CANCELLED_BY_USER);
  }

  private modify(m: SimMarket, c: Extract<VenueCommand, { type: 'ModifyOrder' }>, t: number, referenceTicks: number): void {
    const refuse = (code: OrderRefusal['code'], reason: string): void => {
      this.emit({ tsVenue: t, tsLocal: t, type: 'ModifyRejected', clientId: c.clientId, code, reason });
    };
    const rec = this.active.get(c.clientId);
    if (rec === undefined || rec.slot < 0 || rec.market !== m) return refuse('UNKNOWN_ORDER', 'no working order with this client id');
    const book = m.book;
    const slot = rec.slot;
    const st = book.status[slot]!;
    if (!(st === STATUS_OPEN || st === STATUS_PARTIAL) || book.type[slot] === TYPE_TRAILING_STOP) {
      return refuse('UNSUPPORTED', 'only a resting (untriggered) order other than a trailing stop can be modified');
    }
    const next = modifiedSpec(rec.spec, c);
    if (typeof next === 'string') return refuse('UNSUPPORTED', next);
    const filled = book.filledLots[slot]!;
    if (!(Number.isSafeInteger(next.qtyLots) && next.qtyLots > filled)) return refuse('OFF_GRID', `quantity ${next.qtyLots} lots must be a whole number above the filled ${filled}`);
    const oldReserve = rec.reserved;
    const refusal = validateOrder(
      this.context(m, referenceTicks, m.ia.legs[legOf(next.positionSide)]!.signedLots, (this.account.availableMargin() + oldReserve) as Money),
      { ...next, qtyLots: (next.qtyLots - filled) as Lots },
      book.reduceOnly[slot] === 1,
    );
    if (refusal !== undefined) return refuse(refusal.code, refusal.reason);
    const reserve = book.reduceOnly[slot] === 1 ? (0 as Money) : this.reserveFor(m, { ...next, qtyLots: (next.qtyLots - filled) as Lots }, referenceTicks);
    this.account.reserveOrderMargin((reserve - oldReserve) as Money);
    rec.reserved = reserve;
    book.qtyLots[slot] = next.qtyLots;
    if ('limitTicks' in next) book.limitTicks[slot] = next.limitTicks;
    if ('triggerTicks' in next) book.triggerTicks[slot] = next.triggerTicks;
    rec.spec = next;
    this.emit({ tsVenue: t, tsLocal: t, type: 'OrderModified', clientId: c.clientId, order: next });
  }
}

/** The order with a modify's changes, or why the change does not fit the order type. */
function modifiedSpec(spec: OrderSpec, c: Extract<VenueCommand, { type: 'ModifyOrder' }>): OrderSpec | string {
  const qtyLots = c.qtyLots ?? spec.qtyLots;
  const hasLimit = spec.type === 'limit' || spec.type === 'stop-limit' || spec.type === 'take-profit-limit';
  const hasTrigger = spec.type !== 'market' && spec.type !== 'limit' && spec.type !== 'trailing-stop';
  if (c.limitTicks !== undefined && !hasLimit) return `a ${spec.type} order has no limit price`;
  if (c.triggerTicks !== undefined && !hasTrigger) return `a ${spec.type} order has no trigger price`;
  for (const [name, v] of [['limit', c.limitTicks], ['trigger', c.triggerTicks]] as const) {
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) return `${name} ${v} ticks is not a positive whole number of ticks`;
  }
  switch (spec.type) {
    case 'limit':
      return { ...spec, qtyLots, limitTicks: (c.limitTicks ?? spec.limitTicks) as Ticks };
    case 'stop-limit':
    case 'take-profit-limit':
      return { ...spec, qtyLots, limitTicks: (c.limitTicks ?? spec.limitTicks) as Ticks, triggerTicks: (c.triggerTicks ?? spec.triggerTicks) as Ticks };
    case 'stop-market':
    case 'take-profit-market':
      return { ...spec, qtyLots, triggerTicks: (c.triggerTicks ?? spec.triggerTicks) as Ticks };
    case 'market':
    case 'trailing-stop':
      return { ...spec, qtyLots };
  }
}
