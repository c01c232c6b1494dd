// `microfut indicator <name>`: computes one indicator over a kline file and writes open time + its outputs as CSV,
// so users can compare with their charting tool. Wiring only; on bad input nothing is written.
import type { Command } from 'commander';
import { InputError } from '../../../core/errors.js';

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
}

type NumericFlag = 'period' | 'fast' | 'slow' | 'signal' | 'k' | 'kSmoothing' | 'd' | 'stdDev';
type Variant = 'talib' | 'tradingview';

/** The columns an indicator needs from the file; the batch forms accept any object with these fields. */
interface Bars {
  readonly openTimeMs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

interface IndicatorEntry {
  readonly description: string;
  readonly outputs: readonly string[];
  /** Flags this indicator reads, with their defaults. */
  readonly defaults: Partial<Record<NumericFlag, number>>;
  readonly variants: readonly Variant[];
  run(bars: Bars, p: Readonly<Record<NumericFlag, number>>, variant: Variant, outs: Float64Array[]): Promise<void>;
}

const FLAG_NAMES: Readonly<Record<NumericFlag, string>> = {
  period: '--period',
  fast: '--fast',
  slow: '--slow',
  signal: '--signal',
  k: '--k',
  kSmoothing: '--k-smoothing',
  d: '--d',
  stdDev: '--std-dev',
};

// Each entry imports its module lazily so the CLI starts fast.
const INDICATORS: Readonly<Record<string, IndicatorEntry>> = {
  sma: entry('simple moving average of the close (TA-Lib SMA)', ['sma'], { period: 20 }, async (b, p, _v, [o]) => (await import('../../../indicators/sma.js')).smaBatch(b.close, p.period, o!)),
  ema: entry('exponential moving average, SMA seed (TA-Lib EMA)', ['ema'], { period: 8 }, async (b, p, _v, [o]) => (await import('../../../indicators/ema.js')).emaBatch(b.close, p.period, o!)),
  wma: entry('linearly weighted moving average (TA-Lib WMA)', ['wma'], { period: 20 }, async (b, p, _v, [o]) => (await import('../../../indicators/wma.js')).wmaBatch(b.close, p.period, o!)),
  rsi: entry('relative strength index, Wilder smoothing (TA-Lib RSI)', ['rsi'], { period: 14 }, async (b, p, _v, [o]) => (await import('../../../indicators/rsi.js')).rsiBatch(b.close, p.period, o!)),
  trange: entry('true range (TA-Lib TRANGE)', ['true_range'], {}, async (b, _p, _v, [o]) => (await import('../../../indicators/true-range.js')).trueRangeBatch(b, o!)),
  atr: {
    ...entry('average true range, Wilder (TA-Lib ATR; --variant tradingview for ta.atr)', ['atr'], { period: 14 }, async (b, p, v, [o]) =>
      (await import('../../../indicators/atr.js')).atrBatch(b, p.period, o!, v),
    ),
    variants: ['talib', 'tradingview'],
  },
  stoch: entry('slow stochastic %K/%D (TA-Lib STOCH, SMA smoothing)', ['k', 'd'], { k: 14, kSmoothing: 3, d: 3 }, async (b, p, _v, [k, d]) =>
    (await import('../../../indicators/stochastic.js')).stochasticBatch(b, { kind: 'slow', kPeriod: p.k, kSmoothing: p.kSmoothing, dPeriod: p.d }, k!, d!),
  ),
  stochf: entry('fast stochastic %K/%D (TA-Lib STOCHF)', ['k', 'd'], { k: 14, d: 3 }, async (b, p, _v, [k, d]) =>
    (await import('../../../indicators/stochastic.js')).stochasticBatch(b, { kind: 'fast', kPeriod: p.k, dPeriod: p.d }, k!, d!),
  ),
  bbands: entry('Bollinger bands, SMA middle (TA-Lib BBANDS)', ['middle', 'upper', 'lower'], { period: 20, stdDev: 2 }, async (b, p, _v, [m, u, l]) =>
    (await import('../../../indicators/bollinger-bands.js')).bollingerBandsBatch(b.close, { period: p.period, stdDevUp: p.stdDev, stdDevDown: p.stdDev }, m!, u!, l!),
  ),
  macd: {
    ...entry('MACD line, signal and histogram (TA-Lib MACD; --variant tradingview for ta.macd)', ['macd', 'signal', 'histogram'], { fast: 12, slow: 26, signal: 9 }, async (b, p, v, [m, s, h]) =>
      (await import('../../../indicators/macd.js')).macdBatch(b.close, { fast: p.fast, slow: p.slow, signal: p.signal, variant: v }, m!, s!, h!),
    ),
    variants: ['talib', 'tradingview'],
  },
  adx: entry('ADX with +DI and -DI (TA-Lib ADX, PLUS_DI, MINUS_DI)', ['adx', 'plus_di', 'minus_di'], { period: 14 }, async (b, p, _v, [a, pl, mi]) =>
    (await import('../../../indicators/adx.js')).adxBatch(b, p.period, a!, pl!, mi!),
  ),
  stddev: entry('rolling population standard deviation of the close (TA-Lib STDDEV)', ['std_dev', 'mean'], { period: 20 }, async (b, p, _v, [s, m]) =>
    (await import('../../../indicators/rolling-std-dev.js')).rollingStdDevBatch(b.close, p.period, s!, m!),
  ),
  zscore: entry('z-score of the close against its rolling mean and deviation', ['z_score'], { period: 20 }, async (b, p, _v, [o]) =>
    (await import('../../../indicators/z-score.js')).zScoreBatch(b.close, p.period, o!),
  ),
  percentrank: entry('percent of the previous N closes at or below the close (ta.percentrank)', ['percentile_rank'], { period: 100 }, async (b, p, _v, [o]) =>
    (await import('../../../indicators/percentile-rank.js')).percentileRankBatch(b.close, p.period, o!),
  ),
};

function entry(description: string, outputs: readonly string[], defaults: IndicatorEntry['defaults'], run: IndicatorEntry['run']): IndicatorEntry {
  return { description, outputs, defaults, variants: ['talib'], run };
}

export function registerIndicator(program: Command): void {
  program
    .command('indicator')
    .description('compute an indicator over a kline file; CSV of open time and the outputs (empty cells during warm-up)')
    .argument('<name>', `one of: ${Object.keys(INDICATORS).join(', ')}`)
    .option('--data <file>', 'kline file (Binance CSV, 6 or 12 columns, plain/.gz/.zip)')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .option('--period <n>', 'window length in bars (sma 20, ema 8, wma 20, rsi 14, atr 14, bbands 20, adx 14, stddev 20, zscore 20, percentrank 100)')
    .option('--fast <n>', 'MACD fast EMA period (12)')
    .option('--slow <n>', 'MACD slow EMA period (26)')
    .option('--signal <n>', 'MACD signal EMA period (9)')
    .option('--k <n>', 'stochastic %K lookback (14)')
    .option('--k-smoothing <n>', 'slow stochastic %K smoothing (3)')
    .option('--d <n>', 'stochastic %D period (3)')
    .option('--std-dev <x>', 'Bollinger band width in standard deviations (2)')
    .option('--variant <v>', 'talib (default) or tradingview, where the definitions differ (atr, macd)')
    .action(async (name: string, flags: IndicatorFlags) => runIndicator(name, flags));
}

async function runIndicator(name: string, flags: IndicatorFlags): Promise<void> {
  const key = name.toLowerCase();
  const spec = INDICATORS[key];
  if (spec === undefined) {
    throw new InputError('INVALID_OPTION', 'indicator name', `"${name}" is not an indicator microfut knows`, `use one of: ${Object.keys(INDICATORS).join(', ')}`);
  }
  const params = parseParams(key, spec, flags);
  const variant = parseVariant(key, spec, flags.variant);
  if (flags.data === undefined) throw new InputError('MISSING_OPTION', '--data', 'is required', 'pass --data with a kline file, e.g. BTCUSDT-1m-2025-06.csv.gz');

  const { parseFile } = await import('../../../data/parse-file.js');
  const parsed = await parseFile(flags.data);
  if (parsed.series !== 'bars') {
    throw new InputError('INVALID_FILE', flags.data, `holds ${parsed.series}, not candles`, 'pass a kline (candle) file to --data');
  }
  const bars = parsed.bars;
  const n = bars.openTimeMs.length;
  const outs = spec.outputs.map(() => new Float64Array(n));
  await spec.run(bars, params, variant, outs);
  const csv = renderCsv(bars.openTimeMs, spec.outputs, outs);

  if (flags.out === undefined) {
    process.stdout.write(csv);
    return;
  }
  const { writeFileSync, renameSync } = await import('node:fs');
  // Write beside the target and rename, so an interrupted run never leaves a half-written CSV.
  const tmp = `${flags.out}.partial-${process.pid}`;
  try {
    writeFileSync(tmp, csv);
    renameSync(tmp, flags.out);
  } catch (e) {
    const { rmSync } = await import('node:fs');
    rmSync(tmp, { force: true });
    throw new InputError('INVALID_FILE', '--out', `cannot write ${flags.out} (${e instanceof Error ? e.message : String(e)})`, 'pass a path in a writable folder');
  }
  const { printKeyValues } = await import('../output.js');
  printKeyValues([
    ['indicator', key],
    ['bars', String(n)],
    ['columns', ['open_time', ...spec.outputs].join(',')],
    ['written to', flags.out],
  ]);
}

function parseParams(key: string, spec: IndicatorEntry, flags: IndicatorFlags): Readonly<Record<NumericFlag, number>> {
  const params: Record<NumericFlag, number> = { period: 0, fast: 0, slow: 0, signal: 0, k: 0, kSmoothing: 0, d: 0, stdDev: 0 };
  for (const f of Object.keys(FLAG_NAMES) as NumericFlag[]) {
    const raw = flags[f];
    const fallback = spec.defaults[f];
    if (fallback === undefined) {
      if (raw !== undefined) {
        const used = Object.keys(spec.defaults).map((x) => FLAG_NAMES[x as NumericFlag]);
        throw new InputError('INVALID_OPTION', FLAG_NAMES[f], `does not apply to ${key}`, used.length > 0 ? `${key} takes ${used.join(', ')}` : `${key} takes no parameters`);
      }
      continue;
    }
    params[f] = raw === undefined ? fallback : f === 'stdDev' ? positiveNumber(FLAG_NAMES[f], raw) : wholeNumber(FLAG_NAMES[f], raw);
  }
  return params;
}

function wholeNumber(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new InputError('INVALID_NUMBER', flag, `"${raw}" is not a whole number`, `pass ${flag} a whole number of bars such as 14`);
  const v = Number(raw);
  if (v < 1 || v > 100_000) throw new InputError('OUT_OF_RANGE', flag, `${raw} is outside 1..100000`, `pass ${flag} a number of bars from 1 to 100000`);
  return v;
}

function positiveNumber(flag: string, raw: string): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v <= 0) throw new InputError('INVALID_NUMBER', flag, `"${raw}" is not a positive number`, `pass ${flag} a number such as 2 or 2.5`);
  return v;
}

function parseVariant(key: string, spec: IndicatorEntry, raw: string | undefined): Variant {
  if (raw === undefined) return 'talib';
  if (raw !== 'talib' && raw !== 'tradingview') throw new InputError('INVALID_OPTION', '--variant', `"${raw}" is not a variant`, 'pass --variant talib or --variant tradingview');
  if (!spec.variants.includes(raw)) {
    throw new InputError('INVALID_OPTION', '--variant', `${key} has one definition only (TA-Lib and TradingView agree)`, 'leave out --variant');
  }
  return raw;
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
