// Columnar market-data containers, one typed array per field and never one object per row: this module only
// gathers the per-concept files (bars, trades, quotes/depth, percentage depth, funding/mark, builders) under one import path.
// Prices stay the exchange's nearest doubles; must never round them to a grid (the engine edge does, with countFromFloat).
export { F64Builder, U8Builder, columnBytes, keepLastRows } from './column-builders.js';
export { BAR_PRICE_FIELDS, BarBuilder, type BarColumns, OPTIONAL_BAR_FIELDS, type OptionalBarField } from './bar-columns.js';
export { TradeBuilder, type TradeColumns, tradeIsSell, tradePrice, tradeQty, tradesFromFloats } from './trade-columns.js';
export {
  BookTickerBuilder,
  type BookTickerColumns,
  DEPTH_EVENT_DIFF,
  DEPTH_EVENT_SNAPSHOT,
  DepthBuilder,
  type DepthColumns,
  SIDE_ASK,
  SIDE_BID,
} from './book-columns.js';
export { BOOK_DEPTH_MAX_PERCENT, BookDepthBuilder, type BookDepthColumns } from './book-depth-columns.js';
export { FundingBuilder, type FundingColumns, MarkPriceBuilder, type MarkPriceColumns } from './funding-columns.js';
