// Verifies one market-data file from disk in bounded memory: the parser hands its rows over in parts and a
// VerifyStream checks each part as it comes, so a file bigger than memory can be checked. Must never write anything.
import { InputError } from '../core/errors.js';
import { type FileFormat, sniffFormat } from './formats.js';
import { DEFAULT_PART_ROWS, type PartPolicy } from './parse-context.js';
import { PARTED_FORMATS, parseFile, readFirstLine } from './parse-file.js';
import { verifyParsed, type VerifyReport } from './verify.js';
import { VerifyStream } from './verify-stream.js';

export interface VerifyFileOptions {
  /** The symbol the file must hold (in its name and rows). */
  readonly symbol?: string;
  /** Rows a part holds at most (default DEFAULT_PART_ROWS, 262,144); memory is about one part, whatever the file. */
  readonly partRows?: number;
}

export interface VerifiedFile {
  readonly report: VerifyReport;
  /**
   * How the file was read in parts: how many, and the most rows one held (carried rows included). Undefined when
   * it was read whole: order-book event files and websocket captures, whose checks need the whole file.
   */
  readonly parts?: { readonly count: number; readonly maxRows: number };
}

/** True for the formats verifyFile reads in parts: every format parseFile can cut. */
export function verifiesInParts(format: FileFormat): boolean {
  return PARTED_FORMATS.includes(format);
}

/**
 * Parses and verifies `path`. The report equals `verifyParsed(await parseFile(path))` exactly (same counts, gaps,
 * errors and lines), but for every format but depth events and captures only one part of `partRows` rows is in
 * memory at a time. Throws InputError (file and line named) when the file cannot be read or parsed; a row that
 * parses but is wrong (a duplicate, a gap, high < low) is in the report instead.
 */
export async function verifyFile(path: string, options: VerifyFileOptions = {}): Promise<VerifiedFile> {
  const maxRows = options.partRows ?? DEFAULT_PART_ROWS;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new InputError('INVALID_OPTION', 'partRows', `is ${maxRows}, expected a whole number of rows >= 1`, 'pass a positive integer such as 262144');
  }
  const format = sniffFormat(path, await readFirstLine(path)).format;
  if (!verifiesInParts(format)) return { report: verifyParsed(await parseFile(path, { format }), options.symbol ? { symbol: options.symbol } : {}) };
  const stream = new VerifyStream(options.symbol);
  const stats = { count: 0, maxRows: 0 };
  const parts: PartPolicy = {
    maxRows,
    onPart: (part, firstRow, carried) => {
      stats.count++;
      stats.maxRows = Math.max(stats.maxRows, part.rows);
      stream.push(part, firstRow, carried);
    },
  };
  const data = await parseFile(path, { format, parts });
  return { report: stream.finish(data), parts: stats };
}
