// Checks parsed market data before anything uses it: gaps (exact missing ranges), duplicates, timestamps out of
// order, OHLC sanity, crossed quotes, broken update-id chains, mixed time units and the symbol. Run by
// `microfut data verify`, by import before caching and before every backtest. Must never modify the data.
import type { ParsedData } from './parsed.js';
import type { VerifyOptions, VerifyReport } from './verify-report.js';
import { VerifyStream } from './verify-stream.js';

export type { Gap, VerifyIssue, VerifyOptions, VerifyReport } from './verify-report.js';
export { detectIntervalMs, intervalToMs } from './verify-bars.js';

/**
 * Runs every check that applies to the data's series over columns already in memory (a whole file, or one part
 * alone with `carriedRows`). Pure: same input, same report. It is the one-part case of VerifyStream, so a file
 * verified in parts (verifyFile) gets the identical report.
 */
export function verifyParsed(data: ParsedData, options: VerifyOptions = {}): VerifyReport {
  const stream = new VerifyStream(options.symbol);
  const carried = options.carriedRows ?? 0;
  stream.push(data, carried, carried);
  return stream.finish(data);
}
