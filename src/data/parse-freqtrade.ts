// Parses freqtrade JSON candles (`[[ms, open, high, low, close, volume], ...]`, the `--data-format-ohlcv json`
// layout) into BarColumns with a small incremental scanner over the bytes, whole or in parts (see PartPolicy).
// Must never read the file into one string: freqtrade writes the whole array on one line.
import { BarBuilder, type BarColumns, keepLastRows } from './columns.js';
import { PartCutter, type ParseContext } from './parse-context.js';
import { timeRange, UnitTracker, type ParsedData } from './parsed.js';
import { rowError } from './row-error.js';

const OPEN = 91;
const CLOSE = 93;
const COMMA = 44;
const LF = 10;
const SPACE = 32;

/**
 * Rows are inner arrays; each must hold exactly six numbers (timestamp in ms, or s/µs by digit count). With
 * `ctx.parts` the candles are handed over in parts of at most one UTC month (each repeating the previous part's last
 * candle first) and the returned `bars` are empty; `rows`, `firstMs` and `lastMs` cover the whole file. Memory is one
 * part plus the one number being read, whatever the file's size. A problem names the line and the candle number.
 */
export async function parseFreqtradeJson(chunks: AsyncIterable<Buffer>, ctx: ParseContext): Promise<ParsedData> {
  const b = new BarBuilder(false, ctx.sizeHint);
  const units = new UnitTracker();
  const values: number[] = [];
  let depth = 0;
  let line = 1;
  let done = false;
  let rows = 0;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  // The number being read: `pending` holds its text from earlier chunks, `tokenStart` its start in this one (-1: none).
  let pending = '';
  let tokenStart = -1;
  const result = (bars: BarColumns, n: number, range: { firstMs?: number; lastMs?: number }): ParsedData => ({
    series: 'bars',
    ...ctx.common,
    rows: n,
    headerRow: false,
    timeUnit: units.unit,
    mixedTimeUnits: units.mixed,
    ...range,
    bars,
  });
  const cutter = new PartCutter(
    ctx.parts,
    1,
    (firstRow, carried) => {
      const bars = b.view();
      ctx.parts?.onPart(result(bars, bars.length, timeRange(bars.openTimeMs)), firstRow, carried);
    },
    (k) => keepLastRows(b, k),
  );
  const fail = (problem: string): Error => rowError(ctx.file, line, `${problem} (candle ${rows + 1})`, 'expected [[ms, open, high, low, close, volume], ...]');
  const endToken = (chunk: Buffer, end: number): void => {
    const text = tokenStart < 0 ? pending : pending + chunk.toString('latin1', tokenStart, end);
    pending = '';
    tokenStart = -1;
    const t = text.trim();
    if (t === '') return;
    const v = Number(t);
    if (!Number.isFinite(v)) throw fail(`"${t}" is not a number`);
    if (values.length === 0) {
      units.see(t.replace(/\..*$/, '').length);
      values.push(t.length <= 11 ? v * 1000 : t.length <= 14 ? v : Math.floor(v / 1000));
    } else values.push(v);
  };
  const endCandle = (): void => {
    if (values.length !== 6) throw fail(`a candle has ${values.length} values, expected 6`);
    const t = values[0] as number;
    cutter.next(t, b.length);
    b.push(t, values[1] as number, values[2] as number, values[3] as number, values[4] as number, values[5] as number);
    values.length = 0;
    if (rows === 0) firstMs = t;
    lastMs = t;
    rows++;
  };
  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i] as number;
      if (ch === LF) line++;
      if (done) {
        if (ch > SPACE) throw fail('text after the closing ]');
        continue;
      }
      if (ch === OPEN) {
        depth++;
        if (depth > 2) throw fail('nested deeper than [[...]]');
      } else if (ch === CLOSE) {
        if (depth === 0) throw fail('unexpected "]"');
        if (depth === 2) {
          endToken(chunk, i);
          endCandle();
        }
        depth--;
        if (depth === 0) done = true;
      } else if (ch === COMMA) {
        if (depth === 2) endToken(chunk, i);
      } else if (depth === 2) {
        if (tokenStart < 0) tokenStart = i;
      } else if (ch > SPACE) throw fail(`unexpected "${String.fromCharCode(ch)}"`);
    }
    // A number cut by the chunk's end: keep its text so far (a few bytes) for the next chunk.
    if (tokenStart >= 0) {
      pending += chunk.toString('latin1', tokenStart, chunk.length);
      tokenStart = 0;
    }
  }
  if (!done) throw fail('the array is not closed (truncated file?)');
  if (!cutter.active) {
    const bars = b.finish();
    return result(bars, bars.length, timeRange(bars.openTimeMs));
  }
  cutter.end(b.length);
  return result(new BarBuilder(false, 16).finish(), rows, firstMs === undefined || lastMs === undefined ? {} : { firstMs, lastMs });
}
