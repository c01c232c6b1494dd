// Percentage book depth (data.binance.vision `bookDepth`): per snapshot, the cumulative depth within each band
// around the mid price, one row per (time, band). Must never be read as price levels: it holds no prices.
import { F64Builder } from './column-builders.js';

/**
 * Rows ascending by (timeMs, percentage). `percentage` is the band edge in percent of the mid price, signed: -5..-0.2
 * for bids below mid, 0.2..5 for asks above (Binance writes integer bands -5..5 and, in later files, +/-0.2; e.g.
 * `-5` or `-5.00`). `depth` is the cumulative quantity in the band in base asset ("coin-terms"), `notional` the
 * same in quote asset. Source: https://github.com/binance/binance-public-data/issues/447 (maintainer's answer)
 * and the rows quoted in issue #431. 32 bytes a row.
 */
export interface BookDepthColumns {
  readonly length: number;
  /** Snapshot time, epoch ms (the file writes UTC seconds as text). */
  readonly timeMs: Float64Array;
  readonly percentage: Float64Array;
  readonly depth: Float64Array;
  readonly notional: Float64Array;
}

/** The band edges Binance publishes lie within +/- this many percent of the mid price. */
export const BOOK_DEPTH_MAX_PERCENT = 5;

/** Builds BookDepthColumns. */
export class BookDepthBuilder {
  readonly timeMs = new F64Builder(4096);
  readonly percentage = new F64Builder(4096);
  readonly depth = new F64Builder(4096);
  readonly notional = new F64Builder(4096);
  get length(): number {
    return this.timeMs.length;
  }
  push(timeMs: number, percentage: number, depth: number, notional: number): void {
    this.timeMs.push(timeMs);
    this.percentage.push(percentage);
    this.depth.push(depth);
    this.notional.push(notional);
  }
  finish(): BookDepthColumns {
    return this.columns((b) => b.finish());
  }
  /** The rows so far as views of the builder's buffers (valid until the next push). */
  view(): BookDepthColumns {
    return this.columns((b) => b.view());
  }
  private columns(take: (b: F64Builder) => Float64Array): BookDepthColumns {
    return { length: this.length, timeMs: take(this.timeMs), percentage: take(this.percentage), depth: take(this.depth), notional: take(this.notional) };
  }
}
