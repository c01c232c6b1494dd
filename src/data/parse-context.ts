// What every parser is given (file label, kind, format, name info, the symbol asked for) and the shared line
// loop. Must never know any one format's columns.
import type { DataKind, FileFormat, NameInfo } from './formats.js';
import { ByteCursor, countFields } from './byte-cursor.js';
import { forEachLine, type LineHandler } from './line-reader.js';
import type { ParsedData } from './parsed.js';
import { diagnoseRow, fieldCountError } from './row-error.js';

/**
 * Receives one part of a file parsed in parts (see PartPolicy). `part` holds `carried` rows repeated from the end of
 * the previous part (so order, steps and gaps can be checked across the cut), then the part's own rows; `firstRow`
 * is the 0-based data row of the first own row. The columns are views valid only during the call.
 */
export type PartSink = (part: ParsedData, firstRow: number, carried: number) => void;

/**
 * Asks a parser to hand its rows over in parts instead of returning whole columns, so a file bigger than memory can
 * be read: a part ends before a row of a later UTC month (so a part never spans two months, times going back stay
 * in their part, where verify finds them) or when it holds `maxRows` rows of its own. The returned columns are
 * then empty; `rows`, `firstMs` and `lastMs` still cover the whole file.
 */
export interface PartPolicy {
  readonly onPart: PartSink;
  readonly maxRows: number;
}

/** Default rows a part holds: 2^18 rows is 5-12 MB of columns, big enough that a part costs nothing per row. */
export const DEFAULT_PART_ROWS = 1 << 18;

const nextUtcMonthMs = (t: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

/**
 * Decides where a parser cuts its rows into parts and hands them over. The parser calls `next(t, length)` before
 * pushing each data row (time `t`, builder length `length`) and `end(length)` after the last; `handOver` receives the
 * part's first own row and its carried rows, `keep(k)` must shrink the builder to its last k rows.
 */
export class PartCutter {
  private endMs = -Infinity;
  private firstRow = 0;
  private carried = 0;
  private rows = 0;
  constructor(
    private readonly policy: PartPolicy | undefined,
    /** Rows repeated into the next part: 1 lets verify check order and steps across the cut; funding needs 3. */
    private readonly carry: number,
    private readonly handOver: (firstRow: number, carried: number) => void,
    private readonly keep: (k: number) => void,
  ) {}

  get active(): boolean {
    return this.policy !== undefined;
  }

  next(t: number, length: number): void {
    const p = this.policy;
    if (p === undefined) return;
    if (t >= this.endMs || length - this.carried >= p.maxRows) {
      if (length > this.carried) {
        this.handOver(this.firstRow, this.carried);
        const k = Math.min(this.carry, length);
        this.keep(k);
        this.carried = k;
      } else this.carried = length;
      this.firstRow = this.rows;
      this.endMs = nextUtcMonthMs(t);
    }
    this.rows++;
  }

  end(length: number): void {
    if (this.policy !== undefined && length > this.carried) this.handOver(this.firstRow, this.carried);
  }
}

export interface ParseContext {
  /** The file as it should appear in messages (a path or a URL). */
  readonly file: string;
  readonly format: FileFormat;
  readonly kind: DataKind;
  readonly name: NameInfo;
  /** Expected row count for the builders' first allocation (a guess; they grow as needed). */
  readonly sizeHint: number;
  /** The fields every ParsedData carries, ready to spread. */
  readonly common: { readonly file: string; readonly format: FileFormat; readonly kind: DataKind; readonly name: NameInfo };
  /** Set when the caller wants the rows in parts (formats in PARTED_FORMATS only). */
  readonly parts?: PartPolicy;
}

export function makeContext(file: string, format: FileFormat, kind: DataKind, name: NameInfo, sizeHint = 4096, parts?: PartPolicy): ParseContext {
  return { file, format, kind, name, sizeHint, common: { file, format, kind, name }, ...(parts ? { parts } : {}) };
}

/** True when the line starts with a letter (a header row such as `open_time,...`); data rows start with a digit. */
export function isHeaderLine(buf: Buffer, start: number): boolean {
  const c = (buf[start] as number) | 0x20;
  return c >= 97 && c <= 122;
}

/** Runs `onLine` over every line; kept as one place so every parser streams the same way. */
export async function runLines(chunks: AsyncIterable<Buffer>, onLine: LineHandler): Promise<number> {
  return forEachLine(chunks, onLine);
}

/**
 * The shared CSV loop: skips one header row, fixes the layout from the first data row's field count (one of
 * `layouts`), calls `row` for each data row and turns any row that fails into an error naming file, line and
 * field. `row` reads fields with the cursor and returns false when a value did not parse.
 */
export async function parseCsvRows(
  chunks: AsyncIterable<Buffer>,
  ctx: ParseContext,
  layouts: readonly (readonly string[])[],
  row: (c: ByteCursor, columns: number, buf: Buffer, lineNo: number) => boolean,
): Promise<{ readonly headerRow: boolean; readonly rows: number }> {
  const c = new ByteCursor();
  let headerRow = false;
  let names: readonly string[] | undefined;
  let rows = 0;
  await forEachLine(chunks, (buf, start, end, lineNo) => {
    if (names === undefined) {
      if (!headerRow && isHeaderLine(buf, start)) {
        headerRow = true;
        return;
      }
      const n = countFields(buf, start, end);
      names = layouts.find((l) => l.length === n);
      if (!names) throw fieldCountError(ctx.file, lineNo, n, layouts.map((l) => l.length).join(' or '), ctx.format);
    }
    c.reset(buf, start, end);
    if (!row(c, names.length, buf, lineNo) || !c.atEnd()) {
      throw diagnoseRow(ctx.file, lineNo, buf, start, end, names, c.failedAt, ctx.format);
    }
    rows++;
  });
  return { headerRow, rows };
}
