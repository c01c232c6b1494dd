// Quote and order-book columns: best bid/ask updates and two-level depth events (events + price levels), with
// their builders. Must never hold one object per update or level.
import { F64Builder, U8Builder } from './column-builders.js';

/**
 * Best bid / best ask updates. `timeMs` is the venue's event time in epoch ms (transaction time when the source
 * has one; for sources without a venue clock, such as Binance spot captures, the collector's receive time).
 */
export interface BookTickerColumns {
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly bidPrice: Float64Array;
  readonly bidQty: Float64Array;
  readonly askPrice: Float64Array;
  readonly askQty: Float64Array;
  /** The venue's book update id. */
  readonly updateId?: Float64Array;
  /** The collector's receive clock in epoch microseconds (not synchronised with the venue). */
  readonly localTimeUs?: Float64Array;
}

/** A depth event is either a full snapshot of the levels it lists or a diff that sets levels (qty 0 deletes). */
export const DEPTH_EVENT_SNAPSHOT = 0;
export const DEPTH_EVENT_DIFF = 1;
export const SIDE_BID = 0;
export const SIDE_ASK = 1;

/**
 * Order-book events, two-level: one entry per event (snapshot or diff) and one per price level; the levels of
 * event e are the rows levelStart[e] .. levelStart[e + 1] - 1. Update ids are the venue's (Binance U/u/pu,
 * Bybit u) and only meaningful within one venue and symbol; Tardis files carry none, so their events are numbered
 * 1, 2, 3 ... in file order.
 */
export interface DepthColumns {
  readonly eventCount: number;
  /** Venue event time in epoch ms. */
  readonly eventTimeMs: Float64Array;
  /** DEPTH_EVENT_SNAPSHOT or DEPTH_EVENT_DIFF. */
  readonly eventKind: Uint8Array;
  readonly firstUpdateId: Float64Array;
  readonly lastUpdateId: Float64Array;
  /**
   * Binance futures `pu` (the previous event's last id) for diff events. For snapshots, and for venues without
   * it, it holds firstUpdateId - 1, which is what a gap-free chain would carry (documented, not a sentinel).
   */
  readonly prevUpdateId: Float64Array;
  /** The collector's receive clock in epoch microseconds, when the source has it. */
  readonly localTimeUs?: Float64Array;
  /** Offsets into the level arrays; length eventCount + 1. */
  readonly levelStart: Uint32Array;
  readonly levelCount: number;
  /** SIDE_BID or SIDE_ASK. */
  readonly side: Uint8Array;
  readonly price: Float64Array;
  /** Quantity at the level after the event; 0 deletes it in a diff. */
  readonly qty: Float64Array;
}

/** Builds BookTickerColumns. */
export class BookTickerBuilder {
  readonly timeMs = new F64Builder();
  readonly bidPrice = new F64Builder();
  readonly bidQty = new F64Builder();
  readonly askPrice = new F64Builder();
  readonly askQty = new F64Builder();
  readonly updateId: F64Builder | undefined;
  readonly localTimeUs: F64Builder | undefined;
  constructor(withUpdateId: boolean, withLocalTime: boolean) {
    this.updateId = withUpdateId ? new F64Builder() : undefined;
    this.localTimeUs = withLocalTime ? new F64Builder() : undefined;
  }
  get length(): number {
    return this.timeMs.length;
  }
  push(timeMs: number, bidPrice: number, bidQty: number, askPrice: number, askQty: number): void {
    this.timeMs.push(timeMs);
    this.bidPrice.push(bidPrice);
    this.bidQty.push(bidQty);
    this.askPrice.push(askPrice);
    this.askQty.push(askQty);
  }
  finish(): BookTickerColumns {
    return this.columns((b) => b.finish());
  }
  /** The rows so far as views of the builder's buffers (valid until the next push). */
  view(): BookTickerColumns {
    return this.columns((b) => b.view());
  }
  private columns(take: (b: F64Builder) => Float64Array): BookTickerColumns {
    return {
      length: this.length,
      timeMs: take(this.timeMs),
      bidPrice: take(this.bidPrice),
      bidQty: take(this.bidQty),
      askPrice: take(this.askPrice),
      askQty: take(this.askQty),
      ...(this.updateId ? { updateId: take(this.updateId) } : {}),
      ...(this.localTimeUs ? { localTimeUs: take(this.localTimeUs) } : {}),
    };
  }
}

/** Builds DepthColumns: call `beginEvent` once per event, then `level` for each of its levels. */
export class DepthBuilder {
  readonly eventTimeMs = new F64Builder();
  readonly eventKind = new U8Builder();
  readonly firstUpdateId = new F64Builder();
  readonly lastUpdateId = new F64Builder();
  readonly prevUpdateId = new F64Builder();
  readonly localTimeUs: F64Builder | undefined;
  private readonly levelStart: number[] = [0];
  readonly side = new U8Builder(8192);
  readonly price = new F64Builder(8192);
  readonly qty = new F64Builder(8192);
  constructor(withLocalTime: boolean) {
    this.localTimeUs = withLocalTime ? new F64Builder() : undefined;
  }
  get eventCount(): number {
    return this.eventTimeMs.length;
  }
  beginEvent(kind: number, timeMs: number, firstUpdateId: number, lastUpdateId: number, prevUpdateId: number): void {
    if (this.eventCount > 0) this.levelStart.push(this.price.length);
    this.eventKind.push(kind);
    this.eventTimeMs.push(timeMs);
    this.firstUpdateId.push(firstUpdateId);
    this.lastUpdateId.push(lastUpdateId);
    this.prevUpdateId.push(prevUpdateId);
  }
  level(side: number, price: number, qty: number): void {
    this.side.push(side);
    this.price.push(price);
    this.qty.push(qty);
  }
  finish(): DepthColumns {
    const starts = this.eventCount === 0 ? [0] : [...this.levelStart, this.price.length];
    return {
      eventCount: this.eventCount,
      eventTimeMs: this.eventTimeMs.finish(),
      eventKind: this.eventKind.finish(),
      firstUpdateId: this.firstUpdateId.finish(),
      lastUpdateId: this.lastUpdateId.finish(),
      prevUpdateId: this.prevUpdateId.finish(),
      ...(this.localTimeUs ? { localTimeUs: this.localTimeUs.finish() } : {}),
      levelStart: Uint32Array.from(starts),
      levelCount: this.price.length,
      side: this.side.finish(),
      price: this.price.finish(),
      qty: this.qty.finish(),
    };
  }
}
