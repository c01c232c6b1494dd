// The bars a run traded on, rebuilt for the reports: its candle file, resampled exactly to the run's bar interval
// (run.json `bars.interval`) by the same function the backtest used. Must never draw bars of another interval
// than the run's without saying so, nor guess an interval the files do not hold.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../core/time.js';
import type { BarColumns } from '../data/columns.js';
import { parseFile } from '../data/parse-file.js';
import { resampleBars } from '../data/resample.js';
import { barsFileOf, type RunJson } from './run-files.js';

/** Which bars a report drew and where they came from (shown in the report's header and written to its JSON). */
export interface RunBarsOrigin {
  /** The bar interval drawn, e.g. "3m": the run's own. */
  readonly interval: string;
  readonly intervalMs: number;
  /** The candle file read (as run.json or --data named it). */
  readonly file: string;
  /** The file's interval when the bars were resampled from it (src/data/resample.ts); absent when drawn as read. */
  readonly resampledFrom?: string;
}

export interface RunBars {
  /** Bars from the start of the file up to (excluding) the run's end; undefined when they could not be loaded. */
  readonly bars?: BarColumns;
  readonly origin?: RunBarsOrigin;
  /** Why there are no bars, for the report's notes. */
  readonly note?: string;
}

const UNIT_MS: Readonly<Record<string, number>> = { s: MS_PER_SECOND, m: MS_PER_MINUTE, h: MS_PER_HOUR, d: MS_PER_DAY };

/** Milliseconds of an interval written as Binance names them ("1m", "3m", "4h", "1d"), or undefined for other text. */
export function intervalMsOf(text: string): number | undefined {
  const m = /^([1-9]\d*)([smhd])$/.exec(text);
  return m === null ? undefined : Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The shortest name of a length in ms ("3m", "4h", "1d"). */
export function intervalName(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  return `${ms} ms`;
}

/**
 * The run's bar interval as run.json records it (`bars.interval`, else `config.interval`), or undefined for a run
 * written before runs recorded it (those ran on the candle file's own interval).
 */
export function runIntervalOf(run: RunJson): string | undefined {
  return run.bars?.interval ?? run.config.interval;
}

/** The smallest gap between consecutive times (the bar length), or undefined with fewer than two distinct times. */
export function smallestGapMs(times: Float64Array): number | undefined {
  let best: number | undefined;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    if (gap > 0 && (best === undefined || gap < best)) best = gap;
  }
  return best;
}

function cutBefore(b: BarColumns, toMs: number): BarColumns {
  let n = 0;
  while (n < b.length && b.openTimeMs[n]! < toMs) n++;
  const cut = (a: Float64Array): Float64Array => a.subarray(0, n);
  return { length: n, openTimeMs: cut(b.openTimeMs), open: cut(b.open), high: cut(b.high), low: cut(b.low), close: cut(b.close), volume: cut(b.volume) };
}

/**
 * Loads the bars of the run in run.json: `barsFile` (the user's --data) or the candle file the run recorded, read
 * whole and, when the run's interval is longer than the file's, resampled exactly to it with `resampleBars` (UTC
 * buckets, incomplete buckets left out), as src/backtest/bar-source.ts did for the run, so the bars are the ones
 * the strategy traded on. Then cut before `toMs`. A recorded file that is missing or cannot make the run's interval
 * gives a note; the same problem with `barsFile` is an InputError naming --data.
 */
export async function loadRunBars(run: RunJson, toMs: number, barsFile?: string): Promise<RunBars> {
  const file = barsFile ?? barsFileOf(run);
  const input = barsFile !== undefined ? `--data ${barsFile}` : file;
  if (file === undefined) return { note: 'no candles: run.json names no candle file; pass --data FILE to draw them' };
  if (!existsSync(resolve(file))) {
    if (barsFile !== undefined) throw new InputError('NOT_FOUND', `--data ${file}`, 'no such file', 'Pass the candle file the run read');
    return { note: `no candles: ${file} (from run.json, relative to the folder the backtest ran in) was not found here; pass --data FILE` };
  }
  const parsed = await parseFile(resolve(file), { label: file });
  if (parsed.series !== 'bars') throw new InputError('INVALID_FILE', input!, `holds ${parsed.series}, not candles`, 'Pass a klines file');
  const fileMs = smallestGapMs(parsed.bars.openTimeMs);
  const recorded = runIntervalOf(run);
  const runMs = recorded === undefined ? fileMs : intervalMsOf(recorded);
  if (recorded !== undefined && runMs === undefined) {
    throw new InputError('INVALID_FILE', 'run.json: bars.interval', `"${recorded}" is not a bar interval`, 'Point at a folder written by `microfut backtest --out DIR`, or run the backtest again');
  }
  if (runMs === undefined || fileMs === undefined || runMs === fileMs) {
    const intervalMs = runMs ?? fileMs ?? MS_PER_MINUTE;
    return { bars: cutBefore(parsed.bars, toMs), origin: { interval: recorded ?? intervalName(intervalMs), intervalMs, file } };
  }
  if (runMs < fileMs || runMs % fileMs !== 0 || MS_PER_DAY % runMs !== 0) {
    const problem = `holds ${intervalName(fileMs)} candles, which cannot make the run's ${intervalName(runMs)} bars`;
    if (barsFile !== undefined) throw new InputError('INVALID_FILE', input!, problem, `Pass klines of ${intervalName(runMs)} or a finer interval that divides it (e.g. 1m)`);
    return { note: `no candles: ${file} ${problem}; pass --data FILE` };
  }
  const r = resampleBars(parsed.bars, fileMs, runMs, { label: file });
  return { bars: cutBefore(r.bars, toMs), origin: { interval: intervalName(runMs), intervalMs: runMs, file, resampledFrom: intervalName(fileMs) } };
}
