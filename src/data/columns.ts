// Columnar market-data containers: one typed array per field, never one object per row, and growable builders.
// Prices and quantities are the exchange's decimal text parsed to the nearest double; this module must never
// round them to a grid: conversion to integer ticks/lots happens at the engine edge with `countFromFloat`.
import { compactPrices } from './price-units.js';

/**
 * Candles (klines, mark/index/premium klines, resampled bars). `openTimeMs` is the bar's start in epoch ms UTC
 * (integer). OHLC are prices in the quote asset, `volume` base-asset volume. The optional columns exist only
 * when the source carries them (the 12-column data.binance.vision kline format).
 */
export interface BarColumns {
  readonly length: number;
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** Volume in the quote asset (USDT). */
  readonly quoteVolume?: Float64Array;
  /** Number of trades in the bar (an integer stored as a double). */
  readonly trades?: Float64Array;
  /** Base-asset volume where the buyer was the taker (aggressive buys). */
  readonly takerBuyVolume?: Float64Array;
  /** Quote-asset volume where the buyer was the taker. */
  readonly takerBuyQuoteVolume?: Float64Array;
}

/** The optional bar columns, by name. */
export const OPTIONAL_BAR_FIELDS = ['quoteVolume', 'trades', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const;
export type OptionalBarField = (typeof OPTIONAL_BAR_FIELDS)[number];
export const BAR_PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Trades (individual or aggregate), 20 bytes a trade plus the optional columns. `timeMs` is the trade time in epoch
 * ms (integer; microsecond sources keep their full value in `timeUs`). The price is stored as integer units of
 * the column's own step 10^-priceScale (`priceScale`: the smallest power of ten that writes every price of the
 * column exactly, found when the column is built); read it with `tradePrice(t, i)` = priceUnits[i] /
 * priceDivisor, which is bitwise `Number(text)` of the file's decimal (IEEE division of two exact integers is
 * correctly rounded). `priceUnits` is an Int32Array whenever the units fit, else a Float64Array (exact below
 * 2^53). `signedQty` is the base quantity signed by the aggressor: > 0 the taker bought, < 0 the taker sold
 * (Binance `m` = true, "buyer is maker"); `tradeQty` and `tradeIsSell` read it.
 */
export interface TradeColumns {
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly priceUnits: Int32Array | Float64Array;
  /** Decimal places of the price step: price = priceUnits / 10^priceScale. */
  readonly priceScale: number;
  /** 10^priceScale, exact (priceScale <= 22). */
  readonly priceDivisor: number;
  readonly signedQty: Float64Array;
  /** Trade id or aggregate-trade id (integers below 2^53). */
  readonly id?: Float64Array;
  /** Trade time in epoch microseconds, for sources that carry it (Tardis). */
  readonly timeUs?: Float64Array;
}

/** The price of trade i in the quote asset: exactly the double the file's decimal text parses to. */
export function tradePrice(t: TradeColumns, i: number): number {
  return (t.priceUnits[i] as number) / t.priceDivisor;
}

/** The base quantity of trade i (> 0 for any trade a venue prints). */
export function tradeQty(t: TradeColumns, i: number): number {
  return Math.abs(t.signedQty[i] as number);
}

/** True when the taker of trade i sold (Binance "buyer is maker"); 1 / q also reads the sign of a -0 quantity. */
export function tradeIsSell(t: TradeColumns, i: number): boolean {
  return 1 / (t.signedQty[i] as number) < 0;
}

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

/** Funding settlements: `timeMs` the settlement time in epoch ms, `rate` a fraction (0.0001 = 0.01 %, longs pay when > 0). */
export interface FundingColumns {
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly rate: Float64Array;
  /** The mark price at settlement, when the source carries it. */
  readonly markPrice?: Float64Array;
}

