// Candle columns (klines, mark/index/premium klines, resampled bars) and their row-by-row builder. Prices are the
// exchange's decimal parsed to the nearest double; must never round them to a grid (that is the engine edge).
import { F64Builder } from './column-builders.js';

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
  /** The rows so far as views of the builder's buffers, no copy: valid until the next `push` or `clear`. */
  view(): BarColumns {
    return this.columns((b) => b.view());
  }
  /** Empties every column, keeping capacity (streaming parsers reuse one builder for every part). */
  clear(): void {
    for (const b of [this.openTimeMs, this.open, this.high, this.low, this.close, this.volume]) b.clear();
    if (this.extras) for (const b of Object.values(this.extras)) b.clear();
  }
  /** Right-sized copies of the columns, so the builder's slack capacity is not kept alive. */
  finish(): BarColumns {
    return this.columns((b) => b.finish());
  }
  private columns(take: (b: F64Builder) => Float64Array): BarColumns {
    const base = {
      length: this.length,
      openTimeMs: take(this.openTimeMs),
      open: take(this.open),
      high: take(this.high),
      low: take(this.low),
      close: take(this.close),
      volume: take(this.volume),
    };
    const x = this.extras;
    if (!x) return base;
    return {
      ...base,
      quoteVolume: take(x.quoteVolume),
      trades: take(x.trades),
      takerBuyVolume: take(x.takerBuyVolume),
      takerBuyQuoteVolume: take(x.takerBuyQuoteVolume),
    };
  }
}
