// The klines of a run's bar interval: files of that interval when there are any, else the finest finer klines (a
// file, a ../shared/data-like folder, or the cache) resampled exactly to it by src/data/resample.ts. Must never
// return unverified bars, bars coarser than asked, or a resampled bar that lacks any of its source bars.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import type { BarColumns } from '../data/columns.js';
import type { CacheKey } from '../data/cache.js';
import { BAR_INTERVALS, type BarInterval } from '../engine/strategy.js';
import { concatBars, parseVerified, sha256Of, type DataFileInfo, type VerifySummary } from './kline-files.js';

/** Where a run's bars came from, for run.json and the warnings. */
export interface BarOrigin {
  /** The run's bar interval, e.g. "3m". */
  readonly interval: string;
  /** Set when the bars were built by resampling finer klines; absent for klines of the run's own interval. */
  readonly resampledFrom?: {
    readonly interval: string;
    /** File names, or the cache series (`cache:binance/um/BTCUSDT/klines-1m`). */
    readonly sources: readonly string[];
    /** Open times (ms) of the run-interval buckets left out because a source bar in them is missing. */
    readonly incompleteBuckets: readonly number[];
  };
}

export interface KlineRequest {
  readonly symbol: string;
  readonly interval: BarInterval;
  /** What named the interval, for messages: '--interval', or "the strategy's data.bars". */
  readonly intervalInput: string;
  /** The flag of the data, for messages: '--data' or '--spot-data'. */
  readonly inputName: string;
  /** A kline file or a directory (absolute); undefined reads the cache. */
  readonly path?: string;
  /** The run's range (epoch ms, [fromMs, toMs)), to choose among klines of several intervals in a directory. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** The kline files of `interval` under a directory that belong to the run (its venue and market, or spot). */
  readonly pick?: (dir: string, interval: string) => Promise<string[]>;
  readonly cache?: { readonly dir: string; readonly key: Omit<CacheKey, 'interval'> };
}

export interface LoadedKlines {
  readonly cols: BarColumns;
  readonly origin: BarOrigin;
  /** The kline files read (none from the cache), in the order read. */
  readonly paths: readonly string[];
}

