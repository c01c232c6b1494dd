// Parses funding-rate history into FundingColumns: `funding_time,funding_rate` files and data.binance.vision's
// `calc_time,funding_interval_hours,last_funding_rate`. Must never assume an 8 h interval.
import { FundingBuilder, type FundingColumns, keepLastRows } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { parseCsvRows, PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';

const SIMPLE = ['funding_time', 'funding_rate'];
const VISION = ['calc_time', 'funding_interval_hours', 'last_funding_rate'];

/**
 * Rates are fractions (0.0001 = 0.01 %); times are the settlement times in ms, with the venue's jitter kept. In parts
 * when `ctx.parts` is set; each part repeats the previous part's last 3 settlements, which verify's interval-aware
 * gap check needs around a cut.
 */
export async function parseFunding(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new FundingBuilder(false);
  const units = new UnitTracker();
  const vision = ctx.format === 'binance-funding-rate';
  let headerSeen = false;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  const result = (funding: FundingColumns, rows: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'funding',
    ...ctx.common,
    rows,
    headerRow: headerSeen,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...range,
    funding,
  });
  const cutter = new PartCutter(
    ctx.parts,
    FUNDING_CARRY,
    (firstRow, carried) => {
      const part = b.view();
      ctx.parts?.onPart(result(part, part.length, timeRange(part.timeMs)), firstRow, carried);
    },
    (k) => keepLastRows(b, k),
  );
  const row = (c: ByteCursor, _columns: number, _buf: Buffer, lineNo: number): boolean => {
    const t = c.epochMs();
    units.see(c.lastDigits);
    if (vision) c.skip();
    const rate = c.num();
    if (!Number.isFinite(t + rate)) return false;
    if (firstMs === undefined) {
      headerSeen = lineNo > 1;
      firstMs = t;
    }
    lastMs = t;
    cutter.next(t, b.length);
    b.push(t, rate);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [vision ? VISION : SIMPLE], row);
  headerSeen = headerRow;
  if (!cutter.active) {
    const funding = b.finish();
    return result(funding, rows, timeRange(funding.timeMs));
  }
  cutter.end(b.length);
  return result(new FundingBuilder(false).finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}

/** Settlements repeated into the next part: verify's gap check looks two steps back and one ahead. */
export const FUNDING_CARRY = 3;
