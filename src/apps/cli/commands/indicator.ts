// `microfut indicator <name>`: computes one indicator over a kline file and writes open time + its outputs as CSV,
// so users can compare with their charting tool. Wiring only; every flag is checked before the file is read, and
// on bad input nothing is written.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { gridFromStep } from '../../../core/grid.js';
import { MS_PER_MINUTE } from '../../../core/time.js';
import type { BarColumns } from '../../../indicators/indicator.js';
import type { PivotMethod } from '../../../indicators/pivots.js';
import type { ProfileScope } from '../../../indicators/volume-profile.js';
import type { PeriodAnchor, PriceSource } from '../../../indicators/vwap.js';

interface IndicatorFlags {
  readonly data?: string;
  readonly out?: string;
  readonly period?: string;
  readonly fast?: string;
  readonly slow?: string;
  readonly signal?: string;
  readonly k?: string;
  readonly kSmoothing?: string;
  readonly d?: string;
  readonly stdDev?: string;
  readonly variant?: string;
  readonly anchor?: string;
  readonly bands?: string;
  readonly source?: string;
  readonly method?: string;
  readonly tick?: string;
  readonly bucketTicks?: string;
  readonly scope?: string;
  readonly valueArea?: string;
}

/** The per-indicator flags (everything but --data and --out). */
type ParamFlag = Exclude<keyof IndicatorFlags, 'data' | 'out'>;

const FLAG_NAMES: Readonly<Record<ParamFlag, string>> = {
  period: '--period',
  fast: '--fast',
  slow: '--slow',
  signal: '--signal',
  k: '--k',
  kSmoothing: '--k-smoothing',
  d: '--d',
  stdDev: '--std-dev',
  variant: '--variant',
  anchor: '--anchor',
  bands: '--bands',
  source: '--source',
  method: '--method',
  tick: '--tick',
  bucketTicks: '--bucket-ticks',
  scope: '--scope',
  valueArea: '--value-area',
};

/** An indicator with its flags parsed: the CSV column names and the batch call that fills one buffer per column. */
interface Prepared {
  readonly outputs: readonly string[];
  run(bars: BarColumns, outs: Float64Array[]): void;
}

interface IndicatorEntry {
  readonly description: string;
  /** The flags this indicator reads; any other parameter flag is refused. */
  readonly flags: readonly ParamFlag[];
  /** Checks the flags (throws InputError naming the flag) before it loads the module or reads the data file. */
  prepare(f: IndicatorFlags): Promise<Prepared>;
}

const entry = (description: string, flags: readonly ParamFlag[], prepare: IndicatorEntry['prepare']): IndicatorEntry => ({ description, flags, prepare });

