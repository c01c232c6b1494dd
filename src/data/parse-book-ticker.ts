// Parses best bid/ask files into BookTickerColumns: Binance bookTicker CSV (futures with venue times, spot
// without) and Tardis quotes. Must never drop or reorder rows.
import { BookTickerBuilder, type BookTickerColumns, keepLastRows } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { parseCsvRows, PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const BINANCE = ['update_id', 'best_bid_price', 'best_bid_qty', 'best_ask_price', 'best_ask_qty', 'transaction_time', 'event_time'];
const BINANCE_LOCAL = [...BINANCE, 'local_timestamp'];
const TARDIS = ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'ask_amount', 'ask_price', 'bid_price', 'bid_amount'];

/**
 * Binance rows: `timeMs` is the transaction time; spot rows have none, so `timeMs` is the collector's receive
 * time (the only clock the row has). Tardis rows: `timeMs` is the exchange timestamp (µs, floored to ms). In parts
 * when `ctx.parts` is set (see PartPolicy).
 */
export async function parseBookTicker(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const tardis = ctx.format === 'tardis-quotes';
  let builder: BookTickerBuilder | undefined;
  const units = new UnitTracker();
  let symbol: string | undefined;
  let symbolBytes: Buffer | undefined;
  let headerSeen = false;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (quotes: BookTickerColumns, rows: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'bookTicker',
    ...ctx.common,
    rows,
    headerRow: headerSeen,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...(symbol ? { contentSymbol: symbol } : {}),
    ...range,
    quotes,
  });
  const cutter = new PartCutter(
    ctx.parts,
    1,
    (firstRow, carried) => {
      const part = (builder as BookTickerBuilder).view();
      ctx.parts?.onPart(result(part, part.length, timeRange(part.timeMs)), firstRow, carried);
    },
    (k) => keepLastRows(builder as BookTickerBuilder, k),
  );
  const seen = (t: number, lineNo: number, length: number): void => {
    // The first data row tells whether a header row preceded it (parts need it for their line numbers now).
    if (firstMs === undefined) {
      headerSeen = lineNo > 1;
      firstMs = t;
    }
    lastMs = t;
    cutter.next(t, length);
  };
  const row = (c: ByteCursor, columns: number, _buf: Buffer, lineNo: number): boolean => {
    const b = (builder ??= new BookTickerBuilder(!tardis, tardis || columns === 8));
    if (tardis) {
      c.skip();
      if (symbolBytes === undefined) {
        symbol = c.text();
        symbolBytes = Buffer.from(symbol, 'latin1');
      } else if (!c.fieldEquals(symbolBytes)) {
        throw rowError(ctx.file, lineNo, `the symbol changes from ${symbol} within the file`, 'split the file by symbol');
      }
      const us = c.epochUs();
      units.see(c.lastDigits);
      const localUs = c.epochUs();
      const askQty = c.num();
      const ask = c.num();
      const bid = c.num();
      const bidQty = c.num();
      if (!Number.isFinite(us + localUs + askQty + ask + bid + bidQty)) return false;
      seen(Math.floor(us / 1000), lineNo, b.length);
      b.push(Math.floor(us / 1000), bid, bidQty, ask, askQty);
      b.localTimeUs?.push(localUs);
      return true;
    }
    const id = c.int();
    const bid = c.num();
    const bidQty = c.num();
    const ask = c.num();
    const askQty = c.num();
    const hasVenueTime = !c.nextIsEmpty();
    let t = 0;
    if (hasVenueTime) {
      t = c.epochMs();
      units.see(c.lastDigits);
    } else c.skip();
    c.skip();
    let localUs = 0;
    if (columns === 8) localUs = c.epochUs();
    if (!hasVenueTime) {
      if (columns !== 8) return false;
      t = Math.floor(localUs / 1000);
      units.see(c.lastDigits);
    }
    if (!Number.isFinite(id + bid + bidQty + ask + askQty + t + localUs)) return false;
    seen(t, lineNo, b.length);
    b.push(t, bid, bidQty, ask, askQty);
    b.updateId?.push(id);
    b.localTimeUs?.push(localUs);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, tardis ? [TARDIS] : [BINANCE, BINANCE_LOCAL], row);
  headerSeen = headerRow;
  if (!cutter.active) {
    const quotes = (builder ?? new BookTickerBuilder(!tardis, true)).finish();
    return result(quotes, rows, timeRange(quotes.timeMs));
  }
  if (builder !== undefined) cutter.end(builder.length);
  return result(new BookTickerBuilder(false, false).finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}
