// What verify has found so far in one file: errors (file-level and per row, listed up to a cap), gaps, counters and
// warnings, gathered part by part and turned into the report's lists once. Must never judge data itself.
import type { Gap, VerifyIssue } from './verify-report.js';

/** Errors listed in a report; `errorCount` keeps the total. Enough to fix a file, small enough to print. */
export const MAX_LISTED_ERRORS = 50;

export class Findings {
  private readonly fileErrors: VerifyIssue[] = [];
  private readonly rowErrors: VerifyIssue[] = [];
  errorCount = 0;
  readonly warnings: string[] = [];
  readonly gaps: Gap[] = [];
  duplicates = 0;
  outOfOrder = 0;
  ohlcViolations = 0;
  intervalMs: number | undefined;
  /** Lines before the first data row (1 with a header row); set once the first part says. */
  headerLines = 0;

  /**
   * A problem with one row (`row`: 0-based data row of the file, turned into a 1-based file line) or, with `row`
   * undefined, with a run of rows that has no line (a capture's inner streams). Rows are reported in file order.
   */
  error(row: number | undefined, message: string): void {
    this.errorCount++;
    if (this.rowErrors.length < MAX_LISTED_ERRORS) {
      this.rowErrors.push(row === undefined ? { message } : { line: row + 1 + this.headerLines, message });
    }
  }

  /** A problem with the whole file (its symbol, its time units, its interval): listed before the row errors. */
  fileError(message: string): void {
    this.errorCount++;
    this.fileErrors.push({ message });
  }

  /** File-level errors first, then row errors in file order, at most MAX_LISTED_ERRORS. */
  listedErrors(): VerifyIssue[] {
    return [...this.fileErrors, ...this.rowErrors].slice(0, MAX_LISTED_ERRORS);
  }
}