// Each entry parses its flags first, then imports its module, so the CLI starts fast and a bad flag costs nothing.
const INDICATORS: Readonly<Record<string, IndicatorEntry>> = {
  sma: entry('simple moving average of the close (TA-Lib SMA)', ['period'], async (f) => {
    const p = bars(f, 'period', 20);
    const { smaBatch } = await import('../../../indicators/sma.js');
    return { outputs: ['sma'], run: (b, [o]) => smaBatch(b.close, p, o!) };
  }),
  ema: entry('exponential moving average, SMA seed (TA-Lib EMA)', ['period'], async (f) => {
    const p = bars(f, 'period', 8);
    const { emaBatch } = await import('../../../indicators/ema.js');
    return { outputs: ['ema'], run: (b, [o]) => emaBatch(b.close, p, o!) };
  }),
  wma: entry('linearly weighted moving average (TA-Lib WMA)', ['period'], async (f) => {
    const p = bars(f, 'period', 20, 2);
    const { wmaBatch } = await import('../../../indicators/wma.js');
    return { outputs: ['wma'], run: (b, [o]) => wmaBatch(b.close, p, o!) };
  }),
  rsi: entry('relative strength index, Wilder smoothing (TA-Lib RSI)', ['period'], async (f) => {
    const p = bars(f, 'period', 14, 2);
    const { rsiBatch } = await import('../../../indicators/rsi.js');
    return { outputs: ['rsi'], run: (b, [o]) => rsiBatch(b.close, p, o!) };
  }),
  trange: entry('true range (TA-Lib TRANGE)', [], async () => {
    const { trueRangeBatch } = await import('../../../indicators/true-range.js');
    return { outputs: ['true_range'], run: (b, [o]) => trueRangeBatch(b, o!) };
  }),
  atr: entry('average true range, Wilder (TA-Lib ATR; --variant tradingview for ta.atr)', ['period', 'variant'], async (f) => {
    const p = bars(f, 'period', 14);
    const v = variant(f.variant);
    const { atrBatch } = await import('../../../indicators/atr.js');
    return { outputs: ['atr'], run: (b, [o]) => atrBatch(b, p, o!, v) };
  }),
  stoch: entry('slow stochastic %K/%D (TA-Lib STOCH, SMA smoothing)', ['k', 'kSmoothing', 'd'], async (f) => {
    const o = { kind: 'slow', kPeriod: bars(f, 'k', 14), kSmoothing: bars(f, 'kSmoothing', 3), dPeriod: bars(f, 'd', 3) } as const;
    const { stochasticBatch } = await import('../../../indicators/stochastic.js');
    return { outputs: ['k', 'd'], run: (b, [k, d]) => stochasticBatch(b, o, k!, d!) };
  }),
  stochf: entry('fast stochastic %K/%D (TA-Lib STOCHF)', ['k', 'd'], async (f) => {
    const o = { kind: 'fast', kPeriod: bars(f, 'k', 14), dPeriod: bars(f, 'd', 3) } as const;
    const { stochasticBatch } = await import('../../../indicators/stochastic.js');
    return { outputs: ['k', 'd'], run: (b, [k, d]) => stochasticBatch(b, o, k!, d!) };
  }),
  bbands: entry('Bollinger bands, SMA middle (TA-Lib BBANDS)', ['period', 'stdDev'], async (f) => {
    const o = { period: bars(f, 'period', 20), stdDevUp: positive(f, 'stdDev', 2), stdDevDown: positive(f, 'stdDev', 2) };
    const { bollingerBandsBatch } = await import('../../../indicators/bollinger-bands.js');
    return { outputs: ['middle', 'upper', 'lower'], run: (b, [m, u, l]) => bollingerBandsBatch(b.close, o, m!, u!, l!) };
  }),
  macd: entry('MACD line, signal and histogram (TA-Lib MACD; --variant tradingview for ta.macd)', ['fast', 'slow', 'signal', 'variant'], async (f) => {
    const o = { fast: bars(f, 'fast', 12), slow: bars(f, 'slow', 26), signal: bars(f, 'signal', 9), variant: variant(f.variant) };
    const { macdBatch } = await import('../../../indicators/macd.js');
    return { outputs: ['macd', 'signal', 'histogram'], run: (b, [m, s, h]) => macdBatch(b.close, o, m!, s!, h!) };
  }),
  adx: entry('ADX with +DI and -DI (TA-Lib ADX, PLUS_DI, MINUS_DI)', ['period'], async (f) => {
    const p = bars(f, 'period', 14, 2);
    const { adxBatch } = await import('../../../indicators/adx.js');
    return { outputs: ['adx', 'plus_di', 'minus_di'], run: (b, [a, pl, mi]) => adxBatch(b, p, a!, pl!, mi!) };
  }),
  stddev: entry('rolling population standard deviation of the close (TA-Lib STDDEV)', ['period'], async (f) => {
    const p = bars(f, 'period', 20);
    const { rollingStdDevBatch } = await import('../../../indicators/rolling-std-dev.js');
    return { outputs: ['std_dev', 'mean'], run: (b, [s, m]) => rollingStdDevBatch(b.close, p, s!, m!) };
  }),
  zscore: entry('z-score of the close against its rolling mean and deviation', ['period'], async (f) => {
    const p = bars(f, 'period', 20);
    const { zScoreBatch } = await import('../../../indicators/z-score.js');
    return { outputs: ['z_score'], run: (b, [o]) => zScoreBatch(b.close, p, o!) };
  }),
  percentrank: entry('percent of the previous N closes at or below the close (ta.percentrank)', ['period'], async (f) => {
    const p = bars(f, 'period', 100);
    const { percentileRankBatch } = await import('../../../indicators/percentile-rank.js');
    return { outputs: ['percentile_rank'], run: (b, [o]) => percentileRankBatch(b.close, p, o!) };
  }),
  vwap: entry('anchored VWAP with standard-deviation bands (UTC day by default)', ['anchor', 'bands', 'source'], async (f) => {
    const config = { anchor: anchor(f.anchor), bandMultipliers: bandList(f.bands), source: source(f.source) };
    const { vwapBatch, vwapOutputNames } = await import('../../../indicators/vwap.js');
    return { outputs: vwapOutputNames(config.bandMultipliers.length), run: (b, outs) => vwapBatch(b, config, outs) };
  }),
  'rolling-vwap': entry('VWAP over the last N bars', ['period', 'source'], async (f) => {
    const p = bars(f, 'period', 20);
    const s = source(f.source);
    const { rollingVwapBatch } = await import('../../../indicators/rolling-vwap.js');
    return { outputs: ['vwap'], run: (b, [o]) => rollingVwapBatch(b, p, s, o!) };
  }),
  pivots: entry('pivot points from the previous UTC day or week (P, R1..R3, S1..S3; camarilla adds R4, S4)', ['method', 'period'], async (f) => {
    const config = { method: pivotMethod(f.method), period: pivotPeriod(f.period), barIntervalMs: MS_PER_MINUTE };
    const { pivotsBatch, pivotLevelNames } = await import('../../../indicators/pivots.js');
    return { outputs: pivotLevelNames(config.method), run: (b, outs) => pivotsBatch(b, config, outs) };
  }),
  'volume-profile': entry('volume profile per bar: point of control, value-area high and low', ['tick', 'bucketTicks', 'scope', 'anchor', 'valueArea'], async (f) => {
    const config = {
      tickSize: tickSize(f.tick),
      bucketTicks: bars(f, 'bucketTicks', 1),
      scope: profileScope(f.scope, f.anchor),
      valueAreaPct: f.valueArea === undefined ? 70 : percent('--value-area', f.valueArea),
    };
    const { volumeProfileBatch, VOLUME_PROFILE_OUTPUTS } = await import('../../../indicators/volume-profile.js');
    return { outputs: VOLUME_PROFILE_OUTPUTS, run: (b, outs) => volumeProfileBatch(b, config, outs) };
  }),
};

