// Parses freqtrade JSON candles (`[[ms, open, high, low, close, volume], ...]`, the `--data-format-ohlcv json`
// layout) into BarColumns, streaming byte by byte. Must never read the file into one string: freqtrade writes
// the whole array on one line.
import { BarBuilder } from './columns.js';
import type { ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const OPEN = 91;
const CLOSE = 93;
const COMMA = 44;

/** Rows are inner arrays; each must hold exactly six numbers (timestamp in ms, or s/µs by digit count). */
export async function parseFreqtradeJson(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new BarBuilder(false, ctx.sizeHint);
  const units = new UnitTracker();
  const values: number[] = [];
  let depth = 0;
  let token = '';
  let line = 1;
  let done = false;
  const fail = (problem: string): Error => rowError(ctx.file, line, `${problem} (candle ${b.length + 1})`, 'expected [[ms, open, high, low, close, volume], ...]');
  const endToken = (): void => {
    const t = token.trim();
    token = '';
    if (t === '') return;
    const v = Number(t);
    if (!Number.isFinite(v)) throw fail(`"${t}" is not a number`);
    if (values.length === 0) {
      units.see(t.replace(/\..*$/, '').length);
      values.push(t.length <= 11 ? v * 1000 : t.length <= 14 ? v : Math.floor(v / 1000));
    } else values.push(v);
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as number;
      if (ch === 10) line++;
      if (done) {
        if (ch > 32) throw fail('text after the closing ]');
        continue;
      }
      if (ch === OPEN) {
        depth++;
        if (depth > 2) throw fail('nested deeper than [[...]]');
      } else if (ch === CLOSE) {
        if (depth === 2) {
          endToken();
          if (values.length !== 6) throw fail(`a candle has ${values.length} values, expected 6`);
          b.push(values[0] as number, values[1] as number, values[2] as number, values[3] as number, values[4] as number, values[5] as number);
          values.length = 0;
        }
        depth--;
        if (depth === 0) done = true;
      } else if (ch === COMMA) {
        if (depth === 2) endToken();
      } else if (depth === 2) token += String.fromCharCode(ch);
      else if (ch > 32) throw fail(`unexpected "${String.fromCharCode(ch)}"`);
    }
  }
  if (!done) throw fail('the array is not closed (truncated file?)');
  const bars = b.finish();
  return {
    series: 'bars',
    ...ctx.common,
    rows: bars.length,
    headerRow: false,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...timeRange(bars.openTimeMs),
    bars,
  };
}
