// `microfut indicator <name>`: computes one indicator over a kline file and writes open time + its outputs as CSV,
// so users can compare with their charting tool. Wiring only; every flag is checked before the file is read, and
// on bad input nothing is written.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';
import { MS_PER_MINUTE } from '../../../core/time.js';
import type { BarColumns } from '../../../indicators/indicator.js';
import {
  anchor,
  bandList,
  bars,
  FLAG_NAMES,
  percent,
  pivotMethod,
  pivotPeriod,
  positive,
  profileScope,
  source,
  tickSize,
  variant,
  type IndicatorFlags,
  type ParamFlag,
} from './indicator-flags.js';

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
