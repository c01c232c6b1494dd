// The one entry point for reading a market-data file: sniffs the format (name + first line), picks the parser
// and streams the file through it. Must never write anything; a file that fails to parse leaves no trace.
import { InputError } from '../core/errors.js';
import { type DataKind, type FileFormat, kindOfFormat, nameInfo, sniffFormat } from './formats.js';
import { readChunks } from './input.js';
import { makeContext, type PartPolicy } from './parse-context.js';
import { parseBookDepth } from './parse-book-depth.js';
import { parseBookTicker } from './parse-book-ticker.js';
import { parseDepth } from './parse-depth.js';
import { parseFreqtradeJson } from './parse-freqtrade.js';
import { parseFunding } from './parse-funding.js';
import { parseKlines } from './parse-klines.js';
import { parseMarkPriceStream } from './parse-mark-price.js';
import { parseTrades } from './parse-trades.js';
import { parseWsCapture } from './parse-ws-capture.js';
import type { ParsedData } from './parsed.js';

export interface ParseOptions {
  /** Overrides the sniffed format. */
  readonly format?: FileFormat;
  /** For candle files: which candle kind (klines, markPriceKlines, ...) when the path does not say. */
  readonly kind?: DataKind;
  /** How to name the file in messages (default: the path as given). */
  readonly label?: string;
  /**
   * Formats in PARTED_FORMATS only: rows are handed over in parts (at most one UTC month each, see PartPolicy) and
   * the returned columns are empty. Other formats ignore it and return whole columns.
   */
  readonly parts?: PartPolicy;
}

/** The formats that can hand over their rows in parts (`ParseOptions.parts`): every format the cache holds. */
export const PARTED_FORMATS: readonly FileFormat[] = [
  'binance-klines',
  'freqtrade-json',
  'binance-trades',
  'capture-trades',
  'binance-agg-trades',
  'recorder-agg-trades',
  'tardis-trades',
  'binance-book-ticker',
  'tardis-quotes',
  'binance-book-depth',
  'funding-rate',
  'binance-funding-rate',
  'mark-price-stream',
];

/** Reads the first line (decompressed) without reading the rest of the file. */
export async function readFirstLine(path: string): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of readChunks(path)) {
    const nl = chunk.indexOf(10);
    if (nl >= 0) {
      parts.push(chunk.subarray(0, nl));
      break;
    }
    parts.push(chunk);
    size += chunk.length;
    // A line longer than this is not a header or a CSV row; the sniffer needs only its start.
    if (size > 1 << 16) break;
  }
  return Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
}

/** Parses a whole file into columns (or in parts, see `parts`). Throws InputError (file and line named) on anything malformed. */
export async function parseFile(path: string, options: ParseOptions = {}): Promise<ParsedData> {
  const label = options.label ?? path;
  const name = nameInfo(path);
  const format = options.format ?? sniffFormat(label, await readFirstLine(path)).format;
  const klineKind = options.kind ?? name.klineKind;
  const kind = kindOfFormat(format, klineKind);
  if (options.kind && kind !== options.kind) {
    throw new InputError('CONFLICTING_OPTIONS', label, `the file holds ${kind} (${format}), not ${options.kind}`, 'pass the matching --kind or another file');
  }
  const parts = options.parts !== undefined && PARTED_FORMATS.includes(format) ? options.parts : undefined;
  const ctx = makeContext(label, format, kind, { ...name, klineKind }, 1 << 16, parts);
  const chunks = readChunks(path);
  switch (format) {
    case 'binance-klines':
      return parseKlines(chunks, ctx);
    case 'freqtrade-json':
      return parseFreqtradeJson(chunks, ctx);
    case 'binance-trades':
    case 'capture-trades':
    case 'binance-agg-trades':
    case 'recorder-agg-trades':
    case 'tardis-trades':
      return parseTrades(chunks, ctx);
    case 'binance-book-ticker':
    case 'tardis-quotes':
      return parseBookTicker(chunks, ctx);
    case 'binance-depth-rows':
    case 'tardis-book-snapshot':
    case 'tardis-incremental-l2':
    case 'bybit-orderbook':
      return parseDepth(chunks, ctx);
    case 'binance-book-depth':
      return parseBookDepth(chunks, ctx);
    case 'funding-rate':
    case 'binance-funding-rate':
      return parseFunding(chunks, ctx);
    case 'mark-price-stream':
      return parseMarkPriceStream(chunks, ctx);
    case 'ws-capture':
      return parseWsCapture(chunks, ctx);
  }
}
