// A small driver for scenario tapes and the venue contract: feeds hand-written bars to a simulated venue, sends
// commands decided at the last bar's close, keeps every event and each order's state through the one transition
// table, and prints a readable log. Test tooling without a test framework; must never be used by a backtest.
import type { Lots, Ticks } from '../../core/grid.js';
import { formatMoney } from '../../core/money.js';
import { applyOrderEvent, newOrderState, type OrderEvent, type OrderState } from '../../domain/order-state.js';
import type { OrderSpec } from '../../domain/order.js';
import type { BracketSpec, VenueCommand, VenueEvent, VenueEventSink } from '../venue.js';
import type { TickBarColumns } from './bar-fill-model.js';
import type { SimulatedVenue } from './simulated-venue.js';

/** The lifecycle event a venue event means for its order, or undefined when it changes no order status. */
export function orderEventOf(e: VenueEvent): OrderEvent | undefined {
  switch (e.type) {
    case 'OrderAccepted':
      return { kind: 'accepted', venueOrderId: e.venueOrderId };
    case 'OrderRejected':
      return { kind: 'rejected', reason: e.reason };
    case 'OrderTriggered':
      return { kind: 'triggered' };
    case 'OrderFilled':
      return { kind: 'fill', lots: e.lots, priceTicks: e.priceTicks };
    case 'OrderModified':
      return { kind: 'modified', spec: e.order };
    case 'OrderCancelled':
      return { kind: 'cancelled' };
    case 'OrderExpired':
      return { kind: 'expired' };
    case 'CancelRejected':
    case 'ModifyRejected':
    case 'FundingSettled':
    case 'PositionLiquidated':
      return undefined;
  }
}

/** One line per event, prices in ticks and money in the settle asset: "fill tp sell 10 @701400 maker fee 0.14028". */
export function describeEvent(e: VenueEvent): string {
  switch (e.type) {
    case 'OrderAccepted':
      return `accepted ${e.clientId}`;
    case 'OrderRejected':
      return `rejected ${e.clientId} ${e.code}`;
    case 'OrderTriggered':
      return `triggered ${e.clientId}`;
    case 'OrderFilled':
      return `fill ${e.clientId} ${e.action} ${e.lots} @${e.priceTicks} ${e.liquidity} fee ${formatMoney(e.fee, 0)}${e.positionSide ? ` ${e.positionSide}` : ''}`;
    case 'OrderModified':
      return `modified ${e.clientId} qty ${e.order.qtyLots}`;
    case 'OrderCancelled':
      return `cancelled ${e.clientId} (${e.reason})`;
    case 'OrderExpired':
      return `expired ${e.clientId} (${e.reason})`;
    case 'CancelRejected':
      return `cancel rejected ${e.clientId} ${e.code}`;
    case 'ModifyRejected':
      return `modify rejected ${e.clientId} ${e.code}`;
    case 'FundingSettled':
      return `funding ${e.instrument} ${e.signedLots} lots${e.positionSide ? ` ${e.positionSide}` : ''} rate ${e.rate} @${e.markTicks} amount ${formatMoney(e.amount, 0)}`;
    case 'PositionLiquidated':
      return `liquidated ${e.instrument} ${e.side} ${e.lots} @${e.priceTicks} pnl ${formatMoney(e.realisedPnl, 0)} fee ${formatMoney(e.fee, 0)}`;
  }
}

export class VenueTape implements VenueEventSink {
  readonly events: VenueEvent[] = [];
  /** Bar number and description of each event, e.g. "bar 2: fill sl sell 10 @698950 taker fee 0.349475". */
  readonly log: string[] = [];
  readonly orders = new Map<string, OrderState>();
  /** Events the transition table refused (must stay empty). */
  readonly refused: string[] = [];
  /** Bars fed so far. */
  index = 0;

  constructor(
    readonly venue: SimulatedVenue,
    readonly startMs: number,
    readonly intervalMs = 60_000,
    readonly instrumentIndex = 0,
  ) {
    venue.connect(this);
  }

  onVenueEvent(e: VenueEvent): void {
    this.events.push(e);
    this.log.push(`bar ${this.index}: ${describeEvent(e)}`);
    const change = orderEventOf(e);
    if (change === undefined || !('clientId' in e)) return;
    const state = this.orders.get(e.clientId);
    if (state === undefined) {
      this.refused.push(`${e.type} for unknown order ${e.clientId}`);
      return;
    }
    const next = applyOrderEvent(state, change);
    if (next.ok) this.orders.set(e.clientId, next.value);
    else this.refused.push(`${e.clientId}: ${next.error.detail}`);
  }

  /** The time a strategy decides at: the close of the last bar fed (its open + interval - 1 ms). */
  decisionMs(): number {
    return this.startMs + this.index * this.intervalMs - 1;
  }

  send(command: VenueCommand): void {
    this.venue.send(command);
  }

  submit(order: OrderSpec, tsLocal = this.decisionMs()): void {
    this.orders.set(order.clientId, newOrderState(order));
    this.send({ type: 'SubmitOrder', order, tsLocal });
  }

  bracket(bracket: BracketSpec, tsLocal = this.decisionMs()): void {
    for (const o of [bracket.entry, bracket.takeProfit, bracket.stopLoss]) if (o) this.orders.set(o.clientId, newOrderState(o));
    this.send({ type: 'SubmitBracket', bracket, tsLocal });
  }

  oco(orders: readonly OrderSpec[], tsLocal = this.decisionMs()): void {
    for (const o of orders) this.orders.set(o.clientId, newOrderState(o));
    this.send({ type: 'SubmitOco', orders, tsLocal });
  }

  cancel(clientId: string, tsLocal = this.decisionMs()): void {
    this.send({ type: 'CancelOrder', clientId, tsLocal });
  }

  modify(clientId: string, change: { qtyLots?: Lots; limitTicks?: Ticks; triggerTicks?: Ticks }, tsLocal = this.decisionMs()): void {
    this.send({ type: 'ModifyOrder', clientId, ...change, tsLocal });
  }

  /**
   * Feeds one bar (prices in ticks) opening at startMs + index x interval; `mark` is the mark-price kline that opened
   * with it (open, high, low, close in ticks), when the tape has a mark series.
   */
  bar(open: number, high: number, low: number, close: number, mark?: readonly [number, number, number, number]): void {
    const cols: TickBarColumns = {
      openTimeMs: Float64Array.of(this.startMs + this.index * this.intervalMs),
      openTicks: Float64Array.of(open),
      highTicks: Float64Array.of(high),
      lowTicks: Float64Array.of(low),
      closeTicks: Float64Array.of(close),
      ...(mark === undefined ? {} : { mark: { openTicks: Float64Array.of(mark[0]), highTicks: Float64Array.of(mark[1]), lowTicks: Float64Array.of(mark[2]), closeTicks: Float64Array.of(mark[3]) } }),
    };
    this.venue.onBar(this.instrumentIndex, cols, 0);
    this.index += 1;
  }

  bars(rows: readonly (readonly [number, number, number, number])[]): void {
    for (const [o, h, l, c] of rows) this.bar(o, h, l, c);
  }

  /** The order's current status ('pending' before any event). */
  status(clientId: string): string | undefined {
    return this.orders.get(clientId)?.status;
  }
}
