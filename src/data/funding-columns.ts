// Funding settlements and the per-second mark-price stream as columns, with their builders. Rates are fractions
// (0.0001 = 0.01 %); must never convert them to percent or basis points here.
import { F64Builder } from './column-builders.js';

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
    return this.columns((b) => b.finish());
  }
  /** The rows so far as views of the builder's buffers (valid until the next push). */
  view(): FundingColumns {
    return this.columns((b) => b.view());
  }
  private columns(take: (b: F64Builder) => Float64Array): FundingColumns {
    return {
      length: this.length,
      timeMs: take(this.timeMs),
      rate: take(this.rate),
      ...(this.markPrice ? { markPrice: take(this.markPrice) } : {}),
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
    return this.columns((b) => b.finish());
  }
  /** The rows so far as views of the builder's buffers (valid until the next push). */
  view(): MarkPriceColumns {
    return this.columns((b) => b.view());
  }
  private columns(take: (b: F64Builder) => Float64Array): MarkPriceColumns {
    return {
      length: this.length,
      timeMs: take(this.timeMs),
      markPrice: take(this.markPrice),
      indexPrice: take(this.indexPrice),
      estimatedSettlePrice: take(this.estimatedSettlePrice),
      fundingRate: take(this.fundingRate),
      nextFundingTimeMs: take(this.nextFundingTimeMs),
      ...(this.localTimeUs ? { localTimeUs: take(this.localTimeUs) } : {}),
    };
  }
}
