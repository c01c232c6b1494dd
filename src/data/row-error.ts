// Builds the errors a data file's content can cause, always naming file and line, what was found and what was
// expected. Must never be used for bugs (those are InvariantError).
import { InputError } from '../core/errors.js';
import { countFields } from './byte-cursor.js';

/** An error in one row: `file:line: problem. fix`. */
export function rowError(file: string, lineNo: number, problem: string, fix: string): InputError {
  return new InputError('INVALID_DATA', `${file}:${lineNo}`, problem, fix);
}

/** A row whose field count differs from the format's. */
export function fieldCountError(file: string, lineNo: number, found: number, expected: string, format: string): InputError {
  return rowError(
    file,
    lineNo,
    `the row has ${found} field${found === 1 ? '' : 's'}, expected ${expected} (${format})`,
    'the file is damaged or not of this format: download it again or pass the right --kind',
  );
}

/** A field that is not the number it should be. */
export function badFieldError(file: string, lineNo: number, field: string, found: string, expected: string): InputError {
  return rowError(
    file,
    lineNo,
    `field ${field} is "${found.length > 40 ? `${found.slice(0, 40)}...` : found}", expected ${expected}`,
    'the file is damaged: download it again',
  );
}

/**
 * Explains why a CSV row did not parse: a wrong field count, or the first field that is not what `names` says.
 * Slow path only (runs once, on the row that failed).
 */
export function diagnoseRow(
  file: string,
  lineNo: number,
  buf: Buffer,
  start: number,
  end: number,
  names: readonly string[],
  failedAt: number,
  format: string,
): InputError {
  const found = countFields(buf, start, end);
  if (found !== names.length) return fieldCountError(file, lineNo, found, String(names.length), format);
  if (failedAt >= start) {
    const index = countFields(buf, start, failedAt) - 1;
    let stop = failedAt;
    while (stop < end && buf[stop] !== 44) stop++;
    const text = buf.toString('latin1', failedAt, stop);
    return badFieldError(file, lineNo, names[index] ?? `#${index + 1}`, text, 'a decimal number');
  }
  return rowError(file, lineNo, 'a value is not a finite number', 'the file is damaged: download it again');
}
