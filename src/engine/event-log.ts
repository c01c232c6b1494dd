// The run's event log, kept in columns (one growable typed array per field, strings in side tables): orders, fills,
// funding, liquidations and the strategy's notes, in the order the engine saw them. Must never hold per-bar rows.
import { F64Builder, U8Builder } from '../data/columns.js';

/** Event kinds (the `kind` column). */
export const LOG_SUBMITTED = 1;
export const LOG_ACCEPTED = 2;
export const LOG_REJECTED = 3;
export const LOG_TRIGGERED = 4;
export const LOG_FILLED = 5;
export const LOG_MODIFIED = 6;
export const LOG_CANCEL_REQUESTED = 7;
export const LOG_CANCELLED = 8;
export const LOG_EXPIRED = 9;
export const LOG_CANCEL_REJECTED = 10;
export const LOG_FUNDING = 11;
export const LOG_LIQUIDATION = 12;
export const LOG_NOTE = 13;
/** An order the engine refused before sending (size rounds to zero lots, bad price): never reached the venue. */
export const LOG_NOT_SENT = 14;
export const LOG_MODIFY_REJECTED = 15;
/** Not a kind: tells a caller to log nothing. */
export const LOG_NONE = 0;

const KIND_NAMES: readonly string[] = [
  '',
  'order-submitted',
  'order-accepted',
  'order-rejected',
  'order-triggered',
  'order-filled',
  'order-modified',
  'cancel-requested',
  'order-cancelled',
  'order-expired',
  'cancel-rejected',
  'funding',
  'liquidation',
  'note',
  'order-not-sent',
  'modify-rejected',
];

/** One event read back from the log (allocates: for writing outputs, not for the run). */
export interface LoggedEvent {
  readonly kind: string;
  readonly timeMs: number;
  /** The client order id, for order events. */
  readonly clientId?: string;
  /** The instrument index in the run (order, funding and liquidation events). */
  readonly instrumentIndex: number;
  /** Fills and liquidations: price in ticks; funding: the mark in ticks; submitted: the order's price, if any. */
  readonly priceTicks?: number;
  /** Fills and liquidations: lots (signed: + buy, - sell); funding: the signed position in lots. */
  readonly lots?: number;
  /** Fills: fee; funding: cash flow; liquidation: realised P&L (all Money, 1e-8 of the settle asset). */
  readonly amount?: number;
  /** Liquidation: its fee (Money); funding: the rate. */
  readonly extra?: number;
  /** Notes: the text; refusals, cancels, expiries: the reason; fills: maker/taker; submitted: the order type. */
  readonly text?: string;
}

/** Appends events in columns; reading back is for outputs and tests. */
export class EventLog {
  private readonly kind = new U8Builder(1024);
  private readonly timeMs = new F64Builder(1024);
  private readonly order = new F64Builder(1024);
  private readonly instrument = new F64Builder(1024);
  private readonly price = new F64Builder(1024);
  private readonly lots = new F64Builder(1024);
  private readonly amount = new F64Builder(1024);
  private readonly extra = new F64Builder(1024);
  private readonly text = new F64Builder(1024);
  /** Which optional columns a row has: bit 1 price, 2 lots, 4 amount, 8 extra. */
  private readonly present = new U8Builder(1024);
  private readonly clientIds: string[] = [''];
  private readonly texts: string[] = [''];

  get length(): number {
    return this.timeMs.length;
  }

  /** A reference to `clientId` for `append` (one per order: the caller keeps it with the order). Never 0. */
  orderRef(clientId: string): number {
    return this.clientIds.push(clientId) - 1;
  }

  /**
   * Appends one event. `orderRef` (from `orderRef`, 0 = no order) and `text` (empty = none) are optional, numeric
   * fields too.
   */
  append(
    kind: number,
    timeMs: number,
    instrumentIndex: number,
    orderRef: number,
    text: string,
    priceTicks?: number,
    lots?: number,
    amount?: number,
    extra?: number,
  ): void {
    this.kind.push(kind);
    this.timeMs.push(timeMs);
    this.instrument.push(instrumentIndex);
    this.order.push(orderRef);
    this.text.push(text === '' ? 0 : this.texts.push(text) - 1);
    this.price.push(priceTicks ?? 0);
    this.lots.push(lots ?? 0);
    this.amount.push(amount ?? 0);
    this.extra.push(extra ?? 0);
    this.present.push((priceTicks === undefined ? 0 : 1) | (lots === undefined ? 0 : 2) | (amount === undefined ? 0 : 4) | (extra === undefined ? 0 : 8));
  }

  /** The events as objects, in order. */
  *events(): Generator<LoggedEvent> {
    const kind = this.kind.finish();
    const present = this.present.finish();
    for (let i = 0; i < kind.length; i++) {
      const p = present[i]!;
      const order = this.order.at(i);
      const text = this.text.at(i);
      yield {
        kind: KIND_NAMES[kind[i]!]!,
        timeMs: this.timeMs.at(i),
        ...(order > 0 ? { clientId: this.clientIds[order]! } : {}),
        instrumentIndex: this.instrument.at(i),
        ...(p & 1 ? { priceTicks: this.price.at(i) } : {}),
        ...(p & 2 ? { lots: this.lots.at(i) } : {}),
        ...(p & 4 ? { amount: this.amount.at(i) } : {}),
        ...(p & 8 ? { extra: this.extra.at(i) } : {}),
        ...(text > 0 ? { text: this.texts[text]! } : {}),
      };
    }
  }
}