/** The per-second mark-price stream (Binance `markPrice@1s`). Times in epoch ms. */
export interface MarkPriceColumns {
  readonly length: number;
  readonly timeMs: Float64Array;
  readonly markPrice: Float64Array;
  readonly indexPrice: Float64Array;
  readonly estimatedSettlePrice: Float64Array;
  /** The predicted rate for the next settlement (a fraction). */
  readonly fundingRate: Float64Array;
  readonly nextFundingTimeMs: Float64Array;
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

/** A growable Float64 column: amortised O(1) push, trimmed copy on finish. */
export class F64Builder {
  private data: Float64Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Float64Array(Math.max(16, initialCapacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = x;
  }
  /** The value at row i (i < length). */
  at(i: number): number {
    return this.data[i] as number;
  }
  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  /** The filled rows without a copy (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
  /** A right-sized copy, so the builder's slack capacity is not kept alive. */
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** A growable Uint8 column. */
export class U8Builder {
  private data: Uint8Array;
  length = 0;
  constructor(initialCapacity = 1024) {
    this.data = new Uint8Array(Math.max(16, initialCapacity));
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Uint8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  finish(): Uint8Array {
    return this.data.slice(0, this.length);
  }
}

/** Builds BarColumns row by row; `withExtras` adds the four optional 12-column fields. */
export class BarBuilder {
  readonly openTimeMs: F64Builder;
  readonly open: F64Builder;
  readonly high: F64Builder;
  readonly low: F64Builder;
  readonly close: F64Builder;
  readonly volume: F64Builder;
  readonly extras: Record<OptionalBarField, F64Builder> | undefined;
  constructor(withExtras: boolean, initialCapacity = 4096) {
    const col = (): F64Builder => new F64Builder(initialCapacity);
    this.openTimeMs = col();
    this.open = col();
    this.high = col();
    this.low = col();
    this.close = col();
    this.volume = col();
    this.extras = withExtras
      ? { quoteVolume: col(), trades: col(), takerBuyVolume: col(), takerBuyQuoteVolume: col() }
      : undefined;
  }
  get length(): number {
    return this.openTimeMs.length;
  }
  push(openTimeMs: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.openTimeMs.push(openTimeMs);
    this.open.push(open);
    this.high.push(high);
    this.low.push(low);
    this.close.push(close);
    this.volume.push(volume);
  }
  finish(): BarColumns {
    const base = {
      length: this.length,
      openTimeMs: this.openTimeMs.finish(),
      open: this.open.finish(),
      high: this.high.finish(),
      low: this.low.finish(),
      close: this.close.finish(),
      volume: this.volume.finish(),
    };
    const x = this.extras;
    if (!x) return base;
    return {
      ...base,
      quoteVolume: x.quoteVolume.finish(),
      trades: x.trades.finish(),
      takerBuyVolume: x.takerBuyVolume.finish(),
      takerBuyQuoteVolume: x.takerBuyQuoteVolume.finish(),
    };
  }
}

/** Builds TradeColumns; `withId` / `withTimeUs` add those optional columns. Prices are compacted on finish. */
export class TradeBuilder {
  readonly timeMs = new F64Builder(8192);
  readonly price = new F64Builder(8192);
  readonly signedQty = new F64Builder(8192);
  readonly id: F64Builder | undefined;
  readonly timeUs: F64Builder | undefined;
  constructor(withId: boolean, withTimeUs = false) {
    this.id = withId ? new F64Builder(8192) : undefined;
    this.timeUs = withTimeUs ? new F64Builder(8192) : undefined;
  }
  get length(): number {
    return this.timeMs.length;
  }
  /** `qty` > 0 in base asset; `isBuyerMaker` true when the taker sold. */
  push(timeMs: number, price: number, qty: number, isBuyerMaker: boolean): void {
    this.timeMs.push(timeMs);
    this.price.push(price);
    this.signedQty.push(isBuyerMaker ? -qty : qty);
  }
  finish(): TradeColumns {
    const { units, scale } = compactPrices(this.price.view());
    return {
      length: this.length,
      timeMs: this.timeMs.finish(),
      priceUnits: units,
      priceScale: scale,
      priceDivisor: 10 ** scale,
      signedQty: this.signedQty.finish(),
      ...(this.id ? { id: this.id.finish() } : {}),
      ...(this.timeUs ? { timeUs: this.timeUs.finish() } : {}),
    };
  }
}

/**
 * TradeColumns from float columns (price in quote asset, qty > 0, isBuyerMaker 1 = taker sold), e.g. a tape kept in
 * the engine's float layout; `timeMs` is shared, not copied. Prices are compacted exactly (see compactPrices).
 */
export function tradesFromFloats(t: { readonly length: number; readonly timeMs: Float64Array; readonly price: Float64Array; readonly qty: Float64Array; readonly isBuyerMaker: Uint8Array }): TradeColumns {
  const { units, scale } = compactPrices(t.price.subarray(0, t.length));
  const signedQty = new Float64Array(t.length);
  for (let i = 0; i < t.length; i++) signedQty[i] = t.isBuyerMaker[i] === 1 ? -(t.qty[i] as number) : (t.qty[i] as number);
  return { length: t.length, timeMs: t.timeMs.subarray(0, t.length), priceUnits: units, priceScale: scale, priceDivisor: 10 ** scale, signedQty };
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
    return {
      length: this.length,
      timeMs: this.timeMs.finish(),
      bidPrice: this.bidPrice.finish(),
      bidQty: this.bidQty.finish(),
      askPrice: this.askPrice.finish(),
      askQty: this.askQty.finish(),
      ...(this.updateId ? { updateId: this.updateId.finish() } : {}),
      ...(this.localTimeUs ? { localTimeUs: this.localTimeUs.finish() } : {}),
    };
  }
}

/** Builds FundingColumns. */
export class FundingBuilder {
  readonly timeMs = new F64Builder(256);
  readonly rate = new F64Builder(256);
  readonly markPrice: F64Builder | undefined;
  constructor(withMarkPrice: boolean) {
    this.markPrice = withMarkPrice ? new F64Builder(256) : undefined;
  }
  get length(): number {
    return this.timeMs.length;
  }
  push(timeMs: number, rate: number): void {
    this.timeMs.push(timeMs);
    this.rate.push(rate);
  }
  finish(): FundingColumns {
    return {
      length: this.length,
      timeMs: this.timeMs.finish(),
      rate: this.rate.finish(),
      ...(this.markPrice ? { markPrice: this.markPrice.finish() } : {}),
    };
  }
}

/** Builds MarkPriceColumns. */
export class MarkPriceBuilder {
  readonly timeMs = new F64Builder();
  readonly markPrice = new F64Builder();
  readonly indexPrice = new F64Builder();
  readonly estimatedSettlePrice = new F64Builder();
  readonly fundingRate = new F64Builder();
  readonly nextFundingTimeMs = new F64Builder();
  readonly localTimeUs: F64Builder | undefined;
  constructor(withLocalTime: boolean) {
    this.localTimeUs = withLocalTime ? new F64Builder() : undefined;
  }
  get length(): number {
    return this.timeMs.length;
  }
  finish(): MarkPriceColumns {
    return {
      length: this.length,
      timeMs: this.timeMs.finish(),
      markPrice: this.markPrice.finish(),
      indexPrice: this.indexPrice.finish(),
      estimatedSettlePrice: this.estimatedSettlePrice.finish(),
      fundingRate: this.fundingRate.finish(),
      nextFundingTimeMs: this.nextFundingTimeMs.finish(),
      ...(this.localTimeUs ? { localTimeUs: this.localTimeUs.finish() } : {}),
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

/** Bytes held by the typed arrays of a column set (for memory accounting in benchmarks and tests). */
export function columnBytes(columns: object): number {
  let bytes = 0;
  for (const v of Object.values(columns)) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}
