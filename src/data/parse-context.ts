// What every parser is given (file label, kind, format, name info, the symbol asked for) and the shared line
// loop. Must never know any one format's columns.
import type { DataKind, FileFormat, NameInfo } from './formats.js';
import { ByteCursor, countFields } from './byte-cursor.js';
import { forEachLine, type LineHandler } from './line-reader.js';
import { diagnoseRow, fieldCountError } from './row-error.js';

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
}

export function makeContext(file: string, format: FileFormat, kind: DataKind, name: NameInfo, sizeHint = 4096): ParseContext {
  return { file, format, kind, name, sizeHint, common: { file, format, kind, name } };
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
