// Wires one backtest: config -> instrument and strategy -> verified data -> SimulatedVenue -> Engine, then drives the
// bars through both (the venue first, so a strategy sees a bar only after the venue processed it) and summarises.
// Must never write files (outputs.ts does) nor print (the CLI does): progress goes through a callback.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { moneyFromText, type Money } from '../core/money.js';
import type { Registry } from '../domain/registry.js';
import type { InstrumentSpec } from '../domain/instrument.js';
import { Engine, type EngineResult } from '../engine/engine.js';
import { parseParams } from '../engine/strategy-params.js';
import { acceptsInterval, type BarInterval, type StrategyDefinition } from '../engine/strategy.js';
import { barIntervalMs } from './bar-source.js';
import { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import { timeOf, type BacktestConfig } from './backtest-config.js';
import type { FillConfig } from '../venues/simulated/sim-config.js';
import { cacheVenueMarket, loadBacktestData, loadSpot, type DataFileInfo, type LoadedData, type LoadRequest, type VerifySummary } from './load-data.js';
import { driveBars, driveQuotes, driveTrades } from './drive.js';
import { loadFundingMarks } from './funding-marks.js';
import { loadMarkBars } from './mark-bars.js';
import { loadQuoteData, type LoadedQuotes } from './load-quotes.js';
import { loadTradeData, type LoadedTrades } from './load-trades.js';
import { loadStrategy } from './strategy-loader.js';
import { summarize, type BacktestSummary } from './summary.js';

/** The mark sources of a run, in words, for run.json. */
export interface RunMarks {
  readonly funding: string;
  readonly liquidation: string;
}

export interface BacktestHooks {
  /** Called once the data is loaded and verified, before the run. */
  onData?(data: LoadedData): void;
  /** Called every PROGRESS_EVERY (drive.ts) bars or trades, and at the end. */
  onProgress?(barsDone: number, barsTotal: number): void;
}

export interface BacktestDeps {
  readonly registry: Registry;
  readonly cacheDir: string;
}

export interface BacktestRun {
  readonly config: BacktestConfig;
  readonly runId: string;
  readonly spec: InstrumentSpec;
  readonly strategy: { readonly name: string; readonly origin: string; readonly params: Readonly<Record<string, unknown>> };
  /** The bar interval the strategy ran on: its declared one, or the --interval it accepts. */
  readonly interval: BarInterval;
  readonly data: LoadedData;
  readonly result: EngineResult;
  readonly summary: BacktestSummary;
  /** What the venue's models assumed (fill model, mark source, funding), for run.json and the report. */
  readonly models: readonly string[];
  /** Which price stood for the mark price in funding and in liquidation checks. */
  readonly marks: RunMarks;
  readonly warnings: readonly string[];
}

/** Runs a validated config. Throws InputError for anything the user can fix; nothing is written. */
export async function runBacktest(config: BacktestConfig, deps: BacktestDeps, hooks: BacktestHooks = {}): Promise<BacktestRun> {
  const spec = deps.registry.get(config.instrument);
  const strategy = await loadStrategy(config.strategy);
  const params = parseParams(strategy.definition.params, config.params);
  const startingBalance = moneyFromText(config.equity);
  if (startingBalance === undefined || startingBalance <= 0) throw new InputError('OUT_OF_RANGE', '--equity', `${config.equity} is not a positive amount`, 'give a starting balance above 0');
  const interval = runInterval(strategy.definition, config);
  const request = {
    spec,
    interval,
    ...(config.interval !== undefined ? { intervalInput: '--interval' } : {}),
    ...(config.data !== undefined ? { data: config.data } : {}),
    ...(config.fundingFile !== undefined ? { fundingFile: config.fundingFile } : {}),
    fundingOn: config.funding === 'on',
    ...(config.from !== undefined ? { fromMs: timeOf(config.from) } : {}),
    ...(config.to !== undefined ? { toMs: timeOf(config.to) } : {}),
    cacheDir: deps.cacheDir,
  };
  const loaded = await withMarkBars(await withFundingMarks(await loadFor(config, request), config, spec), config, spec);
  const data = strategy.definition.data.spot === true ? await withSpot(loaded, config, spec, interval, strategy.definition.name) : loaded;
  hooks.onData?.(data);
  const runId = runIdOf(config, data);
  const venue = new SimulatedVenue({
    instruments: [{ spec, ...(data.funding !== undefined ? { funding: data.funding } : {}) }],
    config: {
      fill: fillOf(config),
      latency: config.latencyMs > 0 ? { kind: 'constant', ms: config.latencyMs } : { kind: 'none' },
      positionMode: config.positionMode,
      marginMode: config.marginMode,
      leverage: config.leverage,
      fees: {
        ...(config.feeMakerPct !== undefined ? { maker: config.feeMakerPct / 100 } : {}),
        ...(config.feeTakerPct !== undefined ? { taker: config.feeTakerPct / 100 } : {}),
      },
      funding: config.funding,
      startingBalance: config.equity,
    },
  });
  const engine = new Engine({
    venue,
    // The strategy sees the fees the venue charges: the instrument's, or the --fee-* overrides.
    instruments: [
      {
        ...spec,
        fees: {
          maker: config.feeMakerPct !== undefined ? config.feeMakerPct / 100 : spec.fees.maker,
          taker: config.feeTakerPct !== undefined ? config.feeTakerPct / 100 : spec.fees.taker,
        },
      },
    ],
    bars: data.bars,
    barIntervalMs: data.intervalMs,
    strategy: strategy.definition,
    params,
    startingBalance: startingBalance as Money,
    seed: config.seed,
    runId,
    source: 'backtest',
    ...(data.spot !== undefined ? { spot: data.spot } : {}),
    ...(data.funding !== undefined ? { funding: data.funding } : {}),
    leverage: config.leverage,
  });
  if ('tickTrades' in data) driveTrades(venue, engine, data as LoadedTrades, hooks.onProgress);
  else if ('tickQuotes' in data) driveQuotes(venue, engine, data as LoadedQuotes, hooks.onProgress);
  else driveBars(venue, engine, data.markBars === undefined ? data.bars : { ...data.bars, mark: data.markBars.columns }, hooks.onProgress);
  const result = engine.finish();
  const warnings = [...data.warnings];
  const venueBalance = venue.snapshotNow().balance;
  if (venueBalance !== result.ledger.balanceMoney) {
    warnings.push(`the engine's balance (${result.ledger.balanceMoney} units) differs from the venue's (${venueBalance}): a bookkeeping bug, please report it`);
  }
  return {
    config,
    runId,
    spec,
    strategy: { name: strategy.definition.name, origin: strategy.origin, params },
    interval,
    data,
    result,
    summary: summarize(result),
    models: venue.describeModels(),
    marks: marksOf(config, data),
    warnings,
  };
}

/**
 * The run's bar interval: --interval when the strategy accepts it (data.bars or data.acceptsBars), else the strategy's
 * data.bars. Refuses, naming --interval, one the strategy does not accept or the trade tape cannot make bars of.
 */
export function runInterval(definition: StrategyDefinition, config: Pick<BacktestConfig, 'interval' | 'fill'>): BarInterval {
  const data = definition.data;
  const wanted = config.interval;
  if (wanted === undefined) return data.bars;
  if (!acceptsInterval(data, wanted)) {
    const accepted = data.acceptsBars === undefined ? `${data.bars} bars only` : `${[data.bars, ...(data.acceptsBars as readonly string[]).filter((i) => i !== data.bars)].join(', ')} bars only`;
    throw new InputError('INVALID_OPTION', '--interval', `strategy ${definition.name} runs on ${accepted}, not ${wanted}`, `drop --interval to run it on ${data.bars} bars, or declare data.acceptsBars in the strategy`);
  }
  // tradesToTimeBars (src/data/resample.ts) builds bars that divide an hour.
  if (config.fill === 'trades' && barIntervalMs(wanted) > 3_600_000) {
    throw new InputError('INVALID_OPTION', '--interval', `--fill trades builds bars of up to 1h from the tape, not ${wanted}`, 'pick --interval 1h or finer, or --fill bar');
  }
  return wanted;
}

function loadFor(config: BacktestConfig, request: LoadRequest): Promise<LoadedData> {
  switch (config.fill) {
    case 'bar':
      return loadBacktestData(request);
    case 'trades':
      return loadTradeData(request);
    case 'quotes':
      return loadQuoteData(request);
  }
}

function fillOf(config: BacktestConfig): FillConfig {
  switch (config.fill) {
    case 'bar':
      return { kind: 'bar', intrabar: config.intrabar, limitFill: config.limitFill };
    case 'trades':
      return { kind: 'trades', queue: config.queue, slippageTicks: config.slippageTicks };
    case 'quotes':
      return { kind: 'quotes' };
  }
}

/** Adds each funding settlement's mark from mark-price klines (--mark-file, or found beside --data), when there are any. */
async function withFundingMarks(data: LoadedData, config: BacktestConfig, spec: InstrumentSpec): Promise<LoadedData> {
  if (data.funding === undefined) return data;
  const files = [...data.files];
  const verify = [...data.verify];
  const warnings = [...data.warnings];
  const marks = await loadFundingMarks(
    { spec, funding: data.funding, ...(config.markFile !== undefined ? { markFile: config.markFile } : {}), ...(config.data !== undefined ? { data: config.data } : {}) },
    files,
    verify,
    warnings,
  );
  if (marks === undefined) return data;
  return { ...data, funding: marks.funding, files, verify, warnings, fundingMarks: { known: marks.known, source: marks.source } };
}

/**
 * Adds each bar's mark-price kline for liquidation (bar fills only): mark klines of the run's interval from
 * --mark-file or beside --data (mark-bars.ts). A --mark-file that serves neither funding nor liquidation is a warning.
 */
async function withMarkBars(data: LoadedData, config: BacktestConfig, spec: InstrumentSpec): Promise<LoadedData> {
  const unused = (why: string): LoadedData =>
    config.markFile !== undefined && data.fundingMarks === undefined ? { ...data, warnings: [...data.warnings, `--mark-file is not used: ${why}`] } : data;
  if (config.fill !== 'bar') return unused(`the run has no funding settlements, and liquidation reads a mark series only with --fill bar`);
  const files = [...data.files];
  const verify = [...data.verify];
  const warnings = [...data.warnings];
  const marks = await loadMarkBars(
    { spec, bars: data.bars, intervalMs: data.intervalMs, ...(config.markFile !== undefined ? { markFile: config.markFile } : {}), ...(config.data !== undefined ? { data: config.data } : {}) },
    files,
    verify,
    warnings,
  );
  if (marks === undefined) return unused(`the run has no funding settlements, and its klines are not of the run's interval (liquidation needs the mark kline of each bar)`);
  return { ...data, files, verify, warnings, markBars: marks };
}

/** Which price stood for the mark, for funding and for liquidation (run.json `marks`). */
function marksOf(config: BacktestConfig, data: LoadedData): RunMarks {
  const proxy = { bar: 'bar prices', trades: 'the last trade price', quotes: 'the bid/ask mid' }[config.fill];
  const m = data.fundingMarks;
  const funding =
    data.funding === undefined
      ? 'no funding charged'
      : m === undefined
        ? `mark proxy: ${config.fill === 'bar' ? "the open of the bar at the settlement" : proxy}`
        : `mark-price klines ${m.source} (${m.known} of ${data.funding.length} settlements; the rest: the mark proxy)`;
  const mb = data.markBars;
  const liquidation =
    mb !== undefined
      ? `mark-price klines ${mb.source} (${mb.matched} of ${data.bars.length} bars: the mark kline's low for longs, high for shorts${mb.matched < data.bars.length ? "; the rest: the bar's adverse extreme" : ''})`
      : `mark proxy: ${config.fill === 'bar' ? "each bar's adverse extreme (low for longs, high for shorts)" : proxy} (no mark series of the bars' interval)`;
  return { funding, liquidation };
}

/**
 * Adds the spot series a strategy declared (`data.spot`): from --spot-data (its errors stop the run), else from the
 * --data directory (none there is a warning: the strategy runs without it and says what it does then).
 */
async function withSpot(data: LoadedData, config: BacktestConfig, spec: InstrumentSpec, interval: string, name: string): Promise<LoadedData> {
  const dataIsDir = config.data !== undefined && existsSync(config.data) && statSync(config.data).isDirectory();
  const source = config.spotData ?? (dataIsDir ? config.data : undefined);
  const missing = `strategy ${name} reads the spot series, but the run has none`;
  if (source === undefined) return { ...data, warnings: [...data.warnings, `${missing}: pass --spot-data FILE, or --data DIR holding spot klines`] };
  const files: DataFileInfo[] = [];
  const verify: VerifySummary[] = [];
  const warnings: string[] = [];
  try {
    const spot = await loadSpot(source, spec.symbol, interval, data.bars, files, verify, warnings, cacheVenueMarket(spec).venue);
    return { ...data, files: [...data.files, ...files], verify: [...data.verify, ...verify], warnings: [...data.warnings, ...warnings], spot };
  } catch (e) {
    if (config.spotData !== undefined || !(e instanceof InputError)) throw e;
    return { ...data, warnings: [...data.warnings, `${missing}: ${e.problem}`] };
  }
}

/** A run id from the config and the data checksums: the same inputs always give the same id. */
function runIdOf(config: BacktestConfig, data: LoadedData): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ ...config, out: undefined, json: undefined }));
  for (const f of data.files) h.update(f.sha256);
  return `bt-${h.digest('hex').slice(0, 12)}`;
}
