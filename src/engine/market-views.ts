// The market data the engine reads (bars, trades and quotes as columns) and the views it hands to strategies, rewritten in
// place for every event. Types and plain holders only; must never hold logic.
import type { BarView, QuoteView, TradeView } from './strategy.js';

/**
 * Bars as the engine reads them: open times (epoch ms), float OHLCV for the strategy and the same prices in integer
 * ticks for the books (the backtest converts once per run). Structurally a superset of the simulated venue's
 * TickBarColumns, so one object serves both.
 */
export interface EngineBars {
  readonly length: number;
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly openTicks: Float64Array;
  readonly highTicks: Float64Array;
  readonly lowTicks: Float64Array;
  readonly closeTicks: Float64Array;
}

/** Trades as the engine reads them (floats from the data layer's TradeColumns): time (ms), price, base quantity. */
export interface EngineTrades {
  readonly timeMs: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly isBuyerMaker: Uint8Array;
}

/** Best bid / ask updates as the engine reads them (floats, as in the data): time (ms), prices and base quantities. */
export interface EngineQuotes {
  readonly timeMs: Float64Array;
  readonly bid: Float64Array;
  readonly bidQty: Float64Array;
  readonly ask: Float64Array;
  readonly askQty: Float64Array;
}

/** The bar view handed to onBar: one object, rewritten in place each bar. */
export class MutableBar implements BarView {
  index = 0;
  openTimeMs = 0.5;
  closeTimeMs = 0.5;
  open = 0.5;
  high = 0.5;
  low = 0.5;
  close = 0.5;
  volume = 0.5;
}

/** The trade view handed to onTrade: one object, rewritten in place per trade. */
export class MutableTrade implements TradeView {
  timeMs = 0.5;
  price = 0.5;
  qty = 0.5;
  isBuyerMaker = false;
}

/** The quote view handed to onQuote: one object, rewritten in place per quote. */
export class MutableQuote implements QuoteView {
  timeMs = 0.5;
  bid = 0.5;
  bidQty = 0.5;
  ask = 0.5;
  askQty = 0.5;
}
