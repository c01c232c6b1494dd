// Parses data.binance.vision percentage book-depth files (`bookDepth`: timestamp,percentage,depth,notional) into
// BookDepthColumns. Must never judge the values (band range, order, sign): verify.ts does, naming the line.
import { BookDepthBuilder, type BookDepthColumns, keepLastRows } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { parseCsvRows, PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';

const NAMES = ['timestamp', 'percentage', 'depth', 'notional'];

/**
 * One row per (snapshot, band): the time is UTC text `YYYY-MM-DD HH:MM:SS` in the archive's files (an epoch in ms
 * is accepted too), the band a signed percentage, depth in base asset and notional in quote asset. Layout:
 * https://github.com/binance/binance-public-data/issues/431 (rows of BTCUSDT-bookDepth-2025-05-19) and #447 (the
 * maintainers' definition). In parts when `ctx.parts` is set.
 */
export async function parseBookDepth(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new BookDepthBuilder();
  const units = new UnitTracker();
  let headerSeen = false;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (bookDepth: BookDepthColumns, rows: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'bookDepth',
    ...ctx.common,
    rows,
    headerRow: headerSeen,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...range,
    bookDepth,
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
  const row = (c: ByteCursor, _columns: number, _buf: Buffer, lineNo: number): boolean => {
    const t = c.dateTimeMs();
    units.see(c.lastDigits);
    const pct = c.num();
    const depth = c.num();
    const notional = c.num();
    if (!Number.isFinite(t + pct + depth + notional)) return false;
    if (firstMs === undefined) {
      headerSeen = lineNo > 1;
      firstMs = t;
    }
    lastMs = t;
    cutter.next(t, b.length);
    b.push(t, pct, depth, notional);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [NAMES], row);
  headerSeen = headerRow;
  if (!cutter.active) {
    const bookDepth = b.finish();
    return result(bookDepth, rows, timeRange(bookDepth.timeMs));
  }
  cutter.end(b.length);
  return result(new BookDepthBuilder().finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}
