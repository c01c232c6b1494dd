// The venue port as a paper or live session sees it: every order passes the risk guard and is journaled as an
// intent (committed) BEFORE it goes to the real port, refusals come back to the engine as rejections with the
// guard's reason, and every venue event is journaled on its way to the engine. Must never send an order the guard
// refused or one whose intent is not yet in the journal.
import type { Clock } from '../core/time.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import type { OrderSpec } from '../domain/order.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { checkOrder, describeGuardDenial, onlyShrinks, type GuardAccount, type GuardDenial, type GuardLimits } from '../risk/guard.js';
import type { VenueCapabilities, VenueCommand, VenueEvent, VenueEventSink, VenuePort, VenueSnapshot } from '../venues/venue.js';

export interface GuardedVenueOptions {
  readonly inner: VenuePort;
  readonly spec: InstrumentSpec;
  readonly journal: JournalWriter;
  readonly runId: string;
  readonly limits: GuardLimits;
  /** The account as the session knows it now (engine ledger and position). */
  readonly account: () => GuardAccount;
  /** The last traded price in ticks, for market orders; undefined before the first trade. */
  readonly lastTicks: () => number | undefined;
  readonly clock: Clock;
  /**
   * When entries are blocked for a reason outside the guard (stale market data: the trade stream or the order book):
   * the reason, else undefined. Journaled as a `BLOCKED` RiskDenied with the reason.
   */
  readonly blocked?: () => string | undefined;
  readonly log?: (line: string) => void;
  /** Events journaled on another path (a resumed run's adopted orders, restart.ts): passed on, not journaled here. */
  readonly journaledElsewhere?: (e: VenueEvent) => boolean;
}

/** What one guard decision was, for tests and the session's status line. */
export interface GuardRecord {
  readonly clientId: string;
  readonly denial: GuardDenial | { readonly code: 'BLOCKED'; readonly reason: string };
}

export class GuardedVenue implements VenuePort, VenueEventSink {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  readonly denials: GuardRecord[] = [];
  private sink: VenueEventSink | undefined;

  constructor(private readonly o: GuardedVenueOptions) {
    this.name = o.inner.name;
    this.capabilities = o.inner.capabilities;
  }

  connect(sink: VenueEventSink): void {
    this.sink = sink;
    this.o.inner.connect(this);
  }

  snapshot(): Promise<VenueSnapshot> {
    return this.o.inner.snapshot();
  }

  send(command: VenueCommand): void {
    switch (command.type) {
      case 'SubmitOrder': {
        if (this.refused(command.order, undefined, [command.order.clientId])) return;
        this.intent(command.order, 'order');
        break;
      }
      case 'SubmitBracket': {
        const b = command.bracket;
        const ids = [b.entry.clientId, ...(b.takeProfit === undefined ? [] : [b.takeProfit.clientId]), b.stopLoss.clientId];
        if (this.refused(b.entry, triggerOf(b.stopLoss), ids)) return;
        this.intent(b.entry, 'entry');
        this.intent(b.stopLoss, 'stop');
        if (b.takeProfit !== undefined) this.intent(b.takeProfit, 'target');
        break;
      }
      case 'SubmitOco': {
        for (const order of command.orders) if (order.effect !== 'reduce-only' && this.refused(order, undefined, command.orders.map((x) => x.clientId))) return;
        for (const order of command.orders) this.intent(order, 'oco');
        break;
      }
      case 'ModifyOrder':
      case 'CancelOrder':
      case 'CancelAll':
        break;
    }
    this.o.inner.send(command);
  }

  onVenueEvent(e: VenueEvent): void {
    if (this.o.journaledElsewhere?.(e) !== true) this.record(e);
    this.sink?.onVenueEvent(e);
  }

