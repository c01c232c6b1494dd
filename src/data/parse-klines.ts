// Parses candle files (klines and mark/index/premium-index klines) into BarColumns: 12-column data.binance.vision
// rows, 6-column OHLCV and 7-column OHLCV + datetime; header row or not; s/ms/µs/ns timestamps (stored as ms).
// Must never check market sanity (high >= low, order, gaps): that is verify.ts, so a broken file can be reported.
import { BarBuilder, type BarColumns, keepLastRows } from './columns.js';
import { ByteCursor, countFields } from './byte-cursor.js';
import type { LineHandler } from './line-reader.js';
import { diagnoseRow, fieldCountError } from './row-error.js';
import { timeRange, UnitTracker } from './parsed.js';
import type { ParsedData } from './parsed.js';
import type { ParseContext } from './parse-context.js';
import { isHeaderLine, PartCutter, runLines } from './parse-context.js';

const NAMES_12 = [
  'open_time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close_time',
  'quote_volume',
  'count',
  'taker_buy_volume',
  'taker_buy_quote_volume',
  'ignore',
];
const NAMES_6 = NAMES_12.slice(0, 6);
const NAMES_7 = [...NAMES_6, 'datetime'];
const UPPER_N = 78;

/**
 * Parses a kline file of any of the three layouts; the layout is fixed by the first data row. With `ctx.parts`,
 * bars are handed over in parts of at most one UTC month (see PartPolicy) and freed, so a file bigger than memory
 * works; each part repeats the previous part's last bar first. The returned `bars` are then empty; `rows`,
 * `firstMs` and `lastMs` cover the whole file.
 */
export async function parseKlines(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const c = new ByteCursor();
  const units = new UnitTracker();
  // Mark-price candles carry no volume: Binance writes 0, freqtrade exports of Bybit write "None"; both mean 0.
  const volumeMayBeAbsent = ctx.kind !== 'klines';
  let builder: BarBuilder | undefined;
  let columns = 0;
  let names = NAMES_6;
  let headerRow = false;
  let rows = 0;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (bars: BarColumns, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'bars',
    ...ctx.common,
    rows: bars.length,
    headerRow,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...range,
    bars,
  });
  // A part's columns are views of the one builder, reused for the next part: no allocation per part.
  const cutter = new PartCutter(
    ctx.parts,
    1,
    (firstRow, carried) => {
      const bars = (builder as BarBuilder).view();
      ctx.parts?.onPart(result(bars, timeRange(bars.openTimeMs)), firstRow, carried);
    },
    (k) => keepLastRows(builder as BarBuilder, k),
  );
  const onLine: LineHandler = (buf, start, end, lineNo) => {
    if (builder === undefined) {
      if (!headerRow && isHeaderLine(buf, start)) {
        headerRow = true;
        return;
      }
      columns = countFields(buf, start, end);
      if (columns !== 6 && columns !== 7 && columns !== 12) {
        throw fieldCountError(ctx.file, lineNo, columns, '6, 7 or 12', 'klines');
      }
      names = columns === 12 ? NAMES_12 : columns === 7 ? NAMES_7 : NAMES_6;
      builder = new BarBuilder(columns === 12, ctx.sizeHint);
    }
    c.reset(buf, start, end);
    const t = c.epochMs();
    units.see(c.lastDigits);
    cutter.next(t, builder.length);
    const o = c.num();
    const h = c.num();
    const l = c.num();
    const cl = c.num();
    let v: number;
    if (volumeMayBeAbsent && c.nextIsEmpty()) {
      c.skip();
      v = 0;
    } else if (volumeMayBeAbsent && buf[c.pos] === UPPER_N) {
      const at = c.pos;
      v = c.fieldEquals(NONE) ? 0 : NaN;
      if (Number.isNaN(v) && c.failedAt < 0) c.failedAt = at;
    } else v = c.num();
    let check = t + o + h + l + cl + v;
    const b = builder;
    if (columns === 12) {
      c.skip();
      const qv = c.num();
      const n = c.num();
      const tbv = c.num();
      const tbqv = c.num();
      c.skip();
      check += qv + n + tbv + tbqv;
      const x = b.extras;
      if (x && Number.isFinite(check)) {
        x.quoteVolume.push(qv);
        x.trades.push(n);
        x.takerBuyVolume.push(tbv);
        x.takerBuyQuoteVolume.push(tbqv);
      }
    } else if (columns === 7) c.skip();
    if (!Number.isFinite(check) || !c.atEnd()) {
      throw diagnoseRow(ctx.file, lineNo, buf, start, end, names, c.failedAt, 'klines');
    }
    b.push(t, o, h, l, cl, v);
    if (rows === 0) firstMs = t;
    lastMs = t;
    rows++;
  };
  await runLines(chunks, onLine);
  if (!cutter.active) {
    const bars = (builder ?? new BarBuilder(false, 16)).finish();
    return result(bars, timeRange(bars.openTimeMs));
  }
  if (builder !== undefined) cutter.end(builder.length);
  const empty = new BarBuilder(false, 16).finish();
  return { ...result(empty, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs }), rows };
}

const NONE = Buffer.from('None');