export function registerIndicator(program: Command): void {
  program
    .command('indicator')
    .description('compute an indicator over a kline file; CSV of open time and the outputs (empty cells during warm-up)')
    .argument('<name>', `one of: ${Object.keys(INDICATORS).join(', ')}`)
    .option('--data <file>', 'kline file (Binance CSV, 6 or 12 columns, plain/.gz/.zip)')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .option('--period <n>', 'window in bars (sma 20, ema 8, wma 20, rsi 14, atr 14, bbands 20, adx 14, stddev 20, zscore 20, percentrank 100, rolling-vwap 20); pivots: day or week')
    .option('--fast <n>', 'MACD fast EMA period (12)')
    .option('--slow <n>', 'MACD slow EMA period (26)')
    .option('--signal <n>', 'MACD signal EMA period (9)')
    .option('--k <n>', 'stochastic %K lookback (14)')
    .option('--k-smoothing <n>', 'slow stochastic %K smoothing (3)')
    .option('--d <n>', 'stochastic %D period (3)')
    .option('--std-dev <x>', 'Bollinger band width in standard deviations (2)')
    .option('--variant <v>', 'talib (default) or tradingview, where the definitions differ (atr, macd)')
    .option('--anchor <a>', 'vwap / volume-profile session: utc-day (default), week, session:HH (UTC hour) or custom:ISO-TIME')
    .option('--bands <list>', 'vwap band widths in standard deviations, e.g. 1,2,3 (default) or none')
    .option('--source <s>', 'vwap / rolling-vwap bar price: hlc3 (default), close, hl2 or ohlc4')
    .option('--method <m>', 'pivots: classic (default), traditional, fibonacci, camarilla or woodie')
    .option('--tick <size>', 'volume-profile: the instrument tick size, e.g. 0.1 (required)')
    .option('--bucket-ticks <n>', 'volume-profile: bucket height in ticks (1)')
    .option('--scope <s>', 'volume-profile: session (default, see --anchor) or window:N (the last N bars)')
    .option('--value-area <pct>', 'volume-profile: share of the volume in the value area, percent (70)')
    .action(async (name: string, flags: IndicatorFlags) => runIndicator(name, flags));
}

