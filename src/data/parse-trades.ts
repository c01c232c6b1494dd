// Parses trade files into TradeColumns: data.binance.vision trades and aggTrades, trades extracted from websocket
// captures, bot-recorded aggTrades and Tardis trades. Must never reorder or drop rows (verify.ts judges them).
import { keepLastRows, TradeBuilder, type TradeColumns } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import type { FileFormat } from './formats.js';
import { parseCsvRows, PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const LOWER_T = 116;
const UPPER_T = 84;
const LOWER_F = 102;
const UPPER_F = 70;
const LOWER_S = 115;
const LOWER_B = 98;

/** 1 for true, 0 for false, NaN otherwise (Binance writes true/false, Python exports True/False). */
function bool(c: ByteCursor): number {
  const at = c.pos;
  const b = c.flagByte();
  if (b === LOWER_T || b === UPPER_T) return 1;
  if (b === LOWER_F || b === UPPER_F) return 0;
  if (c.failedAt < 0) c.failedAt = at;
  return NaN;
}

/** 1 when the taker sold (buyer was maker), 0 when the taker bought, NaN otherwise (`buy`/`sell`). */
function takerSideIsSell(c: ByteCursor): number {
  const at = c.pos;
  const b = c.flagByte();
  if (b === LOWER_S) return 1;
  if (b === LOWER_B) return 0;
  if (c.failedAt < 0) c.failedAt = at;
  return NaN;
}

const LAYOUTS: Record<string, readonly (readonly string[])[]> = {
  'binance-trades': [
    ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker'],
    ['id', 'price', 'qty', 'quote_qty', 'time', 'is_buyer_maker', 'is_best_match'],
  ],
  'capture-trades': [['id', 'price', 'qty', 'time', 'is_buyer_maker', 'event_time', 'order_type']],
  'binance-agg-trades': [
    ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker'],
    ['agg_trade_id', 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker', 'is_best_match'],
  ],
  'recorder-agg-trades': [['timestamp', 'price', 'quantity', 'side', 'tradeId']],
  'tardis-trades': [['exchange', 'symbol', 'timestamp', 'local_timestamp', 'id', 'side', 'price', 'amount']],
};

/** Parses any of the five trade layouts (ctx.format says which); in parts when `ctx.parts` is set (see PartPolicy). */
export async function parseTrades(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const format: FileFormat = ctx.format;
  const layouts = LAYOUTS[format];
  if (!layouts) throw new Error(`parseTrades called for ${format}`);
  const isTardis = format === 'tardis-trades';
  const b = new TradeBuilder(true, isTardis);
  const units = new UnitTracker();
  let symbol: string | undefined;
  let symbolBytes: Buffer | undefined;
  let headerSeen = false;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (trades: TradeColumns, rows: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'trades',
    ...ctx.common,
    rows,
    headerRow: headerSeen,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...(symbol ? { contentSymbol: symbol } : {}),
    ...range,
    trades,
  });
  const cutter = new PartCutter(
    ctx.parts,
    1,
    (firstRow, carried) => {
      const part = b.view();
      ctx.parts?.onPart(result(part, part.length, timeRange(part.timeMs)), firstRow, carried);
    },
    (k) => keepLastRows(b, k),
  );
  const row = (c: ByteCursor, columns: number, _buf: Buffer, lineNo: number): boolean => {
    // The first data row tells whether a header row preceded it (parts need it for their line numbers now).
    if (firstMs === undefined) headerSeen = lineNo > 1;
    let id: number;
    let t: number;
    let p: number;
    let q: number;
    let m: number;
    switch (format) {
      case 'binance-trades':
        id = c.int();
        p = c.num();
        q = c.num();
        c.skip();
        t = c.epochMs();
        units.see(c.lastDigits);
        m = bool(c);
        if (columns === 7) c.skip();
        break;
      case 'capture-trades':
        id = c.int();
        p = c.num();
        q = c.num();
        t = c.epochMs();
        units.see(c.lastDigits);
        m = bool(c);
        c.skip();
        c.skip();
        break;
      case 'binance-agg-trades':
        id = c.int();
        p = c.num();
        q = c.num();
        c.skip();
        c.skip();
        t = c.epochMs();
        units.see(c.lastDigits);
        m = bool(c);
        if (columns === 8) c.skip();
        break;
      case 'recorder-agg-trades':
        t = c.epochMs();
        units.see(c.lastDigits);
        p = c.num();
        q = c.num();
        m = takerSideIsSell(c);
        id = c.int();
        break;
      default: {
        c.skip();
        if (symbolBytes === undefined) {
          symbol = c.text();
          symbolBytes = Buffer.from(symbol, 'latin1');
        } else if (!c.fieldEquals(symbolBytes)) {
          throw rowError(ctx.file, lineNo, `the symbol changes from ${symbol} within the file`, 'split the file by symbol');
        }
        const us = c.epochUs();
        units.see(c.lastDigits);
        c.skip();
        id = c.int();
        m = takerSideIsSell(c);
        p = c.num();
        q = c.num();
        t = Math.floor(us / 1000);
        b.timeUs?.push(us);
      }
    }
    if (!Number.isFinite(id + t + p + q + m)) return false;
    cutter.next(t, b.length);
    if (firstMs === undefined) firstMs = t;
    lastMs = t;
    b.push(t, p, q, m === 1);
    b.id?.push(id);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, layouts, row);
  headerSeen = headerRow;
  if (!cutter.active) {
    const trades = b.finish();
    return result(trades, rows, timeRange(trades.timeMs));
  }
  cutter.end(b.length);
  return result(new TradeBuilder(false).finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}
