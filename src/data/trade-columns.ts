// Trade columns (20 bytes a trade: ms time, integer price units of the column's own step, signed quantity), their
// allocation-free readers and builders. Must never lose a price's exact double value (see price-units.ts).
import { F64Builder } from './column-builders.js';
import { compactPrices } from './price-units.js';

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
    return this.columns((b) => b.finish());
  }
  /** The rows so far; time, quantity and id columns are views (valid until the next push), price units a new array. */
  view(): TradeColumns {
    return this.columns((b) => b.view());
  }
  private columns(take: (b: F64Builder) => Float64Array): TradeColumns {
    const { units, scale } = compactPrices(this.price.view());
    return {
      length: this.length,
      timeMs: take(this.timeMs),
      priceUnits: units,
      priceScale: scale,
      priceDivisor: 10 ** scale,
      signedQty: take(this.signedQty),
      ...(this.id ? { id: take(this.id) } : {}),
      ...(this.timeUs ? { timeUs: take(this.timeUs) } : {}),
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