async function runIndicator(name: string, flags: IndicatorFlags): Promise<void> {
  const key = name.toLowerCase();
  const spec = INDICATORS[key];
  if (spec === undefined) {
    throw new InputError('INVALID_OPTION', 'indicator name', `"${name}" is not an indicator microfut knows`, `use one of: ${Object.keys(INDICATORS).join(', ')}`);
  }
  for (const f of Object.keys(FLAG_NAMES) as ParamFlag[]) {
    if (flags[f] !== undefined && !spec.flags.includes(f)) {
      const takes = spec.flags.map((x) => FLAG_NAMES[x]).join(', ');
      throw new InputError('INVALID_OPTION', FLAG_NAMES[f], `does not apply to ${key}`, takes === '' ? `${key} takes no parameters` : `${key} takes ${takes}`);
    }
  }
  const prepared = await spec.prepare(flags);
  if (flags.data === undefined) throw new InputError('MISSING_OPTION', '--data', 'is required', 'pass --data with a kline file, e.g. BTCUSDT-1m-2025-06.csv.gz');
  await checkReadable(flags.data);
  if (flags.out !== undefined) await checkWritable(flags.out);

  const { parseFile } = await import('../../../data/parse-file.js');
  const parsed = await parseFile(flags.data);
  if (parsed.series !== 'bars') {
    throw new InputError('INVALID_FILE', flags.data, `holds ${parsed.series}, not candles`, 'pass a kline (candle) file to --data');
  }
  const bars = parsed.bars;
  const n = bars.openTimeMs.length;
  const outs = prepared.outputs.map(() => new Float64Array(n));
  prepared.run(bars, outs);
  const csv = renderCsv(bars.openTimeMs, prepared.outputs, outs);

  if (flags.out === undefined) {
    process.stdout.write(csv);
    return;
  }
  const { writeFileSync, renameSync, rmSync } = await import('node:fs');
  // Write beside the target and rename, so an interrupted run never leaves a half-written CSV.
  const tmp = `${flags.out}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, csv);
    renameSync(tmp, flags.out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InputError('INVALID_FILE', '--out', `cannot write ${flags.out} (${errorCode(e)})`, 'pass a path in a writable folder');
  }
  const { printKeyValues } = await import('../output.js');
  printKeyValues([
    ['indicator', key],
    ['bars', String(n)],
    ['columns', ['open_time', ...prepared.outputs].join(',')],
    ['written to', flags.out],
  ]);
}

/** Refuses a --data path that is missing, not a regular file or not readable, before any parsing. */
async function checkReadable(path: string): Promise<void> {
  const { accessSync, statSync, constants } = await import('node:fs');
  try {
    if (!statSync(path).isFile()) throw new InputError('INVALID_FILE', '--data', `${path} is not a file`, 'pass --data a kline file, not a folder');
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = errorCode(e);
    if (code === 'ENOENT') throw new InputError('NOT_FOUND', '--data', `${path} does not exist`, 'check the path (relative paths start from the current folder)');
    throw new InputError('INVALID_FILE', '--data', `cannot read ${path} (${code})`, 'check the file permissions');
  }
}

/** Refuses an --out path whose folder is missing or not writable, or that names a folder, before any work. */
async function checkWritable(path: string): Promise<void> {
  const { accessSync, existsSync, statSync, constants } = await import('node:fs');
  const { dirname } = await import('node:path');
  const folder = dirname(path);
  const problem = !existsSync(folder)
    ? `the folder ${folder} does not exist`
    : !statSync(folder).isDirectory()
      ? `${folder} is not a folder`
      : existsSync(path) && statSync(path).isDirectory()
        ? `${path} is a folder`
        : undefined;
  if (problem !== undefined) throw new InputError('INVALID_FILE', '--out', `cannot write ${path}: ${problem}`, 'pass a file path in an existing, writable folder');
  try {
    accessSync(folder, constants.W_OK);
  } catch (e) {
    throw new InputError('INVALID_FILE', '--out', `cannot write into ${folder} (${errorCode(e)})`, 'pass a file path in a writable folder');
  }
}

/** The system error code (ENOENT, EACCES...) of a failed file call, for a one-line message. */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

/** A whole number of bars (or ticks) from 1 (or `min`) to 100000, or `fallback` when the flag is absent. */
function bars(f: IndicatorFlags, flag: ParamFlag, fallback: number, min = 1): number {
  const raw = f[flag];
  const name = FLAG_NAMES[flag];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new InputError('INVALID_NUMBER', name, `"${raw}" is not a whole number`, `pass ${name} a whole number such as ${fallback}`);
  const v = Number(raw);
  if (v < min || v > 100_000) throw new InputError('OUT_OF_RANGE', name, `${raw} is outside ${min}..100000`, `pass ${name} a whole number from ${min} to 100000`);
  return v;
}

function positive(f: IndicatorFlags, flag: ParamFlag, fallback: number): number {
  const raw = f[flag];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError('INVALID_NUMBER', FLAG_NAMES[flag], `"${raw}" is not a positive number`, `pass ${FLAG_NAMES[flag]} a number such as 2 or 2.5`);
  return v;
}

function percent(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !(v > 0 && v <= 100)) throw new InputError('OUT_OF_RANGE', flag, `"${raw}" is not a percentage above 0 and at most 100`, `pass ${flag} a percentage such as 70`);
  return v;
}

function variant(raw: string | undefined): 'talib' | 'tradingview' {
  if (raw === undefined || raw === 'talib' || raw === 'tradingview') return raw ?? 'talib';
  throw new InputError('INVALID_OPTION', '--variant', `"${raw}" is not a variant`, 'pass --variant talib or --variant tradingview');
}

/** `utc-day`, `week`, `session:HH` (a whole UTC hour) or `custom:<ISO time with Z or an offset, or a date>`. */
function anchor(raw: string | undefined): PeriodAnchor {
  const fix = 'pass --anchor utc-day, week, session:13 (UTC hour) or custom:2025-06-01T13:30:00Z';
  if (raw === undefined || raw === 'utc-day') return { kind: 'utc-day' };
  if (raw === 'week') return { kind: 'week' };
  if (raw.startsWith('session:')) {
    const hour = raw.slice('session:'.length);
    if (!/^\d{1,2}$/.test(hour) || Number(hour) > 23) throw new InputError('INVALID_OPTION', '--anchor', `"${hour}" is not a UTC hour 0-23`, fix);
    return { kind: 'session', startHourUtc: Number(hour) };
  }
  if (raw.startsWith('custom:')) {
    const text = raw.slice('custom:'.length);
    // A time without a zone would be read in the machine's zone; insist on UTC or an explicit offset.
    const zoned = /^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text);
    const startMs = Date.parse(text);
    if (!zoned || !Number.isSafeInteger(startMs)) throw new InputError('INVALID_OPTION', '--anchor', `"${text}" is not an ISO time with a zone (Z or +hh:mm) or a date`, fix);
    return { kind: 'custom', startMs };
  }
  throw new InputError('INVALID_OPTION', '--anchor', `"${raw}" is not an anchor`, fix);
}

function bandList(raw: string | undefined): number[] {
  if (raw === undefined) return [1, 2, 3];
  if (raw === 'none') return [];
  const parts = raw.split(',');
  return parts.map((p) => {
    const v = Number(p);
    if (p.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError('INVALID_NUMBER', '--bands', `"${p}" in "${raw}" is not a positive number`, 'pass --bands a comma-separated list such as 1,2,3, or none');
    return v;
  });
}

const SOURCES: readonly PriceSource[] = ['hlc3', 'close', 'hl2', 'ohlc4'];
function source(raw: string | undefined): PriceSource {
  if (raw === undefined) return 'hlc3';
  const s = SOURCES.find((x) => x === raw);
  if (s === undefined) throw new InputError('INVALID_OPTION', '--source', `"${raw}" is not a price source`, `pass --source ${SOURCES.join(', ')}`);
  return s;
}

const METHODS: readonly PivotMethod[] = ['classic', 'traditional', 'fibonacci', 'camarilla', 'woodie'];
function pivotMethod(raw: string | undefined): PivotMethod {
  if (raw === undefined) return 'classic';
  const m = METHODS.find((x) => x === raw);
  if (m === undefined) throw new InputError('INVALID_OPTION', '--method', `"${raw}" is not a pivot method`, `pass --method ${METHODS.join(', ')}`);
  return m;
}

function pivotPeriod(raw: string | undefined): PeriodAnchor {
  if (raw === undefined || raw === 'day') return { kind: 'utc-day' };
  if (raw === 'week') return { kind: 'week' };
  throw new InputError('INVALID_OPTION', '--period', `"${raw}" is not a pivot period`, 'pass --period day (levels from the previous UTC day) or week (from the previous week)');
}

function tickSize(raw: string | undefined): string {
  if (raw === undefined) throw new InputError('MISSING_OPTION', '--tick', 'is required for volume-profile', 'pass the instrument tick size, e.g. --tick 0.1 for BINANCE:BTCUSDT');
  if (gridFromStep(raw) === undefined) throw new InputError('INVALID_NUMBER', '--tick', `"${raw}" is not a positive decimal`, 'pass the instrument tick size, e.g. --tick 0.1');
  return raw;
}

function profileScope(raw: string | undefined, anchorRaw: string | undefined): ProfileScope {
  if (raw === undefined || raw === 'session') return { kind: 'session', anchor: anchor(anchorRaw) };
  const m = /^window:(\d+)$/.exec(raw);
  if (m === null || Number(m[1]) < 1 || Number(m[1]) > 100_000) {
    throw new InputError('INVALID_OPTION', '--scope', `"${raw}" is not a profile scope`, 'pass --scope session or window:N with N from 1 to 100000 bars');
  }
  if (anchorRaw !== undefined) throw new InputError('CONFLICTING_OPTIONS', '--anchor', 'applies only to --scope session', 'leave out --anchor with --scope window:N');
  return { kind: 'window', bars: Number(m[1]) };
}

/** CSV with open time (epoch ms) then one column per output; warm-up cells (NaN in the batch buffer) are empty. */
export function renderCsv(openTimeMs: Float64Array, names: readonly string[], outs: readonly Float64Array[]): string {
  const lines: string[] = [['open_time', ...names].join(',')];
  for (let i = 0; i < openTimeMs.length; i++) {
    let line = String(openTimeMs[i]);
    for (const o of outs) {
      const v = o[i]!;
      line += Number.isNaN(v) ? ',' : `,${String(v)}`;
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