  /** Runs the guard; a refusal is journaled (RiskDenied) and answered to the engine as rejections of `ids`. */
  private refused(order: OrderSpec, stopTicks: number | undefined, ids: readonly string[]): boolean {
    const now = this.o.clock.nowMs();
    const reduceOnly = order.effect === 'reduce-only';
    // Stale market data blocks entries only: an exit must always be possible (issue: exits always pass).
    const blocked = reduceOnly || onlyShrinks(order.action, order.qtyLots, this.o.account().positionSignedLots) ? undefined : this.o.blocked?.();
    const priceTicks = priceOf(order) ?? this.o.lastTicks() ?? 0;
    const denial = blocked !== undefined ? { code: 'BLOCKED' as const, reason: blocked } : checkOrder(this.o.spec, { action: order.action, qtyLots: order.qtyLots, priceTicks, reduceOnly, stopTicks }, this.o.account(), this.o.limits);
    if (denial === undefined) return false;
    const detail = denial.code === 'BLOCKED' ? denial.reason : describeGuardDenial(denial, this.o.spec.settle);
    this.denials.push({ clientId: order.clientId, denial });
    this.o.journal.append({ type: 'RiskDenied', runId: this.o.runId, tsVenue: now, tsLocal: now, instrument: order.instrument, code: denial.code, detail: `${order.clientId}: ${detail}` });
    this.o.log?.(`risk guard refused ${order.clientId} (${denial.code}): ${detail}`);
    // Answered after the engine's send returns: the engine is in the middle of placing the order.
    queueMicrotask(() => {
      for (const clientId of ids) this.sink?.onVenueEvent({ type: 'OrderRejected', clientId, code: 'VENUE_ERROR', reason: `risk guard ${denial.code}: ${detail}`, tsVenue: now, tsLocal: now });
    });
    return true;
  }

  private intent(order: OrderSpec, purpose: string): void {
    const now = this.o.clock.nowMs();
    this.o.journal.append({
      type: 'OrderIntent',
      runId: this.o.runId,
      tsVenue: now,
      tsLocal: now,
      clientId: order.clientId,
      instrument: order.instrument,
      action: order.action,
      orderType: order.type,
      qtyLots: order.qtyLots,
      ...('limitTicks' in order ? { limitTicks: order.limitTicks } : {}),
      ...('triggerTicks' in order ? { triggerTicks: order.triggerTicks } : {}),
      reduceOnly: order.effect === 'reduce-only',
      purpose,
    });
  }

  private record(e: VenueEvent): void {
    const base = { runId: this.o.runId, tsVenue: e.tsVenue, tsLocal: e.tsLocal };
    const instrument = this.o.spec.id;
    switch (e.type) {
      case 'OrderAccepted':
        return this.o.journal.append({ ...base, type: 'OrderAccepted', clientId: e.clientId, instrument, venueOrderId: e.venueOrderId });
      case 'OrderRejected':
        return this.o.journal.append({ ...base, type: 'OrderRejected', clientId: e.clientId, instrument, reason: `${e.code}: ${e.reason}` });
      case 'OrderCancelled':
      case 'OrderExpired':
        return this.o.journal.append({ ...base, type: 'OrderCancelled', clientId: e.clientId, instrument, reason: e.reason });
      case 'OrderModified':
        return this.o.journal.append({
          ...base,
          type: 'OrderModified',
          clientId: e.clientId,
          instrument,
          ...('limitTicks' in e.order ? { limitTicks: e.order.limitTicks } : {}),
          ...('triggerTicks' in e.order ? { triggerTicks: e.order.triggerTicks } : {}),
        });
      case 'OrderFilled':
        return this.o.journal.append({ ...base, type: 'Fill', clientId: e.clientId, instrument: e.instrument, action: e.action, qtyLots: e.lots, priceTicks: e.priceTicks, fee: e.fee, liquidity: e.liquidity });
      case 'FundingSettled':
        return this.o.journal.append({ ...base, type: 'Funding', instrument: e.instrument, amount: e.amount, rate: e.rate });
      case 'PositionLiquidated':
        return this.o.journal.append({ ...base, type: 'Liquidation', instrument: e.instrument, side: e.side, qtyLots: e.lots, markPriceTicks: e.markTicks, fee: e.fee });
      case 'OrderTriggered':
      case 'CancelRejected':
      case 'ModifyRejected':
        return;
    }
  }
}

function priceOf(order: OrderSpec): number | undefined {
  switch (order.type) {
    case 'market':
    case 'trailing-stop':
      return undefined;
    case 'limit':
    case 'stop-limit':
    case 'take-profit-limit':
      return order.limitTicks;
    case 'stop-market':
    case 'take-profit-market':
      return order.triggerTicks;
  }
}

function triggerOf(order: OrderSpec): number | undefined {
  return 'triggerTicks' in order ? order.triggerTicks : undefined;
}