const MS: Readonly<Record<BarInterval, number>> = { '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '1d': 86_400_000 };

/** Milliseconds of a bar interval. */
export function barIntervalMs(interval: BarInterval): number {
  return MS[interval];
}

/**
 * The intervals whose klines can make bars of `interval`: itself first, then the finer intervals that divide it,
 * finest first (the finest klines give the same bars and, where the data has holes, lose the fewest buckets).
 */
export function sourceIntervals(interval: BarInterval): BarInterval[] {
  const target = MS[interval];
  return [interval, ...BAR_INTERVALS.filter((i) => MS[i] < target && target % MS[i] === 0)];
}

const nameOf = (ms: number): string => BAR_INTERVALS.find((i) => MS[i] === ms) ?? `${ms / 1000} s`;

/**
 * Loads the run's klines (see the module note). In a directory, the first source interval (sourceIntervals) with
 * files that reach into the run's range wins. Throws InputError naming the data flag when nothing is found, and
 * naming `intervalInput` when the data cannot make bars of the interval (it is coarser, or does not divide it).
 */
export async function loadKlines(req: KlineRequest, files: DataFileInfo[], verify: VerifySummary[]): Promise<LoadedKlines> {
  if (req.path === undefined) return loadFromCache(req, files);
  if (!statSync(req.path).isDirectory()) return commit(await readKlines([req.path], req, undefined), files, verify);
  const pick = req.pick ?? (() => Promise.resolve([]));
  let first: ReadKlines | undefined;
  for (const candidate of sourceIntervals(req.interval)) {
    const found = await pick(req.path, candidate);
    if (found.length === 0) continue;
    const read = await readKlines(found, req, candidate);
    // Klines of one interval may cover other months than finer ones beside them (e.g. 5m in October, 1m in May).
    if (overlaps(read.loaded.cols.openTimeMs, req)) return commit(read, files, verify);
    first ??= read;
  }
  if (first !== undefined) return commit(first, files, verify);
  const coarser: string[] = [];
  for (const i of BAR_INTERVALS) if (MS[i] > MS[req.interval] && (await pick(req.path, i)).length > 0) coarser.push(i);
  if (coarser.length > 0) throw cannotBuild(req, `${req.symbol} klines under ${req.path} are ${coarser.join(', ')}`, coarser[0]!);
  return notFound(req);
}

interface ReadKlines {
  readonly loaded: LoadedKlines;
  readonly files: readonly DataFileInfo[];
  readonly verify: readonly VerifySummary[];
}

function commit(read: ReadKlines, files: DataFileInfo[], verify: VerifySummary[]): LoadedKlines {
  files.push(...read.files);
  verify.push(...read.verify);
  return read.loaded;
}

/** True when some bar opens inside the request's range (its first and last buckets included). */
function overlaps(openTimeMs: Float64Array, req: KlineRequest): boolean {
  const target = MS[req.interval];
  const from = req.fromMs === undefined ? -Infinity : req.fromMs - (req.fromMs % target);
  const to = req.toMs ?? Infinity;
  for (const t of openTimeMs) if (t >= from && t < to) return true;
  return false;
}

/** Parses and verifies kline files of one interval, then resamples them to the request's interval when finer. */
async function readKlines(paths: readonly string[], req: KlineRequest, named: BarInterval | undefined): Promise<ReadKlines> {
  const files: DataFileInfo[] = [];
  const verify: VerifySummary[] = [];
  const parts: BarColumns[] = [];
  let sourceMs: number | undefined;
  for (const f of paths) {
    const { cols, summary, rows, intervalMs } = await parseVerified(f, req.symbol, 'bars');
    // A file whose interval cannot be told (a single row) is taken to be of the interval it was searched for.
    const ms = intervalMs ?? MS[named ?? req.interval];
    if (sourceMs !== undefined && ms !== sourceMs) {
      throw new InputError('INVALID_DATA', f, `holds ${nameOf(ms)} bars while ${basename(paths[0]!)} holds ${nameOf(sourceMs)} bars`, `pass klines of one interval with ${req.inputName}`);
    }
    sourceMs = ms;
    parts.push(cols as BarColumns);
    verify.push(summary);
    files.push({ path: f, sha256: await sha256Of(f), rows });
  }
  const source = sourceMs!;
  const target = MS[req.interval];
  const cols = concatBars(parts);
  if (source === target) return { loaded: { cols, origin: { interval: req.interval }, paths }, files, verify };
  if (source > target || target % source !== 0) throw cannotBuild(req, `${paths.length === 1 ? paths[0] : req.path} holds ${nameOf(source)} bars`, nameOf(source));
  const { resampleBars } = await import('../data/resample.js');
  const sources = paths.map((p) => basename(p));
  const r = resampleBars(cols, source, target, { label: sources.join(', ') });
  const origin = { interval: req.interval, resampledFrom: { interval: nameOf(source), sources, incompleteBuckets: r.incompleteBuckets } };
  return { loaded: { cols: r.bars, origin, paths }, files, verify };
}

function cannotBuild(req: KlineRequest, found: string, coarsest: string): InputError {
  return new InputError(
    'INVALID_OPTION',
    req.intervalInput,
    `${req.interval} bars cannot be built from this data: ${found}`,
    req.intervalInput === '--interval' ? `pass --interval ${coarsest} or coarser, or ${req.inputName} with ${req.interval} klines or finer (e.g. 1m)` : `pass ${req.inputName} with ${req.interval} klines or finer, or --interval ${coarsest} if the strategy accepts it`,
  );
}

function notFound(req: KlineRequest): never {
  throw new InputError(
    'NOT_FOUND',
    req.inputName,
    `no ${req.symbol}-${req.interval}-* kline file under ${req.path} (nor finer klines to resample)`,
    `pass the file itself, or a directory with ${req.symbol}-${req.interval}-*.csv[.gz] or ${req.symbol}-1m-*.csv[.gz] files`,
  );
}

async function loadFromCache(req: KlineRequest, files: DataFileInfo[]): Promise<LoadedKlines> {
  const cache = req.cache;
  if (cache === undefined) return notFound(req);
  const fromMs = req.fromMs;
  const toMs = req.toMs;
  const { readBars, seriesDir } = await import('../data/cache.js');
  const target = MS[req.interval];
  // Whole buckets only: a range cut inside a bucket would make it look incomplete.
  const range = {
    ...(fromMs !== undefined ? { fromMs: fromMs - (fromMs % target) } : {}),
    ...(toMs !== undefined ? { toMs: toMs + ((target - (toMs % target)) % target) } : {}),
  };
  let firstError: unknown;
  for (const candidate of sourceIntervals(req.interval)) {
    const key = { ...cache.key, interval: candidate };
    if (candidate !== req.interval && !existsSync(seriesDir(cache.dir, key))) continue;
    try {
      const cols = readBars(cache.dir, key, candidate === req.interval ? { ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) } : range);
      const source = `cache:${cache.key.venue}/${cache.key.market}/${cache.key.symbol}/klines-${candidate}`;
      files.push({ path: source, sha256: 'verified at import', rows: cols.length });
      if (candidate === req.interval) return { cols, origin: { interval: req.interval }, paths: [] };
      const { resampleBars } = await import('../data/resample.js');
      const r = resampleBars(cols, MS[candidate], target, { label: source });
      return { cols: r.bars, origin: { interval: req.interval, resampledFrom: { interval: candidate, sources: [source], incompleteBuckets: r.incompleteBuckets } }, paths: [] };
    } catch (e) {
      if (!(e instanceof InputError) || e.code !== 'NOT_FOUND') throw e;
      firstError ??= e;
    }
  }
  throw firstError;
}
