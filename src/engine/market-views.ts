// The market data the engine reads (bars and trades as columns) and the views it hands to strategies, rewritten in
// place for every event. Types and plain holders only; must never hold logic.
import type { BarView, TradeView } from './strategy.js';

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
