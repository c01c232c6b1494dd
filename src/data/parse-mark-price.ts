// Parses the per-second mark-price stream (Binance markPrice@1s, extracted to CSV) into MarkPriceColumns.
// Must never fill missing seconds: gaps are verify.ts's business.
import { keepLastRows, MarkPriceBuilder, type MarkPriceColumns } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { parseCsvRows, PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const NAMES = [
  'event_time',
  'symbol',
  'mark_price',
  'index_price',
  'estimated_settle_price',
  'funding_rate',
  'next_funding_time',
  'local_timestamp_us',
];

/** Columns: event time (ms), mark, index and estimated settle prices, predicted funding rate, next funding time; in parts when `ctx.parts` is set. */
export async function parseMarkPriceStream(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new MarkPriceBuilder(true);
  const units = new UnitTracker();
  let symbol: string | undefined;
  let symbolBytes: Buffer | undefined;
  let headerSeen = false;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (markPrice: MarkPriceColumns, rows: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'markPrice',
    ...ctx.common,
    rows,
    headerRow: headerSeen,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...(symbol ? { contentSymbol: symbol } : {}),
    ...range,
    markPrice,
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
    const t = c.epochMs();
    units.see(c.lastDigits);
    if (symbolBytes === undefined) {
      symbol = c.text();
      symbolBytes = Buffer.from(symbol, 'latin1');
    } else if (!c.fieldEquals(symbolBytes)) {
      throw rowError(ctx.file, lineNo, `the symbol changes from ${symbol} within the file`, 'split the file by symbol');
    }
    const mark = c.num();
    const index = c.num();
    const settle = c.num();
    const rate = c.num();
    const next = c.epochMs();
    const local = c.epochUs();
    if (!Number.isFinite(t + mark + index + settle + rate + next + local)) return false;
    if (firstMs === undefined) {
      headerSeen = lineNo > 1;
      firstMs = t;
    }
    lastMs = t;
    cutter.next(t, b.length);
    b.timeMs.push(t);
    b.markPrice.push(mark);
    b.indexPrice.push(index);
    b.estimatedSettlePrice.push(settle);
    b.fundingRate.push(rate);
    b.nextFundingTimeMs.push(next);
    b.localTimeUs?.push(local);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [NAMES], row);
  headerSeen = headerRow;
  if (!cutter.active) {
    const markPrice = b.finish();
    return result(markPrice, rows, timeRange(markPrice.timeMs));
  }
  cutter.end(b.length);
  return result(new MarkPriceBuilder(false).finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}
