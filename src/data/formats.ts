// The market-data file formats microfut reads, what kind of series each holds, and the sniffer that tells them
// apart from the file name and first line. Must never read past the first line.
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';

/** What a file holds, independent of its layout. */
export type DataKind =
  | 'klines'
  | 'markPriceKlines'
  | 'indexPriceKlines'
  | 'premiumIndexKlines'
  | 'trades'
  | 'aggTrades'
  | 'bookTicker'
  | 'depth'
  | 'bookDepth'
  | 'fundingRate'
  | 'markPrice'
  | 'stream';

export const DATA_KINDS: readonly DataKind[] = [
  'klines',
  'markPriceKlines',
  'indexPriceKlines',
  'premiumIndexKlines',
  'trades',
  'aggTrades',
  'bookTicker',
  'depth',
  'bookDepth',
  'fundingRate',
  'markPrice',
  'stream',
];

/** How a file is laid out. Each format has one parser. */
export type FileFormat =
  /** data.binance.vision klines: 12 columns, or 6 (OHLCV) / 7 (+ datetime) from freqtrade-style exports; header optional. */
  | 'binance-klines'
  /** freqtrade JSON candles: `[[ms, open, high, low, close, volume], ...]`. */
  | 'freqtrade-json'
  /** data.binance.vision trades: `id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]`. */
  | 'binance-trades'
  /** Trades extracted from websocket captures: `id,price,qty,time,is_buyer_maker,event_time,order_type`. */
  | 'capture-trades'
  /** data.binance.vision aggTrades: `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]`. */
  | 'binance-agg-trades'
  /** aggTrade stream recorded by a bot: `timestamp,price,quantity,side,tradeId`. */
  | 'recorder-agg-trades'
  /** Tardis.dev trades: `exchange,symbol,timestamp,local_timestamp,id,side,price,amount` (µs). */
  | 'tardis-trades'
  /** Binance bookTicker: `update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time[,local_timestamp]`. */
  | 'binance-book-ticker'
  /** Tardis.dev quotes: `exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount` (µs). */
  | 'tardis-quotes'
  /** Binance depth rows: `symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu`. */
  | 'binance-depth-rows'
  /** Tardis.dev book_snapshot_5 / book_snapshot_25: `...,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,...`. */
  | 'tardis-book-snapshot'
  /** Tardis.dev incremental_book_L2: `exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount`. */
  | 'tardis-incremental-l2'
  /** Bybit orderbook history: one `{"topic","type","ts","data":{"s","b","a","u","seq"},"cts"}` message per line. */
  | 'bybit-orderbook'
  /** data.binance.vision bookDepth: `timestamp,percentage,depth,notional` (UTC `YYYY-MM-DD HH:MM:SS`, band %, base, quote). */
  | 'binance-book-depth'
  /** Funding history: `funding_time,funding_rate` (ms, fraction). */
  | 'funding-rate'
  /** data.binance.vision fundingRate: `calc_time,funding_interval_hours,last_funding_rate`. */
  | 'binance-funding-rate'
  /** Binance markPrice@1s extracted: `event_time,symbol,mark_price,index_price,estimated_settle_price,funding_rate,next_funding_time,local_timestamp_us`. */
  | 'mark-price-stream'
  /** Raw websocket capture: `<local receive time> <one JSON message>` per line, several streams interleaved. */
  | 'ws-capture';

/** The kind of series each format holds (klines formats hold whichever candle kind the file name says). */
export function kindOfFormat(format: FileFormat, klineKind: DataKind): DataKind {
  switch (format) {
    case 'binance-klines':
    case 'freqtrade-json':
      return klineKind;
    case 'binance-trades':
    case 'capture-trades':
    case 'tardis-trades':
      return 'trades';
    case 'binance-agg-trades':
    case 'recorder-agg-trades':
      return 'aggTrades';
    case 'binance-book-ticker':
    case 'tardis-quotes':
      return 'bookTicker';
    case 'binance-depth-rows':
    case 'tardis-book-snapshot':
    case 'tardis-incremental-l2':
    case 'bybit-orderbook':
      return 'depth';
    case 'binance-book-depth':
      return 'bookDepth';
    case 'funding-rate':
    case 'binance-funding-rate':
      return 'fundingRate';
    case 'mark-price-stream':
      return 'markPrice';
    case 'ws-capture':
      return 'stream';
  }
}

/** What the file name says: `<SYMBOL>-<interval or kind>-<period>.<ext>` (data.binance.vision and ../shared/data). */
export interface NameInfo {
  readonly symbol?: string;
  /** Candle interval such as `1m`, `1h`, `8h`. */
  readonly interval?: string;
  /** The candle kind the path names (markPriceKlines, ...), or klines. */
  readonly klineKind: DataKind;
  /** The kind the path names explicitly (a folder or name part), if any. */
  readonly namedKind?: DataKind;
}

const INTERVAL = /^(1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1mo)$/;

