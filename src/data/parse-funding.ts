// Parses funding-rate history into FundingColumns: `funding_time,funding_rate` files and data.binance.vision's
// `calc_time,funding_interval_hours,last_funding_rate`. Must never assume an 8 h interval.
import { FundingBuilder } from './columns.js';
import type { ByteCursor } from './byte-cursor.js';
import { parseCsvRows, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';

const SIMPLE = ['funding_time', 'funding_rate'];
const VISION = ['calc_time', 'funding_interval_hours', 'last_funding_rate'];

/** Rates are fractions (0.0001 = 0.01 %); times are the settlement times in ms, with the venue's jitter kept. */
export async function parseFunding(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new FundingBuilder(false);
  const units = new UnitTracker();
  const vision = ctx.format === 'binance-funding-rate';
  const row = (c: ByteCursor): boolean => {
    const t = c.epochMs();
    units.see(c.lastDigits);
    if (vision) c.skip();
    const rate = c.num();
    if (!Number.isFinite(t + rate)) return false;
    b.push(t, rate);
    return true;
  };
  const { headerRow, rows } = await parseCsvRows(chunks, ctx, [vision ? VISION : SIMPLE], row);
  const funding = b.finish();
  return {
    series: 'funding',
    ...ctx.common,
    rows,
    headerRow,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...timeRange(funding.timeMs),
    funding,
  };
}