/** Reads symbol, interval and kind from a path such as `.../markPriceKlines/BTCUSDT-markPrice-8h-2025-03.csv`. */
export function nameInfo(path: string): NameInfo {
  const name = basename(path);
  const parts = name.split(/[-.]/);
  const first = parts[0] ?? '';
  const symbol = /^[A-Z0-9]{4,}$/.test(first) ? first : undefined;
  const interval = parts.find((p) => INTERVAL.test(p));
  const lower = path.replace(/\\/g, '/').toLowerCase();
  const klineKind: DataKind =
    /markprice(klines)?[/-]/.test(lower) && !/markpriceupdate/.test(lower)
      ? 'markPriceKlines'
      : /indexprice(klines)?[/-]/.test(lower)
        ? 'indexPriceKlines'
        : /premiumindex(klines)?[/-]/.test(lower)
          ? 'premiumIndexKlines'
          : 'klines';
  const named = namedKindOf(lower, klineKind, interval !== undefined);
  return {
    ...(symbol ? { symbol } : {}),
    ...(interval ? { interval } : {}),
    klineKind,
    ...(named ? { namedKind: named } : {}),
  };
}

function namedKindOf(lower: string, klineKind: DataKind, hasInterval: boolean): DataKind | undefined {
  if (/wsraw|\/stream\//.test(lower)) return 'stream';
  if (/aggtrades/.test(lower)) return 'aggTrades';
  if (/trades/.test(lower)) return 'trades';
  if (/bookticker/.test(lower)) return 'bookTicker';
  if (/bookdepth/.test(lower)) return 'bookDepth';
  if (/depth|booksnapshot|ob500|orderbook|incremental_book/.test(lower)) return 'depth';
  if (/fundingrate/.test(lower)) return 'fundingRate';
  if (/markpriceupdate|\/markprice\//.test(lower)) return 'markPrice';
  if (hasInterval) return klineKind;
  return undefined;
}

/** The sniffer's answer. */
export interface Sniffed {
  readonly format: FileFormat;
  readonly kind: DataKind;
  readonly name: NameInfo;
}

const HEADERS: readonly (readonly [string, FileFormat])[] = [
  ['open_time,open,high,low,close,volume', 'binance-klines'],
  ['timestamp,open,high,low,close,volume', 'binance-klines'],
  ['funding_time,funding_rate', 'funding-rate'],
  ['calc_time,funding_interval_hours,last_funding_rate', 'binance-funding-rate'],
  ['event_time,symbol,mark_price,index_price', 'mark-price-stream'],
  ['id,price,qty,time,is_buyer_maker', 'capture-trades'],
  ['id,price,qty,quote_qty,time,is_buyer_maker', 'binance-trades'],
  ['agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker', 'binance-agg-trades'],
  ['timestamp,price,quantity,side,tradeid', 'recorder-agg-trades'],
  ['exchange,symbol,timestamp,local_timestamp,id,side,price,amount', 'tardis-trades'],
  ['exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount', 'tardis-quotes'],
  ['exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount', 'tardis-incremental-l2'],
  ['exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount', 'tardis-book-snapshot'],
  ['update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty', 'binance-book-ticker'],
  ['symbol,timestamp,first_update_id,last_update_id,side,update_type,price,qty,pu', 'binance-depth-rows'],
  ['timestamp,percentage,depth,notional', 'binance-book-depth'],
];

/**
 * Tells the format from the path and the first line (already decompressed, without the line end).
 * Throws an InputError naming the file when neither says what the file is.
 */
export function sniffFormat(path: string, firstLine: string): Sniffed {
  const name = nameInfo(path);
  const format = formatFromContent(firstLine, name);
  if (!format) {
    throw new InputError(
      'INVALID_FILE',
      path,
      `the format is not recognised (first line: "${firstLine.slice(0, 80)}")`,
      'see docs/data.md for the formats microfut reads; name files <SYMBOL>-<kind or interval>-<period>.csv[.gz|.zip]',
    );
  }
  return { format, kind: kindOfFormat(format, name.klineKind), name };
}

function formatFromContent(firstLine: string, name: NameInfo): FileFormat | undefined {
  const line = firstLine.replace(/^\uFEFF/, '').trim();
  if (/^\d{10,20} [{[]/.test(line)) return 'ws-capture';
  if (line.startsWith('{') && line.includes('"topic"')) return 'bybit-orderbook';
  if (line.startsWith('[')) return 'freqtrade-json';
  const lowerLine = line.toLowerCase();
  for (const [header, format] of HEADERS) if (lowerLine.startsWith(header)) return format;
  if (!/^-?\d/.test(line)) return undefined;
  const fields = line.split(',').length;
  switch (name.namedKind) {
    case 'aggTrades':
      return fields === 7 || fields === 8 ? 'binance-agg-trades' : fields === 5 ? 'recorder-agg-trades' : undefined;
    case 'trades':
      // The capture layout has its boolean in the fifth field; data.binance.vision's in the sixth.
      if (fields === 7 && /^(true|false)$/i.test(line.split(',')[4] ?? '')) return 'capture-trades';
      return fields === 6 || fields === 7 ? 'binance-trades' : undefined;
    case 'bookTicker':
      return fields === 7 || fields === 8 ? 'binance-book-ticker' : undefined;
    case 'fundingRate':
      return fields === 2 ? 'funding-rate' : fields === 3 ? 'binance-funding-rate' : undefined;
    case 'bookDepth':
      return fields === 4 ? 'binance-book-depth' : undefined;
    case 'depth':
    case 'markPrice':
    case 'stream':
      return undefined;
    case 'klines':
    case 'markPriceKlines':
    case 'indexPriceKlines':
    case 'premiumIndexKlines':
    case undefined:
      return fields === 6 || fields === 7 || fields === 12 ? 'binance-klines' : undefined;
  }
}
